package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
)

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// apiError is the API's Error body.
type apiError struct {
	StatusCode  int    `json:"status_code"`
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

// writeError answers the spec's Error schema. 401 and 403 carry the Bearer
// challenge of RFC 6750 section 3.
func writeError(w http.ResponseWriter, r *http.Request, status int, code, desc string) {
	if id := requestID(r.Context()); id != "" {
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
			code, quoteSafe(desc), scopeOf(r.Context())))
	}
	if code == "" {
		// The challenge carries no error code when no token was sent
		// (RFC 6750 section 3.1); the Error body still needs one.
		code = "unauthorized"
	}
	writeJSON(w, status, apiError{StatusCode: status, Error: code, Description: desc})
}

// quoteSafe keeps a description inside a quoted-string.
func quoteSafe(s string) string {
	return strings.NewReplacer(`"`, "'", `\`, "/", "\n", " ", "\r", " ").Replace(s)
}

// statusError is an error a handler returns to answer a given status.
type statusError struct {
	status      int
	code        string
	description string
}

func (e *statusError) Error() string { return e.description }

func errorf(status int, code, format string, args ...any) error {
	return &statusError{status: status, code: code, description: fmt.Sprintf(format, args...)}
}

// handlerError answers an error a resource handler returned; an
// unexpected one is logged (the answer does not show it) and answered 500.
func handlerError(log *slog.Logger, w http.ResponseWriter, r *http.Request, err error) {
	var se *statusError
	if errors.As(err, &se) {
		writeError(w, r, se.status, se.code, se.description)
		return
	}
	log.ErrorContext(r.Context(), "sandbox: handler failed", "path", r.URL.Path, "request_id", requestID(r.Context()), "error", err)
	writeError(w, r, http.StatusInternalServerError, "server_error", "an unexpected error occurred")
}

type ctxKey int

const (
	claimsKey ctxKey = iota
	requestIDKey
	scopeKey
)

// withClaims records the verified token of the request.
func withClaims(ctx context.Context, c *claims) context.Context {
	return context.WithValue(ctx, claimsKey, c)
}

// claimsFrom returns the verified token of the request, nil for operations
// that need none.
func claimsFrom(ctx context.Context) *claims {
	c, _ := ctx.Value(claimsKey).(*claims)
	return c
}

// requestID returns the request's X-Request-Id.
func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// scopeOf returns the scope the request's operation needs.
func scopeOf(ctx context.Context) string {
	s, _ := ctx.Value(scopeKey).(string)
	return s
}
