package axa

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A hook that cannot persist the rotated refresh token fails the call at
// once: asking again would rotate the token again.
func TestFailingTokenHookIsNotRetried(t *testing.T) {
	f := newFakeAPI(t)
	var events []string
	a := newAuthServer(f, &events)
	a.mu.Lock()
	a.refresh[refreshPrefix+"0"] = true
	a.mu.Unlock()
	clk := newFakeClock()
	c, err := NewClient(WithoutEnvironment(), WithBaseURL(f.URL()), withClock(clk),
		WithAuthorizationCode(testClientID, testClientSecret, "https://app.example/callback"),
		WithRefreshToken(refreshPrefix+"0"),
		WithTokenHook(func(context.Context, Token) error { return errors.New("disk full") }))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.ListCountries(t.Context(), nil)
	var te *TokenError
	if !errors.As(err, &te) || te.Retryable {
		t.Fatalf("err = %v, want a non-retryable *TokenError", err)
	}
	if n := len(f.TokenRequests()); n != 1 {
		t.Errorf("token requests = %d, want 1", n)
	}
	if s := clk.Slept(); len(s) != 0 {
		t.Errorf("slept %v: a hook failure was retried", s)
	}
}

// The token the hook receives is dated.
func TestHookSeesTheExpiry(t *testing.T) {
	f := newFakeAPI(t)
	var events []string
	a := newAuthServer(f, &events)
	clk := newFakeClock()
	var expiry time.Time
	c, err := NewClient(WithoutEnvironment(), WithBaseURL(f.URL()), withClock(clk),
		WithAuthorizationCode(testClientID, testClientSecret, "https://app.example/callback"),
		WithTokenHook(func(_ context.Context, tok Token) error { expiry = tok.Expiry(); return nil }))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	req, err := c.AuthCodeURL(ScopeCountries)
	if err != nil {
		t.Fatal(err)
	}
	code, state := a.authorize(t, req.URL)
	if _, err := c.Exchange(t.Context(), req, state, code); err != nil {
		t.Fatal(err)
	}
	if want := clk.Now().Add(time.Hour); !expiry.Equal(want) {
		t.Errorf("hook saw expiry %v, want %v", expiry, want)
	}
}

// An AuthRequest survives a session store (JSON), verifier included.
func TestAuthRequestSurvivesJSON(t *testing.T) {
	f := newFakeAPI(t)
	var events []string
	a := newAuthServer(f, &events)
	c := newAuthCodeClient(t, f, newFakeClock(), &events)
	req, err := c.AuthCodeURL(ScopeCountries)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	var back AuthRequest
	if err := json.Unmarshal(stored, &back); err != nil {
		t.Fatal(err)
	}
	code, state := a.authorize(t, back.URL)
	if _, err := c.Exchange(t.Context(), &back, state, code); err != nil {
		t.Fatalf("Exchange with a request from the session store: %v", err)
	}
}

// A public client (no secret) sends its client_id in the body, not an
// empty Basic password.
func TestPublicClientSendsItsIDInTheBody(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.tokenFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
			return true
		}
	})
	c, err := NewClient(WithoutEnvironment(), WithBaseURL(f.URL()), withClock(newFakeClock()),
		WithAuthorizationCode(testClientID, "", "https://app.example/callback"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	req, err := c.AuthCodeURL(ScopeCountries)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = c.Exchange(t.Context(), req, req.State, "some-code")
	reqs := f.TokenRequests()
	if len(reqs) != 1 || reqs[0].Form.Get("client_id") != testClientID || reqs[0].Authorization != "" {
		t.Fatalf("token request = %+v, want client_id in the body and no Authorization", reqs)
	}
}

// A 503 whose body says invalid_grant is still a refusal: not retried.
func TestPermanentTokenErrorsAreNotRetriedWhateverTheStatus(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.tokenFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "invalid_grant"})
			return true
		}
	})
	clk := newFakeClock()
	c := newTestClient(t, f, clk)
	if _, err := c.ListCountries(t.Context(), nil); err == nil {
		t.Fatal("want an error")
	}
	if n := len(f.TokenRequests()); n != 1 {
		t.Errorf("token requests = %d, want 1", n)
	}
}

// The scopes come from the method called, not from a path an argument
// could bend: a country id holding "/alerts" does not get the alerts scope.
func TestScopesFollowTheMethodNotThePath(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, newFakeClock())
	_, _ = c.GetCountry(t.Context(), "fr/alerts", nil)
	reqs := f.TokenRequests()
	if len(reqs) != 1 || reqs[0].Form.Get("scope") != ScopeCountries {
		t.Fatalf("token requests = %+v, want one for %s", reqs, ScopeCountries)
	}
}

// A 403 insufficient_scope whose challenge names no scope still tells the
// caller which scope the operation needs, from the spec's table.
func TestForbiddenWithoutScopeParameterNamesTheNeededScope(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
			w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope"`)
			writeJSON(w, http.StatusForbidden, map[string]any{"status_code": 403, "error": "insufficient_scope"})
			return true
		}
	})
	c := newTestClient(t, f, newFakeClock())
	_, err := c.ListAlerts(t.Context(), nil)
	var e *Error
	if !errors.As(err, &e) || len(e.RequiredScopes) != 1 || e.RequiredScopes[0] != ScopeAlerts {
		t.Fatalf("err = %v, want RequiredScopes [%s]", err, ScopeAlerts)
	}
	// A plain 403 is not a scope problem.
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
			writeJSON(w, http.StatusForbidden, map[string]any{"status_code": 403, "error": "forbidden"})
			return true
		}
	})
	if _, err := c.ListAlerts(t.Context(), nil); errors.Is(err, ErrInsufficientScope) {
		t.Errorf("a plain 403 matched ErrInsufficientScope: %v", err)
	}
}

func TestClosedClientFailsWithErrClosed(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, newFakeClock())
	_ = c.Close()
	if _, err := c.ListCountries(t.Context(), nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("err = %v, want ErrClosed", err)
	}
	if n := len(f.TokenRequests()) + len(f.APIRequests()); n != 0 {
		t.Errorf("a closed client sent %d requests", n)
	}
}

func TestBaseURLWithCredentialsIsRefused(t *testing.T) {
	_, err := NewClient(WithoutEnvironment(), WithBaseURL("https://user:CANARY-password-91bd@api.example"))
	if err == nil || strings.Contains(err.Error(), testPassword) {
		t.Fatalf("err = %v, want a refusal that does not echo the password", err)
	}
}

func TestTokenRequestsNameTheSDK(t *testing.T) {
	f := newFakeAPI(t)
	var ua string
	f.set(func(f *fakeAPI) {
		f.tokenFn = func(_ http.ResponseWriter, r *http.Request, _ int) bool {
			ua = r.Header.Get("User-Agent")
			return false
		}
	})
	c := newTestClient(t, f, newFakeClock())
	if _, err := c.ListCountries(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ua, "axa-go/"+SDKVersion) {
		t.Errorf("token request User-Agent = %q", ua)
	}
}
