package oauth

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"html"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/testutil"
)

func TestOAuthClientCredentials(t *testing.T) {
	e := newOAuthEnv(t)
	scope := AllScopes()[1]
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {scope}}
	post := url.Values{"client_id": {defaultClientID}, "client_secret": {defaultClientSecret}}
	for k, v := range form {
		post[k] = v
	}
	for name, a := range map[string]answer{
		"basic": e.post(gen.TokenPath, form, defaultClientID, defaultClientSecret),
		"post":  e.post(gen.TokenPath, post, "", ""),
	} {
		t.Run(name, func(t *testing.T) {
			if a.status != http.StatusOK {
				t.Fatalf("%d %v", a.status, a.body)
			}
			if a.str("token_type") != "Bearer" || a.body["expires_in"] != float64(3600) || a.str("scope") != scope {
				t.Errorf("answer %v", a.body)
			}
			if _, ok := a.body["refresh_token"]; ok {
				t.Error("client credentials got a refresh token")
			}
			if a.header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", a.header.Get("Cache-Control"))
			}
			c, err := e.auth.Verify(a.str("access_token"))
			if err != nil {
				t.Fatal(err)
			}
			now := e.clock.now()
			if c.Issuer != e.cfg.Issuer || !slices.Contains(c.Audience, e.cfg.Audience) || c.Subject != defaultClientID ||
				!c.ExpiresAt.Equal(now.Add(time.Hour)) || !c.IssuedAt.Equal(now) || c.ID == "" || c.Scope != scope ||
				c.ClientID != defaultClientID || c.Login() != "" {
				t.Errorf("claims %+v", c)
			}
		})
	}
}

func TestOAuthTokenNoScopeGrantsRegisteredScopes(t *testing.T) {
	e := newOAuthEnv(t, withClient(Client{ID: "narrow", Secret: "narrow-secret", Scopes: []string{"openid", AllScopes()[2]}}))
	a := e.mustToken(url.Values{"grant_type": {"client_credentials"}})
	if a.str("scope") != strings.Join(AllScopes(), " ") {
		t.Errorf("default client, no scope: granted %q, want every API scope", a.str("scope"))
	}
	a = e.post(gen.TokenPath, url.Values{"grant_type": {"client_credentials"}}, "narrow", "narrow-secret")
	if a.str("scope") != AllScopes()[2] {
		t.Errorf("narrow client, no scope: granted %q, want %q (no openid)", a.str("scope"), AllScopes()[2])
	}
}

func TestOAuthTokenClientAuthentication(t *testing.T) {
	e := newOAuthEnv(t)
	cc := url.Values{"grant_type": {"client_credentials"}}
	withCreds := func(id, secret string) url.Values {
		return url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}
	}
	cases := map[string]struct {
		a      answer
		status int
		code   string
	}{
		"wrong secret, basic":  {e.post(gen.TokenPath, cc, defaultClientID, "wrong-secret-123"), 401, "invalid_client"},
		"wrong secret, post":   {e.post(gen.TokenPath, withCreds(defaultClientID, "wrong-secret-123"), "", ""), 401, "invalid_client"},
		"unknown client":       {e.post(gen.TokenPath, cc, "nobody", defaultClientSecret), 401, "invalid_client"},
		"no authentication":    {e.post(gen.TokenPath, cc, "", ""), 401, "invalid_client"},
		"basic and post":       {e.post(gen.TokenPath, withCreds(defaultClientID, defaultClientSecret), defaultClientID, defaultClientSecret), 400, "invalid_request"},
		"another client_id":    {e.post(gen.TokenPath, url.Values{"grant_type": {"client_credentials"}, "client_id": {"x"}}, defaultClientID, defaultClientSecret), 400, "invalid_request"},
		"unsupported grant":    {e.token(url.Values{"grant_type": {"implicit"}}), 400, "unsupported_grant_type"},
		"no grant type":        {e.token(url.Values{}), 400, "invalid_request"},
		"duplicated parameter": {e.token(url.Values{"grant_type": {"client_credentials", "client_credentials"}}), 400, "invalid_request"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			wantOAuthError(t, c.a, c.status, c.code)
			if c.status == http.StatusUnauthorized && c.a.header.Get("WWW-Authenticate") != `Basic realm="axa-assistance"` {
				t.Errorf("WWW-Authenticate %q", c.a.header.Get("WWW-Authenticate"))
			}
			if strings.Contains(c.a.str("error_description"), "wrong-secret-123") || strings.Contains(c.a.str("error_description"), defaultClientSecret) {
				t.Error("the error description echoes a secret")
			}
		})
	}
}

