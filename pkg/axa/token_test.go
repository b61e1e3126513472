package axa

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/oauth2"

	"github.com/axa-assistance-go/axa/gen"
)

// basicAuth decodes the client credentials of an Authorization header.
func basicAuth(h string) (id, secret string, ok bool) {
	r := http.Request{Header: http.Header{"Authorization": {h}}}
	id, secret, ok = r.BasicAuth()
	if !ok {
		return "", "", false
	}
	// x/oauth2 form-escapes both before encoding them (RFC 6749 2.3.1).
	id, err1 := url.QueryUnescape(id)
	secret, err2 := url.QueryUnescape(secret)
	return id, secret, err1 == nil && err2 == nil
}

// checkClientAuth asserts that every token request authenticated the client
// with HTTP Basic and never put the client secret in its body.
func checkClientAuth(t *testing.T, reqs []tokenRequest) {
	t.Helper()
	for i, r := range reqs {
		if strings.Contains(r.Body, testClientSecret) || r.Form.Has("client_secret") {
			t.Errorf("token request %d carries the client secret in its body", i+1)
		}
		id, secret, ok := basicAuth(r.Authorization)
		if !ok || id != testClientID || secret != testClientSecret {
			t.Errorf("token request %d does not authenticate the client with HTTP Basic (ok=%v id=%q)", i+1, ok, id)
		}
	}
}

// 1. A cold cache under contention fetches one token for everyone.
func TestTokenSingleFlightUnderContention(t *testing.T) {
	f := newFakeAPI(t)
	gate, release := releaseOnCleanup(t)
	entered := make(chan struct{}, 1)
	f.set(func(f *fakeAPI) {
		f.tokenFn = func(_ http.ResponseWriter, r *http.Request, _ int) bool {
			select {
			case entered <- struct{}{}:
			default:
			}
			select {
			case <-gate:
			case <-r.Context().Done():
			}
			return false
		}
	})
	c := newTestClient(t, f, newFakeClock())

	const n = 100
	var started, done sync.WaitGroup
	errs := make(chan error, n)
	started.Add(n)
	done.Add(n)
	for range n {
		go func() {
			defer done.Done()
			started.Done()
			_, err := c.ListCountries(context.Background(), nil)
			errs <- err
		}()
	}
	started.Wait()
	select {
	case <-entered:
	case <-time.After(guard):
		t.Fatal("no token request reached the endpoint")
	}
	release()
	done.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a concurrent call failed: %v", err)
		}
	}
	if got := len(f.TokenRequests()); got != 1 {
		t.Fatalf("%d concurrent calls on a cold cache made %d token requests, want 1", n, got)
	}
	if got := len(f.APIRequests()); got != n {
		t.Fatalf("API requests = %d, want %d", got, n)
	}
}

// 2. Transient token endpoint failures are retried with backoff.
func TestTokenFetchRetriesTransientFailures(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.tokenFn = func(w http.ResponseWriter, _ *http.Request, n int) bool {
			if n <= 2 {
				w.WriteHeader(http.StatusServiceUnavailable)
				return true
			}
			return false
		}
	})
	clk := newFakeClock()
	c := newTestClient(t, f, clk)
	if _, err := c.ListCountries(context.Background(), nil); err != nil {
		t.Fatalf("the call failed although the third token request succeeds: %v", err)
	}
	if got := len(f.TokenRequests()); got != 3 {
		t.Fatalf("token requests = %d, want 3 (503, 503, token)", got)
	}
	if slept := clk.Slept(); len(slept) != 2 {
		t.Fatalf("backoff sleeps = %v, want 2", slept)
	}
	checkClientAuth(t, f.TokenRequests())
}

