package sandbox_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"golang.org/x/oauth2"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/axatest"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// The login and consent page is HTML, which kin-openapi does not decode
// on its own: as text, against the spec's string schema. Registered before
// any test runs, as the registry is not safe for concurrent use.
func init() {
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
}

// validatingProxy is a reverse proxy that checks every request and every
// answer against api/openapi.yaml with kin-openapi's openapi3filter, as a
// validating proxy in front of the API would (Prism with --errors, say): a
// path or method the spec does not declare, a request or an answer that
// does not match it is a failure. It routes with kin-openapi's own router
// over the spec's servers, not with the generated matcher, so that it
// knows only what the document says.
type validatingProxy struct {
	url string

	mu       sync.Mutex
	failures []string
	seen     map[string]bool // operationIds that went through
}

// newValidatingProxy starts a validating proxy in front of target.
func newValidatingProxy(t *testing.T, target string) *validatingProxy {
	t.Helper()
	doc, err := api.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	to, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &validatingProxy{seen: map[string]bool{}}
	rp := httputil.NewSingleHostReverseProxy(to)
	rp.Transport = &validatingTransport{p: p, router: router, next: http.DefaultTransport}
	rp.ErrorHandler = func(w http.ResponseWriter, _ *http.Request, err error) {
		http.Error(w, "validating proxy: "+err.Error(), http.StatusBadGateway)
	}
	srv := httptest.NewServer(rp)
	t.Cleanup(srv.Close)
	p.url = srv.URL
	return p
}

// fail records a validation failure.
func (p *validatingProxy) fail(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.failures = append(p.failures, fmt.Sprintf(format, args...))
}

// takeFailures returns the failures so far and forgets them.
func (p *validatingProxy) takeFailures() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := p.failures
	p.failures = nil
	return f
}

// validatingTransport validates what goes through the proxy.
type validatingTransport struct {
	p      *validatingProxy
	router routers.Router
	next   http.RoundTripper
}

// errRefused is the proxy's refusal of a request the spec does not allow.
var errRefused = errors.New("the request does not match api/openapi.yaml")

// RoundTrip validates the request, forwards it, and validates the answer.
func (v *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	var reqBody []byte
	if req.Body != nil {
		var err error
		if reqBody, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		_ = req.Body.Close()
	}
	// The request as the client addressed it: the proxy's own URL, which
	// the spec's sandbox server (http://127.0.0.1:{port}) covers.
	asSent := req.Clone(ctx)
	asSent.URL.Scheme, asSent.URL.Host = "http", req.Host
	asSent.Body = io.NopCloser(bytes.NewReader(reqBody))
	where := req.Method + " " + req.URL.Path
	route, params, err := v.router.FindRoute(asSent)
	if err != nil {
		v.p.fail("%s: not an operation of the spec: %v", where, err)
		return nil, fmt.Errorf("%w: %s: %w", errRefused, where, err)
	}
	v.p.mu.Lock()
	v.p.seen[route.Operation.OperationID] = true
	v.p.mu.Unlock()
	in := &openapi3filter.RequestValidationInput{
		Request: asSent, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: credentialsPresent, MultiError: true},
	}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		v.p.fail("%s (%s): request: %v", where, route.Operation.OperationID, err)
		return nil, fmt.Errorf("%w: %s: %w", errRefused, where, err)
	}
	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	resp, err := v.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	respBody, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	out.SetBodyBytes(respBody)
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		v.p.fail("%s (%s): answer %d: %v", where, route.Operation.OperationID, resp.StatusCode, err)
	}
	// openapi3filter does not look at a body the spec does not declare.
	if r := route.Operation.Responses.Status(resp.StatusCode); r != nil && r.Value != nil && len(r.Value.Content) == 0 && len(respBody) > 0 {
		v.p.fail("%s (%s): answer %d has a body, the spec declares none: %.100q", where, route.Operation.OperationID, resp.StatusCode, respBody)
	}
	return resp, nil
}

// credentialsPresent is the proxy's AuthenticationFunc: the credentials a
// security scheme asks for are there (the sandbox checks them).
func credentialsPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	auth := in.RequestValidationInput.Request.Header.Get("Authorization")
	switch s := in.SecurityScheme; {
	case s.Type == "http" && strings.EqualFold(s.Scheme, "basic") && strings.HasPrefix(auth, "Basic "),
		s.Type == "oauth2" && strings.HasPrefix(auth, "Bearer "):
		return nil
	}
	return fmt.Errorf("no credentials for %s", in.SecuritySchemeName)
}

