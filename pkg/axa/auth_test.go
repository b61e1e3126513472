package axa

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAuthInvalidTokenRefreshesAndReplaysOnce(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, n int) bool {
			if n != 1 {
				return false
			}
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			writeJSON(w, http.StatusUnauthorized, map[string]any{"status_code": 401, "error": "invalid_token"})
			return true
		}
	})
	c := newTestClient(t, f, newFakeClock())

	countries, err := c.ListCountries(t.Context(), nil)
	if err != nil {
		t.Fatalf("ListCountries after one invalid_token: %v", err)
	}
	if len(countries) != 2 {
		t.Errorf("got %d countries, want 2", len(countries))
	}
	if n := len(f.TokenRequests()); n != 2 {
		t.Errorf("token requests = %d, want 2 (the first token and one refresh)", n)
	}
	reqs := f.APIRequests()
	if len(reqs) != 2 {
		t.Fatalf("API requests = %d, want 2 (the refused one and one replay): %+v", len(reqs), reqs)
	}
	if reqs[0].Authorization != bearer(1) {
		t.Errorf("first request's Authorization = %q, want %q", reqs[0].Authorization, bearer(1))
	}
	if reqs[1].Authorization != bearer(2) {
		t.Errorf("replay's Authorization = %q, want the new token %q", reqs[1].Authorization, bearer(2))
	}
}

func TestAuthInvalidTokenTwiceFailsWithoutLoop(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, n int) bool {
			if n > 4 {
				return false // a client replaying in a loop ends up let through
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="axa", error="invalid_token"`)
			writeJSON(w, http.StatusUnauthorized, map[string]any{"status_code": 401, "error": "invalid_token"})
			return true
		}
	})
	clk := newFakeClock()
	c := newTestClient(t, f, clk)

	_, err := c.ListCountries(t.Context(), nil)
	e := asAPIError(t, err)
	if e.StatusCode != http.StatusUnauthorized {
		t.Errorf("StatusCode = %d, want 401", e.StatusCode)
	}
	if !errors.Is(err, ErrUnauthorized) {
		t.Errorf("errors.Is(%v, ErrUnauthorized) = false", err)
	}
	if n := len(f.APIRequests()); n != 2 {
		t.Errorf("API requests = %d, want 2 (one replay, no loop)", n)
	}
	if n := len(f.TokenRequests()); n != 2 {
		t.Errorf("token requests = %d, want 2 (one refresh)", n)
	}
	if s := clk.Slept(); len(s) != 0 {
		t.Errorf("slept %v: a 401 is not retried", s)
	}
}

func TestAuthInsufficientScopeIsNotRefreshedNorRetried(t *testing.T) {
	const extra = "urn:example:extra-scope"
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		// The token carries an unrelated scope too, so that granted and
		// required scopes differ.
		f.tokenFn = func(w http.ResponseWriter, _ *http.Request, n int) bool {
			f.issue(w, extra+" "+f.TokenRequests()[n-1].Form.Get("scope"), "")
			return true
		}
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
			w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="urn:axa.assistance.travel.countries.read_only"`)
			writeJSON(w, http.StatusForbidden, map[string]any{"status_code": 403, "error": "insufficient_scope"})
			return true
		}
	})
	clk := newFakeClock()
	c := newTestClient(t, f, clk)

	_, err := c.ListCountries(t.Context(), nil)
	e := asAPIError(t, err)
	if !errors.Is(err, ErrInsufficientScope) {
		t.Errorf("errors.Is(%v, ErrInsufficientScope) = false", err)
	}
	if errors.Is(err, ErrUnauthorized) {
		t.Errorf("a 403 matches ErrUnauthorized: %v", err)
	}
	if n := len(f.TokenRequests()); n != 1 {
		t.Errorf("token requests = %d, want 1 (no refresh on 403)", n)
	}
	if n := len(f.APIRequests()); n != 1 {
		t.Errorf("API requests = %d, want 1 (no retry on 403)", n)
	}
	if e.StatusCode != http.StatusForbidden || e.Code != "insufficient_scope" {
		t.Errorf("StatusCode, Code = %d, %q, want 403, insufficient_scope", e.StatusCode, e.Code)
	}
	if !slices.Contains(e.RequiredScopes, ScopeCountries) {
		t.Errorf("RequiredScopes = %q, want it to contain %q", e.RequiredScopes, ScopeCountries)
	}
	if want := []string{extra, ScopeCountries}; !slices.Equal(e.GrantedScopes, want) {
		t.Errorf("GrantedScopes = %q, want the token's scopes %q", e.GrantedScopes, want)
	}
	if msg := err.Error(); !strings.Contains(msg, ScopeCountries) {
		t.Errorf("error %q does not name the scope %q", msg, ScopeCountries)
	}
	if strings.Contains(err.Error(), tokenPrefix) {
		t.Errorf("error %q shows the access token", err)
	}
}