// 3. Permanent token errors are not retried, whatever the status that comes
// with them, and the client secret only travels in the Authorization header.
func TestTokenPermanentErrorsAreNotRetried(t *testing.T) {
	cases := []struct {
		code     string
		status   int
		sentinel error
	}{
		{"invalid_client", http.StatusUnauthorized, ErrUnauthorized},
		{"invalid_grant", http.StatusBadRequest, ErrUnauthorized},
		{"invalid_scope", http.StatusBadRequest, ErrInsufficientScope},
		// A 503 whose body says invalid_grant is still a refusal.
		{"invalid_grant", http.StatusServiceUnavailable, ErrUnauthorized},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s %d", tc.code, tc.status), func(t *testing.T) {
			f := newFakeAPI(t)
			f.set(func(f *fakeAPI) {
				f.tokenFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
					writeJSON(w, tc.status, map[string]string{"error": tc.code, "error_description": "refused"})
					return true
				}
			})
			clk := newFakeClock()
			c := newTestClient(t, f, clk)
			_, err := c.ListCountries(context.Background(), nil)
			if err == nil {
				t.Fatal("the call succeeded although the token endpoint refused")
			}
			te := asTokenError(t, err)
			if te.Code != tc.code || te.Retryable {
				t.Errorf("TokenError code %q retryable %v, want %q not retryable", te.Code, te.Retryable, tc.code)
			}
			if !errors.Is(err, tc.sentinel) {
				t.Errorf("errors.Is(err, %v) = false for %v", tc.sentinel, err)
			}
			if got := len(f.TokenRequests()); got != 1 {
				t.Errorf("token requests = %d, want 1 (%s is not retried)", got, tc.code)
			}
			if slept := clk.Slept(); len(slept) != 0 {
				t.Errorf("backoff sleeps = %v, want none", slept)
			}
			if n := len(f.APIRequests()); n != 0 {
				t.Errorf("the API was called %d times without a token", n)
			}
			checkClientAuth(t, f.TokenRequests())
			if strings.Contains(err.Error(), testClientSecret) {
				t.Errorf("the error shows the client secret: %v", err)
			}
		})
	}
}

// 4. A hung token endpoint does not outlive the caller's deadline, and
// Close leaves no goroutine behind.
func TestTokenHungEndpointHonoursDeadlineWithoutLeaks(t *testing.T) {
	ignore := goleak.IgnoreCurrent()

	f := newFakeAPI(t)
	gate, release := releaseOnCleanup(t)
	f.set(func(f *fakeAPI) {
		f.tokenFn = func(_ http.ResponseWriter, r *http.Request, _ int) bool {
			select {
			case <-r.Context().Done():
			case <-gate:
			}
			return true
		}
	})
	tr := &http.Transport{}
	c, err := NewClient(WithoutEnvironment(), WithBaseURL(f.URL()),
		WithClientCredentials(testClientID, testClientSecret),
		WithTransport(tr))
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	start := time.Now()
	_, err = c.ListCountries(ctx, nil)
	elapsed := time.Since(start)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if elapsed > 2*time.Second {
		t.Fatalf("the call returned %v after its 50ms deadline", elapsed)
	}

	closed := make(chan struct{})
	go func() {
		_ = c.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(guard):
		release()
		t.Fatal("Close did not stop the hung token fetch")
	}
	f.srv.Close()
	tr.CloseIdleConnections()
	release()
	goleak.VerifyNone(t, ignore)
}

// 5. Whatever expires_in says, refreshes stay bounded.
func TestTokenRefreshesAreBounded(t *testing.T) {
	cases := []struct {
		name      string
		expiresIn any
		min, max  int
	}{
		{"missing", nil, 1, 1},
		{"negative", -5, 1, 1},
		// Lead clamped to half of 1s: a refresh at most every 0.5s of the
		// 4s, plus the first fetch and one in flight at the end.
		{"one second", 1, 2, 10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			f.set(func(f *fakeAPI) { f.expiresIn = tc.expiresIn })
			clk := newFakeClock()
			c := newTestClient(t, f, clk)
			for i := range 40 {
				if _, err := c.ListCountries(context.Background(), nil); err != nil {
					t.Fatalf("call %d at +%v failed: %v", i+1, time.Duration(i)*100*time.Millisecond, err)
				}
				clk.Advance(100 * time.Millisecond)
			}
			_ = c.Close() // waits for background refreshes
			got := len(f.TokenRequests())
			if got < tc.min {
				t.Fatalf("expires_in %v: %d token requests over 40 calls in 4s, want at least %d: the token outlived the server's expires_in", tc.expiresIn, got, tc.min)
			}
			if got > tc.max {
				t.Fatalf("expires_in %v: %d token requests over 40 calls in 4s, want at most %d", tc.expiresIn, got, tc.max)
			}
			if n := len(f.APIRequests()); n != 40 {
				t.Fatalf("API requests = %d, want 40", n)
			}
		})
	}
}

