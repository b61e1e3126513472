package axa

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/gen"
)

// authServer makes f an authorization server for the code grant: it
// remembers the PKCE challenge of each code, verifies the verifier on
// exchange, and rotates refresh tokens.
type authServer struct {
	mu         sync.Mutex
	challenges map[string]string // code → S256 challenge
	refresh    map[string]bool   // live refresh tokens
	rotations  int
	events     *[]string
}

func newAuthServer(f *fakeAPI, events *[]string) *authServer {
	a := &authServer{challenges: map[string]string{}, refresh: map[string]bool{}, events: events}
	f.set(func(f *fakeAPI) {
		f.tokenFn = func(w http.ResponseWriter, r *http.Request, _ int) bool {
			id, secret, ok := r.BasicAuth()
			if !ok || id != testClientID || secret != testClientSecret {
				writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
				return true
			}
			form := f.TokenRequests()[len(f.TokenRequests())-1].Form
			a.mu.Lock()
			defer a.mu.Unlock()
			switch form.Get("grant_type") {
			case "authorization_code":
				challenge, ok := a.challenges[form.Get("code")]
				delete(a.challenges, form.Get("code")) // single use
				sum := sha256.Sum256([]byte(form.Get("code_verifier")))
				if !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != challenge {
					writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
					return true
				}
			case "refresh_token":
				if !a.refresh[form.Get("refresh_token")] {
					writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
					return true
				}
				delete(a.refresh, form.Get("refresh_token")) // rotation
			default:
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
				return true
			}
			a.rotations++
			rt := fmt.Sprintf("%s%d", refreshPrefix, a.rotations)
			a.refresh[rt] = true
			f.issue(w, strings.Join(allScopes(), " "), rt)
			return true
		}
	})
	return a
}

