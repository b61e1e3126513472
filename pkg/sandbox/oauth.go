package sandbox

import (
	"net/http"
)

// authServer is the OAuth2 authorization server (stub).
type authServer struct {
	cfg    *config
	signer *signer
}

func newAuthServer(cfg *config, s *signer) *authServer { return &authServer{cfg: cfg, signer: s} }

// routes registers the OAuth2 endpoints on mux (stub).
func (a *authServer) routes(_ *http.ServeMux) {}

// verifyAccessToken checks an access token: signature, expiry, issuer,
// audience, and that it was not revoked.
func (a *authServer) verifyAccessToken(raw string) (*claims, error) {
	return a.signer.verify(raw, a.cfg.now())
}