// 6. A token in its refresh window is still served while its successor is
// fetched in the background; once the old one expires, calls use the new
// one, and no third token is asked for.
func TestTokenRefreshBeforeExpiry(t *testing.T) {
	f := newFakeAPI(t)
	second := make(chan struct{})
	f.set(func(f *fakeAPI) {
		f.expiresIn = 120
		f.tokenFn = func(_ http.ResponseWriter, _ *http.Request, n int) bool {
			if n == 2 {
				close(second)
			}
			return false
		}
	})
	clk := newFakeClock()
	c := newTestClient(t, f, clk, WithTokenOptions(TokenOptions{RefreshLead: 60 * time.Second}))
	ctx := context.Background()

	if _, err := c.ListCountries(ctx, nil); err != nil {
		t.Fatal(err)
	}
	// Token serves the cached token: the one the call got.
	tok, err := c.Token(ctx, ScopeCountries)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tok.AccessToken(), tokenPrefix+"1"; got != want {
		t.Fatalf("Token() = token %q, want the cached %q", redactTokens([]string{got}), redactTokens([]string{want}))
	}
	if exp, want := tok.Expiry(), clk.Now().Add(120*time.Second); !exp.Equal(want) {
		t.Fatalf("token 1 expires %v after its fetch, want 2m0s: the server's expires_in 120 was not used", exp.Sub(clk.Now()))
	}
	clk.Advance(61 * time.Second)
	if _, err := c.ListCountries(ctx, nil); err != nil {
		t.Fatalf("call in the refresh window failed: %v", err)
	}
	select {
	case <-second:
	case <-time.After(guard):
		t.Fatal("no background refresh started 61s into a 120s token with a 60s lead")
	}
	// At 120.5s token 1 has expired, and token 2 (fetched from 61s, so
	// valid until 181s, due for refresh at 121s) is fresh: the call gets
	// token 2, waiting for its fetch if it is still in flight, and starts
	// no other.
	clk.Advance(59*time.Second + 500*time.Millisecond)
	if _, err := c.ListCountries(ctx, nil); err != nil {
		t.Fatal(err)
	}

	api := f.APIRequests()
	want := []string{bearer(1), bearer(1), bearer(2)}
	var got []string
	for _, r := range api {
		got = append(got, r.Authorization)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("tokens sent to the API = %v, want %v", redactTokens(got), redactTokens(want))
	}
	if n := len(f.TokenRequests()); n != 2 {
		t.Fatalf("token requests = %d, want 2", n)
	}
}

// 7. A waiter whose context ends stops waiting; the others and the fetch
// go on.
func TestTokenWaitersHonourTheirOwnContext(t *testing.T) {
	f := newFakeAPI(t)
	gate, release := releaseOnCleanup(t)
	entered := make(chan struct{})
	f.set(func(f *fakeAPI) {
		f.tokenFn = func(_ http.ResponseWriter, r *http.Request, n int) bool {
			if n == 1 {
				close(entered)
			}
			select {
			case <-gate:
			case <-r.Context().Done():
			}
			return false
		}
	})
	c := newTestClient(t, f, newFakeClock())

	resA := make(chan error, 1)
	go func() {
		_, err := c.ListCountries(context.Background(), nil)
		resA <- err
	}()
	select {
	case <-entered:
	case <-time.After(guard):
		t.Fatal("A's token request never reached the endpoint")
	}

	ctxB, cancelB := context.WithCancel(context.Background())
	resB := make(chan error, 1)
	go func() {
		_, err := c.ListCountries(ctxB, nil)
		resB <- err
	}()
	cancelB()
	select {
	case err := <-resB:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("B: err = %v, want context.Canceled", err)
		}
	case <-time.After(guard):
		t.Fatal("B kept waiting for the token after its context was canceled")
	}
	select {
	case err := <-resA:
		t.Fatalf("A returned (%v) before the token endpoint answered", err)
	default:
	}

	release()
	select {
	case err := <-resA:
		if err != nil {
			t.Fatalf("A: %v", err)
		}
	case <-time.After(guard):
		t.Fatal("A never got the token")
	}
	if n := len(f.TokenRequests()); n != 1 {
		t.Fatalf("token requests = %d, want 1", n)
	}
}

