package oauth

import (
	"errors"
	"fmt"
	"mime"
	"net/http"

	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/apierr"
)

// maxFormBytes bounds the form of a token, revocation or authorization
// request.
const maxFormBytes = 16 << 10

// The error codes of RFC 6749 sections 4.1.2.1 and 5.2, and RFC 8707's.
const (
	codeInvalidRequest          = "invalid_request"
	codeInvalidClient           = "invalid_client"
	codeInvalidGrant            = "invalid_grant"
	codeInvalidScope            = "invalid_scope"
	codeUnauthorizedClient      = "unauthorized_client"
	codeUnsupportedGrantType    = "unsupported_grant_type"
	codeUnsupportedResponseType = "unsupported_response_type"
	codeAccessDenied            = "access_denied"
	codeServerError             = "server_error"
	// codeInvalidTarget is RFC 8707 section 2's: a resource or audience
	// that is not this server's API.
	codeInvalidTarget = "invalid_target"
)

// oauthError is an OAuth2 error answer: a JSON body at the token and
// revocation endpoints (RFC 6749 section 5.2), query parameters of the
// redirect at the authorization endpoint (section 4.1.2.1). Its description
// never holds a secret.
type oauthError struct {
	status      int
	code        string
	description string
}

// Error returns the code and the description.
func (e *oauthError) Error() string { return e.code + ": " + e.description }

// oauthErrorf returns an *oauthError.
func oauthErrorf(status int, code, format string, args ...any) error {
	return &oauthError{status: status, code: code, description: fmt.Sprintf(format, args...)}
}

// parseForm reads a small form-encoded body into r.PostForm. Parameters
// belong in the body, once each (RFC 6749 section 3.2).
func parseForm(w http.ResponseWriter, r *http.Request) error {
	if r.Body == nil {
		r.Body = http.NoBody // a request built for a client, served in process
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
		return oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "the body must be application/x-www-form-urlencoded")
	}
	if r.URL.RawQuery != "" {
		return oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "parameters go in the form body, not in the URL")
	}
	if err := r.ParseForm(); err != nil {
		return &oauthError{status: http.StatusBadRequest, code: codeInvalidRequest,
			description: fmt.Sprintf("the form is malformed or larger than %d bytes", maxFormBytes)}
	}
	for k, v := range r.PostForm {
		if len(v) > 1 {
			return oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "the parameter %q appears more than once", k)
		}
	}
	return nil
}

// writeOAuthError answers err as RFC 6749 section 5.2 says; invalid_client
// carries the Basic challenge.
func (a *Server) writeOAuthError(w http.ResponseWriter, r *http.Request, err error) {
	var oe *oauthError
	if !errors.As(err, &oe) {
		a.cfg.Log.ErrorContext(r.Context(), "sandbox: oauth", "path", r.URL.Path, "error", err)
		oe = &oauthError{status: http.StatusInternalServerError, code: codeServerError, description: "an unexpected error occurred"}
	}
	if oe.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="axa-assistance"`)
	}
	apierr.WriteOAuth(w, oe.status, oe.code, oe.description)
}
