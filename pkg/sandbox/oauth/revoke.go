package oauth

import "net/http"

// revoke is POST /auth/v1/revoke (RFC 7009). A refresh token revokes its
// grant; an access token itself. Both kinds are looked for whatever
// token_type_hint says. Unknown, expired or otherwise invalid tokens are
// answered 200 (section 2.2). Another client's token is refused and left
// alone (section 2.1): 400 unauthorized_client, the error RFC 6749 section
// 5.2 has for an authenticated client not allowed to do what it asked
// (401 is kept for invalid_client, with its WWW-Authenticate challenge).
func (a *Server) revoke(w http.ResponseWriter, r *http.Request) {
	if err := a.revokeToken(w, r); err != nil {
		a.writeOAuthError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

// errRevokeOthers refuses to revoke a token issued to another client.
func errRevokeOthers() error {
	return oauthErrorf(http.StatusBadRequest, codeUnauthorizedClient, "the token was issued to another client: only that client may revoke it")
}

// revokeToken does the work of revoke.
func (a *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	c, err := a.authenticateClient(r)
	if err != nil {
		return err
	}
	token := r.PostForm.Get("token")
	if token == "" {
		return oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "token is required")
	}
	now := a.cfg.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.prune(now)
	if rt := a.refresh[secretKey(token)]; rt != nil && now.Before(rt.expires) {
		if rt.grant.clientID != c.ID {
			a.cfg.Log.InfoContext(r.Context(), "sandbox: revocation of another client's refresh token refused", "client", c.ID)
			return errRevokeOthers()
		}
		a.revokeGrant(rt.grant)
		a.cfg.Log.InfoContext(r.Context(), "sandbox: refresh token revoked with its grant", "client", c.ID)
		return nil
	}
	cl, err := a.signer.verify(token, now)
	switch {
	case err != nil:
		return nil
	case cl.ClientID != c.ID:
		a.cfg.Log.InfoContext(r.Context(), "sandbox: revocation of another client's access token refused", "client", c.ID)
		return errRevokeOthers()
	}
	a.addRevoked(cl.ID, cl.ExpiresAt.Time)
	a.cfg.Log.InfoContext(r.Context(), "sandbox: access token revoked", "client", c.ID)
	return nil
}
