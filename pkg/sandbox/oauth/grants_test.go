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

// revokedSession fails the test unless the session of a (a token
// response) is revoked: its access token refused, its refresh token
// invalid_grant.
func (e *oauthEnv) revokedSession(t *testing.T, what string, a answer) {
	t.Helper()
	if e.verifies(a.str("access_token")) {
		t.Errorf("%s: its access token still verifies", what)
	}
	if r := e.token(refreshForm(a.str("refresh_token"))); r.status != 400 || r.str("error") != "invalid_grant" {
		t.Errorf("%s: its refresh token answered %d %v, want invalid_grant", what, r.status, r.body)
	}
}

// Within the reuse interval after a refresh token was exchanged, the same
// request again (the same token and scope parameter: a retry after a lost
// response) answers the same tokens, byte for byte, and revokes nothing:
// the session goes on with them. After the interval, reuse revokes the
// grant as it always did.
func TestOAuthRefreshRetriedWithinTheReuseIntervalAnswersTheSameTokens(t *testing.T) {
	e := newOAuthEnv(t, withRefreshReuseInterval(10*time.Second))
	scopes := AllScopes()[0] + " " + AllScopes()[1]
	rt := e.mustToken(passwordForm(scopes)).str("refresh_token")
	first := e.mustToken(refreshForm(rt))
	e.clock.advance(3 * time.Second)
	retry := e.mustToken(refreshForm(rt))
	for _, k := range []string{"access_token", "refresh_token", "scope", "token_type"} {
		if retry.str(k) != first.str(k) {
			t.Errorf("the retry's %s differs from the lost answer's", k)
		}
	}
	if got, want := retry.body["expires_in"], first.body["expires_in"].(float64)-3; got != want {
		t.Errorf("the retry's expires_in is %v, want %v: what is left of the same token", got, want)
	}
	if !e.verifies(first.str("access_token")) {
		t.Fatal("the retry revoked the access token")
	}
	next := e.mustToken(refreshForm(first.str("refresh_token")))
	if !e.verifies(next.str("access_token")) {
		t.Fatal("the session does not go on after the retry")
	}

	// After the interval: reuse, the grant revoked.
	rt = e.mustToken(passwordForm(scopes)).str("refresh_token")
	first = e.mustToken(refreshForm(rt))
	e.clock.advance(10 * time.Second)
	wantOAuthError(t, e.token(refreshForm(rt)), 400, "invalid_grant")
	e.revokedSession(t, "reuse after the interval", first)
}

// Within the reuse interval, what is not a retry of the last exchange is
// reuse, and revokes the grant: the token presented again after its
// successor was exchanged in turn (it is no longer the one just rotated),
// or with another scope parameter (another request).
func TestOAuthRefreshReuseIntervalCoversOnlyARetryOfTheLastExchange(t *testing.T) {
	e := newOAuthEnv(t, withRefreshReuseInterval(time.Minute))
	all := AllScopes()
	t.Run("successor exchanged", func(t *testing.T) {
		rt := e.mustToken(passwordForm("")).str("refresh_token")
		first := e.mustToken(refreshForm(rt))
		second := e.mustToken(refreshForm(first.str("refresh_token")))
		wantOAuthError(t, e.token(refreshForm(rt)), 400, "invalid_grant")
		e.revokedSession(t, "the older token again", second)
	})
	t.Run("another scope", func(t *testing.T) {
		rt := e.mustToken(passwordForm(all[0] + " " + all[1])).str("refresh_token")
		form := refreshForm(rt)
		form.Set("scope", all[0])
		first := e.mustToken(form)
		form.Set("scope", all[1])
		wantOAuthError(t, e.token(form), 400, "invalid_grant")
		e.revokedSession(t, "the token again with another scope", first)
	})
	t.Run("no interval", func(t *testing.T) {
		strict := newOAuthEnv(t)
		rt := strict.mustToken(passwordForm("")).str("refresh_token")
		first := strict.mustToken(refreshForm(rt))
		wantOAuthError(t, strict.token(refreshForm(rt)), 400, "invalid_grant")
		strict.revokedSession(t, "an immediate retry without an interval", first)
	})
}

// A retry within the reuse interval after the lost access token can no
// longer be used (expired, or revoked on its own) answers the same refresh
// token with a new access token of the same grant and scopes, valid.
func TestOAuthRefreshRetryAfterTheLostAccessTokenExpired(t *testing.T) {
	e := newOAuthEnv(t, withRefreshReuseInterval(time.Minute), withTokenLifetime(10*time.Second))
	rt := e.mustToken(passwordForm(AllScopes()[0])).str("refresh_token")
	first := e.mustToken(refreshForm(rt))
	e.clock.advance(11 * time.Second)
	retry := e.mustToken(refreshForm(rt))
	if retry.str("refresh_token") != first.str("refresh_token") || retry.str("scope") != first.str("scope") {
		t.Errorf("the retry answered %v, want the same refresh token and scope as %v", retry.body, first.body)
	}
	if retry.str("access_token") == first.str("access_token") || !e.verifies(retry.str("access_token")) || retry.body["expires_in"] != float64(10) {
		t.Errorf("the retry's access token: %v, want a new one, valid 10 s", retry.body)
	}

	e.post(revokePath, url.Values{"token": {retry.str("access_token")}}, defaultClientID, defaultClientSecret)
	again := e.mustToken(refreshForm(rt))
	if again.str("access_token") == retry.str("access_token") || !e.verifies(again.str("access_token")) {
		t.Error("a retry after the access token was revoked answered it again")
	}
	if again.str("refresh_token") != first.str("refresh_token") {
		t.Error("a retry answered another refresh token")
	}
}
