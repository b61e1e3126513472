package conformance_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/conformance"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// origins are the public URLs of a sandbox whose authorization server has a
// listener of its own: its API's and its authorization server's (the
// issuer).
type origins struct{ api, auth string }

// proxies makes the handlers in front of the two origins of a sandbox,
// given the public URLs and where each forwards to.
type proxies func(public origins, api, auth *url.URL) (apiHandler, authHandler http.Handler)

// twoOrigins starts a sandbox (startEnv's clock, no rate limit, opts) with
// its authorization server on a listener of its own, and returns the URLs
// clients use. With proxy, each origin is behind the handler it makes, and
// the authorization server's proxy is the issuer (sandbox.WithIssuer), so
// that its metadata names it.
func twoOrigins(t *testing.T, proxy proxies, opts ...sandbox.Option) origins {
	t.Helper()
	opts = append(opts, sandbox.WithAuthorizationServerAddr("127.0.0.1:0"))
	var apiSrv, authSrv *httptest.Server
	if proxy != nil {
		apiSrv, authSrv = httptest.NewUnstartedServer(nil), httptest.NewUnstartedServer(nil)
		t.Cleanup(apiSrv.Close)
		t.Cleanup(authSrv.Close)
		opts = append(opts, sandbox.WithIssuer("http://"+authSrv.Listener.Addr().String()))
	}
	env := startEnv(t, opts...)
	if proxy == nil {
		return origins{api: env.URL, auth: env.AuthorizationServerURL}
	}
	apiURL, err := url.Parse(env.URL)
	if err != nil {
		t.Fatal(err)
	}
	authURL, err := url.Parse(env.AuthorizationServerURL)
	if err != nil {
		t.Fatal(err)
	}
	public := origins{api: "http://" + apiSrv.Listener.Addr().String(), auth: "http://" + authSrv.Listener.Addr().String()}
	apiSrv.Config.Handler, authSrv.Config.Handler = proxy(public, apiURL, authURL)
	apiSrv.Start()
	authSrv.Start()
	return public
}

// outcomes maps each check of a report ("operation/check") to its outcome.
func outcomes(rep *conformance.Report) map[string]conformance.Outcome {
	out := map[string]conformance.Outcome{}
	for _, op := range rep.Operations {
		for _, c := range op.Checks {
			out[op.ID+"/"+c.Name] = c.Outcome
		}
	}
	return out
}

// tally counts the checks of a report by outcome.
func tally(rep *conformance.Report) (pass, fail, skip int) {
	for _, o := range outcomes(rep) {
		switch o {
		case conformance.Pass:
			pass++
		case conformance.Fail:
			fail++
		case conformance.Skip:
			skip++
		}
	}
	return pass, fail, skip
}