func TestAuthBaseURLMustBeHTTPSOrLoopback(t *testing.T) {
	for _, u := range []string{
		"http://example.com",
		"http://example.com:8080/api",
		"http://localhost.example.com",
		"http://127.0.0.1.example.com",
		"http://localhost@example.com",
		"ftp://127.0.0.1",
	} {
		for _, creds := range []bool{false, true} {
			opts := []Option{WithoutEnvironment(), WithBaseURL(u)}
			if creds {
				opts = append(opts, WithClientCredentials(testClientID, testClientSecret))
			}
			c, err := NewClient(opts...)
			if err == nil {
				_ = c.Close()
				t.Errorf("NewClient(%q, credentials %v) accepted an insecure base URL", u, creds)
				continue
			}
			if !errors.Is(err, ErrInsecureTransport) {
				t.Errorf("NewClient(%q, credentials %v) = %v, want ErrInsecureTransport", u, creds, err)
			}
			if strings.Contains(err.Error(), testClientSecret) {
				t.Errorf("error %q shows the client secret", err)
			}
		}
	}
	for _, u := range []string{"https://example.com", "http://127.0.0.1:1", "http://[::1]:1", "http://localhost:1", "HTTPS://example.com/base/"} {
		c, err := NewClient(WithoutEnvironment(), WithBaseURL(u), WithClientCredentials(testClientID, testClientSecret))
		if err != nil {
			t.Errorf("NewClient(%q) = %v, want it accepted", u, err)
			continue
		}
		_ = c.Close()
	}
}

// recorder is a second server, another origin, that counts what it gets.
type recorder struct {
	mu    sync.Mutex
	reqs  int
	auths []string
	srv   *httptest.Server
}

func newRecorder(t *testing.T) *recorder {
	t.Helper()
	r := &recorder{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.reqs++
		if a := req.Header.Get("Authorization"); a != "" {
			r.auths = append(r.auths, a)
		}
		r.mu.Unlock()
		writeJSON(w, http.StatusOK, []map[string]string{{"id": "xx", "label": "Elsewhere"}})
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *recorder) counts() (int, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.reqs, slices.Clone(r.auths)
}

func TestAuthRedirectToAnotherOriginNeverCarriesTheToken(t *testing.T) {
	other := newRecorder(t)
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, r *http.Request, _ int) bool {
			if r.URL.Path != "/travel/v1/countries" {
				return false
			}
			w.Header().Set("Location", other.srv.URL+"/travel/v1/countries")
			w.WriteHeader(http.StatusTemporaryRedirect)
			return true
		}
	})
	c := newTestClient(t, f, newFakeClock())

	_, err := c.ListCountries(t.Context(), nil)
	e := asAPIError(t, err)
	if e.StatusCode != http.StatusTemporaryRedirect {
		t.Errorf("StatusCode = %d, want 307 (the redirect not followed)", e.StatusCode)
	}
	if n, auths := other.counts(); n != 0 || len(auths) != 0 {
		t.Errorf("the other origin got %d requests, with Authorization %q; want none", n, auths)
	}
	if n := len(f.APIRequests()); n != 1 {
		t.Errorf("API requests = %d, want 1", n)
	}

	// A request sent straight at another origin through the pipeline is
	// refused before it leaves, and never gets the token.
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, other.srv.URL+"/travel/v1/countries", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.http.Do(req)
	if err == nil {
		_ = resp.Body.Close()
		t.Fatalf("a request to another origin went through: %s", resp.Status)
	}
	if !errors.Is(err, ErrInsecureTransport) {
		t.Errorf("request to another origin: %v, want ErrInsecureTransport", err)
	}
	if n, auths := other.counts(); n != 0 || len(auths) != 0 {
		t.Errorf("the other origin got %d requests, with Authorization %q; want none", n, auths)
	}
}

