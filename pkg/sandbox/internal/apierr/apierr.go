// Package apierr writes the API's answers that are not a resource: the
// spec's Error body, with the Bearer challenge of RFC 6750 on 401 and 403,
// every problem of a request that failed validation (WriteProblems), and
// the errors resource handlers return to answer a status. A request to the
// authorization server (an operation of gen marked AuthorizationServer) is
// answered the RFC 6749 error instead (WriteOAuth), whoever refuses it: the
// rate limit and injected faults too.
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
	// Problems lists every problem of a request that failed validation.
	Problems []gen.Problem `json:"problems,omitempty"`
}

// Write answers the spec's Error schema. 401 and 403 carry the Bearer
// challenge of RFC 6750 section 3; a 403 names the scope of the request's
// operation.
func Write(w http.ResponseWriter, r *http.Request, status int, code, desc string) {
	write(w, r, Body{StatusCode: status, Error: code, Description: desc})
}

// MaxProblems is how many problems an answer lists: a body of thousands
// of bad items is answered the first MaxProblems, its error_description
// counting them all.
const MaxProblems = 100

// WriteProblems answers status with every problem of a request (the first
// MaxProblems), its error_description a one-line summary of them all
// (Summary).
func WriteProblems(w http.ResponseWriter, r *http.Request, status int, code string, problems []gen.Problem) {
	write(w, r, Body{StatusCode: status, Error: code, Description: Summary(problems), Problems: problems[:min(len(problems), MaxProblems)]})
}

// WriteOAuth answers the authorization server's error (RFC 6749 section
// 5.2): the error code and its description, never cached.
func WriteOAuth(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	WriteJSON(w, status, OAuthBody{Error: code, Description: desc})
}

// OAuthBody is the authorization server's error body (RFC 6749 section
// 5.2; the spec's OAuthError).
type OAuthBody struct {
	// Error is the error code.
	Error string `json:"error"`
	// Description says what went wrong, for a person.
	Description string `json:"error_description,omitempty"`
}

// oauthCode is the RFC 6749 code of an answer of the API's kind given at
// the authorization server: a rate limit or an injected fault.
func oauthCode(status int) string {
	switch {
	case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
		return "temporarily_unavailable"
	case status >= http.StatusInternalServerError:
		return "server_error"
	default:
		return "invalid_request"
	}
}

// write answers b, with the headers its status needs; at the authorization
// server, as its RFC 6749 error.
func write(w http.ResponseWriter, r *http.Request, b Body) {
	status, code, desc := b.StatusCode, b.Error, b.Description
	if id := reqctx.RequestID(r.Context()); id != "" {
		w.Header().Set("X-Request-Id", id)
	}
	if op, ok := gen.LookupOperation(reqctx.Operation(r.Context())); ok && op.AuthorizationServer {
		WriteOAuth(w, status, oauthCode(status), desc)
		return
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
	b.Error = code
	WriteJSON(w, status, b)
}

// maxSummary bounds the length of Summary, in bytes: the problems
// themselves are all in the body's list.
const maxSummary = 500

// Summary sums problems up in one line: "location: message" alone, or
// "3 problems: a: m; b: m; c: m", cut at a problem's end past maxSummary
// bytes ("; …"), and a first problem longer than that cut there ("…").
func Summary(problems []gen.Problem) string {
	var b strings.Builder
	if len(problems) != 1 {
		fmt.Fprintf(&b, "%d problems: ", len(problems))
	}
	for i, p := range problems {
		item := oneLine(p.Location) + ": " + oneLine(p.Message)
		if i == 0 && len(item) > maxSummary {
			item = strings.ToValidUTF8(item[:maxSummary], "") + "…"
		}
		if i > 0 {
			if b.Len()+len(item) > maxSummary {
				b.WriteString("; …")
				break
			}
			b.WriteString("; ")
		}
		b.WriteString(item)
	}
	return b.String()
}

// oneLine replaces the line breaks of s with spaces.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
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
	// Description is the Error body's error_description; with Problems,
	// their summary when empty.
	Description string
	// Problems, if any, are the body's problems.
	Problems []gen.Problem
}

// Error returns the description.
func (e *StatusError) Error() string { return e.Description }

// Errorf returns a *StatusError with a formatted description.
func Errorf(status int, code, format string, args ...any) error {
	return &StatusError{Status: status, Code: code, Description: fmt.Sprintf(format, args...)}
}

// Invalid returns a *StatusError listing problems, its description their
// summary.
func Invalid(status int, code string, problems ...gen.Problem) error {
	return &StatusError{Status: status, Code: code, Description: Summary(problems), Problems: problems}
}

// Handle answers an error a resource handler returned: a *StatusError as
// it says; an unexpected one is logged (the answer does not show it) and
// answered 500.
func Handle(log *slog.Logger, w http.ResponseWriter, r *http.Request, err error) {
	var se *StatusError
	if errors.As(err, &se) {
		write(w, r, Body{StatusCode: se.Status, Error: se.Code, Description: se.Description, Problems: se.Problems[:min(len(se.Problems), MaxProblems)]})
		return
	}
	log.ErrorContext(r.Context(), "sandbox: handler failed", "path", r.URL.Path, "request_id", reqctx.RequestID(r.Context()), "error", err)
	Write(w, r, http.StatusInternalServerError, "server_error", "an unexpected error occurred")
}