// 8. After a failed fetch, calls fail at once for the cool-down.
func TestTokenFailureCooldown(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.tokenFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "server_error"})
			return true
		}
	})
	clk := newFakeClock()
	c := newTestClient(t, f, clk, WithTokenOptions(TokenOptions{MaxAttempts: 1, FailureCooldown: 10 * time.Second}))
	ctx := context.Background()

	_, err := c.ListCountries(ctx, nil)
	if te := asTokenError(t, err); te.Code != "server_error" || te.StatusCode != http.StatusInternalServerError {
		t.Fatalf("first call: %v, want a 500 server_error *TokenError", err)
	}
	if n := len(f.TokenRequests()); n != 1 {
		t.Fatalf("after the first call: %d token requests, want 1", n)
	}

	_, err = c.ListCountries(ctx, nil)
	_ = asTokenError(t, err)
	if n := len(f.TokenRequests()); n != 1 {
		t.Fatalf("a call within the cool-down asked the endpoint again: %d token requests, want 1", n)
	}

	clk.Advance(11 * time.Second)
	_, err = c.ListCountries(ctx, nil)
	_ = asTokenError(t, err)
	if n := len(f.TokenRequests()); n != 2 {
		t.Fatalf("a call after the cool-down: %d token requests, want 2", n)
	}
}

// 9. Each call asks for just its scope; a token with more scopes serves
// other calls; WithScopes asks for one token with all of them.
func TestTokenScopes(t *testing.T) {
	ctx := context.Background()
	t.Run("least privilege", func(t *testing.T) {
		f := newFakeAPI(t)
		c := newTestClient(t, f, newFakeClock())
		if _, err := c.ListCountries(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ListAlerts(ctx, nil); err != nil {
			t.Fatal(err)
		}
		reqs := f.TokenRequests()
		if len(reqs) != 2 {
			t.Fatalf("token requests = %d, want 2 (one per scope)", len(reqs))
		}
		if got := reqs[0].Form.Get("scope"); got != ScopeCountries {
			t.Errorf("ListCountries asked scope %q, want exactly %q", got, ScopeCountries)
		}
		if got := reqs[1].Form.Get("scope"); got != ScopeAlerts {
			t.Errorf("ListAlerts asked scope %q, want exactly %q", got, ScopeAlerts)
		}
		if g := reqs[0].Form.Get("grant_type"); g != "client_credentials" {
			t.Errorf("grant_type = %q", g)
		}
	})
	t.Run("superset reused", func(t *testing.T) {
		f := newFakeAPI(t)
		f.set(func(f *fakeAPI) { f.grantAll = true })
		c := newTestClient(t, f, newFakeClock())
		if _, err := c.ListCountries(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ListAlerts(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if n := len(f.TokenRequests()); n != 1 {
			t.Fatalf("token requests = %d, want 1 (the first token has every scope)", n)
		}
	})
	t.Run("WithScopes", func(t *testing.T) {
		f := newFakeAPI(t)
		c := newTestClient(t, f, newFakeClock(), WithScopes(ScopeCountries, ScopeAlerts))
		if _, err := c.ListCountries(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ListAlerts(ctx, nil); err != nil {
			t.Fatal(err)
		}
		reqs := f.TokenRequests()
		if len(reqs) != 1 {
			t.Fatalf("token requests = %d, want 1", len(reqs))
		}
		got := strings.Fields(reqs[0].Form.Get("scope"))
		if !slices.Contains(got, ScopeCountries) || !slices.Contains(got, ScopeAlerts) {
			t.Fatalf("scope = %q, want both %s and %s", reqs[0].Form.Get("scope"), ScopeCountries, ScopeAlerts)
		}
	})
}

// 10. The answer must be a bearer token carrying the scope asked.
func TestTokenAnswerIsChecked(t *testing.T) {
	ctx := context.Background()
	t.Run("token_type mac", func(t *testing.T) {
		f := newFakeAPI(t)
		f.set(func(f *fakeAPI) {
			f.tokenFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
				writeJSON(w, http.StatusOK, map[string]any{"access_token": "x", "token_type": "mac", "expires_in": 60})
				return true
			}
		})
		c := newTestClient(t, f, newFakeClock())
		_, err := c.ListCountries(ctx, nil)
		if te := asTokenError(t, err); te.Code != "unsupported_token_type" {
			t.Fatalf("code = %q, want unsupported_token_type", te.Code)
		}
		if n := len(f.APIRequests()); n != 0 {
			t.Fatalf("a mac token was sent to the API (%d requests)", n)
		}
	})
	t.Run("scope narrower than asked", func(t *testing.T) {
		f := newFakeAPI(t)
		f.set(func(f *fakeAPI) {
			f.tokenFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
				writeJSON(w, http.StatusOK, map[string]any{
					"access_token": tokenPrefix + "narrow", "token_type": "Bearer", "expires_in": 60, "scope": ScopeHealthProviders,
				})
				return true
			}
		})
		c := newTestClient(t, f, newFakeClock())
		_, err := c.ListCountries(ctx, nil)
		if te := asTokenError(t, err); te.Code != "scope_not_granted" {
			t.Fatalf("code = %q, want scope_not_granted", te.Code)
		}
		if !errors.Is(err, ErrInsufficientScope) {
			t.Fatalf("errors.Is(err, ErrInsufficientScope) = false for %v", err)
		}
		if n := len(f.APIRequests()); n != 0 {
			t.Fatalf("a token without the scope was sent to the API (%d requests)", n)
		}
		if strings.Contains(err.Error(), tokenPrefix) {
			t.Fatalf("the error shows the access token: %v", err)
		}
	})
}

// 11. A token request is never redirected: the secret stays with the
// endpoint it was meant for.
func TestTokenRequestFollowsNoRedirects(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		elsewhere.Add(1)
		writeJSON(w, http.StatusOK, map[string]any{"access_token": tokenPrefix + "stolen", "token_type": "Bearer"})
	}))
	t.Cleanup(other.Close)

	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.tokenFn = func(w http.ResponseWriter, r *http.Request, _ int) bool {
			http.Redirect(w, r, other.URL+gen.TokenPath, http.StatusTemporaryRedirect)
			return true
		}
	})
	c := newTestClient(t, f, newFakeClock())
	_, err := c.ListCountries(context.Background(), nil)
	if err == nil {
		t.Fatal("the call succeeded through a redirected token request")
	}
	_ = asTokenError(t, err)
	if n := elsewhere.Load(); n != 0 {
		t.Fatalf("the token request followed the redirect: the other server got %d requests", n)
	}
	if n := len(f.TokenRequests()); n != 1 {
		t.Fatalf("token requests = %d, want 1", n)
	}
}

