package oauth

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/axa-assistance-go/axa/gen"
)

// testClock is a clock the tests move by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

// now returns the clock's time.
func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// advance moves the clock forward by d.
func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// The test configuration's client and user, as the sandbox registers them
// by default.
const (
	defaultClientID     = "sandbox-client"
	defaultClientSecret = "sandbox-secret"
	defaultUsername     = "demo"
	defaultPassword     = "demo"
	defaultRedirectURL  = "http://127.0.0.1/callback"
)

// option changes the test configuration.
type option func(*Config)

// testConfig is the configuration the sandbox gives its server by
// default, changed by opts.
func testConfig(opts ...option) Config {
	cfg := Config{
		Issuer:          "https://sandbox.axa-assistance.invalid",
		Audience:        "https://apis.axa-assistance.com",
		TokenLifetime:   time.Hour,
		CodeLifetime:    time.Minute,
		RefreshLifetime: 30 * 24 * time.Hour,
		Now:             time.Now,
		Log:             slog.New(slog.DiscardHandler),
		Clients: map[string]Client{defaultClientID: {
			ID: defaultClientID, Secret: defaultClientSecret,
			Scopes:       AllScopes(),
			RedirectURLs: []string{defaultRedirectURL},
		}},
		Users:       map[string]User{defaultUsername: {Login: defaultUsername, Password: defaultPassword}},
		DefaultUser: User{Login: defaultUsername, Password: defaultPassword},
	}
	for _, o := range opts {
		o(&cfg)
	}
	return cfg
}

// withAutoApprove approves authorization requests at once.
func withAutoApprove() option { return func(c *Config) { c.AutoApprove = true } }

// withClient registers cl.
func withClient(cl Client) option {
	return func(c *Config) {
		c.Clients = maps.Clone(c.Clients)
		c.Clients[cl.ID] = cl
	}
}

// withUser registers u.
func withUser(u User) option {
	return func(c *Config) {
		c.Users = maps.Clone(c.Users)
		c.Users[u.Login] = u
	}
}

// withTokenLifetime sets the access tokens' lifetime.
func withTokenLifetime(d time.Duration) option { return func(c *Config) { c.TokenLifetime = d } }

// withClock sets the clock.
func withClock(now func() time.Time) option { return func(c *Config) { c.Now = now } }

// withLogger sets the logger.
func withLogger(l *slog.Logger) option { return func(c *Config) { c.Log = l } }

// withSigningKey sets the signing key.
func withSigningKey(k ed25519.PrivateKey) option { return func(c *Config) { c.SigningKey = k } }

// withRefreshReuseInterval sets the refresh token reuse interval.
func withRefreshReuseInterval(d time.Duration) option {
	return func(c *Config) { c.RefreshReuseInterval = d }
}

// withIssuer sets the issuer.
func withIssuer(iss string) option { return func(c *Config) { c.Issuer = iss } }

// oauthEnv is an authorization server served by httptest, with a
// hand-moved clock.
type oauthEnv struct {
	t     *testing.T
	auth  *Server
	cfg   Config
	srv   *httptest.Server
	clock *testClock
}

// newServer returns the server of testConfig(opts...) and a handler
// serving its endpoints.
func newServer(t testing.TB, opts ...option) (*Server, http.Handler) {
	t.Helper()
	a, err := New(testConfig(opts...))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Routes(mux)
	return a, mux
}

// newOAuthEnv starts a server with a test clock, then opts.
func newOAuthEnv(t *testing.T, opts ...option) *oauthEnv {
	t.Helper()
	clock := &testClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	a, h := newServer(t, append([]option{withClock(clock.now)}, opts...)...)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &oauthEnv{t: t, auth: a, cfg: a.cfg, srv: srv, clock: clock}
}

// answer is a decoded answer of the token or revocation endpoint.
type answer struct {
	status int
	header http.Header
	body   map[string]any
}

// str returns a string field of the body.
func (a answer) str(k string) string { s, _ := a.body[k].(string); return s }