func TestAuthRedirectWithinTheOriginIsFollowedWithTheToken(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, r *http.Request, n int) bool {
			if n != 1 {
				return false
			}
			w.Header().Set("Location", f.URL()+r.URL.Path+"?redirected=1")
			w.WriteHeader(http.StatusTemporaryRedirect)
			return true
		}
	})
	c := newTestClient(t, f, newFakeClock())

	countries, err := c.ListCountries(t.Context(), nil)
	if err != nil {
		t.Fatalf("ListCountries through a same-origin 307: %v", err)
	}
	if len(countries) != 2 {
		t.Errorf("got %d countries, want 2", len(countries))
	}
	reqs := f.APIRequests()
	if len(reqs) != 2 {
		t.Fatalf("API requests = %d, want 2 (the 307 and the redirected one): %+v", len(reqs), reqs)
	}
	if reqs[1].Authorization != bearer(1) {
		t.Errorf("redirected request's Authorization = %q, want %q", reqs[1].Authorization, bearer(1))
	}
}

func TestAuthWithoutCredentials(t *testing.T) {
	f := newFakeAPI(t)
	clk := newFakeClock()
	c := newClientOf(t, f, clk)

	v, err := c.GetVersion(t.Context())
	if err != nil {
		t.Fatalf("GetVersion without credentials: %v", err)
	}
	if v == nil {
		t.Fatal("GetVersion returned nil")
	}
	_, err = c.ListCountries(t.Context(), nil)
	if !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("ListCountries without credentials = %v, want ErrNoCredentials", err)
	}
	if !strings.Contains(err.Error(), ScopeCountries) {
		t.Errorf("error %q does not name the scope needed", err)
	}
	if reqs := f.APIRequests(); len(reqs) != 1 || reqs[0].Path != "/version" {
		t.Errorf("API requests = %+v, want only GET /version", reqs)
	}
	if n := len(f.TokenRequests()); n != 0 {
		t.Errorf("token requests = %d, want 0", n)
	}
	if s := clk.Slept(); len(s) != 0 {
		t.Errorf("slept %v: a missing credential is not retried", s)
	}
}

// The origin and plain-HTTP checks of the auth layer hold on their own,
// whatever NewClient and the redirect policy let through.
func TestAuthTransportRefusesInsecureOrForeignRequests(t *testing.T) {
	var (
		mu             sync.Mutex
		fetches, sends int
	)
	fetch := func(context.Context, []string) (*Token, time.Duration, error) {
		mu.Lock()
		fetches++
		mu.Unlock()
		return &Token{accessToken: tokenPrefix + "x", scopes: []string{ScopeCountries}}, time.Hour, nil
	}
	tokens := newTokenCache(fetch, TokenOptions{}, newFakeClock(), slog.New(slog.DiscardHandler), false)
	t.Cleanup(tokens.Close)
	next := roundTripFunc(func(*http.Request) (*http.Response, error) {
		mu.Lock()
		sends++
		mu.Unlock()
		return nil, errors.New("sent")
	})
	for _, tc := range []struct{ origin, target string }{
		{"http://example.com", "http://example.com/travel/v1/countries"},
		{"https://api.example.com", "https://other.example.com/travel/v1/countries"},
		{"https://api.example.com", "http://api.example.com/travel/v1/countries"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8081/travel/v1/countries"},
	} {
		origin, err := url.Parse(tc.origin)
		if err != nil {
			t.Fatal(err)
		}
		at := &authTransport{next: next, tokens: tokens, origin: origin}
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, tc.target, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := at.RoundTrip(req)
		if err == nil {
			_ = resp.Body.Close()
		}
		if !errors.Is(err, ErrInsecureTransport) {
			t.Errorf("origin %s, request to %s: %v, want ErrInsecureTransport", tc.origin, tc.target, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if fetches != 0 || sends != 0 {
		t.Errorf("token fetches, sends = %d, %d; want 0, 0", fetches, sends)
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