// TestAuthorizationServerElsewhereConforms: the sandbox with its
// authorization server on a listener of its own, given by its issuer alone
// (the endpoints discovered) or by its endpoints, passes the run exactly as
// the sandbox on one origin does: every check with the same outcome, none
// failed.
func TestAuthorizationServerElsewhereConforms(t *testing.T) {
	same := startSandbox(t)
	two := twoOrigins(t, nil)
	cases := []struct {
		name string
		cfg  conformance.Config
	}{
		{"one origin", conformance.Config{BaseURL: same}},
		{"issuer only", conformance.Config{BaseURL: two.api, AuthorizationServer: axa.AuthorizationServer{Issuer: two.auth}}},
		{"endpoints and issuer", conformance.Config{BaseURL: two.api, AuthorizationServer: axa.AuthorizationServer{
			Issuer: two.auth, TokenURL: two.auth + gen.TokenPath, AuthorizationURL: two.auth + gen.AuthorizePath, RevocationURL: two.auth + gen.RevocationPath,
		}}},
	}
	var want map[string]conformance.Outcome
	for _, c := range cases {
		c.cfg.ClientID, c.cfg.ClientSecret = sandbox.DefaultClientID, sandbox.DefaultClientSecret
		rep, err := conformance.Check(t.Context(), c.cfg)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for _, op := range rep.Operations {
			for _, r := range op.Checks {
				if r.Outcome == conformance.Fail {
					t.Errorf("%s: %s %s failed at %s: expected %s, got %s; %s", c.name, op.ID, r.Name, r.Pointer, r.Expected, r.Got, r.Message)
				}
			}
		}
		pass, fail, skip := tally(rep)
		t.Logf("%s: %d operations, %d checks: %d passed, %d failed, %d skipped", c.name, len(rep.Operations), pass+fail+skip, pass, fail, skip)
		got := outcomes(rep)
		if want == nil {
			want = got
			continue
		}
		for k, o := range want {
			if got[k] != o {
				t.Errorf("%s: %s is %q, %q on one origin", c.name, k, got[k], o)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d checks, %d on one origin", c.name, len(got), len(want))
		}
	}
}

// wire records every request a run sends (origin, method, path, headers,
// body) and the access tokens of the answers.
type wire struct {
	next http.RoundTripper

	mu     sync.Mutex
	sent   []sentRequest
	tokens []string
}

type sentRequest struct {
	origin, method, path, rawURL string
	header                       http.Header
	body                         string
}

func (s sentRequest) String() string { return s.method + " " + s.origin + s.path }

// carries reports whether the request holds v anywhere: URL, a header, the
// body.
func (s sentRequest) carries(v string) bool {
	if strings.Contains(s.rawURL, v) || strings.Contains(s.body, v) {
		return true
	}
	for _, vs := range s.header {
		for _, h := range vs {
			if strings.Contains(h, v) {
				return true
			}
		}
	}
	return false
}

func (w *wire) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		_ = req.Body.Close()
		body = b
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	w.mu.Lock()
	w.sent = append(w.sent, sentRequest{origin: req.URL.Scheme + "://" + req.URL.Host, method: req.Method, path: req.URL.Path,
		rawURL: req.URL.String(), header: req.Header.Clone(), body: string(body)})
	w.mu.Unlock()
	resp, err := w.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	b, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if err != nil {
		return resp, nil
	}
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	if json.Unmarshal(b, &tr) == nil && len(tr.AccessToken) >= 16 {
		w.mu.Lock()
		w.tokens = append(w.tokens, tr.AccessToken)
		w.mu.Unlock()
	}
	return resp, nil
}

func (w *wire) requests() ([]sentRequest, []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]sentRequest(nil), w.sent...), append([]string(nil), w.tokens...)
}

// authorizationServerPath reports whether path is one of the authorization
// server's in the spec.
func authorizationServerPath(method, path string) bool {
	id, _, ok := gen.MatchOperation(method, path)
	op, _ := gen.LookupOperation(id)
	return ok && op.AuthorizationServer
}

// With the issuer alone, the run reads its metadata first (RFC 8414) and
// sends each request of the authorization server to the endpoint the
// metadata names, none of them to the API's origin.
func TestIssuerOnlyConfigDiscoversTheEndpoints(t *testing.T) {
	two := twoOrigins(t, nil)
	w := &wire{next: http.DefaultTransport}
	ops := []string{string(gen.OperationListCountries), string(gen.OperationRequestToken), string(gen.OperationRevokeToken),
		string(gen.OperationAuthorize), string(gen.OperationGetJSONWebKeySet), string(gen.OperationGetAuthorizationServerMetadata)}
	rep, err := conformance.Check(t.Context(), conformance.Config{BaseURL: two.api, ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret,
		AuthorizationServer: axa.AuthorizationServer{Issuer: two.auth}, Transport: w, Operations: ops})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed() != 0 {
		t.Errorf("%d failed checks", rep.Failed())
	}
	for _, op := range rep.Operations {
		if c := op.Checks[0]; c.Outcome != conformance.Pass {
			t.Errorf("%s response: %s %q", op.ID, c.Outcome, c.Message)
		}
	}
	sent, _ := w.requests()
	if len(sent) == 0 || sent[0].String() != "GET "+two.auth+"/.well-known/oauth-authorization-server" {
		t.Fatalf("first request %v, want the issuer's metadata", sent[:min(len(sent), 1)])
	}
	metadata := 0
	for _, s := range sent {
		onAuth := authorizationServerPath(s.method, s.path)
		switch {
		case onAuth && s.origin != two.auth:
			t.Errorf("%s: a request of the authorization server elsewhere than at its origin", s)
		case !onAuth && s.origin != two.api:
			t.Errorf("%s: a request of the API elsewhere than at its origin", s)
		}
		if s.path == "/.well-known/oauth-authorization-server" {
			metadata++
		}
	}
	if metadata != 1 {
		t.Errorf("the metadata was read %d times, want once (discovery and its check are one request)", metadata)
	}
}