// 12. The password grant sends the user's credentials in the form (as the
// grant defines) and the client's in the Authorization header.
func TestTokenPasswordGrant(t *testing.T) {
	f := newFakeAPI(t)
	c := newClientOf(t, f, newFakeClock(), WithPassword(testClientID, testClientSecret, testUsername, testPassword))
	if _, err := c.ListCountries(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	reqs := f.TokenRequests()
	if len(reqs) != 1 {
		t.Fatalf("token requests = %d, want 1", len(reqs))
	}
	form := reqs[0].Form
	if form.Get("grant_type") != "password" || form.Get("username") != testUsername || form.Get("password") != testPassword {
		t.Errorf("form has grant_type %q username %q, password set %v; want password, %q, true",
			form.Get("grant_type"), form.Get("username"), form.Get("password") == testPassword, testUsername)
	}
	if got := form.Get("scope"); got != ScopeCountries {
		t.Errorf("scope = %q, want %q", got, ScopeCountries)
	}
	checkClientAuth(t, reqs)
}

// 13. A Token never prints its secrets.
func TestTokenFormattingHidesSecrets(t *testing.T) {
	tok := Token{
		accessToken: tokenPrefix + "x", refreshToken: refreshPrefix + "y",
		expiry: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC), scopes: []string{ScopeCountries},
	}
	if tok.AccessToken() != tokenPrefix+"x" || tok.RefreshToken() != refreshPrefix+"y" {
		t.Fatal("AccessToken or RefreshToken does not return the secret")
	}
	if !tok.Expiry().Equal(tok.expiry) || !slices.Equal(tok.Scopes(), []string{ScopeCountries}) {
		t.Fatal("Expiry or Scopes does not return the token's")
	}
	values := map[string]any{
		"Token": tok, "*Token": &tok,
		"[]Token": []Token{tok}, "[]*Token": []*Token{&tok},
		"struct": struct{ T Token }{tok}, "map": map[string]*Token{"k": &tok},
	}
	check := func(where, out string) {
		t.Helper()
		if strings.Contains(out, tokenPrefix) || strings.Contains(out, refreshPrefix) {
			t.Errorf("%s shows a secret: %s", where, out)
		}
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			check(name+" "+verb, fmt.Sprintf(verb, v))
		}
	}
	check("String", tok.String())
	check("GoString", tok.GoString())
	if !strings.Contains(fmt.Sprint(tok), redacted) {
		t.Errorf("%%v of a token does not say its secrets are redacted: %v", tok)
	}

	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewTextHandler(&buf, nil), slog.NewJSONHandler(&buf, nil)} {
		slog.New(h).Info("token", "value", tok, "pointer", &tok)
	}
	check("slog", buf.String())
	if !strings.Contains(buf.String(), redacted) {
		t.Errorf("slog output does not use LogValue: %s", buf.String())
	}
}

