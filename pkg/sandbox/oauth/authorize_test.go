package oauth

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/axa-assistance-go/axa/gen"
)

// hiddenInput finds the hidden fields of the login form.
var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

func TestOAuthAuthorizationCodeAutoApprove(t *testing.T) {
	e := newOAuthEnv(t, withAutoApprove())
	cfg := e.oauth2Config("http://127.0.0.1:9999/callback", AllScopes()[0], AllScopes()[1])
	verifier := oauth2.GenerateVerifier()
	code := e.authorizeCode(cfg, verifier)
	tok, err := cfg.Exchange(e.ctx(), code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" || tok.Extra("scope") != AllScopes()[0]+" "+AllScopes()[1] {
		t.Errorf("token %+v scope %v", tok, tok.Extra("scope"))
	}
	c, err := e.auth.Verify(tok.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if c.Login() != defaultUsername {
		t.Errorf("login %q", c.Login())
	}
	// The token source refreshes through the sandbox too.
	e.clock.advance(2 * time.Hour)
	tok.Expiry = e.clock.now().Add(-time.Minute)
	fresh, err := cfg.TokenSource(e.ctx(), tok).Token()
	if err != nil {
		t.Fatal(err)
	}
	if fresh.RefreshToken == tok.RefreshToken || !e.verifies(fresh.AccessToken) {
		t.Error("the refresh did not rotate the refresh token or gave a bad access token")
	}
}

func TestOAuthAuthorizeLoginForm(t *testing.T) {
	e := newOAuthEnv(t)
	cfg := e.oauth2Config("http://127.0.0.1:9999/callback", AllScopes()[3])
	verifier := oauth2.GenerateVerifier()
	status, loc, body := e.browser(http.MethodGet, cfg.AuthCodeURL("st-form", oauth2.S256ChallengeOption(verifier)), nil)
	if status != http.StatusOK || loc != "" || !strings.Contains(body, `<form method="post" action="/auth/v1/authorize">`) ||
		!strings.Contains(body, `name="login"`) || !strings.Contains(body, AllScopes()[3]) {
		t.Fatalf("the login page: %d %q %.500s", status, loc, body)
	}
	form := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(body, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	if form.Get("code_challenge") != oauth2.S256ChallengeFromVerifier(verifier) || form.Get("state") != "st-form" {
		t.Fatalf("hidden fields %v", form)
	}
	submit := func(login, password, decision string) (int, string, string) {
		f := url.Values{"login": {login}, "password": {password}, "decision": {decision}}
		for k, v := range form {
			f[k] = v
		}
		return e.browser(http.MethodPost, e.srv.URL+gen.AuthorizePath, f)
	}

	status, loc, body = submit(defaultUsername, "wrong", "approve")
	if status != http.StatusOK || loc != "" || !strings.Contains(body, "Wrong login or password") {
		t.Errorf("wrong password: %d %q", status, loc)
	}

	q := e.redirected(submit(defaultUsername, "", "deny"))
	if q.Get("error") != "access_denied" || q.Get("state") != "st-form" || q.Get("code") != "" {
		t.Errorf("deny: %v", q)
	}

	status, loc, body = submit(defaultUsername, defaultPassword, "approve")
	q = e.redirected(status, loc, body)
	if !strings.HasPrefix(loc, "http://127.0.0.1:9999/callback?") || q.Get("state") != "st-form" {
		t.Fatalf("approve: Location %q", loc)
	}
	tok, err := cfg.Exchange(e.ctx(), q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if c, err := e.auth.Verify(tok.AccessToken); err != nil || c.Login() != defaultUsername || c.Scope != AllScopes()[3] {
		t.Errorf("claims %+v, %v", c, err)
	}
}

func TestOAuthAuthorizeWrongVerifier(t *testing.T) {
	e := newOAuthEnv(t, withAutoApprove())
	cfg := e.oauth2Config("http://127.0.0.1:9999/callback")
	verifier := oauth2.GenerateVerifier()
	code := e.authorizeCode(cfg, verifier)
	_, err := cfg.Exchange(e.ctx(), code, oauth2.VerifierOption(oauth2.GenerateVerifier()))
	wantRetrieveError(t, err, "invalid_grant")
	_, err = cfg.Exchange(e.ctx(), e.authorizeCode(cfg, verifier))
	wantRetrieveError(t, err, "invalid_grant") // no verifier at all
	// A code tried with a wrong verifier is burnt.
	_, err = cfg.Exchange(e.ctx(), code, oauth2.VerifierOption(verifier))
	wantRetrieveError(t, err, "invalid_grant")
}

func TestOAuthAuthorizeRequiresPKCE(t *testing.T) {
	e := newOAuthEnv(t, withAutoApprove())
	cfg := e.oauth2Config("http://127.0.0.1:9999/callback")
	verifier := oauth2.GenerateVerifier()
	for name, opts := range map[string][]oauth2.AuthCodeOption{
		"no challenge": nil,
		"plain":        {oauth2.SetAuthURLParam("code_challenge", verifier), oauth2.SetAuthURLParam("code_challenge_method", "plain")},
		"no method":    {oauth2.SetAuthURLParam("code_challenge", oauth2.S256ChallengeFromVerifier(verifier))},
	} {
		q := e.redirected(e.browser(http.MethodGet, cfg.AuthCodeURL("st-pkce", opts...), nil))
		if q.Get("error") != "invalid_request" || q.Get("code") != "" || q.Get("state") != "st-pkce" {
			t.Errorf("%s: redirect %v, want invalid_request", name, q)
		}
	}
}

func TestOAuthAuthorizeInvalidScopeRedirects(t *testing.T) {
	e := newOAuthEnv(t, withAutoApprove())
	cfg := e.oauth2Config("http://127.0.0.1:9999/callback", "admin")
	q := e.redirected(e.browser(http.MethodGet, cfg.AuthCodeURL("st-scope", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())), nil))
	if q.Get("error") != "invalid_scope" || q.Get("state") != "st-scope" || q.Get("code") != "" {
		t.Errorf("redirect %v, want invalid_scope", q)
	}
}

func TestOAuthAuthorizeCodeReuseRevokes(t *testing.T) {
	e := newOAuthEnv(t, withAutoApprove())
	cfg := e.oauth2Config("http://127.0.0.1:9999/callback")
	verifier := oauth2.GenerateVerifier()
	code := e.authorizeCode(cfg, verifier)
	first, err := cfg.Exchange(e.ctx(), code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if !e.verifies(first.AccessToken) {
		t.Fatal("the first access token does not verify")
	}
	_, err = cfg.Exchange(e.ctx(), code, oauth2.VerifierOption(verifier))
	wantRetrieveError(t, err, "invalid_grant")
	if e.verifies(first.AccessToken) {
		t.Error("the access token of a reused code still verifies")
	}
	wantOAuthError(t, e.token(refreshForm(first.RefreshToken)), 400, "invalid_grant")
}

func TestOAuthAuthorizeExpiredCode(t *testing.T) {
	e := newOAuthEnv(t, withAutoApprove())
	cfg := e.oauth2Config("http://127.0.0.1:9999/callback")
	verifier := oauth2.GenerateVerifier()
	code := e.authorizeCode(cfg, verifier)
	e.clock.advance(e.cfg.CodeLifetime + time.Second)
	_, err := cfg.Exchange(e.ctx(), code, oauth2.VerifierOption(verifier))
	wantRetrieveError(t, err, "invalid_grant")
}

func TestOAuthAuthorizeRedirectURIs(t *testing.T) {
	e := newOAuthEnv(t, withAutoApprove(), withClient(Client{
		ID: "web", Secret: "web-secret", Scopes: AllScopes(),
		RedirectURLs: []string{"https://app.example/cb", "http://127.0.0.1/callback"},
	}))
	challenge := oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier())
	authorize := func(client, redirect string) (int, string, string) {
		q := url.Values{"response_type": {"code"}, "client_id": {client}, "state": {"s"},
			"code_challenge": {challenge}, "code_challenge_method": {"S256"}}
		if redirect != "" {
			q.Set("redirect_uri", redirect)
		}
		return e.browser(http.MethodGet, e.srv.URL+gen.AuthorizePath+"?"+q.Encode(), nil)
	}
	for _, redirect := range []string{"http://127.0.0.1:54321/callback", "http://127.0.0.1/callback", "https://app.example/cb"} {
		status, loc, _ := authorize("web", redirect)
		if status != http.StatusFound || !strings.HasPrefix(loc, redirect+"?") {
			t.Errorf("%s: %d %q, want a redirect to it", redirect, status, loc)
		}
	}
	for _, redirect := range []string{
		"https://evil.example/cb", "https://app.example:8443/cb", "http://127.0.0.1:54321/other",
		"http://localhost:54321/callback", "https://127.0.0.1/callback", "https://app.example/cb#x", "",
	} {
		status, loc, body := authorize("web", redirect)
		if status != http.StatusBadRequest || loc != "" || !strings.Contains(body, "cannot go on") {
			t.Errorf("%q: %d %q, want 400 and no redirect", redirect, status, loc)
		}
	}
	if status, loc, _ := authorize("nobody", "http://127.0.0.1/callback"); status != http.StatusBadRequest || loc != "" {
		t.Errorf("unknown client: %d %q, want 400 and no redirect", status, loc)
	}
	// The default client has one registered URI: redirect_uri may be omitted.
	if status, loc, _ := authorize(defaultClientID, ""); status != http.StatusFound || !strings.HasPrefix(loc, defaultRedirectURL+"?") {
		t.Errorf("omitted redirect_uri: %d %q", status, loc)
	}
}

// Another client holding a leaked, used code cannot revoke the rightful
// client's tokens with it.
func TestUsedCodeFromAnotherClientRevokesNothing(t *testing.T) {
	e := newOAuthEnv(t, withAutoApprove(), withClient(Client{ID: "other", Secret: "other-secret", Scopes: AllScopes(),
		RedirectURLs: []string{defaultRedirectURL}}))
	cfg := e.oauth2Config("http://127.0.0.1:9999/callback")
	verifier := oauth2.GenerateVerifier()
	code := e.authorizeCode(cfg, verifier)
	first, err := cfg.Exchange(e.ctx(), code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	a := e.post("/auth/v1/token", url.Values{"grant_type": {"authorization_code"}, "code": {code}, "code_verifier": {verifier},
		"redirect_uri": {"http://127.0.0.1:9999/callback"}}, "other", "other-secret")
	wantOAuthError(t, a, http.StatusBadRequest, "invalid_grant")
	if !e.verifies(first.AccessToken) {
		t.Error("another client's replay of a used code revoked the rightful client's token")
	}
}

// An authorization request that asks for a scope the client is not
// registered for (one the API added since) is granted the registered ones
// (RFC 6749 section 3.3), and the token answer says which: a login keeps
// working as the spec grows. An unknown scope stays invalid_scope, and so
// does a request of which no scope is registered.
func TestOAuthAuthorizeGrantsTheRegisteredScopesAsked(t *testing.T) {
	e := newOAuthEnv(t, withAutoApprove(), withClient(Client{
		ID: defaultClientID, Secret: defaultClientSecret, Scopes: []string{"urn:axa.assistance.travel.countries.read_only"},
		RedirectURLs: []string{"http://127.0.0.1/callback"},
	}))
	cfg := e.oauth2Config("http://127.0.0.1:9999/callback",
		"urn:axa.assistance.travel.countries.read_only", "urn:axa.assistance.health.providers.read_only")
	verifier := oauth2.GenerateVerifier()
	tok, err := cfg.Exchange(e.ctx(), e.authorizeCode(cfg, verifier), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.Extra("scope"); got != "urn:axa.assistance.travel.countries.read_only" {
		t.Errorf("granted scope %v, want the registered one alone", got)
	}
	none := e.oauth2Config("http://127.0.0.1:9999/callback", "urn:axa.assistance.health.providers.read_only")
	q := e.redirected(e.browser(http.MethodGet, none.AuthCodeURL("st-none", oauth2.S256ChallengeOption(verifier)), nil))
	if q.Get("error") != "invalid_scope" {
		t.Errorf("no registered scope asked: %v, want invalid_scope", q)
	}
}
