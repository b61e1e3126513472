package oauth

import (
	"net/http"
	"net/url"
	"testing"

	"golang.org/x/oauth2"
)

// The scope parameter is scope tokens of %x21 / %x23-5B / %x5D-7E joined by
// single spaces (RFC 6749 section 3.3); anything else is invalid_scope, at
// every endpoint that reads it. An empty parameter counts as omitted
// (section 3.2).
func TestScopeGrammar(t *testing.T) {
	e := newOAuthEnv(t, withAutoApprove())
	a, b := AllScopes()[0], AllScopes()[1]
	bad := map[string]string{
		"tab":               a + "\t" + b,
		"newline":           a + "\n" + b,
		"carriage return":   a + "\r" + b,
		"form feed":         a + "\f" + b,
		"vertical tab":      a + "\v" + b,
		"no-break space":    a + "\u00a0" + b,
		"two spaces":        a + "  " + b,
		"leading space":     " " + a,
		"trailing space":    a + " ",
		"only a space":      " ",
		"double quote":      `"` + a + `"`,
		"backslash":         a + `\` + b,
		"non-ASCII":         a + "é",
		"NUL":               a + "\x00",
		"DEL":               a + "\x7f",
		"control character": a + "\x1b[31m",
	}
	pw := e.mustToken(passwordForm(a + " " + b))
	if pw.str("scope") != a+" "+b {
		t.Fatalf("space-separated scopes: granted %q", pw.str("scope"))
	}
	rt := pw.str("refresh_token")
	for name, scope := range bad {
		t.Run(name, func(t *testing.T) {
			cc := url.Values{"grant_type": {"client_credentials"}, "scope": {scope}}
			wantOAuthError(t, e.token(cc), http.StatusBadRequest, "invalid_scope")
			wantOAuthError(t, e.token(passwordForm(scope)), http.StatusBadRequest, "invalid_scope")
			narrow := refreshForm(rt)
			narrow.Set("scope", scope)
			wantOAuthError(t, e.token(narrow), http.StatusBadRequest, "invalid_scope")

			cfg := e.oauth2Config("http://127.0.0.1:9999/callback")
			u := cfg.AuthCodeURL("st-grammar", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()), oauth2.SetAuthURLParam("scope", scope))
			q := e.redirected(e.browser(http.MethodGet, u, nil))
			if q.Get("error") != "invalid_scope" || q.Get("code") != "" || q.Get("state") != "st-grammar" {
				t.Errorf("authorize: redirect %v, want invalid_scope", q)
			}
		})
	}
	// A refused narrowing does not burn the refresh token; an empty scope
	// is no scope.
	a2 := e.mustToken(refreshForm(rt))
	if a2.str("scope") != a+" "+b {
		t.Errorf("refresh after refused narrowings: scope %q", a2.str("scope"))
	}
	empty := refreshForm(a2.str("refresh_token"))
	empty.Set("scope", "")
	if got := e.mustToken(empty).str("scope"); got != a+" "+b {
		t.Errorf("refresh with an empty scope: %q, want the grant's", got)
	}
	if got := e.mustToken(url.Values{"grant_type": {"client_credentials"}, "scope": {""}}).str("scope"); got == "" {
		t.Error("client credentials with an empty scope granted nothing")
	}
}
