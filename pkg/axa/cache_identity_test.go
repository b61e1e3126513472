package axa

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/internal/testutil"
)

// A client's cache identity depends on who asks and with which scopes, and
// on nothing secret: the same for two clients of the same identity
// whatever their secrets, different for another client, user, scope set or
// grant, different for every authorization code client, and never holding
// the client ID or the user in clear.
func TestCacheIdentity(t *testing.T) {
	identity := func(opts ...Option) string {
		t.Helper()
		cfg, err := buildConfig(append([]Option{WithoutEnvironment()}, opts...))
		if err != nil {
			t.Fatal(err)
		}
		return cfg.cacheIdentity()
	}
	const id, user = "client-id-canary", "user-canary"
	base := identity(WithClientCredentials(id, "secret-1"))
	if got := identity(WithClientCredentials(id, "secret-2")); got != base {
		t.Errorf("the secret changed the identity: %s, %s", base, got)
	}
	if got := identity(WithClientCredentials(id, "s"), WithScopes(ScopeQuotes, ScopeCountries, ScopeQuotes)); got != identity(WithClientCredentials(id, "s"), WithScopes(ScopeCountries, ScopeQuotes)) {
		t.Errorf("the order or repetition of the scopes changed the identity")
	}
	alice := identity(WithPassword(id, "s", user, "pw-1"))
	if got := identity(WithPassword(id, "s", user, "pw-2")); got != alice {
		t.Errorf("the password changed the identity")
	}
	seen := map[string]string{"client credentials": base}
	for name, got := range map[string]string{
		"another client":       identity(WithClientCredentials(id+"2", "secret-1")),
		"WithScopes":           identity(WithClientCredentials(id, "secret-1"), WithScopes(ScopeQuotes)),
		"password user":        alice,
		"another user":         identity(WithPassword(id, "s", user+"2", "pw")),
		"authorization code":   identity(WithAuthorizationCode(id, "s", "http://127.0.0.1/cb")),
		"authorization code 2": identity(WithAuthorizationCode(id, "s", "http://127.0.0.1/cb")),
		"no credentials":       identity(),
	} {
		for other, v := range seen {
			if v == got {
				t.Errorf("%s has the identity of %s", name, other)
			}
		}
		seen[name] = got
		if strings.Contains(got, id) || strings.Contains(got, user) {
			t.Errorf("%s: identity %q holds the client ID or the user", name, got)
		}
	}
}

// A client whose secret or password the token endpoint refuses, sharing a
// Cache with a client of the same identity (client ID, user, scopes), gets
// the token endpoint's refusal, not the answers the good client stored
// and that are still fresh: a fresh answer is served only to a client
// that holds a valid token of the operation's scope. The good client
// still gets its fresh answers without a request of any kind, and
// another good client of its identity gets them for one token request.
func TestSharedCacheServesNoClientTheTokenEndpointRefuses(t *testing.T) {
	const wrongSecret, wrongPassword = "CANARY-wrong-secret-51ce", "CANARY-wrong-password-0d2a"
	e, clk := newETagAPI(t), newFakeClock()
	e.set(func(f *fakeAPI) {
		f.tokenFn = func(w http.ResponseWriter, _ *http.Request, n int) bool {
			form := f.TokenRequests()[n-1].Form
			if form.Get("grant_type") == "password" && (form.Get("username") != testUsername || form.Get("password") != testPassword) {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "wrong user or password"})
				return true
			}
			return false // the default: Basic client authentication, then a token
		}
	})
	shared := NewMemoryCache(0)
	for _, tc := range []struct {
		name      string
		good, bad []Option
		code      string
	}{
		{"client credentials", []Option{WithClientCredentials(testClientID, testClientSecret)},
			[]Option{WithClientCredentials(testClientID, wrongSecret)}, "invalid_client"},
		{"password", []Option{WithPassword(testClientID, testClientSecret, testUsername, testPassword)},
			[]Option{WithPassword(testClientID, testClientSecret, testUsername, wrongPassword)}, "invalid_grant"},
		{"password, wrong secret", []Option{WithPassword(testClientID, testClientSecret, testUsername, testPassword)},
			[]Option{WithPassword(testClientID, wrongSecret, testUsername, testPassword)}, "invalid_client"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			good := newClientOf(t, e.fakeAPI, clk, append(tc.good, WithCache(shared))...)
			_ = listLabel(t, good, "")
			apiBefore, tokBefore := len(e.APIRequests()), len(e.TokenRequests())

			logs := &testutil.Buffer{}
			bad := newClientOf(t, e.fakeAPI, clk, append(tc.bad, WithCache(shared), WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))...)
			got, err := bad.ListCountries(t.Context(), nil)
			_ = bad.Close() // its token fetch has logged once Close returns
			if err == nil {
				t.Fatalf("a client the token endpoint refuses got %v from the shared cache; want the refusal", got)
			}
			if te := asTokenError(t, err); te.Code != tc.code || !errors.Is(err, ErrUnauthorized) {
				t.Errorf("the refused client: %v (code %q), want %s matching ErrUnauthorized", err, te.Code, tc.code)
			}
			for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), logs.String()} {
				if strings.Contains(s, wrongSecret) || strings.Contains(s, wrongPassword) {
					t.Errorf("the refusal shows the secret or password: %s", s)
				}
			}
			if n := len(e.APIRequests()) - apiBefore; n != 0 {
				t.Errorf("the refused client made %d API requests, want none", n)
			}
			if n := len(e.TokenRequests()) - tokBefore; n != 1 {
				t.Errorf("the refused client made %d token requests, want 1", n)
			}

			apiBefore, tokBefore = len(e.APIRequests()), len(e.TokenRequests())
			_ = listLabel(t, good, "")
			if a, k := len(e.APIRequests())-apiBefore, len(e.TokenRequests())-tokBefore; a != 0 || k != 0 {
				t.Errorf("the good client's fresh answer cost %d API and %d token requests, want none", a, k)
			}
			other := newClientOf(t, e.fakeAPI, clk, append(tc.good, WithCache(shared))...)
			_ = listLabel(t, other, "")
			if a, k := len(e.APIRequests())-apiBefore, len(e.TokenRequests())-tokBefore; a != 0 || k != 1 {
				t.Errorf("another good client of the identity: %d API and %d token requests, want 0 and 1", a, k)
			}
		})
	}
}