// hiddenField finds the hidden fields of the login and consent form.
var hiddenField = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// A validating proxy can sit in front of the whole sandbox: every grant,
// the consent page, refresh, revocation, the metadata, the key set, API
// calls through the SDK and the authorization server's errors go through
// it with no request or answer outside the spec. The test ends by checking
// that every operation of the authorization server went through.
func TestValidatingProxyInFront(t *testing.T) {
	ctx := t.Context()
	p := newValidatingProxy(t, axatest.New(t).URL)
	plain := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(method, path string, form url.Values, basic bool) (int, http.Header, string) {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, err := http.NewRequestWithContext(ctx, method, p.url+path, body)
		if err != nil {
			t.Fatal(err)
		}
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if basic {
			req.SetBasicAuth(sandbox.DefaultClientID, sandbox.DefaultClientSecret)
		}
		resp, err := plain.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(b)
	}

	// The proxy itself: a path the spec does not declare is a failure.
	if status, _, _ := do(http.MethodGet, "/auth/v1/userinfo", nil, false); status != http.StatusBadGateway || len(p.takeFailures()) != 1 {
		t.Fatalf("the proxy let an unknown path through (%d)", status)
	}

	newClient := func(opts ...axa.Option) *axa.Client {
		c, err := axa.NewClient(append([]axa.Option{axa.WithoutEnvironment(), axa.WithBaseURL(p.url)}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	// Client credentials, through the SDK: a token per scope, then calls.
	cc := newClient(axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret))
	if _, err := cc.ListCountries(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := cc.GetCountry(ctx, "fr", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := cc.GetVersion(ctx, nil); err != nil {
		t.Fatal(err)
	}
	// The password grant, through the SDK.
	pw := newClient(axa.WithPassword(sandbox.DefaultClientID, sandbox.DefaultClientSecret, sandbox.DefaultUsername, sandbox.DefaultPassword))
	if _, err := pw.ListAlerts(ctx, nil); err != nil {
		t.Fatal(err)
	}

	// The authorization code grant with PKCE: the consent page, its form
	// (a wrong password, a denial, an approval), the redirect, the exchange.
	ac := newClient(axa.WithAuthorizationCode(sandbox.DefaultClientID, sandbox.DefaultClientSecret, "http://127.0.0.1:9999/callback"))
	authReq, err := ac.AuthCodeURL(t.Context(), axa.ScopeCountries)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(authReq.URL)
	if err != nil {
		t.Fatal(err)
	}
	status, _, page := do(http.MethodGet, u.RequestURI(), nil, false)
	if status != http.StatusOK {
		t.Fatalf("the consent page: %d %s", status, page)
	}
	form := url.Values{}
	for _, m := range hiddenField.FindAllStringSubmatch(page, -1) {
		form.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	submit := func(login, password, decision string) (int, *url.URL) {
		t.Helper()
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set("login", login)
		f.Set("password", password)
		f.Set("decision", decision)
		status, h, _ := do(http.MethodPost, gen.AuthorizePath, f, false)
		loc, err := url.Parse(h.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		return status, loc
	}
	if status, _ := submit(sandbox.DefaultUsername, "wrong", "approve"); status != http.StatusOK {
		t.Errorf("a wrong password: %d, want the page again", status)
	}
	if status, loc := submit(sandbox.DefaultUsername, sandbox.DefaultPassword, "deny"); status != http.StatusFound || loc.Query().Get("error") != "access_denied" {
		t.Errorf("a denial: %d, Location %s", status, loc)
	}
	status, loc := submit(sandbox.DefaultUsername, sandbox.DefaultPassword, "approve")
	if status != http.StatusFound || loc.Query().Get("code") == "" {
		t.Fatalf("an approval: %d, Location %s", status, loc)
	}
	if _, err := ac.Exchange(ctx, authReq, loc.Query().Get("state"), loc.Query().Get("code")); err != nil {
		t.Fatal(err)
	}
	if _, err := ac.ListCountries(ctx, nil); err != nil {
		t.Fatal(err)
	}

	// x/oauth2 directly: the password grant with client_secret_post, a
	// refresh with HTTP Basic, then the revocation of the refresh token.
	cfg := func(style oauth2.AuthStyle) *oauth2.Config {
		return &oauth2.Config{
			ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret,
			Endpoint: oauth2.Endpoint{TokenURL: p.url + gen.TokenPath, AuthStyle: style},
			Scopes:   []string{axa.ScopeCountries},
		}
	}
	tok, err := cfg(oauth2.AuthStyleInParams).PasswordCredentialsToken(ctx, sandbox.DefaultUsername, sandbox.DefaultPassword)
	if err != nil {
		t.Fatal(err)
	}
	refreshed, err := cfg(oauth2.AuthStyleInHeader).TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if err != nil || refreshed.RefreshToken == "" || refreshed.RefreshToken == tok.RefreshToken {
		t.Fatalf("refresh: %v", err)
	}
	if status, _, body := do(http.MethodPost, "/auth/v1/revoke", url.Values{"token": {refreshed.RefreshToken}, "token_type_hint": {"refresh_token"}}, true); status != http.StatusOK {
		t.Errorf("revoke: %d %s", status, body)
	}
	if status, _, body := do(http.MethodPost, "/auth/v1/revoke", url.Values{"token": {refreshed.AccessToken}}, true); status != http.StatusOK {
		t.Errorf("revoke an access token: %d %s", status, body)
	}

	// The metadata and the key set.
	for _, path := range []string{"/.well-known/oauth-authorization-server", "/auth/v1/jwks"} {
		if status, _, body := do(http.MethodGet, path, nil, false); status != http.StatusOK {
			t.Errorf("GET %s: %d %s", path, status, body)
		}
	}

	// The authorization server's errors, in its own shape.
	tokenErrors := []struct {
		name   string
		form   url.Values
		basic  bool
		status int
		code   string
	}{
		{"a wrong client secret", url.Values{"grant_type": {"client_credentials"}, "client_id": {sandbox.DefaultClientID}, "client_secret": {"wrong"}}, false, http.StatusUnauthorized, "invalid_client"},
		{"no client authentication", url.Values{"grant_type": {"client_credentials"}}, false, http.StatusUnauthorized, "invalid_client"},
		{"an unknown grant", url.Values{"grant_type": {"urn:example:params:oauth:grant-type:unknown"}}, true, http.StatusBadRequest, "unsupported_grant_type"},
		{"openid", url.Values{"grant_type": {"client_credentials"}, "scope": {"openid"}}, true, http.StatusBadRequest, "invalid_scope"},
		{"a used refresh token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}}, true, http.StatusBadRequest, "invalid_grant"},
	}
	for _, tc := range tokenErrors {
		status, h, body := do(http.MethodPost, gen.TokenPath, tc.form, tc.basic)
		if status != tc.status || !strings.Contains(body, `"error":"`+tc.code+`"`) {
			t.Errorf("%s: %d %s, want %d %s", tc.name, status, body, tc.status, tc.code)
		}
		if status == http.StatusUnauthorized && !strings.HasPrefix(h.Get("WWW-Authenticate"), "Basic ") {
			t.Errorf("%s: WWW-Authenticate %q, want the Basic challenge", tc.name, h.Get("WWW-Authenticate"))
		}
	}

	for _, f := range p.takeFailures() {
		t.Error(f)
	}
	for _, op := range gen.Operations() {
		if op.AuthorizationServer && !p.seen[string(op.ID)] {
			t.Errorf("%s did not go through the proxy: add it to this test", op.ID)
		}
	}
}

// Injected faults and rate limits at the authorization server answer its
// own errors (temporarily_unavailable), which the spec declares: a
// validating proxy passes them, and the SDK retries them.
func TestValidatingProxyPassesTheAuthorizationServersFaults(t *testing.T) {
	ctx := t.Context()
	// requestToken is FaultToken's other name.
	env := axatest.New(t, sandbox.WithFault(string(gen.OperationRequestToken), sandbox.Fault{TooManyRequests: 1, FailFirst: 1}),
		sandbox.WithFault(string(gen.OperationGetJSONWebKeySet), sandbox.Fault{FailFirst: 1}))
	p := newValidatingProxy(t, env.URL)

	var statuses []int
	for range 3 {
		form := url.Values{"grant_type": {"client_credentials"}, "scope": {axa.ScopeCountries}}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url+gen.TokenPath, strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(sandbox.DefaultClientID, sandbox.DefaultClientSecret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		statuses = append(statuses, resp.StatusCode)
		if resp.StatusCode != http.StatusOK && !strings.Contains(string(b), `"error":"temporarily_unavailable"`) {
			t.Errorf("an injected %d: %s, want temporarily_unavailable", resp.StatusCode, b)
		}
	}
	if !slices.Equal(statuses, []int{http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusOK}) {
		t.Errorf("statuses %v, want 429, 503, 200", statuses)
	}
	resp, err := http.Get(p.url + "/auth/v1/jwks") //nolint:noctx // a test's one request
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("the key set with a fault: %d, want 503", resp.StatusCode)
	}
	for _, f := range p.takeFailures() {
		t.Error(f)
	}
}
