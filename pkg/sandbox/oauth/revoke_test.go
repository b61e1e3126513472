package oauth

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// revokeForm is a revocation request (RFC 7009 section 2.1).
func revokeForm(token string) url.Values { return url.Values{"token": {token}} }

// A revoked access token stays refused until its own exp, which is its
// issue time plus the lifetime rounded up to a whole second: never accepted
// again in that last fraction of a second (RFC 9700 section 4.14.2, RFC 6749
// section 10.4), however it was revoked.
func TestRevocationLastsUntilExp(t *testing.T) {
	const lifetime = 10 * time.Minute
	// Each case revokes access tokens issued at 12:00:00.5, which expire at
	// 12:10:01, and returns them.
	cases := map[string]func(e *oauthEnv) []string{
		"revoked access token": func(e *oauthEnv) []string {
			at := e.mustToken(ccForm).str("access_token")
			if a := e.post(revokePath, revokeForm(at), defaultClientID, defaultClientSecret); a.status != http.StatusOK {
				e.t.Fatalf("revoke: %d %v", a.status, a.body)
			}
			return []string{at}
		},
		"revoked refresh token": func(e *oauthEnv) []string {
			a := e.mustToken(passwordForm(""))
			if r := e.post(revokePath, revokeForm(a.str("refresh_token")), defaultClientID, defaultClientSecret); r.status != http.StatusOK {
				e.t.Fatalf("revoke: %d %v", r.status, r.body)
			}
			return []string{a.str("access_token")}
		},
		"reused refresh token": func(e *oauthEnv) []string {
			first := e.mustToken(passwordForm(""))
			second := e.mustToken(refreshForm(first.str("refresh_token")))
			// Reused in the window: after issue time + lifetime, before exp.
			e.clock.advance(lifetime + 250*time.Millisecond)
			wantOAuthError(e.t, e.token(refreshForm(first.str("refresh_token"))), http.StatusBadRequest, "invalid_grant")
			e.clock.advance(-lifetime - 250*time.Millisecond)
			return []string{first.str("access_token"), second.str("access_token")}
		},
		"reused authorization code": func(e *oauthEnv) []string {
			cfg := e.oauth2Config("http://127.0.0.1:9999/callback")
			verifier := oauth2.GenerateVerifier()
			code := e.authorizeCode(cfg, verifier)
			tok, err := cfg.Exchange(e.ctx(), code, oauth2.VerifierOption(verifier))
			if err != nil {
				e.t.Fatal(err)
			}
			_, err = cfg.Exchange(e.ctx(), code, oauth2.VerifierOption(verifier))
			wantRetrieveError(e.t, err, "invalid_grant")
			return []string{tok.AccessToken}
		},
	}
	for name, revoke := range cases {
		t.Run(name, func(t *testing.T) {
			e := newOAuthEnv(t, withTokenLifetime(lifetime), withAutoApprove())
			e.clock.advance(500 * time.Millisecond)
			tokens := revoke(e)
			for _, at := range tokens {
				if e.verifies(at) {
					t.Fatal("a revoked access token verifies")
				}
			}
			// 12:10:00.75: the tokens have not expired yet. Token requests,
			// which forget what expired, do not forget their revocation.
			e.clock.advance(lifetime + 250*time.Millisecond)
			e.mustToken(passwordForm(""))
			e.post(revokePath, revokeForm("no-such-token"), defaultClientID, defaultClientSecret)
			for i, at := range tokens {
				c, err := e.auth.signer.verify(at, e.clock.now())
				if err != nil {
					t.Fatalf("token %d: expired already (%v): the test's clock is wrong", i, err)
				}
				if e.verifies(at) {
					t.Errorf("token %d, revoked, is accepted again before its exp %v", i, c.ExpiresAt.Time)
				}
			}
		})
	}
}

// A client cannot revoke another client's token: the server refuses with
// 400 unauthorized_client (RFC 7009 sections 2.1 and 2.2.1, RFC 6749
// section 5.2), and the token stays valid.
func TestRevokeAnotherClientsTokenRefused(t *testing.T) {
	e := newOAuthEnv(t, withClient(Client{ID: "other", Secret: "other-secret", Scopes: AllScopes()}))
	cc := e.mustToken(ccForm)
	pw := e.mustToken(passwordForm(""))
	for name, tok := range map[string]string{
		"access token":                 cc.str("access_token"),
		"refresh token":                pw.str("refresh_token"),
		"access token of a user grant": pw.str("access_token"),
	} {
		for _, hint := range []string{"", "access_token", "refresh_token"} {
			f := revokeForm(tok)
			if hint != "" {
				f.Set("token_type_hint", hint)
			}
			a := e.post(revokePath, f, "other", "other-secret")
			wantOAuthError(t, a, http.StatusBadRequest, "unauthorized_client")
			if a.header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: Cache-Control %q", name, a.header.Get("Cache-Control"))
			}
		}
	}
	if !e.verifies(cc.str("access_token")) || !e.verifies(pw.str("access_token")) {
		t.Error("another client's refused revocation revoked the token anyway")
	}
	e.mustToken(refreshForm(pw.str("refresh_token")))

	// Tokens the server does not know, or no longer honours, are answered
	// 200 whoever asks (RFC 7009 section 2.2).
	if a := e.post(revokePath, revokeForm("no-such-token"), "other", "other-secret"); a.status != http.StatusOK {
		t.Errorf("unknown token: %d %v, want 200", a.status, a.body)
	}
	e.clock.advance(2 * time.Hour)
	if a := e.post(revokePath, revokeForm(cc.str("access_token")), "other", "other-secret"); a.status != http.StatusOK {
		t.Errorf("expired access token: %d %v, want 200", a.status, a.body)
	}
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
