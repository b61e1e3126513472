package oauth

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/apierr"
)

// tokenResponse is the token endpoint's answer (RFC 6749 section 5.1).
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	Scope        string `json:"scope"`
	RefreshToken string `json:"refresh_token,omitempty"`

	access issued // the access token, with its claims; not sent
}

// token is POST /auth/v1/token.
func (a *Server) token(w http.ResponseWriter, r *http.Request) {
	resp, gt, err := a.grantToken(w, r)
	if err != nil {
		var oe *oauthError
		if errors.As(err, &oe) {
			a.cfg.Log.InfoContext(r.Context(), "sandbox: token refused", "grant_type", gt, "error", oe.code)
		}
		a.writeOAuthError(w, r, err)
		return
	}
	a.cfg.Log.InfoContext(r.Context(), "sandbox: token issued", "grant_type", gt, "scope", resp.Scope)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	apierr.WriteJSON(w, http.StatusOK, resp)
}

// grantToken authenticates the client and runs its grant; it also returns
// the grant type, for the log.
func (a *Server) grantToken(w http.ResponseWriter, r *http.Request) (*tokenResponse, string, error) {
	if err := parseForm(w, r); err != nil {
		return nil, "", err
	}
	c, err := a.authenticateClient(r)
	if err != nil {
		return nil, "", err
	}
	form := r.PostForm
	gt := form.Get("grant_type")
	switch gt {
	case "":
		return nil, gt, oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "grant_type is required")
	case grantClientCredentials, grantPassword, grantAuthorizationCode, grantRefreshToken:
	default:
		return nil, "unsupported", oauthErrorf(http.StatusBadRequest, codeUnsupportedGrantType, "the grant type %q is not supported", gt)
	}
	if !grantAllowed(c, gt) {
		return nil, gt, oauthErrorf(http.StatusBadRequest, codeUnauthorizedClient, "the client may not use the %s grant", gt)
	}
	if err := a.requireAudience(gt, form); err != nil {
		return nil, gt, err
	}
	if err := a.checkTarget(form); err != nil {
		return nil, gt, err
	}
	now := a.cfg.Now()
	var resp *tokenResponse
	switch gt {
	case grantClientCredentials:
		resp, err = a.clientCredentials(c, form, now)
	case grantPassword:
		resp, err = a.password(c, form, now)
	case grantAuthorizationCode:
		resp, err = a.exchangeCode(r, c, form, now)
	default:
		resp, err = a.refreshGrant(r, c, form, now)
	}
	if err != nil {
		return nil, gt, fmt.Errorf("%s grant: %w", gt, err)
	}
	return resp, gt, nil
}

// issue signs an access token and, for a grant, records its jti and adds a
// new refresh token when the client may refresh: refresh, or a random one
// when refresh is empty. a.mu is held when g is not nil.
func (a *Server) issue(c Client, login string, scopes []string, g *grant, now time.Time, refresh string) (*tokenResponse, error) {
	tok, err := a.signer.mint(c.ID, login, scopes, now, a.cfg.TokenLifetime)
	if err != nil {
		return nil, fmt.Errorf("sandbox: sign an access token: %w", err)
	}
	resp := &tokenResponse{
		AccessToken: tok.raw,
		TokenType:   "Bearer",
		ExpiresIn:   max(1, int64(a.cfg.TokenLifetime/time.Second)),
		Scope:       strings.Join(scopes, " "),
		access:      tok,
	}
	if g == nil {
		return resp, nil
	}
	a.recordAccess(g, tok, now)
	if grantAllowed(c, grantRefreshToken) {
		if refresh == "" {
			refresh = "rt_" + rand.Text()
		}
		resp.RefreshToken = refresh
		a.addRefresh(secretKey(resp.RefreshToken), &refreshToken{grant: g, expires: now.Add(a.cfg.RefreshLifetime)})
	}
	return resp, nil
}

// recordAccess records an access token of g, forgetting those expired.
// a.mu is held.
func (a *Server) recordAccess(g *grant, tok issued, now time.Time) {
	for jti, exp := range g.access {
		if !now.Before(exp) {
			delete(g.access, jti)
		}
	}
	// The token's own exp, rounded up to a second: revoking the grant
	// must keep it refused until then (RFC 6749 section 10.4).
	g.access[tok.id] = tok.expires
}