// post sends form to path, with HTTP Basic credentials when id is not
// empty.
func (e *oauthEnv) post(path string, form url.Values, id, secret string) answer {
	e.t.Helper()
	req, err := http.NewRequestWithContext(e.t.Context(), http.MethodPost, e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if id != "" {
		req.SetBasicAuth(id, secret)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	a := answer{status: resp.StatusCode, header: resp.Header, body: map[string]any{}}
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &a.body); err != nil {
			e.t.Fatalf("POST %s: %d, body not JSON: %q", path, resp.StatusCode, raw)
		}
	}
	return a
}

// token asks the token endpoint with the default client's Basic
// credentials.
func (e *oauthEnv) token(form url.Values) answer {
	e.t.Helper()
	return e.post(gen.TokenPath, form, defaultClientID, defaultClientSecret)
}

// mustToken is token, failing the test unless it answers 200.
func (e *oauthEnv) mustToken(form url.Values) answer {
	e.t.Helper()
	a := e.token(form)
	if a.status != http.StatusOK || a.str("access_token") == "" {
		e.t.Fatalf("token %v: %d %v", form.Get("grant_type"), a.status, a.body)
	}
	return a
}

// wantOAuthError fails the test unless a is the error code with status.
func wantOAuthError(t *testing.T, a answer, status int, code string) {
	t.Helper()
	if a.status != status || a.str("error") != code {
		t.Fatalf("answer %d %v, want %d %s", a.status, a.body, status, code)
	}
	if a.str("access_token") != "" {
		t.Fatal("an error answer carries an access token")
	}
}

// passwordForm is a password grant for the default user.
func passwordForm(scope string) url.Values {
	return url.Values{"grant_type": {"password"}, "username": {defaultUsername}, "password": {defaultPassword}, "scope": {scope}}
}

// refreshForm is a refresh token grant.
func refreshForm(rt string) url.Values {
	return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
}

// verifies reports whether the sandbox accepts an access token.
func (e *oauthEnv) verifies(raw string) bool {
	_, err := e.auth.Verify(raw)
	return err == nil
}

// browser GETs or POSTs like a browser that does not follow redirects.
func (e *oauthEnv) browser(method, u string, form url.Values) (status int, location, body string) {
	e.t.Helper()
	var rd io.Reader
	if form != nil {
		rd = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(e.t.Context(), method, u, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	hc := e.srv.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Location"), string(raw)
}

// oauth2Config is a golang.org/x/oauth2 client of the default client.
func (e *oauthEnv) oauth2Config(redirect string, scopes ...string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: defaultClientID, ClientSecret: defaultClientSecret,
		RedirectURL: redirect, Scopes: scopes,
		Endpoint: oauth2.Endpoint{
			AuthURL:   e.srv.URL + gen.AuthorizePath,
			TokenURL:  e.srv.URL + gen.TokenPath,
			AuthStyle: oauth2.AuthStyleInHeader,
		},
	}
}

// ctx is the context of oauth2 calls, with the test server's client.
func (e *oauthEnv) ctx() context.Context {
	return context.WithValue(e.t.Context(), oauth2.HTTPClient, e.srv.Client())
}

// redirected parses the Location of a 302 answer of browser.
func (e *oauthEnv) redirected(status int, location, body string) url.Values {
	e.t.Helper()
	if status != http.StatusFound {
		e.t.Fatalf("authorize answered %d, want 302: %.300s", status, body)
	}
	u, err := url.Parse(location)
	if err != nil {
		e.t.Fatal(err)
	}
	return u.Query()
}

// authorizeCode runs the authorization endpoint (with WithAutoApprove) and
// returns the code, checking that state came back.
func (e *oauthEnv) authorizeCode(cfg *oauth2.Config, verifier string) string {
	e.t.Helper()
	q := e.redirected(e.browser(http.MethodGet, cfg.AuthCodeURL("st-1", oauth2.S256ChallengeOption(verifier)), nil))
	if q.Get("state") != "st-1" || q.Get("code") == "" {
		e.t.Fatalf("redirect %v: want a code and state st-1", q)
	}
	return q.Get("code")
}

// wantRetrieveError fails the test unless err is an oauth2 error with code.
func wantRetrieveError(t *testing.T, err error, code string) {
	t.Helper()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != code {
		t.Fatalf("err = %v, want %s", err, code)
	}
}
