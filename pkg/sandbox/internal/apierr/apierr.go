// Package apierr writes the API's answers that are not a resource: the
// spec's Error body, with the Bearer challenge of RFC 6750 on 401 and 403,
// and the errors resource handlers return to answer a status.
package apierr

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
)

// WriteJSON answers v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Body is the API's Error body.
type Body struct {
	// StatusCode repeats the HTTP status.
	StatusCode int `json:"status_code"`
	// Error is the error code.
	Error string `json:"error"`
	// Description says what went wrong, for a person.
	Description string `json:"error_description,omitempty"`
}

// Write answers the spec's Error schema. 401 and 403 carry the Bearer
// challenge of RFC 6750 section 3; a 403 names the scope of the request's
// operation.
func Write(w http.ResponseWriter, r *http.Request, status int, code, desc string) {
	if id := reqctx.RequestID(r.Context()); id != "" {
		w.Header().Set("X-Request-Id", id)
	}
	switch status {
	case http.StatusUnauthorized:
		challenge := `Bearer realm="axa-assistance"`
		if code != "" {
			challenge += fmt.Sprintf(`, error=%q, error_description=%q`, code, quoteSafe(desc))
		}
		w.Header().Set("WWW-Authenticate", challenge)
	case http.StatusForbidden:
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="axa-assistance", error=%q, error_description=%q, scope=%q`,
			code, quoteSafe(desc), Scope(reqctx.Operation(r.Context()))))
	}
	if code == "" {
		// The challenge carries no error code when no token was sent
		// (RFC 6750 section 3.1); the Error body still needs one.
		code = "unauthorized"
	}
	WriteJSON(w, status, Body{StatusCode: status, Error: code, Description: desc})
}

// Scope returns the one scope an operation requires, "" when it needs no
// token or is not an operation of the spec.
func Scope(id gen.OperationID) string {
	op, ok := gen.LookupOperation(id)
	if !ok {
		return ""
	}
	for _, req := range op.Security {
		for _, s := range req {
			if len(s.Scopes) > 0 {
				return string(s.Scopes[0])
			}
		}
	}
	return ""
}

// quoteSafe keeps a description inside a quoted-string.
func quoteSafe(s string) string {
	return strings.NewReplacer(`"`, "'", `\`, "/", "\n", " ", "\r", " ").Replace(s)
}

// StatusError is an error a handler returns to answer a given status.
type StatusError struct {
	// Status is the HTTP status to answer.
	Status int
	// Code is the Error body's error code.
	Code string
	// Description is the Error body's error_description.
	Description string
}

// Error returns the description.
func (e *StatusError) Error() string { return e.Description }

// Errorf returns a *StatusError with a formatted description.
func Errorf(status int, code, format string, args ...any) error {
	return &StatusError{Status: status, Code: code, Description: fmt.Sprintf(format, args...)}
}

// Handle answers an error a resource handler returned: a *StatusError as
// it says; an unexpected one is logged (the answer does not show it) and
// answered 500.
func Handle(log *slog.Logger, w http.ResponseWriter, r *http.Request, err error) {
	var se *StatusError
	if errors.As(err, &se) {
		Write(w, r, se.Status, se.Code, se.Description)
		return
	}
	log.ErrorContext(r.Context(), "sandbox: handler failed", "path", r.URL.Path, "request_id", reqctx.RequestID(r.Context()), "error", err)
	Write(w, r, http.StatusInternalServerError, "server_error", "an unexpected error occurred")
}
