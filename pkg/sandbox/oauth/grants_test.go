package oauth

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/gen"
)

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
