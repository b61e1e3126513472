package axa

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/gen"
)

// twoOrigins is an API and its authorization server on two origins, as AXA
// Assistance runs them: each records every request whole, so that a test
// can tell which secret reached which host.
type twoOrigins struct {
	t        *testing.T
	api, as  *httptest.Server
	mu       sync.Mutex
	seen     map[string][]string // "api" or "as" → each request, dumped
	issued   map[string]bool     // access tokens
	refresh  map[string]bool     // live refresh tokens
	n        int
	expires  any // the expires_in of the token answers; nil omits it
	metadata func(w http.ResponseWriter, r *http.Request) bool
	apiCalls int
}

const (
	splitTokenPath  = "/oauth/token"
	splitRevokePath = "/oauth/revoke"
	splitAuthPath   = "/authorize"
	testCode        = "CANARY-code-5e1f"
)

func newTwoOrigins(t *testing.T) *twoOrigins {
	t.Helper()
	o := &twoOrigins{t: t, seen: map[string][]string{}, issued: map[string]bool{}, refresh: map[string]bool{}, expires: 3600}
	o.as = httptest.NewServer(http.HandlerFunc(o.serveAS))
	o.api = httptest.NewServer(http.HandlerFunc(o.serveAPI))
	t.Cleanup(o.as.Close)
	t.Cleanup(o.api.Close)
	return o
}

// server returns the authorization server by its endpoints.
func (o *twoOrigins) server() AuthorizationServer {
	return AuthorizationServer{TokenURL: o.as.URL + splitTokenPath, AuthorizationURL: o.as.URL + splitAuthPath, RevocationURL: o.as.URL + splitRevokePath}
}

func (o *twoOrigins) record(host string, r *http.Request) []byte {
	body, _ := io.ReadAll(r.Body)
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", r.Method, r.URL.RequestURI())
	_ = r.Header.Write(&b)
	b.Write(body)
	o.mu.Lock()
	o.seen[host] = append(o.seen[host], b.String())
	o.mu.Unlock()
	return body
}

