package sandbox_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// origins is a sandbox started with its authorization server on an origin
// of its own, and a raw HTTP client of both that follows no redirect.
type origins struct {
	sb        *sandbox.Sandbox
	srv       *sandbox.Server
	api, auth string
	hc        *http.Client
}

// startSplit starts a sandbox with WithAuthorizationServerAddr and opts,
// shut down when the test ends.
func startSplit(t *testing.T, opts ...sandbox.Option) *origins {
	t.Helper()
	sb, err := sandbox.New(append([]sandbox.Option{sandbox.WithAuthorizationServerAddr("127.0.0.1:0")}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	t.Cleanup(func() {
		_ = srv.Close()
		tr.CloseIdleConnections()
	})
	return &origins{sb: sb, srv: srv, api: srv.URL(), auth: srv.AuthorizationServerURL(), hc: &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// reply is an answer: its status, headers, raw body and JSON object body
// (empty when the body is not one).
type reply struct {
	status int
	header http.Header
	raw    string
	body   map[string]any
}

// str returns a string member of the body.
func (r reply) str(k string) string { s, _ := r.body[k].(string); return s }

// call sends a request: a form body when form is not nil, the default
// client's Basic credentials when basic, a bearer token when bearer is not
// empty.
func (o *origins) call(t *testing.T, method, u string, form url.Values, basic bool, bearer string) reply {
	t.Helper()
	var rd io.Reader
	if form != nil {
		rd = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(t.Context(), method, u, rd)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if basic {
		req.SetBasicAuth(sandbox.DefaultClientID, sandbox.DefaultClientSecret)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := o.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := reply{status: resp.StatusCode, header: resp.Header, raw: string(raw), body: map[string]any{}}
	_ = json.Unmarshal(raw, &r.body)
	return r
}

// token posts form to the token endpoint at base with the default
// client's Basic credentials.
func (o *origins) token(t *testing.T, base string, form url.Values) reply {
	t.Helper()
	return o.call(t, http.MethodPost, base+gen.TokenPath, form, true, "")
}

// mustToken is token at the authorization server, failing the test
// unless it answers an access token.
func (o *origins) mustToken(t *testing.T, form url.Values) reply {
	t.Helper()
	r := o.token(t, o.auth, form)
	if r.status != http.StatusOK || r.str("access_token") == "" {
		t.Fatalf("token (%s) at the authorization server: %d %s", form.Get("grant_type"), r.status, r.raw)
	}
	return r
}

// countries calls GET /travel/v1/countries/fr on the API's origin with
// bearer and returns the status.
func (o *origins) countries(t *testing.T, bearer string) reply {
	t.Helper()
	return o.call(t, http.MethodGet, o.api+"/travel/v1/countries/fr", nil, false, bearer)
}

// issuerOf returns the iss claim of a JWT, unverified.
func issuerOf(t *testing.T, tok string) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %d parts", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Issuer string `json:"iss"`
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		t.Fatal(err)
	}
	return c.Issuer
}

// wantAPINotFound fails the test unless r is the API's own 404: its Error
// body, not_found, and no token.
func wantAPINotFound(t *testing.T, what string, r reply) {
	t.Helper()
	if r.status != http.StatusNotFound || r.body["status_code"] != float64(http.StatusNotFound) || r.str("error") != "not_found" || r.str("access_token") != "" {
		t.Errorf("%s: %d %s; want the API's 404 (Error not_found)", what, r.status, r.raw)
	}
}

// ccForm is a client credentials grant of every scope.
var ccForm = url.Values{"grant_type": {"client_credentials"}}

// With its authorization server on an origin of its own, the sandbox
// serves there, and there only, the token endpoint, the metadata (issuer:
// that origin, every endpoint under it), the JWKS, revocation and the
// authorization endpoint with its consent page; the API's origin answers
// each of their paths, with any method, the API's own 404, so a client
// that sends its secret there gets nothing back. A token issued by the
// authorization server is good at the API, for each grant: client
// credentials, password, the authorization code with PKCE through the
// consent page, and the refresh token, rotated; revoked, it is refused.
func TestSplitOriginsServeEachTheirOwn(t *testing.T) {
	o := startSplit(t)
	if o.api == o.auth || !strings.HasPrefix(o.auth, "http://127.0.0.1:") {
		t.Fatalf("API at %s, authorization server at %s: want two loopback origins", o.api, o.auth)
	}

	// The metadata and the JWKS, on the authorization server's origin.
	meta := o.call(t, http.MethodGet, o.auth+"/.well-known/oauth-authorization-server", nil, false, "")
	if meta.status != http.StatusOK || meta.str("issuer") != o.auth {
		t.Fatalf("metadata: %d %s; want issuer %s", meta.status, meta.raw, o.auth)
	}
	for _, k := range []string{"authorization_endpoint", "token_endpoint", "jwks_uri", "revocation_endpoint"} {
		if !strings.HasPrefix(meta.str(k), o.auth+"/") {
			t.Errorf("metadata %s = %q, not on the authorization server's origin %s", k, meta.str(k), o.auth)
		}
	}
	jwks := o.call(t, http.MethodGet, meta.str("jwks_uri"), nil, false, "")
	if keys, _ := jwks.body["keys"].([]any); jwks.status != http.StatusOK || len(keys) != 1 {
		t.Errorf("JWKS at %s: %d %s", meta.str("jwks_uri"), jwks.status, jwks.raw)
	}

	// Client credentials: the token's issuer is the authorization server,
	// and the API takes it.
	cc := o.mustToken(t, ccForm)
	if iss := issuerOf(t, cc.str("access_token")); iss != o.auth {
		t.Errorf("token issuer %q, want %s", iss, o.auth)
	}
	if r := o.countries(t, cc.str("access_token")); r.status != http.StatusOK {
		t.Fatalf("the API refuses the authorization server's token: %d %s", r.status, r.raw)
	}

	// The authorization server's paths on the API's origin: the API's 404,
	// whatever the method, credentials or not.
	for _, c := range []struct {
		method, path string
		form         url.Values
		basic        bool
	}{
		{http.MethodPost, gen.TokenPath, ccForm, true},
		{http.MethodGet, gen.TokenPath, nil, true},
		{http.MethodPost, "/auth/v1/revoke", url.Values{"token": {cc.str("access_token")}}, true},
		{http.MethodGet, gen.AuthorizePath + "?client_id=" + sandbox.DefaultClientID, nil, false},
		{http.MethodPost, gen.AuthorizePath, url.Values{"client_id": {sandbox.DefaultClientID}}, false},
		{http.MethodGet, "/.well-known/oauth-authorization-server", nil, false},
		{http.MethodGet, "/auth/v1/jwks", nil, false},
	} {
		wantAPINotFound(t, c.method+" "+c.path+" on the API's origin", o.call(t, c.method, o.api+c.path, c.form, c.basic, ""))
	}
	// And the API's paths on the authorization server's origin, even with
	// a good token.
	wantAPINotFound(t, "GET /travel/v1/countries/fr on the authorization server's origin",
		o.call(t, http.MethodGet, o.auth+"/travel/v1/countries/fr", nil, false, cc.str("access_token")))
	wantAPINotFound(t, "GET /version on the authorization server's origin", o.call(t, http.MethodGet, o.auth+"/version", nil, false, ""))
	if r := o.call(t, http.MethodGet, o.auth+gen.TokenPath, nil, false, ""); r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != http.MethodPost {
		t.Errorf("GET of the token endpoint: %d, Allow %q; want 405, Allow POST", r.status, r.header.Get("Allow"))
	}

	// Password, then the refresh token, rotated: the old one is refused.
	pw := o.mustToken(t, url.Values{"grant_type": {"password"}, "username": {sandbox.DefaultUsername}, "password": {sandbox.DefaultPassword}})
	if r := o.countries(t, pw.str("access_token")); r.status != http.StatusOK {
		t.Errorf("the password grant's token at the API: %d %s", r.status, r.raw)
	}
	refreshed := o.mustToken(t, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {pw.str("refresh_token")}})
	if refreshed.str("refresh_token") == "" || refreshed.str("refresh_token") == pw.str("refresh_token") {
		t.Errorf("the refresh did not rotate the refresh token: %s", refreshed.raw)
	}
	if r := o.countries(t, refreshed.str("access_token")); r.status != http.StatusOK {
		t.Errorf("the refreshed token at the API: %d %s", r.status, r.raw)
	}
	if r := o.token(t, o.auth, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {pw.str("refresh_token")}}); r.status != http.StatusBadRequest || r.str("error") != "invalid_grant" {
		t.Errorf("the rotated refresh token again: %d %s; want invalid_grant", r.status, r.raw)
	}

	// The authorization code with PKCE, through the consent page: GET
	// and POST on the authorization server's origin.
	verifier := strings.Repeat("v", 20) + rand.Text()
	sum := sha256.Sum256([]byte(verifier))
	redirect := "http://127.0.0.1:9999/callback"
	authorize := o.auth + gen.AuthorizePath + "?" + url.Values{
		"response_type": {"code"}, "client_id": {sandbox.DefaultClientID}, "redirect_uri": {redirect},
		"scope": {string(gen.ScopeTravelCountriesReadOnly)}, "state": {"st-split"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
	}.Encode()
	page := o.call(t, http.MethodGet, authorize, nil, false, "")
	if page.status != http.StatusOK || !strings.Contains(page.raw, `action="`+gen.AuthorizePath+`"`) {
		t.Fatalf("the consent page: %d %.300s", page.status, page.raw)
	}
	consent := url.Values{"login": {sandbox.DefaultUsername}, "password": {sandbox.DefaultPassword}, "decision": {"approve"}}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(page.raw, -1) {
		consent.Set(m[1], html.UnescapeString(m[2]))
	}
	approved := o.call(t, http.MethodPost, o.auth+gen.AuthorizePath, consent, false, "")
	loc, err := url.Parse(approved.header.Get("Location"))
	if approved.status != http.StatusFound || err != nil || loc.Query().Get("code") == "" || loc.Query().Get("state") != "st-split" {
		t.Fatalf("consent approved: %d, Location %q", approved.status, approved.header.Get("Location"))
	}
	code := o.mustToken(t, url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")},
		"redirect_uri": {redirect}, "code_verifier": {verifier}})
	if r := o.countries(t, code.str("access_token")); r.status != http.StatusOK {
		t.Errorf("the code grant's token at the API: %d %s", r.status, r.raw)
	}

	// Revocation, on the authorization server's origin: the API refuses
	// the token from then on.
	if r := o.call(t, http.MethodPost, meta.str("revocation_endpoint"), url.Values{"token": {code.str("access_token")}}, true, ""); r.status != http.StatusOK {
		t.Fatalf("revoke: %d %s", r.status, r.raw)
	}
	if r := o.countries(t, code.str("access_token")); r.status != http.StatusUnauthorized || !strings.Contains(r.header.Get("WWW-Authenticate"), "invalid_token") {
		t.Errorf("a revoked token at the API: %d, WWW-Authenticate %q; want 401 invalid_token", r.status, r.header.Get("WWW-Authenticate"))
	}
}

// The API verifies tokens by the issuer, the authorization server's URL:
// a token of another split sandbox is refused 401 invalid_token, even one
// signed with the same key (WithSigningKey), whose issuer alone differs.
func TestSplitSandboxRefusesAnotherIssuersToken(t *testing.T) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	first := startSplit(t, sandbox.WithSigningKey(key))
	second := startSplit(t, sandbox.WithSigningKey(key))
	other := second.mustToken(t, ccForm).str("access_token")
	if r := second.countries(t, other); r.status != http.StatusOK {
		t.Fatalf("the second sandbox refuses its own token: %d %s", r.status, r.raw)
	}
	r := first.countries(t, other)
	if r.status != http.StatusUnauthorized || !strings.Contains(r.header.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Errorf("the first sandbox's API, another's token: %d, WWW-Authenticate %q; want 401 invalid_token", r.status, r.header.Get("WWW-Authenticate"))
	}
	unsplit, err := sandbox.New(sandbox.WithSigningKey(key))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := unsplit.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if srv.AuthorizationServerURL() != srv.URL() {
		t.Errorf("one listener: AuthorizationServerURL %s, URL %s; want the same", srv.AuthorizationServerURL(), srv.URL())
	}
	if r := first.countries(t, token(t, unsplit, allScopes()...)); r.status != http.StatusUnauthorized {
		t.Errorf("a token of a sandbox on one origin at a split one's API: %d, want 401", r.status)
	}
}

// An audience or resource (RFC 8707) is accepted when it names the API:
// its identifier, https://apis.axa-assistance.com, or the API's origin as
// served. Anything else, the authorization server's origin included, is
// 400 invalid_target. WithAudienceRequired refuses client credentials and
// password grants without an audience, 400 invalid_request.
func TestSplitAudienceAndResource(t *testing.T) {
	o := startSplit(t)
	for _, extra := range []url.Values{
		{"audience": {"https://apis.axa-assistance.com"}},
		{"resource": {"https://apis.axa-assistance.com"}},
		{"resource": {o.api}},
		{"audience": {o.api + "/"}},
	} {
		form := url.Values{"grant_type": {"client_credentials"}}
		for k, v := range extra {
			form[k] = v
		}
		r := o.mustToken(t, form)
		if c := o.countries(t, r.str("access_token")); c.status != http.StatusOK {
			t.Errorf("token for %v at the API: %d %s", extra, c.status, c.raw)
		}
	}
	for _, extra := range []url.Values{
		{"audience": {o.auth}},
		{"resource": {o.auth}},
		{"audience": {"https://auth.api.axapartners.com"}},
		{"resource": {"https://apis.axa-assistance.com/travel"}},
	} {
		form := url.Values{"grant_type": {"client_credentials"}}
		for k, v := range extra {
			form[k] = v
		}
		if r := o.token(t, o.auth, form); r.status != http.StatusBadRequest || r.str("error") != "invalid_target" || r.str("access_token") != "" {
			t.Errorf("token for %v: %d %s; want 400 invalid_target", extra, r.status, r.raw)
		}
	}
	twice := url.Values{"grant_type": {"client_credentials"}, "audience": {o.api, o.api}}
	if r := o.token(t, o.auth, twice); r.status != http.StatusBadRequest || r.str("error") != "invalid_request" {
		t.Errorf("audience twice: %d %s; want 400 invalid_request", r.status, r.raw)
	}

	req := startSplit(t, sandbox.WithAudienceRequired())
	password := url.Values{"grant_type": {"password"}, "username": {sandbox.DefaultUsername}, "password": {sandbox.DefaultPassword}}
	for name, form := range map[string]url.Values{"client_credentials": ccForm, "password": password} {
		r := req.token(t, req.auth, form)
		if r.status != http.StatusBadRequest || r.str("error") != "invalid_request" || !strings.Contains(r.str("error_description"), "audience is required") {
			t.Errorf("%s without audience, WithAudienceRequired: %d %s; want 400 invalid_request, audience is required", name, r.status, r.raw)
		}
		with := url.Values{"audience": {"https://apis.axa-assistance.com"}}
		for k, v := range form {
			with[k] = v
		}
		req.mustToken(t, with)
	}
}

// On the authorization server's own listener, injected faults and the rate
// limit answer RFC 6749 errors (temporarily_unavailable, with
// Retry-After), and a panic is answered 500 server_error; both listeners
// log their requests. The token endpoint's faults are the authorization
// server's alone: its path on the API's origin is a 404 that spends none.
func TestSplitFaultsRateLimitsAndLogs(t *testing.T) {
	var logs syncBuffer
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	var broken atomic.Bool
	o := startSplit(t,
		sandbox.WithFault(string(gen.OperationRequestToken), sandbox.Fault{FailFirst: 1, RetryAfter: 2 * time.Second}),
		sandbox.WithFault(string(gen.OperationRevokeToken), sandbox.Fault{TooManyRequests: 1}),
		sandbox.WithRateLimit(1, 1),
		sandbox.WithClock(func() time.Time {
			if broken.Load() {
				panic("the test's clock broke")
			}
			return now // stopped: no budget comes back
		}),
		sandbox.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))

	wantAPINotFound(t, "the token path on the API's origin", o.token(t, o.api, ccForm))
	r := o.token(t, o.auth, ccForm)
	if r.status != http.StatusServiceUnavailable || r.str("error") != "temporarily_unavailable" || r.header.Get("Retry-After") != "2" {
		t.Errorf("an injected token fault: %d %s, Retry-After %q; want 503 temporarily_unavailable, Retry-After 2", r.status, r.raw, r.header.Get("Retry-After"))
	}
	if _, ok := r.body["status_code"]; ok {
		t.Errorf("the token fault is the API's Error: %s", r.raw)
	}
	r = o.call(t, http.MethodPost, o.auth+"/auth/v1/revoke", url.Values{"token": {"x"}}, true, "")
	if r.status != http.StatusTooManyRequests || r.str("error") != "temporarily_unavailable" || r.header.Get("Retry-After") == "" {
		t.Errorf("an injected revocation fault: %d %s; want 429 temporarily_unavailable with Retry-After", r.status, r.raw)
	}
	// Faults come before the rate limit: the client's burst of 1 is
	// whole, then spent, and the rate limit of the authorization server's
	// listener answers.
	o.mustToken(t, ccForm)
	r = o.token(t, o.auth, ccForm)
	if r.status != http.StatusTooManyRequests || r.str("error") != "temporarily_unavailable" || r.header.Get("Retry-After") == "" {
		t.Errorf("over the rate limit: %d %s; want 429 temporarily_unavailable with Retry-After", r.status, r.raw)
	}

	broken.Store(true)
	r = o.call(t, http.MethodGet, o.auth+"/auth/v1/jwks", nil, false, "")
	if r.status != http.StatusInternalServerError || r.str("error") != "server_error" {
		t.Errorf("a panic on the authorization server's listener: %d %s; want 500 server_error", r.status, r.raw)
	}
	r = o.call(t, http.MethodGet, o.api+"/version", nil, false, "")
	if r.status != http.StatusInternalServerError || r.body["status_code"] != float64(http.StatusInternalServerError) {
		t.Errorf("a panic on the API's listener: %d %s; want 500, the API's Error", r.status, r.raw)
	}

	paths := map[string][]int{}
	dec := json.NewDecoder(strings.NewReader(logs.String()))
	for dec.More() {
		var rec struct {
			Msg, Path string
			Status    int
		}
		if err := dec.Decode(&rec); err != nil {
			t.Fatal(err)
		}
		if rec.Msg == "sandbox: request" {
			paths[rec.Path] = append(paths[rec.Path], rec.Status)
		}
	}
	if got := fmt.Sprint(paths[gen.TokenPath]); got != "[404 503 200 429]" {
		t.Errorf("the access log's token requests: %v; want [404 503 200 429]: 404 on the API's origin, then the authorization server's", got)
	}
	if got := paths["/auth/v1/jwks"]; len(got) != 1 || got[0] != 500 {
		t.Errorf("the access log's JWKS requests: %v", got)
	}
	if !strings.Contains(logs.String(), "the test's clock broke") {
		t.Error("the panic was not logged")
	}
}