// scopeOfCall returns the scope the token on an API request was issued for:
// the fake API numbers its tokens in the order of the token requests.
func scopeOfCall(t *testing.T, f *fakeAPI, r apiRequest) string {
	t.Helper()
	var n int
	if _, err := fmt.Sscanf(strings.TrimPrefix(r.Authorization, "Bearer "+tokenPrefix), "%d", &n); err != nil {
		t.Fatalf("API request %s %s carries no token of the fake", r.Method, r.Path)
	}
	reqs := f.TokenRequests()
	if n < 1 || n > len(reqs) {
		t.Fatalf("token %d was never issued", n)
	}
	return reqs[n-1].Form.Get("scope")
}

// Token with scopes of its own on a WithScopes client gets a token carrying
// them, and leaves alone the token the API calls use, whichever comes first.
func TestTokenOtherScopesLeaveTheCallsTokenAlone(t *testing.T) {
	for _, tokenFirst := range []bool{true, false} {
		t.Run(fmt.Sprintf("Token first %v", tokenFirst), func(t *testing.T) {
			f := newFakeAPI(t)
			c := newTestClient(t, f, newFakeClock(), WithScopes(ScopeCountries))
			ctx := t.Context()
			if !tokenFirst {
				if _, err := c.ListCountries(ctx, nil); err != nil {
					t.Fatal(err)
				}
			}
			tok, err := c.Token(ctx, ScopeAlerts)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(tok.Scopes(), ScopeAlerts) {
				t.Fatalf("Token(%s) = a token with scopes %q", ScopeAlerts, tok.Scopes())
			}
			if _, err := c.ListCountries(ctx, nil); err != nil {
				t.Fatal(err)
			}
			for _, r := range f.APIRequests() {
				if got := scopeOfCall(t, f, r); got != ScopeCountries {
					t.Errorf("ListCountries sent a token issued for %q, want the WithScopes token (%s)", got, ScopeCountries)
				}
			}
			if tok, err := c.Token(ctx); err != nil || !slices.Equal(tok.Scopes(), []string{ScopeCountries}) {
				t.Errorf("Token() = %v, %v; want the WithScopes token", tok, err)
			}
		})
	}
}

// A client whose scopes a user's consent fixed cannot get other scopes:
// Token says so instead of handing out a token without them.
func TestTokenUserBoundRefusesScopesItLacks(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.tokenFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
			f.issue(w, ScopeCountries, refreshPrefix+"next")
			return true
		}
	})
	var events []string
	c := newAuthCodeClient(t, f, newFakeClock(), &events, WithRefreshToken(refreshPrefix+"0"))
	ctx := t.Context()
	if tok, err := c.Token(ctx, ScopeCountries); err != nil || !slices.Contains(tok.Scopes(), ScopeCountries) {
		t.Fatalf("Token(%s) = %v, %v", ScopeCountries, tok, err)
	}
	tok, err := c.Token(ctx, ScopeAlerts)
	if !errors.Is(err, ErrInsufficientScope) {
		t.Fatalf("Token(%s) = %v, %v; want ErrInsufficientScope (the consent did not grant it)", ScopeAlerts, tok, err)
	}
	if strings.Contains(err.Error(), tokenPrefix) || strings.Contains(err.Error(), refreshPrefix) {
		t.Fatalf("the error shows a token: %v", err)
	}
}

