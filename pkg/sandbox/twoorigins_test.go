package sandbox_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// Canaries of the two-origin tests: each must reach its own host only.
const (
	twoSecret   = "CANARY-two-origins-secret-91x"
	twoPassword = "CANARY-two-origins-password-4q"
	twoUser     = "amira"
	twoClient   = "two-origins-client"
	twoAudience = "https://apis.axa-assistance.com"
)

// recordingProxy stands in front of one listener of the sandbox and keeps
// every request it passes on, whole; answer, when set, answers a request
// itself (a hostile server's redirect, say).
type recordingProxy struct {
	srv    *httptest.Server
	mu     sync.Mutex
	seen   []string
	answer func(w http.ResponseWriter, r *http.Request) bool
}

func newRecordingProxy(t *testing.T, target string) *recordingProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &recordingProxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s\n", r.Method, r.URL.RequestURI())
		_ = r.Header.Write(&b)
		b.Write(body)
		p.mu.Lock()
		p.seen = append(p.seen, b.String())
		answer := p.answer
		p.mu.Unlock()
		if answer != nil && answer(w, r) {
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *recordingProxy) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

func (p *recordingProxy) setAnswer(f func(w http.ResponseWriter, r *http.Request) bool) {
	p.mu.Lock()
	p.answer = f
	p.mu.Unlock()
}

// twoOriginSandbox is a sandbox whose authorization server is on a
// listener of its own, each listener behind a recording proxy.
type twoOriginSandbox struct {
	srv       *sandbox.Server
	api, auth *recordingProxy
}

func newTwoOriginSandbox(t *testing.T) *twoOriginSandbox {
	t.Helper()
	sb, err := sandbox.New(sandbox.WithAutoApprove(), sandbox.WithAudienceRequired(), sandbox.WithRateLimit(0, 0),
		sandbox.WithAuthorizationServerAddr("127.0.0.1:0"),
		sandbox.WithUser(sandbox.User{Login: twoUser, Password: twoPassword}),
		sandbox.WithClient(sandbox.Client{ID: twoClient, Secret: twoSecret,
			Scopes:       allScopes(),
			RedirectURLs: []string{"http://127.0.0.1/callback"}}))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return &twoOriginSandbox{srv: srv, api: newRecordingProxy(t, srv.URL()), auth: newRecordingProxy(t, srv.AuthorizationServerURL())}
}

// options configure a client of the sandbox through the proxies.
func (s *twoOriginSandbox) options(grant axa.Option) []axa.Option {
	a := s.auth.srv.URL
	return []axa.Option{axa.WithoutEnvironment(), axa.WithBaseURL(s.api.srv.URL),
		axa.WithAuthorizationServer(axa.AuthorizationServer{TokenURL: a + gen.TokenPath, AuthorizationURL: a + gen.AuthorizePath, RevocationURL: a + gen.RevocationPath}),
		axa.WithTokenParameters(url.Values{"audience": {twoAudience}}), grant}
}