// The canary: the client secret never reaches the API's origin, nor a token
// the authorization server's, whatever they answer: an API that redirects
// to the authorization server, or answers a Basic challenge; an
// authorization server that redirects its token, revocation and key set
// requests to a third host, or throttles. No redirect is followed, so the
// third host is sent nothing.
func TestCredentialsStayOnTheirOrigins(t *testing.T) {
	const id, secret = "canary-client", "canary-secret-3c1f9e7a5b2d4068"
	var scopes []string
	for _, s := range gen.AllScopes() {
		scopes = append(scopes, string(s))
	}
	var elsewhereHits atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhereHits.Add(1) }))
	t.Cleanup(elsewhere.Close)
	var apiRedirects, apiChallenges, authRedirects, throttled atomic.Int32
	two := twoOrigins(t, func(public origins, api, auth *url.URL) (http.Handler, http.Handler) {
		toAPI, toAuth := httputil.NewSingleHostReverseProxy(api), httputil.NewSingleHostReverseProxy(auth)
		apiH := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/travel/v1/countries": // to the authorization server: a follower would bring it the token
				apiRedirects.Add(1)
				http.Redirect(w, r, public.auth+r.URL.RequestURI(), http.StatusTemporaryRedirect)
			case "/travel/v1/countries/alerts": // a challenge inviting the client credentials
				apiChallenges.Add(1)
				w.Header().Set("WWW-Authenticate", `Basic realm="api"`)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = w.Write([]byte(`{"status_code":401,"error":"invalid_client"}`))
			default:
				toAPI.ServeHTTP(w, r)
			}
		})
		var tokens atomic.Int32
		authH := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			form, _ := url.ParseQuery(string(body))
			switch {
			case r.URL.Path == gen.TokenPath && tokens.Add(1) == 1: // the first token request throttled
				throttled.Add(1)
				w.Header().Set("Retry-After", "0")
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte(`{"error":"temporarily_unavailable"}`))
			case r.URL.Path == gen.TokenPath && form.Get("scope") == string(gen.ScopeTravelCountriesAlertsReadOnly),
				r.URL.Path == gen.RevocationPath, r.URL.Path == "/auth/v1/jwks":
				authRedirects.Add(1)
				http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusTemporaryRedirect)
			default:
				toAuth.ServeHTTP(w, r)
			}
		})
		return apiH, authH
	}, sandbox.WithClient(sandbox.Client{ID: id, Secret: secret, Scopes: scopes}))

	w := &wire{next: http.DefaultTransport}
	rep, err := conformance.Check(t.Context(), conformance.Config{BaseURL: two.api, ClientID: id, ClientSecret: secret,
		AuthorizationServer: axa.AuthorizationServer{Issuer: two.auth}, Transport: w})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed() == 0 {
		t.Error("no check failed against origins that redirect and challenge")
	}
	basic := base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id) + ":" + url.QueryEscape(secret)))
	sent, tokens := w.requests()
	if len(tokens) < len(scopes)-1 {
		t.Fatalf("recorded %d tokens, want one per scope but the redirected one", len(tokens))
	}
	for _, s := range sent {
		switch s.origin {
		case two.api:
			if strings.HasPrefix(s.header.Get("Authorization"), "Basic") || s.carries(secret) || s.carries(basic) {
				t.Errorf("%s: the client credentials went to the API", s)
			}
		case two.auth:
			if strings.HasPrefix(s.header.Get("Authorization"), "Bearer") {
				t.Errorf("%s: a bearer token went to the authorization server", s)
			}
			for _, tok := range tokens {
				if s.carries(tok) {
					t.Errorf("%s: an access token went to the authorization server", s)
				}
			}
		default:
			t.Errorf("%s: a request to a third host", s)
		}
	}
	if n := elsewhereHits.Load(); n > 0 {
		t.Errorf("the third host got %d requests: a redirect was followed", n)
	}
	for name, n := range map[string]int32{"API redirects": apiRedirects.Load(), "API Basic challenges": apiChallenges.Load(),
		"authorization server redirects": authRedirects.Load(), "throttled token requests": throttled.Load()} {
		if n == 0 {
			t.Errorf("no %s: the test did not test", name)
		}
	}
	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(js, []byte(secret)) || bytes.Contains(js, []byte(basic)) {
		t.Error("the report holds the client secret")
	}
}

