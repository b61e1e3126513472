package oauth

import (
	"net/http"

	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/apierr"
)

// jwks is GET /auth/v1/jwks.
func (a *Server) jwks(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=300")
	apierr.WriteJSON(w, http.StatusOK, a.signer.jwks())
}
