package axa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/gen"
)

// Canary secrets: tests assert that none of them ever shows in logs, errors
// or formatted values.
const (
	testClientID     = "client-id-123"
	testClientSecret = "CANARY-client-secret-7f3a"
	testUsername     = "camille"
	testPassword     = "CANARY-password-91bd"
	tokenPrefix      = "CANARY-access-token-"
	refreshPrefix    = "CANARY-refresh-token-"
)

// fakeClock is a clock tests drive: Sleep records the wait and moves time
// forward at once.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Now()} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slept = append(c.slept, d)
	c.now = c.now.Add(d)
	return nil
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) Slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}

// tokenRequest is what the fake token endpoint saw.
type tokenRequest struct {
	Form          url.Values
	Body          string
	Authorization string
	UserAgent     string
}

// apiRequest is what the fake API saw.
type apiRequest struct {
	Method, Path, Authorization, IdempotencyKey, UserAgent string
}

// fakeAPI is an httptest server with a token endpoint and the API paths.
// Tests replace TokenHandler or APIHandler to script answers; the defaults
// issue bearer tokens to testClientID/testClientSecret and answer the
// countries list and /version.
type fakeAPI struct {
	t   *testing.T
	srv *httptest.Server

	mu        sync.Mutex
	tokenReqs []tokenRequest
	apiReqs   []apiRequest
	issued    []string
	expiresIn any // the expires_in to answer; nil omits it
	grantAll  bool
	tokenFn   func(w http.ResponseWriter, r *http.Request, n int) bool // true: handled
	apiFn     func(w http.ResponseWriter, r *http.Request, n int) bool // true: handled
	newConns  int
}

func newFakeAPI(t *testing.T) *fakeAPI {
	t.Helper()
	f := &fakeAPI{t: t, expiresIn: 3600}
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	f.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			f.mu.Lock()
			f.newConns++
			f.mu.Unlock()
		}
	}
	f.srv.Start()
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) URL() string { return f.srv.URL }

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == gen.TokenPath {
		f.serveToken(w, r)
		return
	}
	f.mu.Lock()
	f.apiReqs = append(f.apiReqs, apiRequest{
		Method: r.Method, Path: r.URL.Path, Authorization: r.Header.Get("Authorization"),
		IdempotencyKey: r.Header.Get("Idempotency-Key"), UserAgent: r.Header.Get("User-Agent"),
	})
	n := len(f.apiReqs)
	fn := f.apiFn
	f.mu.Unlock()
	if fn != nil && fn(w, r, n) {
		return
	}
	if r.URL.Path != "/version" && !f.validToken(r.Header.Get("Authorization")) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="axa", error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, map[string]any{"status_code": 401, "error": "invalid_token"})
		return
	}
	switch r.URL.Path {
	case "/version":
		writeJSON(w, http.StatusOK, map[string]any{"built-at": "2016-03-16T15:12:15Z", "commit-sha": "badc0ffee1deabeeffaceb00b00fa57ace5f00d1"})
	case "/travel/v1/countries":
		writeJSON(w, http.StatusOK, []map[string]string{{"id": "fr", "label": "France"}, {"id": "jp", "label": "Japan"}})
	case "/travel/v1/countries/alerts":
		writeJSON(w, http.StatusOK, map[string]any{"world_health_organization_bulletins": []any{}, "axa_health_alerts": []any{}, "axa_security_alerts": []any{}})
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"status_code": 404, "error": "not_found", "error_description": "no such thing"})
	}
}

func (f *fakeAPI) validToken(h string) bool {
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.issued {
		if t == tok {
			return true
		}
	}
	return false
}