// Drift at the authorization server on its own origin: a token endpoint
// that answers a client authentication failure (401) without its Basic
// challenge fails requestToken's "no credentials" and "wrong credentials"
// checks at the header, and only those.
func TestTokenEndpointChallengeDriftIsCaught(t *testing.T) {
	two := twoOrigins(t, func(_ origins, api, auth *url.URL) (http.Handler, http.Handler) {
		p := httputil.NewSingleHostReverseProxy(auth)
		p.ModifyResponse = func(resp *http.Response) error {
			if resp.Request.URL.Path == gen.TokenPath && resp.StatusCode == http.StatusUnauthorized {
				resp.Header.Del("WWW-Authenticate")
			}
			return nil
		}
		return httputil.NewSingleHostReverseProxy(api), p
	})
	rep, err := conformance.Check(t.Context(), conformance.Config{BaseURL: two.api, ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret,
		AuthorizationServer: axa.AuthorizationServer{Issuer: two.auth},
		Operations:          []string{string(gen.OperationRequestToken), string(gen.OperationRevokeToken), string(gen.OperationListCountries)}})
	if err != nil {
		t.Fatal(err)
	}
	caught := 0
	for _, op := range rep.Operations {
		for _, c := range op.Checks {
			drifted := op.ID == string(gen.OperationRequestToken) && (c.Name == "no credentials" || c.Name == "wrong credentials")
			switch {
			case drifted && c.Outcome == conformance.Fail && c.Pointer == "header/WWW-Authenticate" && c.Got == "absent":
				caught++
			case drifted:
				t.Errorf("%s %s: %+v, want a failure at header/WWW-Authenticate", op.ID, c.Name, c)
			case c.Outcome != conformance.Pass:
				t.Errorf("%s %s: %s %q, want a pass", op.ID, c.Name, c.Outcome, c.Message)
			}
		}
	}
	if caught != 2 {
		t.Errorf("%d checks caught the drift, want 2", caught)
	}
}

// An authorization server that would carry the client secret or the tokens
// in clear (plain http to a host that is not loopback) is refused before any
// request, as the SDK refuses it; so is a token parameter the grant sends
// itself.
func TestInsecureAuthorizationServerIsRefused(t *testing.T) {
	const secret = "canary-secret-Qq9"
	w := &wire{next: http.DefaultTransport}
	base := startSandbox(t)
	for name, cfg := range map[string]conformance.Config{
		"token endpoint":      {AuthorizationServer: axa.AuthorizationServer{TokenURL: "http://auth.conform.test/oauth/token"}},
		"issuer":              {AuthorizationServer: axa.AuthorizationServer{Issuer: "http://10.0.0.1:8080"}},
		"revocation endpoint": {AuthorizationServer: axa.AuthorizationServer{TokenURL: "https://auth.conform.test/token", RevocationURL: "http://auth.conform.test/revoke"}},
		"loopback look-alike": {AuthorizationServer: axa.AuthorizationServer{TokenURL: "http://127.0.0.1.conform.test/token"}},
	} {
		cfg.BaseURL, cfg.ClientID, cfg.ClientSecret, cfg.Transport = base, "id", secret, w
		_, err := conformance.Check(t.Context(), cfg)
		if err == nil || !strings.Contains(err.Error(), "https") || strings.Contains(err.Error(), secret) {
			t.Errorf("%s: %v, want a refusal naming https", name, err)
		}
	}
	_, err := conformance.Check(t.Context(), conformance.Config{BaseURL: base, ClientID: "id", ClientSecret: secret, Transport: w,
		TokenParameters: url.Values{"scope": {"everything"}}})
	if err == nil || !strings.Contains(err.Error(), "scope") {
		t.Errorf("a token parameter scope: %v, want a refusal", err)
	}
	if sent, _ := w.requests(); len(sent) > 0 {
		t.Errorf("sent %v", sent)
	}
}

