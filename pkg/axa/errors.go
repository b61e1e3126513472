package axa

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinels for errors.Is. An *Error, *TokenError or *DecodeError matches the
// sentinels that describe it; for example a 404 answer matches ErrNotFound.
var (
	// ErrUnauthorized: the API refused the credentials or the token (401),
	// or the token endpoint refused the client or the grant.
	ErrUnauthorized = errors.New("axa: unauthorized")
	// ErrInsufficientScope: the token lacks the scope the operation needs
	// (403 insufficient_scope), or the token endpoint granted fewer scopes
	// than asked.
	ErrInsufficientScope = errors.New("axa: insufficient scope")
	// ErrNotFound: no such resource (404).
	ErrNotFound = errors.New("axa: not found")
	// ErrRateLimited: too many requests (429).
	ErrRateLimited = errors.New("axa: rate limited")
	// ErrConflict: a request with the same Idempotency-Key is still being
	// processed (409).
	ErrConflict = errors.New("axa: conflict")
	// ErrValidation: the API rejected the request's content (400 or 422).
	ErrValidation = errors.New("axa: validation failed")
	// ErrNoCredentials: the operation needs a token and the client has no
	// credentials to get one.
	ErrNoCredentials = errors.New("axa: no credentials configured")
	// ErrInsecureTransport: the client refused to send a token over plain
	// HTTP to a host that is not loopback, or to another origin.
	ErrInsecureTransport = errors.New("axa: refusing to send a token over an insecure or foreign connection")
	// ErrClosed: the client was closed.
	ErrClosed = errors.New("axa: client closed")
)

// maxBodySnippet bounds the part of a response body an error keeps.
const maxBodySnippet = 1024

// Error is an error answer of the API: a status outside 2xx.
type Error struct {
	// Operation is the operationId of the call, e.g. "getCountry".
	Operation string
	// Method and Path are the request's method and URL path (no query).
	Method, Path string
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is the API's error code (the body's "error"), e.g. "not_found".
	Code string
	// Description is the API's explanation (the body's "error_description").
	Description string
	// RequestID is the X-Request-Id of the answer, to quote to support.
	RequestID string
	// Retryable tells whether the same request may succeed if sent again.
	Retryable bool
	// RetryAfter is the server's Retry-After hint, zero when absent.
	RetryAfter time.Duration
	// RequiredScopes are, for a 403, the scopes the operation needs.
	RequiredScopes []string
	// GrantedScopes are, for a 403, the scopes of the token that was sent.
	GrantedScopes []string
	// Body is the start of the response body (at most 1 KiB).
	Body string
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "axa: %s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Code != "" {
		fmt.Fprintf(&b, ": %s", e.Code)
	}
	if e.Description != "" {
		fmt.Fprintf(&b, ": %s", e.Description)
	}
	if len(e.RequiredScopes) > 0 {
		fmt.Fprintf(&b, " (needs scope %s; token has %s)", strings.Join(e.RequiredScopes, " "), orNone(e.GrantedScopes))
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [request id %s]", e.RequestID)
	}
	return b.String()
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, " ")
}

// Is reports whether target is a sentinel that describes e.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrInsufficientScope:
		return e.StatusCode == http.StatusForbidden && e.Code == "insufficient_scope"
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrValidation:
		return e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusUnprocessableEntity
	}
	return false
}

// TokenError is a failure to get a token from the token endpoint.
type TokenError struct {
	// Grant is the grant type asked for, e.g. "client_credentials".
	Grant string
	// Code is the OAuth2 error code (RFC 6749 section 5.2), e.g.
	// "invalid_client"; empty when the endpoint could not be reached or
	// answered something else.
	Code string
	// Description is the endpoint's error_description.
	Description string
	// StatusCode is the HTTP status of the token endpoint's answer, zero if
	// there was none.
	StatusCode int
	// Retryable tells whether asking again may succeed (network errors, 429,
	// 5xx); invalid_client, invalid_grant and invalid_scope never are, nor is
	// a 200 answer that is not a valid token response.
	Retryable bool
	// RetryAfter is the endpoint's Retry-After hint, zero without one; a
	// hint above TokenPolicy.MaxRetryAfter (a day for one too large to
	// read) is why the fetch gave up at once.
	RetryAfter time.Duration
	// Err is the underlying error.
	Err error
}

// Error implements error.
func (e *TokenError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "axa: %s token request failed", e.Grant)
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, ": %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	}
	if e.Code != "" {
		fmt.Fprintf(&b, ": %s", e.Code)
	}
	if e.Description != "" {
		fmt.Fprintf(&b, ": %s", e.Description)
	}
	if e.Code == "" && e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *TokenError) Unwrap() error { return e.Err }

// Is reports whether target is a sentinel that describes e.
func (e *TokenError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.Code == "invalid_client" || e.Code == "invalid_grant" || e.Code == "unauthorized_client" || e.StatusCode == http.StatusUnauthorized
	case ErrInsufficientScope:
		return e.Code == "invalid_scope" || e.Code == "scope_not_granted"
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	}
	return false
}

// DecodeError is a successful status whose body is not what the spec says:
// not JSON, or JSON of another shape.
type DecodeError struct {
	// Operation is the operationId of the call.
	Operation string
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// ContentType is the answer's Content-Type.
	ContentType string
	// Snippet is the start of the body (at most 1 KiB).
	Snippet string
	// Err is the decoding error.
	Err error
}

// Error implements error.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("axa: %s: cannot decode %d answer (%s): %v; body starts %q", e.Operation, e.StatusCode, e.ContentType, e.Err, e.Snippet)
}

// Unwrap returns the decoding error.
func (e *DecodeError) Unwrap() error { return e.Err }

// snippet returns at most maxBodySnippet bytes of body, cut on a rune
// boundary.
func snippet(body []byte) string {
	if len(body) <= maxBodySnippet {
		return string(body)
	}
	cut := body[:maxBodySnippet]
	for len(cut) > 0 && !utf8.Valid(cut) {
		cut = cut[:len(cut)-1]
	}
	return string(cut) + "…"
}