// pausingClock is a fake clock whose Sleep waits for the test: it reports
// that a retry is waiting, then waits to be released.
type pausingClock struct {
	*fakeClock
	sleeping chan struct{}
	release  chan struct{}
}

func (c *pausingClock) Sleep(ctx context.Context, d time.Duration) error {
	c.sleeping <- struct{}{}
	<-c.release
	return c.fakeClock.Sleep(ctx, d)
}

// Close waits for every fetch it let start and refuses every one after: a
// call that was already past the closed check when Close ran gets ErrClosed
// from the token cache, and no token request leaves once Close returned.
func TestTokenCloseRefusesFetchesAfterIt(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.expiresIn = 1
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, n int) bool {
			if n == 1 {
				w.Header().Set("Retry-After", "5") // past the token's expiry
				writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status_code": 503, "error": "unavailable"})
				return true
			}
			return false
		}
	})
	clk := &pausingClock{fakeClock: newFakeClock(), sleeping: make(chan struct{}), release: make(chan struct{})}
	c := newTestClient(t, f, clk)
	done := make(chan error, 1)
	go func() {
		_, err := c.ListCountries(context.Background(), nil)
		done <- err
	}()
	<-clk.sleeping // the call is between its attempts, its token expired
	_ = c.Close()
	before := len(f.TokenRequests())
	close(clk.release)
	if err := <-done; !errors.Is(err, ErrClosed) {
		t.Errorf("a call that went on after Close = %v, want ErrClosed", err)
	}
	if n := len(f.TokenRequests()) - before; n != 0 {
		t.Errorf("%d token requests left after Close returned", n)
	}
}

// The token endpoint's Retry-After is honoured as the API's is (RFC 9110
// section 10.2.3): waited for up to TokenOptions.MaxRetryAfter, and a longer
// one, or one too large to read, fails the fetch at once.
func TestTokenRetryAfter(t *testing.T) {
	cases := []struct {
		name, retryAfter string
		requests         int
		slept            []time.Duration
	}{
		{"under the cap is waited for whole", "20", 2, []time.Duration{20 * time.Second}},
		{"above the cap fails at once", "3600", 1, nil},
		{"beyond int64 is above the cap", "99999999999999999999999", 1, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			f.set(func(f *fakeAPI) {
				f.tokenFn = func(w http.ResponseWriter, _ *http.Request, n int) bool {
					if n > 1 {
						return false
					}
					w.Header().Set("Retry-After", tc.retryAfter)
					writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "slow_down"})
					return true
				}
			})
			clk := newFakeClock()
			c := newTestClient(t, f, clk, WithTokenOptions(TokenOptions{MaxRetryAfter: 30 * time.Second, FetchTimeout: time.Minute}))
			_, err := c.ListCountries(t.Context(), nil)
			if got := len(f.TokenRequests()); got != tc.requests {
				t.Errorf("token requests = %d, want %d", got, tc.requests)
			}
			if got := clk.Slept(); !slices.Equal(got, tc.slept) {
				t.Errorf("slept %v, want %v", got, tc.slept)
			}
			if tc.requests == 1 {
				if !errors.Is(err, ErrRateLimited) {
					t.Fatalf("err = %v, want ErrRateLimited", err)
				}
				if te := asTokenError(t, err); te.RetryAfter < 30*time.Second {
					t.Errorf("TokenError.RetryAfter = %v, want the server's hint", te.RetryAfter)
				}
			} else if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A 200 answer that is not a valid token response is the endpoint's defect,
// not a transient failure: one request, a TokenError that is not retryable,
// and nothing of the body in the error.
func TestTokenMalformedAnswerIsNotRetried(t *testing.T) {
	const canary = tokenPrefix + "malformed"
	cases := []struct{ name, contentType, body string }{
		{"expires_in a word", "application/json", `{"access_token":"` + canary + `","token_type":"Bearer","expires_in":"soon"}`},
		{"expires_in a fraction", "application/json", `{"access_token":"` + canary + `","token_type":"Bearer","expires_in":3599.5}`},
		{"expires_in an exponent", "application/json", `{"access_token":"` + canary + `","token_type":"Bearer","expires_in":3.6e3}`},
		{"expires_in a word, form-encoded", "application/x-www-form-urlencoded", "access_token=" + canary + "&token_type=Bearer&expires_in=soon"},
		{"not JSON", "application/json", `<html>` + canary + `</html>`},
		{"truncated JSON", "application/json", `{"access_token":"` + canary},
		{"no access_token", "application/json", `{"token_type":"Bearer","expires_in":3600}`},
		{"text", "text/plain", "all good " + canary},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			f.set(func(f *fakeAPI) {
				f.tokenFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
					w.Header().Set("Content-Type", tc.contentType)
					_, _ = io.WriteString(w, tc.body)
					return true
				}
			})
			clk := newFakeClock()
			c := newTestClient(t, f, clk)
			_, err := c.ListCountries(t.Context(), nil)
			te := asTokenError(t, err)
			if te.Retryable || te.StatusCode != http.StatusOK || te.Code != "invalid_response" {
				t.Errorf("TokenError{Code: %q, StatusCode: %d, Retryable: %v}, want invalid_response, 200, not retryable", te.Code, te.StatusCode, te.Retryable)
			}
			if n := len(f.TokenRequests()); n != 1 {
				t.Errorf("token requests = %d, want 1", n)
			}
			if s := clk.Slept(); len(s) != 0 {
				t.Errorf("slept %v, want no backoff", s)
			}
			if n := len(f.APIRequests()); n != 0 {
				t.Errorf("the API was called %d times", n)
			}
			if strings.Contains(err.Error(), canary) || strings.Contains(fmt.Sprintf("%+v %#v", err, te), canary) {
				t.Errorf("the error shows the body's token: %v", err)
			}
		})
	}
}