func TestOAuthTokenRequestLimits(t *testing.T) {
	e := newOAuthEnv(t, withClient(Client{ID: "machine", Secret: "machine-secret", Scopes: AllScopes(), Grants: []string{"client_credentials"}}))
	a := e.post(gen.TokenPath, passwordForm(""), "machine", "machine-secret")
	wantOAuthError(t, a, 400, "unauthorized_client")
	big := url.Values{"grant_type": {"client_credentials"}, "pad": {strings.Repeat("x", 20<<10)}}
	wantOAuthError(t, e.token(big), 400, "invalid_request")

	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, e.srv.URL+gen.TokenPath, strings.NewReader(`{"grant_type":"client_credentials"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(defaultClientID, defaultClientSecret)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a JSON body: %d, want 400", resp.StatusCode)
	}
}

func TestOAuthTokenScopes(t *testing.T) {
	e := newOAuthEnv(t, withClient(Client{ID: "narrow", Secret: "narrow-secret", Scopes: []string{AllScopes()[0]}}))
	wantOAuthError(t, e.token(url.Values{"grant_type": {"client_credentials"}, "scope": {"admin"}}), 400, "invalid_scope")
	a := e.post(gen.TokenPath, url.Values{"grant_type": {"client_credentials"}, "scope": {AllScopes()[1]}}, "narrow", "narrow-secret")
	wantOAuthError(t, a, 400, "invalid_scope")
	a = e.mustToken(url.Values{"grant_type": {"client_credentials"}, "scope": {"openid " + AllScopes()[0] + " " + AllScopes()[0]}})
	if a.str("scope") != "openid "+AllScopes()[0] {
		t.Errorf("granted %q", a.str("scope"))
	}
}

func TestOAuthPasswordGrant(t *testing.T) {
	e := newOAuthEnv(t)
	bad := passwordForm("")
	bad.Set("password", "not-the-password")
	wantOAuthError(t, e.token(bad), 400, "invalid_grant")
	unknown := passwordForm("")
	unknown.Set("username", "mallory")
	wantOAuthError(t, e.token(unknown), 400, "invalid_grant")
	wantOAuthError(t, e.token(url.Values{"grant_type": {"password"}, "username": {defaultUsername}}), 400, "invalid_request")

	a := e.mustToken(passwordForm(AllScopes()[2]))
	if a.str("refresh_token") == "" || a.str("scope") != AllScopes()[2] {
		t.Errorf("answer %v", a.body)
	}
	c, err := e.auth.Verify(a.str("access_token"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Login() != defaultUsername || c.Subject != defaultUsername || c.ClientID != defaultClientID {
		t.Errorf("claims %+v, want customData.login %s", c, defaultUsername)
	}
	// customData.login as AXA's samples read it, from the raw payload.
	payload, err := base64.RawURLEncoding.DecodeString(strings.Split(a.str("access_token"), ".")[1])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(payload), `"customData":{"login":"demo"}`) {
		t.Errorf("payload %s lacks customData.login", payload)
	}
}

func TestOAuthAuthorizationCodeAutoApprove(t *testing.T) {
	e := newOAuthEnv(t, withAutoApprove())
	cfg := e.oauth2Config("http://127.0.0.1:9999/callback", AllScopes()[0], "openid")
	verifier := oauth2.GenerateVerifier()
	code := e.authorizeCode(cfg, verifier)
	tok, err := cfg.Exchange(e.ctx(), code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" || tok.Extra("scope") != AllScopes()[0]+" openid" {
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

// hiddenInput finds the hidden fields of the login form.
var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

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

func TestOAuthRefreshRotation(t *testing.T) {
	e := newOAuthEnv(t, withClient(Client{ID: "other", Secret: "other-secret", Scopes: AllScopes()}))
	scopes := AllScopes()[0] + " " + AllScopes()[1]
	a := e.mustToken(passwordForm(scopes))
	rt := a.str("refresh_token")
	seen := map[string]bool{rt: true}
	for range 3 {
		a = e.mustToken(refreshForm(rt))
		next := a.str("refresh_token")
		if next == "" || seen[next] || a.str("scope") != scopes || !e.verifies(a.str("access_token")) {
			t.Fatalf("refresh: %v", a.body)
		}
		seen[next] = true
		rt = next
	}
	if c, _ := e.auth.Verify(a.str("access_token")); c == nil || c.Login() != defaultUsername {
		t.Error("a refreshed token lost customData.login")
	}

	// Narrow, then back to the original scope; never wider.
	narrow := refreshForm(rt)
	narrow.Set("scope", AllScopes()[1])
	a = e.mustToken(narrow)
	if a.str("scope") != AllScopes()[1] {
		t.Errorf("narrowed scope %q", a.str("scope"))
	}
	wide := refreshForm(a.str("refresh_token"))
	wide.Set("scope", AllScopes()[2])
	wantOAuthError(t, e.token(wide), 400, "invalid_scope")
	a = e.mustToken(refreshForm(a.str("refresh_token"))) // not burnt by the refused widening
	if a.str("scope") != scopes {
		t.Errorf("scope after narrowing %q, want the original %q", a.str("scope"), scopes)
	}

	// Another client cannot use it; an expired one is refused.
	other := e.post(gen.TokenPath, refreshForm(a.str("refresh_token")), "other", "other-secret")
	wantOAuthError(t, other, 400, "invalid_grant")
	e.clock.advance(e.cfg.RefreshLifetime + time.Second)
	wantOAuthError(t, e.token(refreshForm(a.str("refresh_token"))), 400, "invalid_grant")
}

func TestOAuthRefreshReuseRevokesFamily(t *testing.T) {
	e := newOAuthEnv(t)
	first := e.mustToken(passwordForm(""))
	second := e.mustToken(refreshForm(first.str("refresh_token")))
	unrelated := e.mustToken(passwordForm(""))
	if !e.verifies(first.str("access_token")) || !e.verifies(second.str("access_token")) {
		t.Fatal("fresh access tokens do not verify")
	}

	wantOAuthError(t, e.token(refreshForm(first.str("refresh_token"))), 400, "invalid_grant")
	wantOAuthError(t, e.token(refreshForm(second.str("refresh_token"))), 400, "invalid_grant")
	for name, a := range map[string]answer{"first": first, "second": second} {
		if e.verifies(a.str("access_token")) {
			t.Errorf("the %s access token of a revoked family still verifies", name)
		}
	}
	if !e.verifies(unrelated.str("access_token")) {
		t.Error("another grant's access token was revoked too")
	}
	e.mustToken(refreshForm(unrelated.str("refresh_token")))
}

func TestOAuthRevoke(t *testing.T) {
	e := newOAuthEnv(t, withClient(Client{ID: "other", Secret: "other-secret", Scopes: AllScopes()}))
	revoke := func(token, hint, id, secret string) answer {
		t.Helper()
		f := url.Values{"token": {token}}
		if hint != "" {
			f.Set("token_type_hint", hint)
		}
		return e.post(revokePath, f, id, secret)
	}

	cc := e.mustToken(url.Values{"grant_type": {"client_credentials"}})
	wantOAuthError(t, revoke(cc.str("access_token"), "", "", ""), 401, "invalid_client")
	wantOAuthError(t, revoke("", "", defaultClientID, defaultClientSecret), 400, "invalid_request")
	if a := revoke("no-such-token", "refresh_token", defaultClientID, defaultClientSecret); a.status != http.StatusOK {
		t.Errorf("unknown token: %d, want 200", a.status)
	}

	// Another client's revocation is refused and leaves the token alone
	// (RFC 7009 section 2.1; see TestRevokeAnotherClientsTokenRefused).
	if a := revoke(cc.str("access_token"), "access_token", "other", "other-secret"); a.status != http.StatusBadRequest || !e.verifies(cc.str("access_token")) {
		t.Errorf("another client's revocation: %d, want 400 and the token valid", a.status)
	}
	if a := revoke(cc.str("access_token"), "access_token", defaultClientID, defaultClientSecret); a.status != http.StatusOK || e.verifies(cc.str("access_token")) {
		t.Errorf("revoked access token: %d, still verifies %v", a.status, e.verifies(cc.str("access_token")))
	}

	// A refresh token revokes its family, whatever the hint says.
	pw := e.mustToken(passwordForm(""))
	next := e.mustToken(refreshForm(pw.str("refresh_token")))
	if a := revoke(next.str("refresh_token"), "access_token", defaultClientID, defaultClientSecret); a.status != http.StatusOK {
		t.Fatalf("revoke: %d", a.status)
	}
	wantOAuthError(t, e.token(refreshForm(next.str("refresh_token"))), 400, "invalid_grant")
	if e.verifies(next.str("access_token")) || e.verifies(pw.str("access_token")) {
		t.Error("the access tokens of a revoked refresh token still verify")
	}
}

func TestOAuthMetadataAndJWKS(t *testing.T) {
	e := newOAuthEnv(t)
	getJSON := func(u string, v any) {
		t.Helper()
		status, _, body := e.browser(http.MethodGet, u, nil)
		if status != http.StatusOK {
			t.Fatalf("GET %s: %d", u, status)
		}
		if err := json.Unmarshal([]byte(body), v); err != nil {
			t.Fatal(err)
		}
	}
	var md struct {
		Issuer                string   `json:"issuer"`
		TokenEndpoint         string   `json:"token_endpoint"`
		AuthorizationEndpoint string   `json:"authorization_endpoint"`
		JWKSURI               string   `json:"jwks_uri"`
		RevocationEndpoint    string   `json:"revocation_endpoint"`
		GrantTypes            []string `json:"grant_types_supported"`
		ResponseTypes         []string `json:"response_types_supported"`
		ChallengeMethods      []string `json:"code_challenge_methods_supported"`
		AuthMethods           []string `json:"token_endpoint_auth_methods_supported"`
		Scopes                []string `json:"scopes_supported"`
	}
	getJSON(e.srv.URL+metadataPath, &md)
	// Served without Start: the placeholder issuer, endpoints under it (see
	// TestMetadataIgnoresTheHostHeader).
	iss := e.cfg.Issuer
	if md.Issuer != iss || md.TokenEndpoint != iss+"/auth/v1/token" || md.AuthorizationEndpoint != iss+"/auth/v1/authorize" ||
		md.JWKSURI != iss+"/auth/v1/jwks" || md.RevocationEndpoint != iss+"/auth/v1/revoke" {
		t.Errorf("metadata endpoints %+v", md)
	}
	for _, g := range []string{"authorization_code", "client_credentials", "password", "refresh_token"} {
		if !slices.Contains(md.GrantTypes, g) {
			t.Errorf("grant_types_supported lacks %s", g)
		}
	}
	if !slices.Equal(md.ResponseTypes, []string{"code"}) || !slices.Equal(md.ChallengeMethods, []string{"S256"}) ||
		!slices.Equal(md.AuthMethods, []string{"client_secret_basic", "client_secret_post"}) || len(md.Scopes) != 6 {
		t.Errorf("metadata %+v", md)
	}

	var set struct {
		Keys []struct{ Kty, Crv, Alg, Kid, X string } `json:"keys"`
	}
	getJSON(e.srv.URL+jwksPath, &set)
	tok := e.mustToken(url.Values{"grant_type": {"client_credentials"}}).str("access_token")
	parts := strings.Split(tok, ".")
	var header struct{ Alg, Kid string }
	if raw, err := base64.RawURLEncoding.DecodeString(parts[0]); err != nil || json.Unmarshal(raw, &header) != nil {
		t.Fatalf("token header: %v", err)
	}
	if len(set.Keys) != 1 || set.Keys[0].Kid != header.Kid || set.Keys[0].Kty != "OKP" || set.Keys[0].Crv != "Ed25519" || header.Alg != "EdDSA" {
		t.Fatalf("keys %+v, token header %+v", set.Keys, header)
	}
	x, err := base64.RawURLEncoding.DecodeString(set.Keys[0].X)
	if err != nil || len(x) != ed25519.PublicKeySize {
		t.Fatalf("x: %v", err)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	if !ed25519.Verify(ed25519.PublicKey(x), []byte(parts[0]+"."+parts[1]), sig) {
		t.Error("the JWKS key does not verify the token")
	}
	if ed25519.Verify(ed25519.PublicKey(x), []byte(parts[0]+"."+parts[1]+"x"), sig) {
		t.Error("the JWKS key verifies a changed token")
	}
}

func TestOAuthAccessTokenExpires(t *testing.T) {
	e := newOAuthEnv(t, withTokenLifetime(10*time.Minute))
	a := e.mustToken(url.Values{"grant_type": {"client_credentials"}})
	if a.body["expires_in"] != float64(600) {
		t.Errorf("expires_in %v, want 600", a.body["expires_in"])
	}
	e.clock.advance(9 * time.Minute)
	if !e.verifies(a.str("access_token")) {
		t.Fatal("a token refused before it expires")
	}
	e.clock.advance(2 * time.Minute)
	if _, err := e.auth.Verify(a.str("access_token")); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("an expired token: err = %v", err)
	}
}

func TestOAuthLogsHoldNoSecrets(t *testing.T) {
	var logs testutil.Buffer
	e := newOAuthEnv(t, withAutoApprove(),
		withLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		withUser(User{Login: "alice", Password: "alice-pw-7f3k"}))
	secrets := []string{defaultClientSecret, "alice-pw-7f3k", "wrong-secret-9q"}

	pw := passwordForm("")
	pw.Set("username", "alice")
	pw.Set("password", "alice-pw-7f3k")
	a := e.mustToken(pw)
	b := e.mustToken(refreshForm(a.str("refresh_token")))
	e.token(refreshForm(a.str("refresh_token"))) // reuse
	e.post(gen.TokenPath, url.Values{"grant_type": {"client_credentials"}}, defaultClientID, "wrong-secret-9q")
	e.post(revokePath, url.Values{"token": {b.str("access_token")}}, defaultClientID, defaultClientSecret)
	cfg := e.oauth2Config("http://127.0.0.1:9999/callback")
	verifier := oauth2.GenerateVerifier()
	code := e.authorizeCode(cfg, verifier)
	tok, err := cfg.Exchange(e.ctx(), code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, a.str("access_token"), a.str("refresh_token"), b.str("access_token"), b.str("refresh_token"),
		code, verifier, tok.AccessToken, tok.RefreshToken)

	out := logs.String()
	if !strings.Contains(out, "token issued") || !strings.Contains(out, "reused") {
		t.Fatalf("the log misses the token events:\n%s", out)
	}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("the log holds a secret (%.8s…)", s)
		}
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