// authorize plays the user consenting at the authorization URL: it checks
// the PKCE parameters and returns the code and the state of the redirect.
func (a *authServer) authorize(t *testing.T, authURL string) (code, state string) {
	t.Helper()
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Path != gen.AuthorizePath || q.Get("response_type") != "code" || q.Get("client_id") != testClientID {
		t.Fatalf("authorization URL %s is not a code request for the client", authURL)
	}
	if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 {
		t.Fatalf("authorization URL lacks a PKCE S256 challenge: %s", authURL)
	}
	if q.Get("state") == "" || q.Get("redirect_uri") != "https://app.example/callback" {
		t.Fatalf("authorization URL lacks state or redirect_uri: %s", authURL)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	code = fmt.Sprintf("code-%d", len(a.challenges)+1)
	a.challenges[code] = q.Get("code_challenge")
	return code, q.Get("state")
}

// newAuthCodeClient is a client of f with the authorization code grant,
// whose token hook records each refresh token it persists in events; opts
// come after, and may replace the hook.
func newAuthCodeClient(t *testing.T, f *fakeAPI, clk clock, events *[]string, opts ...Option) *Client {
	t.Helper()
	var mu sync.Mutex
	base := []Option{
		WithAuthorizationCode(testClientID, testClientSecret, "https://app.example/callback"),
		WithTokenHook(func(_ context.Context, tok Token) error {
			mu.Lock()
			defer mu.Unlock()
			*events = append(*events, "persist "+tok.RefreshToken())
			return nil
		}),
	}
	return newClientOf(t, f, clk, append(base, opts...)...)
}

func TestAuthorizationCodeWithPKCEAndRotation(t *testing.T) {
	f := newFakeAPI(t)
	var events []string
	a := newAuthServer(f, &events)
	f.set(func(f *fakeAPI) {
		f.expiresIn = 60
		prev := f.apiFn
		f.apiFn = func(w http.ResponseWriter, r *http.Request, n int) bool {
			events = append(events, "api "+strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
			return prev != nil && prev(w, r, n)
		}
	})
	clk := newFakeClock()
	c := newAuthCodeClient(t, f, clk, &events)
	ctx := context.Background()

	req, err := c.AuthCodeURL(t.Context(), ScopeCountries)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(req.Scopes, []string{ScopeCountries}) {
		t.Errorf("scopes = %v", req.Scopes)
	}
	code, state := a.authorize(t, req.URL)
	tok, err := c.Exchange(ctx, req, state, code)
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken() != refreshPrefix+"1" || tok.AccessToken() != tokenPrefix+"1" {
		t.Fatalf("exchanged token = %v", tok)
	}
	if _, err := c.ListCountries(ctx, nil); err != nil {
		t.Fatal(err)
	}

	// After expiry the client refreshes; the rotated refresh token reaches
	// the hook before its access token reaches the API.
	clk.Advance(61e9)
	if _, err := c.ListCountries(ctx, nil); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"persist " + refreshPrefix + "1",
		"api " + tokenPrefix + "1",
		"persist " + refreshPrefix + "2",
		"api " + tokenPrefix + "2",
	}
	if !slices.Equal(events, want) {
		t.Fatalf("events = %v, want %v", events, want)
	}
	reqs := f.TokenRequests()
	if reqs[1].Form.Get("grant_type") != "refresh_token" || reqs[1].Form.Get("refresh_token") != refreshPrefix+"1" {
		t.Errorf("second token request = %v", reqs[1].Form)
	}
	for _, r := range reqs {
		if strings.Contains(r.Body, testClientSecret) {
			t.Errorf("client secret sent in a token request body")
		}
	}
}

func TestExchangeRefusesAForgedState(t *testing.T) {
	f := newFakeAPI(t)
	var events []string
	a := newAuthServer(f, &events)
	c := newAuthCodeClient(t, f, newFakeClock(), &events)
	req, err := c.AuthCodeURL(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(req.Scopes, allScopes()) {
		t.Errorf("AuthCodeURL without scopes asks for %v, want every scope of the spec %v", req.Scopes, allScopes())
	}
	code, _ := a.authorize(t, req.URL)
	if _, err := c.Exchange(context.Background(), req, "forged", code); !errors.Is(err, ErrStateMismatch) {
		t.Fatalf("forged state: err = %v, want ErrStateMismatch", err)
	}
	if n := len(f.TokenRequests()); n != 0 {
		t.Fatalf("a forged state still reached the token endpoint (%d requests)", n)
	}
}

func TestExchangeWithAWrongVerifierFails(t *testing.T) {
	f := newFakeAPI(t)
	var events []string
	a := newAuthServer(f, &events)
	c := newAuthCodeClient(t, f, newFakeClock(), &events)
	first, err := c.AuthCodeURL(t.Context(), ScopeCountries)
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.AuthCodeURL(t.Context(), ScopeCountries)
	if err != nil {
		t.Fatal(err)
	}
	if first.State == second.State {
		t.Fatal("two authorization requests share a state")
	}
	code, _ := a.authorize(t, first.URL)
	// The code of the first request, exchanged with the second request's
	// verifier: the server's PKCE check must refuse it.
	_, err = c.Exchange(context.Background(), second, second.State, code)
	var te *TokenError
	if !errors.As(err, &te) || te.Code != "invalid_grant" || te.Retryable {
		t.Fatalf("err = %v, want a non-retryable invalid_grant *TokenError", err)
	}
	if len(events) != 0 {
		t.Errorf("the hook ran for a failed exchange: %v", events)
	}
}

// A hook that cannot persist the rotated refresh token fails the call, at
// once and before the API sees the token: asking again would rotate the
// token again.
func TestRefreshTokenHookFailureFailsTheCall(t *testing.T) {
	f := newFakeAPI(t)
	var events []string
	a := newAuthServer(f, &events)
	a.mu.Lock()
	a.refresh[refreshPrefix+"0"] = true
	a.mu.Unlock()
	clk := newFakeClock()
	c := newAuthCodeClient(t, f, clk, &events, WithRefreshToken(refreshPrefix+"0"),
		WithTokenHook(func(context.Context, Token) error { return errors.New("disk full") }))
	_, err := c.ListCountries(t.Context(), nil)
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v, want the hook's failure", err)
	}
	if te := asTokenError(t, err); te.Retryable {
		t.Errorf("err = %v, want a non-retryable *TokenError", err)
	}
	if n := len(f.APIRequests()); n != 0 {
		t.Fatalf("the API was called with a token whose refresh token could not be persisted (%d requests)", n)
	}
	if n := len(f.TokenRequests()); n != 1 {
		t.Errorf("token requests = %d, want 1", n)
	}
	if s := clk.Slept(); len(s) != 0 {
		t.Errorf("slept %v: a hook failure was retried", s)
	}
}

func TestAuthCodeNeedsItsOption(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, newFakeClock())
	if _, err := c.AuthCodeURL(t.Context()); !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("AuthCodeURL on a client-credentials client: %v", err)
	}
	if _, err := NewClient(WithoutEnvironment(), WithRefreshToken("x")); err == nil {
		t.Fatal("WithRefreshToken without WithAuthorizationCode was accepted")
	}
}

