package axa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/oauth2"

	"github.com/axa-assistance-go/axa/gen"
)

// Sentinels for errors.Is. An *Error, *TokenError or *DecodeError matches the
// sentinels that describe it; for example a 404 response matches ErrNotFound.
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
	// ErrValidation: the API rejected the request's content (400 or 422),
	// or the client refused a path parameter before sending: empty, "."
	// or "..", or one a proxy that decodes and normalises paths would
	// make so ("%2e%2e", "x/.."): the request would have been another
	// operation's. Invoke says the latter with an *InvalidRequestError.
	ErrValidation = errors.New("axa: validation failed")
	// ErrNoCredentials: the operation needs a token and the client has no
	// credentials to get one.
	ErrNoCredentials = errors.New("axa: no credentials configured")
	// ErrInsecureTransport: the client refused to send a token over plain
	// HTTP to a host that is not loopback, or to another origin.
	ErrInsecureTransport = errors.New("axa: refusing to send a token over an insecure or foreign connection")
	// ErrNotModified: a call that sent its own If-None-Match (in its
	// params) got 304 Not Modified: the representation it
	// holds is current. A client made WithCache never answers its own
	// revalidations with it.
	ErrNotModified = errors.New("axa: not modified")
	// ErrClosed: the client was closed.
	ErrClosed = errors.New("axa: client closed")
	// ErrDiscovery: the authorization server's metadata (RFC 8414), which
	// names the endpoints an AuthorizationServer given by its Issuer left
	// out, could not be had or used: not found, not answered, redirected
	// (never followed), or naming another issuer.
	ErrDiscovery = errors.New("axa: authorization server metadata")
)

// maxBodySnippet bounds the part of a response body an error keeps.
const maxBodySnippet = 1024

// Error is an error response of the API: a status outside 2xx.
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
	// RequestID is the X-Request-Id of the response, to quote to support.
	RequestID string
	// Retryable tells whether the same request may succeed if sent again.
	Retryable bool
	// RetryAfter is the server's Retry-After hint, zero when absent.
	RetryAfter time.Duration
	// RequiredScopes are, for a 403, the scopes the operation needs.
	RequiredScopes []string
	// GrantedScopes are, for a 403, the scopes of the token that was sent.
	GrantedScopes []string
	// Problems are, for a request that failed validation (400 or 422,
	// matching ErrValidation), every problem the API found in it at once,
	// each with its location (body/travellers/0/birth_date, query/radius)
	// and message (required); empty when the API listed none.
	Problems []Problem
	// Body is the start of the response body (at most 1 KiB).
	Body string
}

// Error implements error. It says each problem of a request that failed
// validation once: a description that already lists them (as the
// sandbox's "2 problems: body/a: required; ...") is left out for the list
// of Problems, which holds them all; one that says something else is kept
// before it.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "axa: %s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Code != "" {
		fmt.Fprintf(&b, ": %s", e.Code)
	}
	if e.Description != "" && !e.describesProblems() {
		fmt.Fprintf(&b, ": %s", e.Description)
	}
	if n := len(e.Problems); n > 0 {
		b.WriteString(": ")
		if n > 1 {
			fmt.Fprintf(&b, "%d problems: ", n)
		}
		for i, p := range e.Problems {
			if i == maxProblemsShown {
				fmt.Fprintf(&b, "; and %d more", n-i)
				break
			}
			if i > 0 {
				b.WriteString("; ")
			}
			fmt.Fprintf(&b, "%s: %s", p.Location, p.Message)
		}
	}
	if len(e.RequiredScopes) > 0 {
		fmt.Fprintf(&b, " (needs scope %s; token has %s)", strings.Join(e.RequiredScopes, " "), orNone(e.GrantedScopes))
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [request id %s]", e.RequestID)
	}
	return b.String()
}

// describesProblems reports whether the description lists the problems
// already: it names the location of one of them, as "body/a: ".
func (e *Error) describesProblems() bool {
	for _, p := range e.Problems {
		if p.Location != "" && strings.Contains(e.Description, p.Location+": ") {
			return true
		}
	}
	return false
}

// maxProblemsShown bounds the problems Error's message lists; Problems
// holds them all.
const maxProblemsShown = 10

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
	case ErrNotModified:
		return e.StatusCode == http.StatusNotModified
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
	// responded with something else.
	Code string
	// Description is the endpoint's error_description.
	Description string
	// StatusCode is the HTTP status of the token endpoint's response, zero if
	// there was none.
	StatusCode int
	// Retryable tells whether asking again may succeed (network errors, 429,
	// 5xx); invalid_client, invalid_grant and invalid_scope never are, nor is
	// a 200 response that is not a valid token response.
	Retryable bool
	// RetryAfter is the endpoint's Retry-After hint, zero without one; a
	// hint above TokenOptions.MaxRetryAfter (a day for one too large to
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
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// ContentType is the response's Content-Type.
	ContentType string
	// Snippet is the start of the body (at most 1 KiB).
	Snippet string
	// Err is the decoding error.
	Err error
}

// Error implements error.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("axa: %s: cannot decode %d response (%s): %v; body starts %q", e.Operation, e.StatusCode, e.ContentType, e.Err, e.Snippet)
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

