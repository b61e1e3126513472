package axa

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/internal/testutil"
)

// assertNoCanary fails when s holds one of the test's secrets.
func assertNoCanary(t *testing.T, what, s string) {
	t.Helper()
	for _, canary := range []string{testClientSecret, testPassword, tokenPrefix, refreshPrefix} {
		if strings.Contains(s, canary) {
			t.Errorf("%s reveals a secret (%s…): %s", what, canary[:10], s)
		}
	}
}

// formats renders v with every verb a caller might use.
func formats(v any) string {
	return fmt.Sprintf("%v|%+v|%#v|%s|%q|%d|%x", v, v, v, v, v, v, v)
}

// Every flow that handles a secret, with debug logging on: the client
// secret, the password, access and refresh tokens must never appear in the
// logs, the errors or the formatted values.
func TestSecretsNeverLeak(t *testing.T) {
	logs := &testutil.Buffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx := context.Background()
	var seen []any

	check := func(what string, err error) {
		t.Helper()
		if err != nil {
			assertNoCanary(t, what+" error", err.Error())
			assertNoCanary(t, what+" error formatted", formats(err))
			var e *Error
			if errors.As(err, &e) {
				assertNoCanary(t, what+" *Error", formats(*e))
			}
		}
	}

	// Client credentials: a success, a refused token (401 invalid_token
	// twice), a 403 and a refused client.
	f := newFakeAPI(t)
	c := newTestClient(t, f, newFakeClock(), WithLogger(logger), WithRetryOptions(RetryOptions{MaxAttempts: 2}))
	_, err := c.ListCountries(ctx, nil)
	check("list", err)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, r *http.Request, _ int) bool {
			switch r.URL.Path {
			case "/travel/v1/countries/alerts":
				w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="`+ScopeAlerts+`"`)
				writeJSON(w, http.StatusForbidden, map[string]any{"status_code": 403, "error": "insufficient_scope"})
			default:
				w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
				writeJSON(w, http.StatusUnauthorized, map[string]any{"status_code": 401, "error": "invalid_token", "error_description": "echo " + r.Header.Get("Authorization")})
			}
			return true
		}
	})
	_, err = c.ListCountries(ctx, nil)
	if err == nil {
		t.Fatal("want a 401 error")
	}
	// The API's own description may echo what it was sent; the error's
	// Body and Description carry the server's words. The client's words
	// (its message) must not add secrets of its own.
	var e *Error
	if errors.As(err, &e) {
		e.Description, e.Body = "", ""
		check("401", e)
	}
	_, err = c.ListAlerts(ctx, nil)
	check("403", err)
	seen = append(seen, c)

	bad, err := NewClient(WithoutEnvironment(), WithBaseURL(f.URL()), withClock(newFakeClock()), WithLogger(logger),
		WithClientCredentials(testClientID, testClientSecret+"-wrong"))
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	_, err = bad.ListCountries(ctx, nil)
	check("invalid_client", err)
	seen = append(seen, bad)

	// Password grant, refused then accepted.
	p := newFakeAPI(t)
	p.set(func(p *fakeAPI) {
		p.tokenFn = func(w http.ResponseWriter, _ *http.Request, n int) bool {
			if n == 1 {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "bad password"})
				return true
			}
			return false
		}
	})
	pc, err := NewClient(WithoutEnvironment(), WithBaseURL(p.URL()), withClock(newFakeClock()), WithLogger(logger),
		WithPassword(testClientID, testClientSecret, testUsername, testPassword), WithTokenOptions(TokenOptions{FailureCooldown: 1}))
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	_, err = pc.ListCountries(ctx, nil)
	check("password refused", err)
	_, err = pc.ListCountries(ctx, nil)
	check("password", err)
	seen = append(seen, pc)

	// Authorization code: the request, its exchange and a token.
	a := newFakeAPI(t)
	var events []string
	as := newAuthServer(a, &events)
	ac := newAuthCodeClient(t, a, newFakeClock(), &events, WithLogger(logger))
	req, err := ac.AuthCodeURL(t.Context(), ScopeCountries)
	if err != nil {
		t.Fatal(err)
	}
	code, state := as.authorize(t, req.URL)
	tok, err := ac.Exchange(ctx, req, state, code)
	if err != nil {
		t.Fatal(err)
	}
	seen = append(seen, ac, req, *req, tok, *tok)
	logger.Info("values", "client", ac, "token", tok, "request", req)

	for i, v := range seen {
		assertNoCanary(t, fmt.Sprintf("value %d (%T)", i, v), formats(v))
	}
	assertNoCanary(t, "logs", logs.String())
	if !strings.Contains(logs.String(), `"path":"/travel/v1/countries"`) || !strings.Contains(logs.String(), `"attempt":`) {
		t.Errorf("the debug log does not record requests: %s", logs.String())
	}
	if tok.AccessToken() == "" || !strings.HasPrefix(tok.AccessToken(), tokenPrefix) {
		t.Errorf("Token.AccessToken() = %q: the secret must stay reachable on purpose", tok.AccessToken())
	}
}
