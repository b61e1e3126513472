package oauth

import (
	"net/http"
	"strings"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/apierr"
)

// metadata is GET /.well-known/oauth-authorization-server (RFC 8414). The
// issuer is the tokens' iss, fixed before the sandbox serves: the server's
// URL once Start has run, WithIssuer's, or the placeholder of a sandbox
// served some other way. The endpoints are under it. Nothing of the request
// (its Host header) goes into the answer: a request cannot point clients
// elsewhere.
func (a *Server) metadata(w http.ResponseWriter, _ *http.Request) {
	issuer := a.signer.iss()
	base := strings.TrimSuffix(issuer, "/")
	authMethods := []string{"client_secret_basic", "client_secret_post"}
	apierr.WriteJSON(w, http.StatusOK, map[string]any{
		"issuer":                                     issuer,
		"authorization_endpoint":                     base + gen.AuthorizePath,
		"token_endpoint":                             base + gen.TokenPath,
		"jwks_uri":                                   base + jwksPath,
		"revocation_endpoint":                        base + revokePath,
		"grant_types_supported":                      []string{grantAuthorizationCode, grantClientCredentials, grantPassword, grantRefreshToken},
		"response_types_supported":                   []string{"code"},
		"code_challenge_methods_supported":           []string{"S256"},
		"token_endpoint_auth_methods_supported":      authMethods,
		"revocation_endpoint_auth_methods_supported": authMethods,
		"scopes_supported":                           AllScopes(),
	})
}