// Metadata the run cannot use is not used, and the response check of the
// metadata says why: an issuer other than the one asked (RFC 8414 section
// 3.3), an endpoint in clear to a host that is not loopback. With the issuer
// alone the run then has no token endpoint, and says so; nothing goes to
// the endpoint named.
func TestUnusableMetadataIsNotUsed(t *testing.T) {
	two := twoOrigins(t, func(_ origins, api, auth *url.URL) (http.Handler, http.Handler) {
		p := httputil.NewSingleHostReverseProxy(auth)
		p.ModifyResponse = func(resp *http.Response) error {
			if resp.Request.URL.Path != "/.well-known/oauth-authorization-server" {
				return nil
			}
			var m map[string]any
			if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
				return err
			}
			_ = resp.Body.Close()
			m["token_endpoint"] = "http://auth.conform.test/token"
			b, err := json.Marshal(m)
			if err != nil {
				return err
			}
			resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
			resp.Header.Set("Content-Length", fmt.Sprint(len(b)))
			return nil
		}
		return httputil.NewSingleHostReverseProxy(api), p
	})
	for _, c := range []struct {
		name, issuer, pointer string
	}{
		{"another issuer", two.auth + "/", "/issuer"},
		{"an endpoint in clear", two.auth, "/token_endpoint"},
	} {
		w := &wire{next: http.DefaultTransport}
		cfg := conformance.Config{BaseURL: two.api, ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret,
			AuthorizationServer: axa.AuthorizationServer{Issuer: c.issuer}, Transport: w}
		_, err := conformance.Check(t.Context(), cfg)
		if err == nil || !strings.Contains(err.Error(), "names no token endpoint") || !strings.Contains(err.Error(), c.pointer) {
			t.Errorf("%s: %v, want no token endpoint, naming %s", c.name, err, c.pointer)
		}
		// With a token endpoint given, the run goes on, and the metadata's
		// check fails where it should.
		cfg.AuthorizationServer.TokenURL = two.auth + gen.TokenPath
		cfg.Operations = []string{string(gen.OperationGetAuthorizationServerMetadata)}
		rep, err := conformance.Check(t.Context(), cfg)
		if err != nil {
			t.Fatalf("%s, with a token endpoint: %v", c.name, err)
		}
		if r := rep.Operations[0].Checks[0]; r.Outcome != conformance.Fail || r.Pointer != c.pointer {
			t.Errorf("%s: metadata response %+v, want a failure at %s", c.name, r, c.pointer)
		}
		sent, _ := w.requests()
		for _, s := range sent {
			if s.origin != two.auth && s.origin != two.api {
				t.Errorf("%s: sent %s", c.name, s)
			}
		}
	}
}

// An authorization server that names only its token endpoint (AXA's hosted
// sandbox environment does): the operations of its other endpoints are
// skipped, saying so, and never sent to the API's origin instead.
func TestUnnamedEndpointsAreSkippedNotSentToTheAPI(t *testing.T) {
	two := twoOrigins(t, nil)
	w := &wire{next: http.DefaultTransport}
	rep, err := conformance.Check(t.Context(), conformance.Config{BaseURL: two.api, ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret,
		AuthorizationServer: axa.AuthorizationServer{TokenURL: two.auth + gen.TokenPath}, Transport: w})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed() != 0 {
		t.Errorf("%d failed checks", rep.Failed())
	}
	skipped := 0
	for _, op := range rep.Operations {
		if !authorizationServerPath(op.Method, op.Path) || op.Path == gen.TokenPath {
			continue
		}
		for _, c := range op.Checks {
			if c.Outcome != conformance.Skip || !strings.Contains(c.Message, "names no") || !strings.Contains(c.Message, "not sent to the API's origin") {
				t.Errorf("%s %s: %s %q, want a skip saying the authorization server names no endpoint for it", op.ID, c.Name, c.Outcome, c.Message)
			}
		}
		skipped++
	}
	if skipped == 0 {
		t.Fatal("no operation of the authorization server but the token endpoint's: the test did not test")
	}
	sent, _ := w.requests()
	for _, s := range sent {
		if s.origin == two.api && authorizationServerPath(s.method, s.path) {
			t.Errorf("%s: an operation of the authorization server sent to the API's origin", s)
		}
		if s.origin == two.auth && s.path != gen.TokenPath {
			t.Errorf("%s: the authorization server was sent more than token requests", s)
		}
	}
}