func (o *twoOrigins) serveAS(w http.ResponseWriter, r *http.Request) {
	body := o.record("as", r)
	if o.metadata != nil && o.metadata(w, r) {
		return
	}
	form, _ := url.ParseQuery(string(body))
	id, secret, ok := r.BasicAuth()
	if r.Header.Get("Authorization") != "" && strings.HasPrefix(r.Header.Get("Authorization"), "Bearer") {
		o.t.Errorf("the authorization server got a bearer token: %s %s", r.Method, r.URL.Path)
	}
	switch {
	case r.Method == http.MethodPost && (r.URL.Path == splitTokenPath || r.URL.Path == splitRevokePath):
		if !ok || id != testClientID || secret != testClientSecret {
			w.Header().Set("WWW-Authenticate", `Basic realm="as"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
			return
		}
	default:
		http.NotFound(w, r)
		return
	}
	if r.URL.Path == splitRevokePath {
		o.mu.Lock()
		delete(o.refresh, form.Get("token"))
		o.mu.Unlock()
		w.WriteHeader(http.StatusOK)
		return
	}
	var rt string
	switch form.Get("grant_type") {
	case "client_credentials":
	case "password":
		if form.Get("username") != testUsername || form.Get("password") != testPassword {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
			return
		}
		rt = "none"
	case "authorization_code":
		if form.Get("code") != testCode || form.Get("code_verifier") == "" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
			return
		}
		rt = "new"
	case "refresh_token":
		o.mu.Lock()
		live := o.refresh[form.Get("refresh_token")]
		delete(o.refresh, form.Get("refresh_token"))
		o.mu.Unlock()
		if !live {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
			return
		}
		rt = "new"
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
		return
	}
	o.mu.Lock()
	o.n++
	tok := fmt.Sprintf("%s%d", tokenPrefix, o.n)
	o.issued[tok] = true
	answer := map[string]any{"access_token": tok, "token_type": "Bearer", "scope": strings.Join(allScopes(), " ")}
	if o.expires != nil {
		answer["expires_in"] = o.expires
	}
	if rt == "new" {
		rt = fmt.Sprintf("%s%d", refreshPrefix, o.n)
		o.refresh[rt] = true
		answer["refresh_token"] = rt
	}
	o.mu.Unlock()
	writeJSON(w, http.StatusOK, answer)
}

func (o *twoOrigins) serveAPI(w http.ResponseWriter, r *http.Request) {
	o.record("api", r)
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	o.mu.Lock()
	o.apiCalls++
	valid := o.issued[tok]
	o.mu.Unlock()
	if r.URL.Path != "/version" && !valid {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, map[string]any{"status_code": 401, "error": "invalid_token"})
		return
	}
	switch r.URL.Path {
	case "/travel/v1/countries":
		writeJSON(w, http.StatusOK, []map[string]string{{"id": "fr", "label": "France"}})
	case "/version":
		writeJSON(w, http.StatusOK, map[string]any{"built-at": "2016-03-16T15:12:15Z", "commit-sha": "badc0ffee1deabeeffaceb00b00fa57ace5f00d1"})
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"status_code": 404, "error": "not_found"})
	}
}

// forget makes the API refuse every token issued so far, as after a
// restart of the authorization server's keys.
func (o *twoOrigins) forget() {
	o.mu.Lock()
	o.issued = map[string]bool{}
	o.mu.Unlock()
}

func (o *twoOrigins) requests(host string) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.seen[host]...)
}

// secretForms are the ways a secret travels: as is, form-encoded, and in an
// HTTP Basic header with the client id.
func secretForms(s string) []string {
	return []string{
		s, url.QueryEscape(s),
		base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(testClientID) + ":" + url.QueryEscape(s))),
		base64.StdEncoding.EncodeToString([]byte(testClientID + ":" + s)),
	}
}

// assertApart fails the test when a client secret, password, code or
// refresh token reached the API, or an access token reached the
// authorization server.
func (o *twoOrigins) assertApart(t *testing.T) {
	t.Helper()
	if len(o.requests("api")) == 0 || len(o.requests("as")) == 0 {
		t.Fatalf("requests: api %d, authorization server %d: the test exercised nothing", len(o.requests("api")), len(o.requests("as")))
	}
	for _, req := range o.requests("api") {
		for _, canary := range append(append(secretForms(testClientSecret), secretForms(testPassword)...), testCode, refreshPrefix) {
			if strings.Contains(req, canary) {
				t.Errorf("the API origin got %q:\n%s", canary, req)
			}
		}
	}
	for _, req := range o.requests("as") {
		if strings.Contains(req, tokenPrefix) {
			t.Errorf("the authorization server got an access token:\n%s", req)
		}
	}
}

func TestTokensComeFromTheAuthorizationServersOwnHost(t *testing.T) {
	o := newTwoOrigins(t)
	c := newClientOf(t, &fakeAPI{srv: o.api}, realClock{},
		WithAuthorizationServer(o.server()), WithClientCredentials(testClientID, testClientSecret))
	if _, err := c.ListCountries(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if n := len(o.requests("as")); n != 1 {
		t.Errorf("%d token requests at the authorization server, want 1", n)
	}
	o.assertApart(t)
}

func TestEveryGrantKeepsEachSecretToItsHost(t *testing.T) {
	o := newTwoOrigins(t)
	api := &fakeAPI{srv: o.api}
	ctx := t.Context()

	t.Run("client credentials", func(t *testing.T) {
		c := newClientOf(t, api, realClock{}, WithAuthorizationServer(o.server()), WithClientCredentials(testClientID, testClientSecret))
		if _, err := c.ListCountries(ctx, nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("password", func(t *testing.T) {
		c := newClientOf(t, api, realClock{}, WithAuthorizationServer(o.server()), WithPassword(testClientID, testClientSecret, testUsername, testPassword))
		if _, err := c.ListCountries(ctx, nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("authorization code, refresh after a 401, revocation", func(t *testing.T) {
		c := newClientOf(t, api, realClock{}, WithAuthorizationServer(o.server()), WithAuthorizationCode(testClientID, testClientSecret, "http://127.0.0.1/callback"))
		req, err := c.AuthCodeURL(ctx, ScopeCountries)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(req.URL, o.as.URL+splitAuthPath+"?") {
			t.Errorf("AuthCodeURL = %s, want the authorization server's endpoint", req.URL)
		}
		if _, err := c.Exchange(ctx, req, req.State, testCode); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ListCountries(ctx, nil); err != nil {
			t.Fatal(err)
		}
		o.forget() // the API refuses the token: the client refreshes it once
		if _, err := c.ListCountries(ctx, nil); err != nil {
			t.Fatalf("after a 401: %v", err)
		}
		if err := c.Revoke(ctx); err != nil {
			t.Fatal(err)
		}
		o.mu.Lock()
		live := len(o.refresh)
		o.mu.Unlock()
		if live != 0 {
			t.Errorf("%d refresh tokens live after Revoke", live)
		}
		if _, err := c.ListCountries(ctx, nil); !errors.Is(err, ErrNoCredentials) {
			t.Errorf("a call after Revoke: %v, want ErrNoCredentials (a new Exchange is needed)", err)
		}
	})
	o.assertApart(t)
	var revoked bool
	for _, r := range o.requests("as") {
		revoked = revoked || strings.HasPrefix(r, "POST "+splitRevokePath)
	}
	if !revoked {
		t.Error("no request reached the revocation endpoint")
	}
}

func TestATokenWithoutExpiryLivesTheFallbackLifetimeAndIsRefreshedOnA401(t *testing.T) {
	o := newTwoOrigins(t)
	o.expires = nil // "some tokens may be generated without an expiration time"
	clk := newFakeClock()
	c := newClientOf(t, &fakeAPI{srv: o.api}, clk, WithAuthorizationServer(o.server()), WithClientCredentials(testClientID, testClientSecret))
	tok, err := c.Token(t.Context(), ScopeCountries)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tok.Expiry().Sub(clk.Now()), (TokenOptions{}).withDefaults().FallbackLifetime; got != want {
		t.Errorf("a token without expires_in expires in %v, want the fallback lifetime %v", got, want)
	}
	if _, err := c.ListCountries(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	o.forget() // the server ended it before the fallback lifetime
	if _, err := c.ListCountries(t.Context(), nil); err != nil {
		t.Fatalf("a 401 on a token without expiry is refreshed once: %v", err)
	}
	o.mu.Lock()
	calls := o.apiCalls
	o.mu.Unlock()
	if calls != 3 {
		t.Errorf("%d API requests, want 3 (one, then a 401 and its replay)", calls)
	}
	o.assertApart(t)
}

func TestTokenParametersReachEveryTokenRequestAndTheAuthorizationURL(t *testing.T) {
	o := newTwoOrigins(t)
	as := o.server()
	params := WithTokenParameters(url.Values{"audience": {"https://apis.axa-assistance.com"}, "resource": {"https://apis.axa-assistance.com/"}})
	ctx := t.Context()
	cc := newClientOf(t, &fakeAPI{srv: o.api}, realClock{}, WithAuthorizationServer(as), params, WithClientCredentials(testClientID, testClientSecret))
	if _, err := cc.ListCountries(ctx, nil); err != nil {
		t.Fatal(err)
	}
	pw := newClientOf(t, &fakeAPI{srv: o.api}, realClock{}, WithAuthorizationServer(as), params, WithPassword(testClientID, testClientSecret, testUsername, testPassword))
	if _, err := pw.ListCountries(ctx, nil); err != nil {
		t.Fatal(err)
	}
	ac := newClientOf(t, &fakeAPI{srv: o.api}, realClock{}, WithAuthorizationServer(as), params, WithAuthorizationCode(testClientID, testClientSecret, "http://127.0.0.1/callback"))
	req, err := ac.AuthCodeURL(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(req.URL)
	if u.Query().Get("audience") != "https://apis.axa-assistance.com" || u.Query().Get("resource") != "https://apis.axa-assistance.com/" {
		t.Errorf("AuthCodeURL %s lacks the parameters", req.URL)
	}
	if _, err := ac.Exchange(ctx, req, req.State, testCode); err != nil {
		t.Fatal(err)
	}
	o.forget()
	if _, err := ac.ListCountries(ctx, nil); err != nil { // a refresh
		t.Fatal(err)
	}
	var tokenReqs int
	for _, r := range o.requests("as") {
		if !strings.HasPrefix(r, "POST "+splitTokenPath) {
			continue
		}
		tokenReqs++
		form, _ := url.ParseQuery(r[strings.LastIndex(r, "\r\n")+2:])
		if form.Get("audience") != "https://apis.axa-assistance.com" || form.Get("resource") != "https://apis.axa-assistance.com/" {
			t.Errorf("a %s token request without the parameters: %v", form.Get("grant_type"), form)
		}
	}
	if tokenReqs != 4 {
		t.Errorf("%d token requests, want 4 (client credentials, password, code, refresh)", tokenReqs)
	}
}

func TestTokenParametersCannotReplaceTheGrants(t *testing.T) {
	for _, name := range []string{"grant_type", "scope", "client_secret", "username", "refresh_token", ""} {
		_, err := NewClient(WithoutEnvironment(), WithTokenParameters(url.Values{name: {"x"}}))
		if err == nil || !strings.Contains(err.Error(), "grants send themselves") {
			t.Errorf("token parameter %q: err = %v", name, err)
		}
	}
}

func TestAuthorizationServerURLsAreChecked(t *testing.T) {
	for _, c := range []struct {
		as   AuthorizationServer
		want string
	}{
		{AuthorizationServer{}, "give a TokenURL or an Issuer"},
		{AuthorizationServer{TokenURL: "/auth/v1/token"}, "not an absolute URL"},
		{AuthorizationServer{TokenURL: "http://auth.example/token"}, "use https"},
		{AuthorizationServer{Issuer: "http://auth.example"}, "use https"},
		{AuthorizationServer{TokenURL: "https://user:CANARY-pass@auth.example/token"}, "not in the URL"},
		{AuthorizationServer{TokenURL: "https://auth.example/token", RevocationURL: "ftp://auth.example/revoke"}, "use https"},
		{AuthorizationServer{Issuer: "https://auth.example/?tenant=1"}, "has a query"},
	} {
		_, err := NewClient(WithoutEnvironment(), WithAuthorizationServer(c.as))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err = %v, want %q", c.as, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "CANARY") {
			t.Errorf("the error shows the URL's password: %v", err)
		}
	}
	// A loopback authorization server may be plain http, as the sandbox's.
	if _, err := NewClient(WithoutEnvironment(), WithAuthorizationServer(AuthorizationServer{TokenURL: "http://127.0.0.1:9/token"})); err != nil {
		t.Error(err)
	}
}

// TestEnvironmentsResolve checks where a client gets its tokens, for each
// way of configuring it, against the environments of the spec: the
// expectations come from gen.Environments, so a new environment in the
// spec is checked with no edit here.
func TestEnvironmentsResolve(t *testing.T) {
	envs := gen.Environments()
	if len(envs) == 0 {
		t.Fatal("the spec declares no environment")
	}
	for _, g := range envs {
		e := Environment(g.Name)
		t.Run(g.Name, func(t *testing.T) {
			c, err := NewClient(WithoutEnvironment(), WithEnvironment(e))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if c.BaseURL() != e.BaseURL() || e.BaseURL() == "" || strings.Contains(e.BaseURL(), "{") {
				t.Errorf("base URL %q, environment's %q", c.BaseURL(), e.BaseURL())
			}
			as := c.AuthorizationServer()
			if as.TokenURL != expand(g, g.TokenEndpoint, nil) || as.Issuer != expand(g, g.Issuer, nil) || as.RevocationURL != expand(g, g.RevocationEndpoint, nil) {
				t.Errorf("authorization server %v, spec's %+v", as, g)
			}
			if got, want := c.TokenParameters().Encode(), e.TokenParameters().Encode(); got != want || len(g.TokenParameters) != len(e.TokenParameters()) {
				t.Errorf("token parameters %q, spec's %v", got, g.TokenParameters)
			}
			// The same from AXA_ENV.
			t.Setenv(EnvEnvironment, g.Name)
			t.Setenv(EnvBaseURL, "")
			c2, err := NewClient()
			if err != nil {
				t.Fatal(err)
			}
			defer c2.Close()
			if c2.BaseURL() != e.BaseURL() || c2.AuthorizationServer().String() != as.String() {
				t.Errorf("AXA_ENV=%s: %s, %v; want %s, %v", g.Name, c2.BaseURL(), c2.AuthorizationServer(), e.BaseURL(), as)
			}
			// And from the base URL alone.
			c3, err := NewClient(WithoutEnvironment(), WithBaseURL(e.BaseURL()))
			if err != nil {
				t.Fatal(err)
			}
			defer c3.Close()
			if c3.AuthorizationServer().String() != as.String() {
				t.Errorf("WithBaseURL(%s): %v, want the environment's %v", e.BaseURL(), c3.AuthorizationServer(), as)
			}
		})
	}
}

func TestTheDefaultIsProductionsAuthorizationServer(t *testing.T) {
	c, err := NewClient(WithoutEnvironment())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.BaseURL() != ProductionURL || ProductionURL != EnvironmentProduction.BaseURL() {
		t.Errorf("base URL %s, ProductionURL %s, production's %s", c.BaseURL(), ProductionURL, EnvironmentProduction.BaseURL())
	}
	as := c.AuthorizationServer()
	if as.TokenURL == "" || strings.HasPrefix(as.TokenURL, ProductionURL) {
		t.Errorf("production's token endpoint %q: the spec puts it on another host than the API", as.TokenURL)
	}
	if as.String() != EnvironmentProduction.AuthorizationServer().String() {
		t.Errorf("%v, want %v", as, EnvironmentProduction.AuthorizationServer())
	}
}

func TestTheLocalSandboxOnAnyPortIsTheLocalEnvironment(t *testing.T) {
	c, err := NewClient(WithoutEnvironment(), WithBaseURL("http://127.0.0.1:43210"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := c.AuthorizationServer().TokenURL; got != "http://127.0.0.1:43210"+gen.TokenPath {
		t.Errorf("token URL %s", got)
	}
	// A base URL of no environment: the sandbox's paths under it.
	c2, err := NewClient(WithoutEnvironment(), WithBaseURL("https://gateway.example/axa"))
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	as := c2.AuthorizationServer()
	if as.TokenURL != "https://gateway.example/axa"+gen.TokenPath || as.RevocationURL != "https://gateway.example/axa"+gen.RevocationPath {
		t.Errorf("%v", as)
	}
}

func TestEnvironmentVariablesNameTheAuthorizationServer(t *testing.T) {
	t.Setenv(EnvBaseURL, "https://apis.example")
	t.Setenv(EnvTokenURL, "https://auth.example/token")
	t.Setenv(EnvRevocationURL, "https://auth.example/revoke")
	t.Setenv(EnvAudience, "https://apis.example")
	c, err := NewClient()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	as := c.AuthorizationServer()
	if as.TokenURL != "https://auth.example/token" || as.RevocationURL != "https://auth.example/revoke" || c.TokenParameters().Get("audience") != "https://apis.example" {
		t.Errorf("%v %v", as, c.TokenParameters())
	}
	// Options win over the variables.
	c2, err := NewClient(WithAuthorizationServer(AuthorizationServer{Issuer: "https://other.example"}))
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if as := c2.AuthorizationServer(); as.Issuer != "https://other.example" || as.TokenURL != "" {
		t.Errorf("WithAuthorizationServer under AXA_TOKEN_URL: %v", as)
	}
	// WithTokenParameters replaces AXA_AUDIENCE's value.
	c4, err := NewClient(WithTokenParameters(url.Values{"audience": {"https://mine.example"}}))
	if err != nil {
		t.Fatal(err)
	}
	defer c4.Close()
	if got := c4.TokenParameters().Get("audience"); got != "https://mine.example" {
		t.Errorf("audience %q", got)
	}
	c3, err := NewClient(WithEnvironment(EnvironmentLocal))
	if err != nil {
		t.Fatal(err)
	}
	defer c3.Close()
	if c3.BaseURL() != SandboxURL || c3.AuthorizationServer().TokenURL != SandboxURL+gen.TokenPath {
		t.Errorf("WithEnvironment under AXA_BASE_URL and AXA_TOKEN_URL: %s, %v", c3.BaseURL(), c3.AuthorizationServer())
	}
	t.Setenv(EnvEnvironment, "nowhere")
	if _, err := NewClient(); err == nil || !strings.Contains(err.Error(), "production") {
		t.Errorf("AXA_ENV=nowhere: %v, want the known environments named", err)
	}
	if _, err := NewClient(WithEnvironment("nowhere")); err == nil {
		t.Error("WithEnvironment(nowhere) accepted")
	}
}

func TestRevokeNeedsARevocationEndpoint(t *testing.T) {
	o := newTwoOrigins(t)
	as := o.server()
	as.RevocationURL = ""
	c := newClientOf(t, &fakeAPI{srv: o.api}, realClock{}, WithAuthorizationServer(as), WithAuthorizationCode(testClientID, testClientSecret, "http://127.0.0.1/callback"), WithRefreshToken(refreshPrefix+"x"))
	if err := c.Revoke(t.Context()); err == nil || !strings.Contains(err.Error(), "revocation endpoint") {
		t.Errorf("err = %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cc := newClientOf(t, &fakeAPI{srv: o.api}, realClock{}, WithAuthorizationServer(o.server()), WithClientCredentials(testClientID, testClientSecret))
	if _, err := cc.ListCountries(ctx, nil); err != nil {
		t.Fatal(err)
	}
	before := len(o.requests("as"))
	if err := cc.Revoke(ctx); err != nil {
		t.Fatal(err)
	}
	if len(o.requests("as")) != before {
		t.Error("Revoke of a client credentials client sent its access token to the authorization server")
	}
	if _, err := cc.ListCountries(ctx, nil); err != nil || len(o.requests("as")) != before+1 {
		t.Errorf("after Revoke: %v, %d token requests (want a new token)", err, len(o.requests("as"))-before)
	}
}

// A token or revocation endpoint that echoes the request in its
// error_description does not put a secret into the error: the client
// secret, the password, the refresh token, the code and the PKCE verifier
// are redacted, as sent (form-encoded) too.
func TestAnEchoingAuthorizationServerLeaksNoSecretIntoErrors(t *testing.T) {
	o := newTwoOrigins(t)
	var echo atomic.Bool
	o.metadata = func(w http.ResponseWriter, r *http.Request) bool {
		if !echo.Load() || r.Method != http.MethodPost {
			return false
		}
		body, _ := io.ReadAll(r.Body)
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": string(body) + " " + r.Header.Get("Authorization")})
		return true
	}
	ctx := t.Context()
	api := &fakeAPI{srv: o.api}
	ac := newClientOf(t, api, realClock{}, WithAuthorizationServer(o.server()), WithAuthorizationCode(testClientID, testClientSecret, "http://127.0.0.1/callback"))
	req, err := ac.AuthCodeURL(ctx, ScopeCountries)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ac.Exchange(ctx, req, req.State, testCode); err != nil {
		t.Fatal(err)
	}
	echo.Store(true)
	var errs []error
	_, err = ac.Exchange(ctx, req, req.State, testCode)
	errs = append(errs, err)
	errs = append(errs, ac.Revoke(ctx))
	for _, grant := range [][]Option{{WithClientCredentials(testClientID, testClientSecret)}, {WithPassword(testClientID, testClientSecret, testUsername, testPassword)},
		{WithAuthorizationCode(testClientID, testClientSecret, "http://127.0.0.1/callback"), WithRefreshToken(refreshPrefix + "echoed")}} {
		c := newClientOf(t, api, realClock{}, append([]Option{WithAuthorizationServer(o.server())}, grant...)...)
		_, err := c.ListCountries(ctx, nil)
		errs = append(errs, err)
	}
	for i, err := range errs {
		if err == nil {
			t.Errorf("call %d succeeded against an echoing server", i)
			continue
		}
		text := fmt.Sprintf("%v %+v %#v", err, err, err)
		for _, canary := range append(secretForms(testClientSecret), testPassword, refreshPrefix, testCode, req.Verifier) {
			if strings.Contains(text, canary) {
				t.Errorf("error %d shows %q: %s", i, canary, text)
			}
		}
	}
}