// A closed client exchanges no code: the code stays usable elsewhere.
// consented returns a fake authorization server, a client of the code
// grant, and a request the user consented to with its code and state,
// ready for Exchange.
func consented(t *testing.T) (f *fakeAPI, c *Client, req *AuthRequest, code, state string) {
	t.Helper()
	f = newFakeAPI(t)
	var events []string
	a := newAuthServer(f, &events)
	c = newAuthCodeClient(t, f, newFakeClock(), &events)
	req, err := c.AuthCodeURL(t.Context(), ScopeCountries)
	if err != nil {
		t.Fatal(err)
	}
	code, state = a.authorize(t, req.URL)
	return f, c, req, code, state
}

func TestExchangeAfterCloseFailsWithErrClosed(t *testing.T) {
	f, c, req, code, state := consented(t)
	_ = c.Close()
	if _, err := c.Exchange(t.Context(), req, state, code); !errors.Is(err, ErrClosed) {
		t.Fatalf("Exchange after Close = %v, want ErrClosed", err)
	}
	if n := len(f.TokenRequests()); n != 0 {
		t.Fatalf("%d token requests after Close", n)
	}
}

// A success answer to the code exchange that is not a token response is a
// typed, non-retryable error, as for every other grant.
func TestExchangeMalformedAnswer(t *testing.T) {
	f, c, req, code, state := consented(t)
	f.set(func(f *fakeAPI) {
		f.tokenFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"access_token":"` + tokenPrefix + `x","token_type":"Bearer","expires_in":"soon"}`))
			return true
		}
	})
	_, err := c.Exchange(t.Context(), req, state, code)
	te := asTokenError(t, err)
	if te.Code != "invalid_response" || te.Retryable || te.Grant != "authorization_code" {
		t.Fatalf("TokenError{Code: %q, Retryable: %v, Grant: %q}, want invalid_response, not retryable, authorization_code", te.Code, te.Retryable, te.Grant)
	}
}

// The token the hook receives is dated.
func TestHookSeesTheExpiry(t *testing.T) {
	f := newFakeAPI(t)
	var events []string
	a := newAuthServer(f, &events)
	clk := newFakeClock()
	var expiry time.Time
	c := newAuthCodeClient(t, f, clk, &events,
		WithTokenHook(func(_ context.Context, tok Token) error { expiry = tok.Expiry(); return nil }))
	req, err := c.AuthCodeURL(t.Context(), ScopeCountries)
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
	req, err := c.AuthCodeURL(t.Context(), ScopeCountries)
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
	c := newClientOf(t, f, newFakeClock(), WithAuthorizationCode(testClientID, "", "https://app.example/callback"))
	req, err := c.AuthCodeURL(t.Context(), ScopeCountries)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = c.Exchange(t.Context(), req, req.State, "some-code")
	reqs := f.TokenRequests()
	if len(reqs) != 1 || reqs[0].Form.Get("client_id") != testClientID || reqs[0].Authorization != "" {
		t.Fatalf("token request = %+v, want client_id in the body and no Authorization", reqs)
	}
}
