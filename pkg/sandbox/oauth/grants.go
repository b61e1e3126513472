package oauth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// clientCredentials runs the client credentials grant: a token for the
// client itself, without refresh token (RFC 6749 section 4.4.3).
func (a *Server) clientCredentials(c Client, form url.Values, now time.Time) (*tokenResponse, error) {
	scopes, err := grantScopes(c, form.Get("scope"))
	if err != nil {
		return nil, err
	}
	return a.issue(c, "", scopes, nil, now)
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
	return a.issue(c, login, scopes, newGrant(c.ID, login, scopes), now)
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
	return a.issue(c, ac.login, ac.scopes, ac.grant, now)
}

// refreshGrant runs the refresh token grant with rotation: the token is
// exchanged once; presenting it again revokes its whole grant.
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
	rt.rotated = true
	return a.issue(c, rt.grant.login, scopes, rt.grant, now)
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
