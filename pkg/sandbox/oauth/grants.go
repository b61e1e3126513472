package oauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
)

// clientCredentials runs the client credentials grant: a token for the
// client itself, without refresh token (RFC 6749 section 4.4.3).
func (a *Server) clientCredentials(c Client, form url.Values, now time.Time) (*tokenResponse, error) {
	scopes, err := grantScopes(c, form.Get("scope"))
	if err != nil {
		return nil, err
	}
	return a.issue(c, "", scopes, nil, now, "")
}

// password runs the resource owner password credentials grant.
func (a *Server) password(c Client, form url.Values, now time.Time) (*tokenResponse, error) {
	login := form.Get("username")
	if _, ok := form["password"]; login == "" || !ok {
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "username and password are required")
	}
	scopes, err := grantScopes(c, form.Get("scope"))
	if err != nil {
		return nil, err
	}
	if !a.authenticateUser(login, form.Get("password")) {
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidGrant, "wrong username or password")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.prune(now)
	return a.issue(c, login, scopes, newGrant(c.ID, login, scopes), now, "")
}

// newGrant starts a grant (refresh token family).
func newGrant(clientID, login string, scopes []string) *grant {
	return &grant{clientID: clientID, login: login, scopes: scopes, access: map[string]time.Time{}}
}

// exchangeCode runs the authorization code grant, checking the PKCE
// verifier. A code used twice revokes the tokens its first use gave
// (RFC 6749 section 4.1.2).
func (a *Server) exchangeCode(r *http.Request, c Client, form url.Values, now time.Time) (*tokenResponse, error) {
	code := form.Get("code")
	if code == "" {
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "code is required")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.prune(now)
	key := secretKey(code)
	ac := a.codes[key]
	switch {
	case ac == nil || !now.Before(ac.expires):
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidGrant, "the authorization code is unknown or expired")
	case ac.clientID != c.ID:
		// Checked before reuse: another client holding a leaked code must
		// not be able to revoke the rightful client's tokens.
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidGrant, "the authorization code was issued to another client")
	case ac.grant != nil:
		a.revokeGrant(ac.grant)
		a.cfg.Log.WarnContext(r.Context(), "sandbox: authorization code reused; the tokens issued for it are revoked", "client", c.ID)
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidGrant, "the authorization code was already used; the tokens issued for it are revoked")
	case ac.redirectURI != form.Get("redirect_uri"):
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidGrant, "redirect_uri is not the one of the authorization request")
	case !verifierMatches(form.Get("code_verifier"), ac.challenge):
		delete(a.codes, key) // whoever holds the code without its verifier burns it
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidGrant, "the PKCE code_verifier is missing or does not match the code_challenge")
	}
	ac.grant = newGrant(c.ID, ac.login, ac.scopes)
	return a.issue(c, ac.login, ac.scopes, ac.grant, now, "")
}

// refreshGrant runs the refresh token grant with rotation: the token is
// exchanged once; presenting it again revokes its whole grant, but for a
// retry within the reuse interval (Config.RefreshReuseInterval), which
// answers the same tokens again (retryRotation).
func (a *Server) refreshGrant(r *http.Request, c Client, form url.Values, now time.Time) (*tokenResponse, error) {
	raw := form.Get("refresh_token")
	if raw == "" {
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "refresh_token is required")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.prune(now)
	rt := a.refresh[secretKey(raw)]
	switch {
	case rt == nil || !now.Before(rt.expires):
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidGrant, "the refresh token is unknown or expired")
	case rt.grant.clientID != c.ID:
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidGrant, "the refresh token was issued to another client")
	case rt.grant.revoked:
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidGrant, "the refresh token was revoked")
	case rt.rotated:
		if resp, err := a.retryRotation(raw, rt, form.Get("scope"), now); resp != nil || err != nil {
			if err == nil {
				a.cfg.Log.InfoContext(r.Context(), "sandbox: rotated refresh token presented again within the reuse interval; the same tokens answered", "client", c.ID)
			}
			return resp, err
		}
		a.revokeGrant(rt.grant)
		a.cfg.Log.WarnContext(r.Context(), "sandbox: rotated refresh token reused; its grant is revoked", "client", c.ID)
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidGrant, "the refresh token was already used; every token of its grant is revoked")
	}
	asked, err := parseScope(form.Get("scope"))
	if err != nil {
		return nil, err
	}
	scopes := rt.grant.scopes
	if len(asked) > 0 {
		scopes = nil
		for _, s := range asked {
			if !slices.Contains(rt.grant.scopes, s) {
				return nil, oauthErrorf(http.StatusBadRequest, codeInvalidScope, "the scope %q was not granted: a refresh cannot widen the scope", s)
			}
			if !slices.Contains(scopes, s) {
				scopes = append(scopes, s)
			}
		}
	}
	resp, err := a.issue(c, rt.grant.login, scopes, rt.grant, now, a.successor(raw))
	if err != nil {
		return nil, err
	}
	rt.rotated = true
	if a.cfg.RefreshReuseInterval > 0 {
		rt.retry = &rotation{
			until: now.Add(a.cfg.RefreshReuseInterval), scope: form.Get("scope"),
			refresh: secretKey(resp.RefreshToken), access: resp.access.claims,
		}
	}
	return resp, nil
}