func (f *fakeAPI) serveToken(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	f.mu.Lock()
	f.tokenReqs = append(f.tokenReqs, tokenRequest{Form: form, Body: string(body), Authorization: r.Header.Get("Authorization"), UserAgent: r.Header.Get("User-Agent")})
	n := len(f.tokenReqs)
	fn := f.tokenFn
	f.mu.Unlock()
	if fn != nil && fn(w, r, n) {
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok || id != testClientID || secret != testClientSecret {
		w.Header().Set("WWW-Authenticate", `Basic realm="axa"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client", "error_description": "client authentication failed"})
		return
	}
	f.issue(w, form.Get("scope"), "")
}

// issue answers a token for scope, with a refresh token when rt is set.
func (f *fakeAPI) issue(w http.ResponseWriter, scope, rt string) {
	f.mu.Lock()
	tok := fmt.Sprintf("%s%d", tokenPrefix, len(f.issued)+1)
	f.issued = append(f.issued, tok)
	exp, all := f.expiresIn, f.grantAll
	f.mu.Unlock()
	if all {
		scope = strings.Join(allScopes(), " ")
	}
	answer := map[string]any{"access_token": tok, "token_type": "Bearer", "scope": scope}
	if exp != nil {
		answer["expires_in"] = exp
	}
	if rt != "" {
		answer["refresh_token"] = rt
	}
	writeJSON(w, http.StatusOK, answer)
}

func (f *fakeAPI) TokenRequests() []tokenRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]tokenRequest(nil), f.tokenReqs...)
}

func (f *fakeAPI) APIRequests() []apiRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]apiRequest(nil), f.apiReqs...)
}

func (f *fakeAPI) NewConns() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.newConns
}

func (f *fakeAPI) set(fn func(f *fakeAPI)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// newClientOf returns a client of f with clock clk and opts, ignoring the
// environment, closed when the test ends: without a grant option, a client
// without credentials.
func newClientOf(t *testing.T, f *fakeAPI, clk clock, opts ...Option) *Client {
	t.Helper()
	base := []Option{WithoutEnvironment(), WithBaseURL(f.URL()), withClock(clk)}
	c, err := NewClient(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// newTestClient returns a client of f with client credentials and clock
// clk, ignoring the environment; opts come after.
func newTestClient(t *testing.T, f *fakeAPI, clk clock, opts ...Option) *Client {
	t.Helper()
	return newClientOf(t, f, clk, append([]Option{WithClientCredentials(testClientID, testClientSecret)}, opts...)...)
}

// hangUp takes the connection from the server and closes it without an
// answer: to the client, a transport error.
func hangUp(t *testing.T, w http.ResponseWriter) {
	t.Helper()
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("the fake API's ResponseWriter is not an http.Hijacker")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijacking the connection: %v", err)
		return
	}
	_ = conn.Close()
}

// asAPIError returns err's *Error, failing the test when there is none.
func asAPIError(t *testing.T, err error) *Error {
	t.Helper()
	if err == nil {
		t.Fatal("the call succeeded, want an *Error")
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	return e
}

func bearer(n int) string { return "Bearer " + tokenPrefix + strconv.Itoa(n) }

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

// RoundTrip implements http.RoundTripper.
func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// guard bounds how long a test waits for something that should happen at
// once; reaching it is a failure, never the normal path.
const guard = 10 * time.Second

// asTokenError returns err's *TokenError, failing the test without one.
func asTokenError(t *testing.T, err error) *TokenError {
	t.Helper()
	var te *TokenError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v (%T), want a *TokenError", err, err)
	}
	return te
}

// releaseOnCleanup returns a channel the test closes to release a blocked
// token endpoint; cleanup closes it too, so that a failing test does not
// leave the fake server's Close waiting for a handler.
func releaseOnCleanup(t *testing.T) (ch chan struct{}, release func()) {
	t.Helper()
	ch = make(chan struct{})
	var once sync.Once
	release = func() { once.Do(func() { close(ch) }) }
	t.Cleanup(release)
	return ch, release
}

// redactTokens keeps only the serial number of test tokens, for messages.
func redactTokens(hs []string) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = strings.Replace(h, tokenPrefix, "token-", 1)
	}
	return out
}

// noKeepAlive returns a transport that opens a connection per request, so
// that net/http never replays a request on its own and every resend seen by
// the server is the SDK's.
func noKeepAlive(t *testing.T) *http.Transport {
	t.Helper()
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

func unavailable(w http.ResponseWriter) {
	writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status_code": 503, "error": "unavailable"})
}