func (s *twoOriginSandbox) client(t *testing.T, grant axa.Option, more ...axa.Option) *axa.Client {
	t.Helper()
	c, err := axa.NewClient(append(s.options(grant), more...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// assertApart fails when a secret of the client or the user, a code or a
// refresh token reached the API's origin, or an access token the
// authorization server's (as a credential: in an Authorization header).
func (s *twoOriginSandbox) assertApart(t *testing.T, refreshTokens []string) {
	t.Helper()
	if len(s.api.requests()) == 0 || len(s.auth.requests()) == 0 {
		t.Fatalf("requests: API %d, authorization server %d", len(s.api.requests()), len(s.auth.requests()))
	}
	canaries := []string{twoSecret, url.QueryEscape(twoSecret), twoPassword, url.QueryEscape(twoPassword),
		base64.StdEncoding.EncodeToString([]byte(twoClient + ":" + twoSecret)), "code_verifier=", "grant_type="}
	canaries = append(canaries, refreshTokens...)
	for _, req := range s.api.requests() {
		for _, c := range canaries {
			if c != "" && strings.Contains(req, c) {
				t.Errorf("the API's origin got %q:\n%s", c, req)
			}
		}
	}
	for _, req := range s.auth.requests() {
		if strings.Contains(strings.ToLower(req), "authorization: bearer") {
			t.Errorf("the authorization server got a bearer token:\n%s", req)
		}
	}
}

// Every grant, a refresh, a revocation and API calls, reads and writes,
// with the authorization server on its own origin: each secret reaches
// its own host only.
func TestEveryGrantWithTheAuthorizationServerOnItsOwnOrigin(t *testing.T) {
	s := newTwoOriginSandbox(t)
	ctx := t.Context()

	cc := s.client(t, axa.WithClientCredentials(twoClient, twoSecret))
	if _, err := cc.ListCountries(ctx, nil); err != nil {
		t.Fatal(err)
	}
	q, err := cc.RequestQuote(ctx, quoteRequest(), nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := cc.CreatePolicy(ctx, policyRequest(q), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cc.GetPolicy(ctx, p.ID); err != nil {
		t.Fatal(err)
	}

	pw := s.client(t, axa.WithPassword(twoClient, twoSecret, twoUser, twoPassword))
	if _, err := pw.ListAlerts(ctx, nil); err != nil {
		t.Fatal(err)
	}

	var refresh []string
	var mu sync.Mutex
	hook := axa.WithTokenHook(func(_ context.Context, tok axa.Token) error {
		mu.Lock()
		defer mu.Unlock()
		refresh = append(refresh, tok.RefreshToken())
		return nil
	})
	ac := s.client(t, axa.WithAuthorizationCode(twoClient, twoSecret, "http://127.0.0.1/callback"), hook)
	req, err := ac.AuthCodeURL(ctx, axa.ScopeCountries, axa.ScopeHealthProviders)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(req.URL, s.auth.srv.URL) {
		t.Fatalf("AuthCodeURL %s is not on the authorization server", req.URL)
	}
	code, state := browse(t, req.URL)
	if _, err := ac.Exchange(ctx, req, state, code); err != nil {
		t.Fatal(err)
	}
	if _, err := ac.ListProviderKinds(ctx, nil); err != nil {
		t.Fatal(err)
	}
	// A second client resumes the session: a refresh, rotating the token.
	mu.Lock()
	first := refresh[len(refresh)-1]
	mu.Unlock()
	resumed := s.client(t, axa.WithAuthorizationCode(twoClient, twoSecret, "http://127.0.0.1/callback"), axa.WithRefreshToken(first), hook)
	if _, err := resumed.ListCountries(ctx, nil); err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if err := resumed.Revoke(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	last := refresh[len(refresh)-1]
	mu.Unlock()
	again := s.client(t, axa.WithAuthorizationCode(twoClient, twoSecret, "http://127.0.0.1/callback"), axa.WithRefreshToken(last))
	var te *axa.TokenError
	if _, err := again.ListCountries(ctx, nil); !errors.As(err, &te) || te.Code != "invalid_grant" {
		t.Errorf("a revoked session's refresh token: %v, want invalid_grant", err)
	}
	// The issuer alone: the endpoints come from its metadata.
	disc, err := axa.NewClient(axa.WithoutEnvironment(), axa.WithBaseURL(s.srv.URL()),
		axa.WithAuthorizationServer(axa.AuthorizationServer{Issuer: s.srv.AuthorizationServerURL()}),
		axa.WithTokenParameters(url.Values{"audience": {twoAudience}}), axa.WithClientCredentials(twoClient, twoSecret))
	if err != nil {
		t.Fatal(err)
	}
	defer disc.Close()
	if _, err := disc.ListCountries(ctx, nil); err != nil {
		t.Fatalf("with the issuer only: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	s.assertApart(t, refresh)
}

// browse follows an authorization URL as a browser of a user who approves,
// and returns what the redirect brings.
func browse(t *testing.T, authURL string) (code, state string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authURL) //nolint:noctx // a test's browser
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode/100 != 3 || loc.Query().Get("code") == "" {
		t.Fatalf("authorize answered %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc.Query().Get("code"), loc.Query().Get("state")
}

// Redirects and errors do not carry a secret across: an API that redirects
// to the authorization server, a token endpoint that redirects to the API,
// error answers of both; nothing is followed with a credential.
func TestSecretsStayOnTheirHostAcrossRedirectsAndErrors(t *testing.T) {
	s := newTwoOriginSandbox(t)
	ctx := t.Context()
	// The API redirects every call to the authorization server's origin.
	s.api.setAnswer(func(w http.ResponseWriter, r *http.Request) bool {
		http.Redirect(w, r, s.auth.srv.URL+r.URL.Path, http.StatusTemporaryRedirect)
		return true
	})
	cc := s.client(t, axa.WithClientCredentials(twoClient, twoSecret))
	if _, err := cc.ListCountries(ctx, nil); err == nil {
		t.Error("a redirect of the API to another origin was followed to an answer")
	}
	s.api.setAnswer(nil)

	// The token endpoint redirects to the API's origin, then fails with an
	// error that echoes the request.
	s.auth.setAnswer(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == gen.TokenPath {
			http.Redirect(w, r, s.api.srv.URL+gen.TokenPath, http.StatusTemporaryRedirect)
			return true
		}
		return false
	})
	fresh := s.client(t, axa.WithPassword(twoClient, twoSecret, twoUser, twoPassword))
	if _, err := fresh.ListCountries(ctx, nil); err == nil {
		t.Error("a redirected token request got a token")
	}
	s.auth.setAnswer(func(w http.ResponseWriter, r *http.Request) bool {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"error":"invalid_request","error_description":%q}`, string(body))
		return true
	})
	_, err := s.client(t, axa.WithPassword(twoClient, twoSecret, twoUser, twoPassword)).ListCountries(ctx, nil)
	if err == nil || strings.Contains(fmt.Sprint(err), twoPassword) || strings.Contains(fmt.Sprint(err), twoSecret) {
		t.Errorf("an echoing token endpoint: %v", err)
	}
	s.auth.setAnswer(nil)
	if _, err := s.client(t, axa.WithClientCredentials(twoClient, twoSecret)).ListCountries(ctx, nil); err != nil {
		t.Fatalf("once both behave: %v", err)
	}
	s.assertApart(t, nil)
}