// Token parameters go with every token request: a sandbox that refuses a
// token request without an audience (an Auth0 tenant without a default
// audience) gives no token without them, and conforms with them.
func TestTokenParametersAreSent(t *testing.T) {
	two := twoOrigins(t, nil, sandbox.WithAudienceRequired())
	cfg := conformance.Config{BaseURL: two.api, ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret,
		AuthorizationServer: axa.AuthorizationServer{Issuer: two.auth}}
	if _, err := conformance.Check(t.Context(), cfg); err == nil || !strings.Contains(err.Error(), "invalid_request") {
		t.Errorf("without an audience: %v, want no token (invalid_request)", err)
	}
	cfg.TokenParameters = url.Values{"audience": {"https://apis.axa-assistance.com"}}
	w := &wire{next: http.DefaultTransport}
	cfg.Transport = w
	rep, err := conformance.Check(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range rep.Operations {
		for _, c := range op.Checks {
			if c.Outcome == conformance.Fail {
				t.Errorf("%s %s failed at %s: %s", op.ID, c.Name, c.Pointer, c.Message)
			}
		}
	}
	sent, _ := w.requests()
	tokenRequests := 0
	for _, s := range sent {
		if s.path == gen.TokenPath {
			tokenRequests++
			if form, err := url.ParseQuery(s.body); err != nil || form.Get("audience") != "https://apis.axa-assistance.com" {
				t.Errorf("a token request without the audience: %q", s.body)
			}
		}
	}
	if tokenRequests == 0 {
		t.Error("no token request")
	}
}

// The metadata is read when the run needs it: to discover an endpoint, or
// for an operation served where it says (the key set), or for its own
// check; not for a run of the API's operations against an authorization
// server given by its endpoints.
func TestMetadataIsReadOnlyWhenNeeded(t *testing.T) {
	two := twoOrigins(t, nil)
	full := axa.AuthorizationServer{Issuer: two.auth, TokenURL: two.auth + gen.TokenPath,
		AuthorizationURL: two.auth + gen.AuthorizePath, RevocationURL: two.auth + gen.RevocationPath}
	for _, c := range []struct {
		name string
		as   axa.AuthorizationServer
		ops  []gen.OperationID
		want int
	}{
		{"endpoints given, API only", full, []gen.OperationID{gen.OperationListCountries}, 0},
		{"endpoints given, key set", full, []gen.OperationID{gen.OperationGetJSONWebKeySet}, 1},
		{"issuer only, API only", axa.AuthorizationServer{Issuer: two.auth}, []gen.OperationID{gen.OperationListCountries}, 1},
	} {
		w := &wire{next: http.DefaultTransport}
		var ops []string
		for _, id := range c.ops {
			ops = append(ops, string(id))
		}
		rep, err := conformance.Check(t.Context(), conformance.Config{BaseURL: two.api, ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret,
			AuthorizationServer: c.as, Transport: w, Operations: ops})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if rep.Failed() != 0 {
			t.Errorf("%s: %d failed checks", c.name, rep.Failed())
		}
		sent, _ := w.requests()
		n := 0
		for _, s := range sent {
			if s.path == "/.well-known/oauth-authorization-server" {
				n++
			}
		}
		if n != c.want {
			t.Errorf("%s: the metadata was read %d times, want %d", c.name, n, c.want)
		}
	}
}