// rotation is what exchanging a refresh token answered, kept for the reuse
// interval so that a retry gets it again: the secretKey of the refresh
// token (the token itself is successor of the one presented, made again),
// and the claims of the access token (which sign into the same token).
type rotation struct {
	until   time.Time // the end of the reuse interval
	scope   string    // the scope parameter of the exchange, as sent
	refresh string    // secretKey of the refresh token answered
	access  reqctx.Claims
}

// retryRotation answers raw, the rotated refresh token rt, presented again
// with the scope parameter scope, as its exchange was answered, when this
// is a retry of that exchange: within the reuse interval, with the same
// scope parameter, while the refresh token it gave has not been exchanged
// in turn (raw is the one just rotated). The access token is the same one
// while it is valid (unexpired, not revoked on its own), else a new one of
// the grant with the same claims but its times and jti. It returns nil,
// nil when this is not a retry: reuse. a.mu is held.
func (a *Server) retryRotation(raw string, rt *refreshToken, scope string, now time.Time) (*tokenResponse, error) {
	n := rt.retry
	if n == nil {
		return nil, nil
	}
	if !now.Before(n.until) {
		rt.retry = nil // the interval is over: forget the claims
		return nil, nil
	}
	next := a.refresh[n.refresh]
	refresh := a.successor(raw)
	if scope != n.scope || next == nil || next.rotated || next.grant != rt.grant || !now.Before(next.expires) || secretKey(refresh) != n.refresh {
		return nil, nil
	}
	claims := n.access
	_, revoked := a.revoked[claims.ID]
	if revoked || !now.Before(claims.ExpiresAt.Time) {
		tok, err := a.signer.mint(claims.ClientID, rt.grant.login, claims.Scopes(), now, a.cfg.TokenLifetime)
		if err != nil {
			return nil, fmt.Errorf("sandbox: sign an access token: %w", err)
		}
		a.recordAccess(rt.grant, tok, now)
		n.access, claims = tok.claims, tok.claims
	}
	access, err := a.signer.sign(claims)
	if err != nil {
		return nil, fmt.Errorf("sandbox: sign an access token: %w", err)
	}
	return &tokenResponse{
		AccessToken:  access,
		TokenType:    "Bearer",
		ExpiresIn:    max(1, int64(claims.ExpiresAt.Sub(now)/time.Second)),
		Scope:        claims.Scope,
		RefreshToken: refresh,
	}, nil
}

// successor returns the refresh token that exchanging raw gives: derived
// from raw with the server's rotation key (HMAC-SHA256), so that a retry
// within the reuse interval gets the same token again while the server
// keeps only digests of refresh tokens, none usable; without the key, it
// is as unpredictable as a random one.
func (a *Server) successor(raw string) string {
	m := hmac.New(sha256.New, a.rotationKey)
	m.Write([]byte(raw))
	return "rt_" + base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(m.Sum(nil)[:16])
}

// verifierMatches reports whether a PKCE code_verifier (RFC 7636 section
// 4.1) hashes to the S256 challenge, comparing in constant time.
func verifierMatches(verifier, challenge string) bool {
	if len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	for _, r := range verifier {
		if !isUnreserved(r) {
			return false
		}
	}
	sum := sha256.Sum256([]byte(verifier))
	return subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge)) == 1
}

// isUnreserved reports whether r is an unreserved URI character, the
// alphabet of PKCE verifiers.
func isUnreserved(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~", r)
}

// notBase64URL reports whether r is outside the unpadded base64url
// alphabet.
func notBase64URL(r rune) bool { return !isUnreserved(r) || r == '.' || r == '~' }
