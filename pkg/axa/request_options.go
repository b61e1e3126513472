package axa

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/axa-assistance-go/axa/gen"
)

// ErrInvalidRequestOption is what a call's error matches when one of its
// RequestOptions cannot be honoured (a header the client refuses to let a
// caller set, a header the operation declares as a parameter, a negative
// count): the call fails before anything is sent, no token is fetched.
var ErrInvalidRequestOption = errors.New("axa: invalid request option")

// A RequestOption tunes one call: pass it last to any method of the Client
// (or to Invoke). The client's options (NewClient) tune every call; a
// RequestOption wins over them for its call alone.
//
// What the spec declares for an operation is given one way only: its
// parameters (Idempotency-Key, Accept-Language, If-None-Match included) in
// the method's params (Invoke's params map), never as a RequestOption.
// RequestOptions tune what the spec leaves to the client: time, retries,
// headers the operation does not declare, the answer's metadata.
type RequestOption func(*requestOptions)

// requestOptions is what a call's RequestOptions build; it travels to the
// layers in the call's callInfo.
type requestOptions struct {
	timeout       time.Duration // overall, this call; with hasTimeout
	hasTimeout    bool
	header        http.Header // extra headers, canonical names
	maxRetries    int         // with hasMaxRetries
	hasMaxRetries bool
	response      *Response
	observer      *Observer // WithRequestObserver's, joined
	problems      []string  // what was refused, one phrase each
}

// Response is what the API answered to a call, for a caller who wants more
// than the decoded value: pass a *Response to WithResponseInto.
type Response struct {
	// StatusCode is the HTTP status of the last attempt's answer.
	StatusCode int
	// Header holds the answer's headers (a copy).
	Header http.Header
	// RequestID is the answer's X-Request-Id: quote it to support. A
	// successful call exposes it here; an *Error carries it too. With
	// WithCache, an answer served without a request has none (StatusCode
	// is 200 and Header holds the stored headers and an Age); one
	// revalidated, or shared with a concurrent call's request, has that
	// request's.
	RequestID string
	// IdempotentReplayed is true when the API answered a repeated
	// Idempotency-Key with the result of the first request
	// (Idempotent-Replayed: true) instead of doing the work again.
	IdempotentReplayed bool
}

// WithRequestTimeout bounds this call as a whole, its retries and token
// fetch included: it replaces the client's overall timeout (WithTimeouts)
// for this call, and applies even when the call's context has a deadline
// (the earlier one wins). 0 means no overall timeout of the client's for
// this call: only the context's deadline, and the per-attempt timeout,
// remain. A negative d is refused.
func WithRequestTimeout(d time.Duration) RequestOption {
	return func(o *requestOptions) {
		if d < 0 {
			o.problems = append(o.problems, fmt.Sprintf("WithRequestTimeout(%v): the timeout is negative", d))
			return
		}
		o.timeout, o.hasTimeout = d, true
	}
}

// WithHeader adds a header the operation does not declare to every attempt
// of this call (a tracing header, a Prefer), replacing one of the same name
// the client would send (User-Agent); given twice for one name, it sends
// both values. A header the spec declares as a parameter of the operation
// (Idempotency-Key, Accept-Language, If-None-Match) goes in the method's
// params, its one way: WithHeader refuses it, as an error of the call before
// anything is sent. So are the headers the client owns: Authorization and
// Proxy-Authorization (the client sends the token), Cookie, Host and
// Content-Length, and the hop-by-hop headers of RFC 9110 section 7.6.1
// (Connection, Keep-Alive, Proxy-Connection, TE, Trailer, Transfer-Encoding,
// Upgrade); a name that is not an HTTP token, or a value holding a line
// break or another control character, is refused too. Header values are
// never logged.
func WithHeader(name, value string) RequestOption {
	return func(o *requestOptions) {
		canon := http.CanonicalHeaderKey(name)
		switch {
		case !validHeaderName(name):
			o.problems = append(o.problems, fmt.Sprintf("WithHeader: %q is not a valid header name", name))
		case refusedHeaders[canon]:
			o.problems = append(o.problems, fmt.Sprintf("WithHeader: the client does not let a call set %s", canon))
		case !validHeaderValue(value):
			o.problems = append(o.problems, fmt.Sprintf("WithHeader: the value of %s holds a line break or another control character", canon))
		default:
			if o.header == nil {
				o.header = http.Header{}
			}
			o.header.Add(canon, value)
		}
	}
}

