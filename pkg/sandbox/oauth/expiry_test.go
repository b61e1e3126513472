package oauth

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// stateSizes returns how many codes, refresh tokens and revocations the
// authorization server holds.
func (e *oauthEnv) stateSizes() (codes, refresh, revoked int) {
	a := e.auth
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.codes), len(a.refresh), len(a.revoked)
}

// visits returns how many records prune has looked at so far.
func (e *oauthEnv) visits() int {
	a := e.auth
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.pruneVisits
}

// A token request does not walk the records that have not expired: the
// cost of forgetting expired state does not grow with the state kept,
// which every API request's token check waits on (it takes the same lock).
func TestTokenRequestsDoNotWalkLiveState(t *testing.T) {
	e := newOAuthEnv(t, withAutoApprove())
	const live = 200
	for range live {
		a := e.mustToken(passwordForm(""))
		e.post(revokePath, revokeForm(a.str("access_token")), defaultClientID, defaultClientSecret)
	}
	cfg := e.oauth2Config("http://127.0.0.1:9999/callback")
	for range 20 {
		e.authorizeCode(cfg, oauth2.GenerateVerifier())
	}
	codes, refresh, revoked := e.stateSizes()
	if codes != 20 || refresh != live || revoked != live {
		t.Fatalf("state: %d codes, %d refresh tokens, %d revocations", codes, refresh, revoked)
	}
	before := e.visits()
	e.mustToken(passwordForm(""))
	e.mustToken(refreshForm(e.mustToken(passwordForm("")).str("refresh_token")))
	e.post(revokePath, revokeForm("no-such-token"), defaultClientID, defaultClientSecret)
	e.authorizeCode(cfg, oauth2.GenerateVerifier())
	if n := e.visits() - before; n > 0 {
		t.Errorf("5 token requests looked at %d records, none of them expired; want 0", n)
	}
}

// Expired codes, refresh tokens and revocations are forgotten, each once
// its own expiry has passed, and not before.
func TestExpiredStateIsForgotten(t *testing.T) {
	e := newOAuthEnv(t, withAutoApprove(), withTokenLifetime(10*time.Minute))
	cfg := e.oauth2Config("http://127.0.0.1:9999/callback")
	e.authorizeCode(cfg, oauth2.GenerateVerifier()) // expires in a minute
	pw := e.mustToken(passwordForm(""))             // its refresh token: in 30 days
	cc := e.mustToken(url.Values{"grant_type": {"client_credentials"}})
	if a := e.post(revokePath, revokeForm(cc.str("access_token")), defaultClientID, defaultClientSecret); a.status != http.StatusOK {
		t.Fatalf("revoke: %d", a.status)
	}
	// Each token request forgets what expired; this one adds a refresh
	// token of its own, counted below.
	step := func(d time.Duration) (int, int, int) {
		t.Helper()
		e.clock.advance(d)
		e.mustToken(passwordForm(""))
		return e.stateSizes()
	}
	if c, r, v := step(30 * time.Second); c != 1 || r != 2 || v != 1 {
		t.Errorf("after 30 s: %d codes, %d refresh tokens, %d revocations; want 1, 2, 1", c, r, v)
	}
	if c, r, v := step(31 * time.Second); c != 0 || r != 3 || v != 1 {
		t.Errorf("after 61 s: %d codes, %d refresh tokens, %d revocations; want 0, 3, 1", c, r, v)
	}
	if c, r, v := step(10 * time.Minute); c != 0 || r != 4 || v != 0 {
		t.Errorf("after 11 min: %d codes, %d refresh tokens, %d revocations; want 0, 4, 0", c, r, v)
	}
	// The first refresh token expires 30 days after it was issued.
	if _, r, _ := step(e.cfg.RefreshLifetime - 11*time.Minute - 2*time.Second); r != 5 {
		t.Errorf("a second before the first refresh token expires: %d refresh tokens, want 5", r)
	}
	if _, r, _ := step(2 * time.Second); r != 5 {
		t.Errorf("a second after: %d refresh tokens, want 5 (one forgotten, one added)", r)
	}
	wantOAuthError(t, e.token(refreshForm(pw.str("refresh_token"))), http.StatusBadRequest, "invalid_grant")
}