// syncBuffer is a bytes.Buffer that the servers' goroutines may write to
// while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Shutdown, and Close, stop both listeners: neither port takes a
// connection afterwards, and no goroutine of the sandbox is left.
func TestSplitShutdownClosesBothPorts(t *testing.T) {
	for name, stop := range map[string]func(*sandbox.Server) error{
		"Shutdown": func(s *sandbox.Server) error { return s.Shutdown(context.Background()) },
		"Close":    (*sandbox.Server).Close,
	} {
		t.Run(name, func(t *testing.T) {
			ignore := goleak.IgnoreCurrent()
			sb, err := sandbox.New(sandbox.WithAuthorizationServerAddr("127.0.0.1:0"))
			if err != nil {
				t.Fatal(err)
			}
			if err := sb.Ready(); err != nil {
				t.Fatal(err)
			}
			srv, err := sb.Start("127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			tr := &http.Transport{}
			o := &origins{sb: sb, srv: srv, api: srv.URL(), auth: srv.AuthorizationServerURL(), hc: &http.Client{Transport: tr}}
			tok := o.mustToken(t, ccForm).str("access_token") // a kept-alive connection to each
			if r := o.countries(t, tok); r.status != http.StatusOK {
				t.Fatalf("the API: %d %s", r.status, r.raw)
			}
			if err := stop(srv); err != nil {
				t.Fatal(err)
			}
			for _, u := range []string{o.api, o.auth} {
				conn, err := net.Dial("tcp", strings.TrimPrefix(u, "http://"))
				if err == nil {
					_ = conn.Close()
					t.Errorf("%s still takes connections after %s", u, name)
				} else if !errors.Is(err, syscall.ECONNREFUSED) {
					t.Errorf("dial %s after %s: %v, want connection refused", u, name, err)
				}
			}
			tr.CloseIdleConnections()
			goleak.VerifyNone(t, ignore)
		})
	}
}

// Start refuses an address the authorization server cannot listen on and
// then holds no port of the API's; WithAuthorizationServerAddr refuses an
// address that is not on loopback, as Start does; a second Start while the
// first server runs is refused, naming the issuer, the authorization
// server's URL.
func TestSplitStartRefusals(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "192.0.2.1:9090", "example.com:80", "127.0.0.1", "nonsense"} {
		if _, err := sandbox.New(sandbox.WithAuthorizationServerAddr(addr)); err == nil {
			t.Errorf("WithAuthorizationServerAddr(%q): accepted", addr)
		}
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = busy.Close() }()
	sb, err := sandbox.New(sandbox.WithAuthorizationServerAddr(busy.Addr().String()))
	if err != nil {
		t.Fatal(err)
	}
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	apiAddr := free.Addr().String()
	_ = free.Close()
	if srv, err := sb.Start(apiAddr); err == nil {
		_ = srv.Close()
		t.Fatal("Start with the authorization server's address taken: accepted")
	}
	if ln, err := net.Listen("tcp", apiAddr); err != nil {
		t.Errorf("the API's address is still held after a failed Start: %v", err)
	} else {
		_ = ln.Close()
	}

	o := startSplit(t)
	if srv, err := o.sb.Start("127.0.0.1:0"); err == nil {
		_ = srv.Close()
		t.Error("a second Start while the first server runs: accepted")
	} else if !strings.Contains(err.Error(), o.auth) {
		t.Errorf("the refusal does not name the issuer %s: %v", o.auth, err)
	}
}