// refusedHeaders are the headers WithHeader refuses: the credentials the
// client alone sends, and what the transport decides (RFC 9110 section
// 7.6.1 for the hop-by-hop ones).
var refusedHeaders = map[string]bool{
	"Authorization":       true,
	"Proxy-Authorization": true,
	"Cookie":              true,
	"Connection":          true,
	"Keep-Alive":          true,
	"Proxy-Connection":    true,
	"Te":                  true,
	"Trailer":             true,
	"Transfer-Encoding":   true,
	"Upgrade":             true,
	"Host":                true,
	"Content-Length":      true,
}

// validHeaderName reports whether name is an HTTP token (RFC 9110 section
// 5.1).
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// WithMaxRetries bounds the retries of this call (0 = send it once),
// instead of RetryOptions.MaxAttempts-1. It cannot make a request
// retryable that is not: a POST is retried only with an Idempotency-Key,
// which every POST of the client has (its params' key, else a random one).
func WithMaxRetries(n int) RequestOption {
	return func(o *requestOptions) {
		if n < 0 {
			o.problems = append(o.problems, fmt.Sprintf("WithMaxRetries(%d): the count is negative", n))
			return
		}
		o.maxRetries, o.hasMaxRetries = n, true
	}
}

// WithResponseInto fills *r with the status, headers, request id and
// replay flag of the API's answer once the call is over: on success (the
// way to read a successful call's X-Request-Id without Raw), and for an
// error status too. *r is reset when the call starts and stays zero when no
// answer came (a transport error, a refused option). A nil r is ignored.
func WithResponseInto(r *Response) RequestOption {
	return func(o *requestOptions) { o.response = r }
}

// buildRequestOptions applies the opts of a call of operation op; its
// error, matching ErrInvalidRequestOption, names every option refused.
func buildRequestOptions(op gen.OperationID, opts []RequestOption) (*requestOptions, error) {
	o := &requestOptions{}
	for _, opt := range opts {
		if opt != nil {
			opt(o)
		}
	}
	declared := headerParameters()[op]
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for name := range o.header {
			if declared[name] && !yield(name) {
				return
			}
		}
	}) {
		o.problems = append(o.problems, fmt.Sprintf("WithHeader: %s is a parameter of %s: give it in the method's params", name, op))
	}
	if o.response != nil {
		*o.response = Response{}
	}
	if len(o.problems) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrInvalidRequestOption, strings.Join(o.problems, "; "))
	}
	return o, nil
}

// fill records resp into the caller's Response, if one was asked for.
func (o *requestOptions) fill(resp *http.Response) {
	if o == nil || o.response == nil || resp == nil {
		return
	}
	*o.response = Response{
		StatusCode:         resp.StatusCode,
		Header:             resp.Header.Clone(),
		RequestID:          resp.Header.Get("X-Request-Id"),
		IdempotentReplayed: strings.EqualFold(strings.TrimSpace(resp.Header.Get("Idempotent-Replayed")), "true"),
	}
}

// headerParameters maps every operation to the header parameters the spec
// declares for it (canonical names), which WithHeader refuses: made once,
// never changed.
var headerParameters = sync.OnceValue(func() map[gen.OperationID]map[string]bool {
	out := map[gen.OperationID]map[string]bool{}
	for _, op := range gen.Operations() {
		doc, ok := gen.LookupOperationDoc(op.ID)
		if !ok {
			continue
		}
		for _, p := range doc.Parameters {
			if p.In != "header" {
				continue
			}
			if out[op.ID] == nil {
				out[op.ID] = map[string]bool{}
			}
			out[op.ID][http.CanonicalHeaderKey(p.Name)] = true
		}
	}
	return out
})
