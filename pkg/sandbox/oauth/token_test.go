package oauth

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/gen"
)

// FuzzTokenEndpoint posts arbitrary forms and Authorization headers to the
// token endpoint: it must never panic, always answer JSON with a status of
// the OAuth2 vocabulary, and never echo the client secret.
func FuzzTokenEndpoint(f *testing.F) {
	basic := "Basic c2FuZGJveC1jbGllbnQ6c2FuZGJveC1zZWNyZXQ=" // sandbox-client:sandbox-secret
	for _, seed := range [][2]string{
		{"grant_type=client_credentials&scope=urn%3Aaxa.assistance.travel.countries.read_only", basic},
		{"grant_type=password&username=demo&password=demo", basic},
		{"grant_type=authorization_code&code=x&code_verifier=y&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcallback", basic},
		{"grant_type=refresh_token&refresh_token=zzz", basic},
		{"grant_type=client_credentials&client_id=sandbox-client&client_secret=sandbox-secret", ""},
		{"grant_type=client_credentials&grant_type=password", basic},
		{"%zz&&==;", "Basic !!!"},
		{strings.Repeat("a", 20000), basic},
	} {
		f.Add(seed[0], seed[1])
	}
	_, h := newServer(f)
	f.Fuzz(func(t *testing.T, form, auth string) {
		req := httptest.NewRequest(http.MethodPost, "/auth/v1/token", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusUnauthorized, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("status %d for %q", rec.Code, form)
		}
		var v map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatalf("answer is not JSON: %q", rec.Body.String())
		}
		if rec.Code != http.StatusOK && v["error"] == nil {
			t.Fatalf("an error answer without an error code: %q", rec.Body.String())
		}
		if strings.Contains(rec.Body.String(), defaultClientSecret) {
			t.Fatal("the answer echoes the client secret")
		}
	})
}

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
	e := newOAuthEnv(t, withClient(Client{ID: "narrow", Secret: "narrow-secret", Scopes: []string{AllScopes()[2]}}))
	a := e.mustToken(url.Values{"grant_type": {"client_credentials"}})
	if a.str("scope") != strings.Join(AllScopes(), " ") {
		t.Errorf("default client, no scope: granted %q, want every API scope", a.str("scope"))
	}
	a = e.post(gen.TokenPath, url.Values{"grant_type": {"client_credentials"}}, "narrow", "narrow-secret")
	if a.str("scope") != AllScopes()[2] {
		t.Errorf("narrow client, no scope: granted %q, want %q", a.str("scope"), AllScopes()[2])
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
	a = e.mustToken(url.Values{"grant_type": {"client_credentials"}, "scope": {AllScopes()[1] + " " + AllScopes()[0] + " " + AllScopes()[0]}})
	if a.str("scope") != AllScopes()[1]+" "+AllScopes()[0] {
		t.Errorf("granted %q", a.str("scope"))
	}
}

// openid is refused: the server issues no OpenID Connect ID token, so
// granting the scope would promise one it never gives.
func TestOAuthRefusesOpenID(t *testing.T) {
	e := newOAuthEnv(t)
	for _, scope := range []string{"openid", "openid " + AllScopes()[0]} {
		wantOAuthError(t, e.token(url.Values{"grant_type": {"client_credentials"}, "scope": {scope}}), 400, "invalid_scope")
	}
	if ValidScope("openid") {
		t.Error("ValidScope(openid) is true")
	}
}