// Served in process with WithAuthorizationServerAddr, the sandbox is two
// handlers: ServeHTTP the API alone, AuthorizationServerHandler the
// authorization server alone. Without the option, ServeHTTP serves both,
// as it always did, and AuthorizationServerHandler still the
// authorization server alone.
func TestSplitInProcess(t *testing.T) {
	split, err := sandbox.New(sandbox.WithAuthorizationServerAddr("127.0.0.1:0"))
	if err != nil {
		t.Fatal(err)
	}
	tok := token(t, split.AuthorizationServerHandler(), allScopes()...)
	if code := inProcess(t, split, http.MethodGet, "/travel/v1/countries/fr", tok); code != http.StatusOK {
		t.Errorf("split, ServeHTTP, the API: %d", code)
	}
	if code := inProcess(t, split, http.MethodPost, gen.TokenPath, ""); code != http.StatusNotFound {
		t.Errorf("split, ServeHTTP, the token endpoint: %d, want 404", code)
	}
	if code := inProcess(t, split.AuthorizationServerHandler(), http.MethodGet, "/travel/v1/countries/fr", tok); code != http.StatusNotFound {
		t.Errorf("split, AuthorizationServerHandler, the API: %d, want 404", code)
	}

	one, err := sandbox.New()
	if err != nil {
		t.Fatal(err)
	}
	tok = token(t, one, allScopes()...)
	if code := inProcess(t, one, http.MethodGet, "/travel/v1/countries/fr", tok); code != http.StatusOK {
		t.Errorf("one origin, ServeHTTP, the API: %d", code)
	}
	token(t, one.AuthorizationServerHandler(), allScopes()...)
	if code := inProcess(t, one.AuthorizationServerHandler(), http.MethodGet, "/travel/v1/countries/fr", tok); code != http.StatusNotFound {
		t.Errorf("one origin, AuthorizationServerHandler, the API: %d, want 404", code)
	}
}

// inProcess serves a request without a body through h and returns the
// status.
func inProcess(t *testing.T, h http.Handler, method, path, bearer string) int {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), method, path, nil)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}