// The mapping of every failure to the SDK's errors: what the API, the token
// endpoint and the transport return becomes an *Error, a *TokenError, a
// *DecodeError or an error naming the operation, here and nowhere else.

// newError builds the *Error of a response outside 2xx, body its start.
func newError(resp *http.Response, body []byte, info *callInfo) *Error {
	e := &Error{
		Operation:  info.operation,
		Method:     resp.Request.Method,
		Path:       resp.Request.URL.Path,
		StatusCode: resp.StatusCode,
		RequestID:  resp.Header.Get("X-Request-Id"),
		Retryable:  isRetryableStatus(resp.StatusCode),
		Body:       snippet(body),
	}
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = d
	}
	var eb gen.Error
	if json.Unmarshal(body, &eb) == nil {
		e.Code = eb.Error
		if eb.ErrorDescription != nil {
			e.Description = *eb.ErrorDescription
		}
		if eb.Problems != nil {
			e.Problems = slices.Clone(*eb.Problems)
		}
	}
	challenge := bearerParams(resp.Header.Get("WWW-Authenticate"))
	if e.Code == "" {
		e.Code = challenge["error"]
	}
	if resp.StatusCode == http.StatusForbidden && e.Code == "insufficient_scope" {
		e.RequiredScopes = strings.Fields(challenge["scope"])
		if len(e.RequiredScopes) == 0 {
			e.RequiredScopes = slices.Clone(info.neededScopes)
		}
		e.GrantedScopes = slices.Clone(info.grantedScopes)
	}
	return e
}

// newDecodeError builds the *DecodeError of a 2xx response of operation op
// whose body could not be read as the spec says, for reason err.
func newDecodeError(op string, resp *http.Response, body []byte, err error) *DecodeError {
	return &DecodeError{Operation: op, StatusCode: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Snippet: snippet(body), Err: err}
}

// callError names the operation a call without a response failed in (a
// transport error, a token failure, a refusal of the pipeline's layers).
func callError(op string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // the URL is in our message already
	}
	return &opError{op: op, err: err}
}

// opError names the operation a transport or token failure happened in.
type opError struct {
	op  string
	err error
}

// Error reads "axa: listCountries: <cause>", with the cause's own "axa: "
// prefix dropped so that it is not said twice.
func (e *opError) Error() string {
	return "axa: " + e.op + ": " + strings.TrimPrefix(e.err.Error(), "axa: ")
}

// Unwrap returns the cause.
func (e *opError) Unwrap() error { return e.err }

// tokenError maps a failed token request of grant to a *TokenError that
// says whether asking again may help: err is what x/oauth2 returned, seen
// what tokenTransport saw of the response, now the time for Retry-After.
// It returns the response's header too (nil without a response), for the
// retry loop. The endpoint's body is not kept: it is not ours to log.
func tokenError(ctx context.Context, grant string, seen *tokenResponse, err error, now time.Time) (*TokenError, http.Header) {
	te := &TokenError{Grant: grant, Err: err}
	var re *oauth2.RetrieveError
	isRetrieve := errors.As(err, &re)
	switch {
	case !isRetrieve && seen.status >= 200 && seen.status <= 299:
		// A success x/oauth2 could not read as a token: the endpoint's
		// defect, and asking again would get the same.
		te.Code, te.StatusCode = "invalid_response", seen.status
		te.Description, te.Err = malformedTokenResponse(seen.body), errMalformedTokenResponse
	case errors.Is(err, ErrNoCredentials):
	case isRetrieve:
		te.Code, te.Description = re.ErrorCode, re.ErrorDescription
		te.Err = errors.New("token endpoint refused the request")
		if re.Response == nil {
			break
		}
		te.StatusCode = re.Response.StatusCode
		te.Retryable = !permanentTokenError(te.Code) &&
			(te.StatusCode == http.StatusTooManyRequests || te.StatusCode >= 500)
		te.RetryAfter, _ = parseRetryAfter(re.Response.Header.Get("Retry-After"), now)
		return te, re.Response.Header
	case ctx.Err() != nil:
		te.Err = fmt.Errorf("%w (%w)", ctx.Err(), err)
	default:
		// No response: a network failure, worth another try.
		te.Retryable = true
	}
	return te, nil
}

// permanentTokenError reports whether an OAuth2 error code is never worth
// asking again, whatever the status that came with it.
func permanentTokenError(code string) bool {
	switch code {
	case "invalid_client", "invalid_grant", "invalid_scope", "unauthorized_client", "unsupported_grant_type", "invalid_request":
		return true
	}
	return false
}

// errMalformedTokenResponse is the cause of a TokenError for a success
// status whose body is not a token response.
var errMalformedTokenResponse = errors.New("the token endpoint responded success with a body that is not a token response")

// malformedTokenResponse says what is wrong with a token response x/oauth2
// could not read, naming fields, never quoting their values.
func malformedTokenResponse(body []byte) string {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return "the response is not a JSON object (RFC 6749 section 5.1)"
	}
	if _, ok := fields["access_token"]; !ok {
		return "the response has no access_token"
	}
	if v, ok := fields["expires_in"]; ok {
		var n int64
		if json.Unmarshal(v, &n) != nil {
			return "expires_in is not a whole number of seconds"
		}
	}
	return "the response is not a valid token response"
}