// An absurd expires_in is capped to MaxTokenLifetime; a whole one is kept.
func TestTokenLifetimeIsCapped(t *testing.T) {
	for _, tc := range []struct {
		expiresIn any
		want      time.Duration
	}{
		{99999999999999, MaxTokenLifetime},
		{7200, 2 * time.Hour},
		{"7200", 2 * time.Hour},
	} {
		f := newFakeAPI(t)
		f.set(func(f *fakeAPI) { f.expiresIn = tc.expiresIn })
		clk := newFakeClock()
		c := newTestClient(t, f, clk)
		tok, err := c.Token(t.Context(), ScopeCountries)
		if err != nil {
			t.Fatalf("expires_in %v: %v", tc.expiresIn, err)
		}
		if got := tok.Expiry().Sub(clk.Now()); got != tc.want {
			t.Errorf("expires_in %v: the token lives %v, want %v", tc.expiresIn, got, tc.want)
		}
	}
}

// FuzzTokenResponse feeds arbitrary token responses (as the endpoint's JSON) to
// the checks the SDK makes on them: no panic, and an accepted token always
// has an access token, a future expiry and the scopes asked for.
func FuzzTokenResponse(f *testing.F) {
	for _, s := range []string{
		`{"access_token":"a","token_type":"Bearer","expires_in":3600,"scope":"s1 s2"}`,
		`{"access_token":"a","token_type":"bearer"}`,
		`{"access_token":"a","token_type":"mac","expires_in":"60"}`,
		`{"access_token":"","token_type":"Bearer","expires_in":-5}`,
		`{"access_token":"a","token_type":"Bearer","expires_in":1e30,"scope":""}`,
		`null`, `[]`, `{"expires_in":{}}`,
	} {
		f.Add(s, "s1")
	}
	start := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	fetcher := newTokenFetcher(clientCredentialsGrant{}, nil, nil, TokenOptions{}, realClock{}, slog.New(slog.DiscardHandler))
	f.Fuzz(func(t *testing.T, body, want string) {
		var raw map[string]any
		if json.Unmarshal([]byte(body), &raw) != nil {
			return
		}
		str := func(k string) string { s, _ := raw[k].(string); return s }
		tok := (&oauth2.Token{AccessToken: str("access_token"), TokenType: str("token_type"), RefreshToken: str("refresh_token")}).WithExtra(raw)
		wantScopes := strings.Fields(want)
		got, lifetime, err := fetcher.accept(tok, wantScopes, start)
		if err != nil {
			return
		}
		if got.accessToken == "" || lifetime <= 0 || !got.expiry.After(start) {
			t.Fatalf("accepted %q: lifetime %v, expiry %v", body, lifetime, got.expiry)
		}
		if !covers(got.scopes, wantScopes) {
			t.Fatalf("accepted %q without the scopes %v", body, wantScopes)
		}
	})
}
