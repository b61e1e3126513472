package axa

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/axa-assistance-go/axa/gen"
)

// Observer is told what a [Client] does, as it does it: each call as an
// operation (its operationId), each attempt and its outcome, the retries
// with their reason and wait, the token fetches, the answers of the cache
// and its revalidations, the request ids and idempotent replays. It is the
// hook of tracing (pkg/axaotel builds OpenTelemetry spans and metrics on
// it) and of metrics or tests of one's own; it needs no other package.
//
// Give one to every call of a client with [WithObserver], or to one call
// with [WithRequestObserver]; both are told, the client's first. Every
// field is optional: a nil hook is skipped, and a client without an
// Observer pays one nil check per layer.
//
// Hooks are called on the goroutine of the call they tell of, in order
// (CallStart, then for each attempt AttemptStart and AttemptEnd, a Retry
// between two of them, CallEnd last), except token fetches, which run on a
// goroutine of the token cache: an Observer given to several calls must be
// safe for concurrent use. A hook must not block: the call waits for it.
//
// The contexts: a Start hook (CallStart, AttemptStart, TokenFetchStart,
// CacheRevalidateStart) returns the context handed to what happens within
// it: CallStart's to every other hook of the call, CacheRevalidateStart's
// to the attempts and token fetch of the revalidation, each Start's to its
// End. Return ctx itself, or a context derived from it (a span started on
// it); a nil return keeps ctx. These contexts are the Observer's only: the
// requests are sent with the caller's, so an Observer can neither cancel
// nor delay a call. When two Observers are told, the context the first
// returns is the second's.
//
// Nothing secret or private is reachable through an Observer: no header
// value, no token, no request or response body. The one thing it may do to
// a call is add headers to an attempt (AttemptStartInfo.SetHeader) or to a
// token request (TokenFetchStartInfo.SetHeader), such as the W3C
// traceparent; never Authorization or a header the request already has.
// An Err of the infos below carries the message of the call's error and its
// errors.Is matches ([ErrNotFound], context.DeadlineExceeded), not its type
// (so not an [Error]'s Body nor a [DecodeError]'s Snippet), and a method
// ErrorType() string naming its kind for metrics: the status code ("503")
// for an answer outside 2xx, else one of timeout, canceled, closed,
// token_error, decode_error, invalid_request, validation, no_credentials,
// insecure_transport or transport_error.
type Observer struct {
	// CallStart is told a call of an operation begins, before its first
	// attempt (or its answer from the cache).
	CallStart func(ctx context.Context, info CallStartInfo) context.Context
	// CallEnd is told the call is over: its answer decoded, or its error
	// known. A call of InvokeStream or of a method whose answer is a
	// Stream ends when the Stream is handed over; a call of the raw
	// client (Client.Raw), when its answer's headers are in.
	CallEnd func(ctx context.Context, info CallEndInfo)
	// AttemptStart is told a request of the call is about to be sent to
	// the API, its token obtained: one per request, the first, each retry,
	// and the replay after a 401 invalid_token. info is valid during the
	// hook only.
	AttemptStart func(ctx context.Context, info *AttemptStartInfo) context.Context
	// AttemptEnd is told the attempt's answer (its headers) or error.
	AttemptEnd func(ctx context.Context, info AttemptEndInfo)
	// Retry is told the call will be sent again, before the wait.
	Retry func(ctx context.Context, info RetryInfo)
	// TokenFetchStart is told a token request begins. A fetch is told to
	// the observers of the call that started it, with that call's context;
	// the calls that wait for a fetch already in flight are not told of
	// it; a fetch started outside a call (Client.Token) is told to the
	// client's observers with Token's context. It runs on a goroutine of
	// its own, and may outlive the call that started it (Background).
	// info is valid during the hook only.
	TokenFetchStart func(ctx context.Context, info *TokenFetchStartInfo) context.Context
	// TokenFetchEnd is told the fetch is over.
	TokenFetchEnd func(ctx context.Context, info TokenFetchEndInfo)
	// CacheHit is told the call is answered from the cache without a
	// request of its own (WithCache): a fresh stored answer, or the answer
	// of the same request another call had in flight.
	CacheHit func(ctx context.Context, info CacheHitInfo)
	// CacheRevalidateStart is told the call asks the API whether a stale
	// stored answer is still current (If-None-Match).
	CacheRevalidateStart func(ctx context.Context, info CacheRevalidateStartInfo) context.Context
	// CacheRevalidateEnd is told the revalidation's outcome.
	CacheRevalidateEnd func(ctx context.Context, info CacheRevalidateEndInfo)
}

// CallStartInfo is what [Observer.CallStart] is told.
type CallStartInfo struct {
	// Operation is the operationId, e.g. "getCountry"; empty for a
	// request sent through the raw client's HTTP doer that names none
	// (CallEndInfo has the one its path matched).
	Operation string
	// Method is the HTTP method.
	Method string
	// Route is the operation's path template, e.g.
	// "/travel/v1/countries/{country_id}"; empty without an operation.
	Route string
	// Scopes are the OAuth2 scopes the operation needs (WithScopes may
	// make the client ask for others: see TokenFetchStartInfo).
	Scopes []string
}

// CallEndInfo is what [Observer.CallEnd] is told.
type CallEndInfo struct {
	// Operation is the operationId.
	Operation string
	// StatusCode is the status of the answer the call got (200 for one
	// served from the cache), 0 when none came.
	StatusCode int
	// RequestID is the answer's X-Request-Id, empty without one.
	RequestID string
	// Attempts is the number of requests the call sent to the API: 0
	// for an answer from the cache, or a call that failed before sending.
	Attempts int
	// FromCache is true when the answer came from the cache without a
	// request of the call's own (CacheHit was told).
	FromCache bool
	// IdempotentReplayed is true when the API answered a repeated
	// Idempotency-Key with the first request's result.
	IdempotentReplayed bool
	// Err is the call's error, nil on success (see [Observer] for what it
	// carries).
	Err error
}

// AttemptStartInfo is what [Observer.AttemptStart] is told; SetHeader
// adds a header to the attempt's request.
type AttemptStartInfo struct {
	// Operation is the operationId.
	Operation string
	// Attempt is the attempt's number: 1 for the call's first request, 2
	// for the next, whatever sent it again.
	Attempt int
	// Reason is why the call is sent again: empty for the first attempt, a
	// RetryInfo.Reason for a retry, "invalid_token" for the replay with a
	// new token after a 401 invalid_token.
	Reason string
	// Method is the HTTP method.
	Method string
	// URL is the request's URL (no userinfo; the API's URLs carry no
	// credentials).
	URL string
	// Route is the operation's path template.
	Route string

	header  http.Header     // the attempt's own copy of the request's headers
	refused map[string]bool // the operation's header parameters
	set     []string        // the names SetHeader set
	open    bool            // during AttemptStart only
}

// SetHeader sets a header on this attempt's request, such as a trace
// context (traceparent, tracestate, baggage). It refuses, with an error and
// nothing set, what the client owns or the request already has:
// Authorization and the other headers [WithHeader] refuses, a header the
// operation declares as a parameter, a header the request carries (set by
// the client or by the call's WithHeader), an invalid name or value, and
// any call once AttemptStart has returned. A name it set before is
// replaced.
func (a *AttemptStartInfo) SetHeader(name, value string) error {
	if a == nil {
		return errors.New("axa: SetHeader on a nil AttemptStartInfo")
	}
	return setObservedHeader(a.open, a.header, a.refused, &a.set, name, value)
}

// setObservedHeader is SetHeader of AttemptStartInfo and
// TokenFetchStartInfo: h gets name unless refused.
func setObservedHeader(open bool, h http.Header, refused map[string]bool, set *[]string, name, value string) error {
	canon := http.CanonicalHeaderKey(name)
	switch {
	case !open:
		return fmt.Errorf("axa: SetHeader(%s) after the hook returned", canon)
	case !validHeaderName(name):
		return fmt.Errorf("axa: SetHeader: %q is not a valid header name", name)
	case !validHeaderValue(value):
		return fmt.Errorf("axa: SetHeader: the value of %s holds a line break or another control character", canon)
	case refusedHeaders[canon] || refused[canon]:
		return fmt.Errorf("axa: SetHeader: the client does not let an observer set %s", canon)
	case len(h[canon]) > 0 && !slices.Contains(*set, canon):
		return fmt.Errorf("axa: SetHeader: the request already has %s", canon)
	}
	h[canon] = []string{value}
	if !slices.Contains(*set, canon) {
		*set = append(*set, canon)
	}
	return nil
}

// AttemptEndInfo is what [Observer.AttemptEnd] is told.
type AttemptEndInfo struct {
	// Operation is the operationId.
	Operation string
	// Attempt is the attempt's number.
	Attempt int
	// StatusCode is the answer's status, 0 when none came (Err).
	StatusCode int
	// RequestID is the answer's X-Request-Id.
	RequestID string
	// IdempotentReplayed is true when the answer says Idempotent-Replayed:
	// true.
	IdempotentReplayed bool
	// RetryAfter is the answer's Retry-After hint, 0 without one.
	RetryAfter time.Duration
	// Err is the transport's error when no answer came (see [Observer]).
	Err error
}

// RetryInfo is what [Observer.Retry] is told.
type RetryInfo struct {
	// Operation is the operationId.
	Operation string
	// Attempt is the number of requests the call sent so far: the failed
	// attempt's, unless it failed before sending (its per-attempt timeout
	// ran out waiting for a token).
	Attempt int
	// Reason is why: "status_" and the status code ("status_503"),
	// "timeout" (the per-attempt timeout) or "transport_error".
	Reason string
	// StatusCode is the failed answer's status, 0 without an answer.
	StatusCode int
	// Delay is the wait before the next attempt.
	Delay time.Duration
	// RetryAfter is the server's Retry-After hint that set Delay, 0
	// without one (Delay is then the backoff's).
	RetryAfter time.Duration
}

// TokenFetchStartInfo is what [Observer.TokenFetchStart] is told: never a
// token or a credential. SetHeader adds a header to the token requests.
type TokenFetchStartInfo struct {
	// Grant is the OAuth2 grant: client_credentials, password,
	// refresh_token (a user's session) or authorization_code (Exchange).
	Grant string
	// Scopes are the scopes asked for (none for a user's session: the
	// consent decides).
	Scopes []string
	// Background is true for a refresh ahead of expiry: the call that
	// started it goes on with the token it has.
	Background bool

	header http.Header
	set    []string
	open   bool
}

// SetHeader sets a header on the token requests of this fetch (a trace
// context), with the refusals of AttemptStartInfo.SetHeader; a header the
// token request has (Content-Type, User-Agent) is not replaced.
func (t *TokenFetchStartInfo) SetHeader(name, value string) error {
	if t == nil {
		return errors.New("axa: SetHeader on a nil TokenFetchStartInfo")
	}
	if t.open && t.header == nil {
		t.header = http.Header{}
	}
	return setObservedHeader(t.open, t.header, tokenRequestHeaders, &t.set, name, value)
}

// tokenRequestHeaders are the headers of a token request an observer may
// not set.
var tokenRequestHeaders = map[string]bool{"Content-Type": true, "Accept": true, "User-Agent": true}

// TokenFetchEndInfo is what [Observer.TokenFetchEnd] is told: never the
// token.
type TokenFetchEndInfo struct {
	// Grant is the OAuth2 grant.
	Grant string
	// Scopes are the scopes asked for.
	Scopes []string
	// GrantedScopes are the scopes of the token given, nil on failure.
	GrantedScopes []string
	// Background is TokenFetchStartInfo's.
	Background bool
	// Lifetime is how long the token was given for, 0 on failure.
	Lifetime time.Duration
	// Err is the fetch's error (a TokenError's message: never a
	// credential), nil on success.
	Err error
}

// CacheHitInfo is what [Observer.CacheHit] is told.
type CacheHitInfo struct {
	// Operation is the operationId.
	Operation string
	// Age is how old the answer is.
	Age time.Duration
	// Shared is true for the answer of the same request another call had
	// in flight, false for a fresh stored answer.
	Shared bool
}

// CacheRevalidateStartInfo is what [Observer.CacheRevalidateStart] is
// told.
type CacheRevalidateStartInfo struct {
	// Operation is the operationId.
	Operation string
	// Age is how old the stored answer is.
	Age time.Duration
}

// CacheRevalidateEndInfo is what [Observer.CacheRevalidateEnd] is told.
type CacheRevalidateEndInfo struct {
	// Operation is the operationId.
	Operation string
	// NotModified is true when the API answered 304 for the stored answer,
	// which then answers the call.
	NotModified bool
	// StatusCode is the API's answer, 0 when none came.
	StatusCode int
	// Err is the error when no answer came.
	Err error
}

// WithObserver tells o what the client does for every call (see
// [Observer]); given more than once, every one is told, in order.
func WithObserver(o Observer) Option {
	return func(c *config) error {
		c.observer = joinObservers(c.observer, &o)
		return nil
	}
}

// WithRequestObserver tells o what the client does for this call (see
// [Observer]), after the client's own observers.
func WithRequestObserver(o Observer) RequestOption {
	return func(r *requestOptions) { r.observer = joinObservers(r.observer, &o) }
}

// joinObservers returns an Observer telling a, then b; either may be nil.
func joinObservers(a, b *Observer) *Observer {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return &Observer{
		CallStart:            bothStart(a.CallStart, b.CallStart),
		CallEnd:              both(a.CallEnd, b.CallEnd),
		AttemptStart:         bothStart(a.AttemptStart, b.AttemptStart),
		AttemptEnd:           both(a.AttemptEnd, b.AttemptEnd),
		Retry:                both(a.Retry, b.Retry),
		TokenFetchStart:      bothStart(a.TokenFetchStart, b.TokenFetchStart),
		TokenFetchEnd:        both(a.TokenFetchEnd, b.TokenFetchEnd),
		CacheHit:             both(a.CacheHit, b.CacheHit),
		CacheRevalidateStart: bothStart(a.CacheRevalidateStart, b.CacheRevalidateStart),
		CacheRevalidateEnd:   both(a.CacheRevalidateEnd, b.CacheRevalidateEnd),
	}
}

// bothStart calls f, then g with the context f returned.
func bothStart[I any](f, g func(context.Context, I) context.Context) func(context.Context, I) context.Context {
	switch {
	case f == nil:
		return g
	case g == nil:
		return f
	}
	return func(ctx context.Context, info I) context.Context {
		return startHook(startHook(ctx, f, info), g, info)
	}
}

// both calls f, then g.
func both[I any](f, g func(context.Context, I)) func(context.Context, I) {
	switch {
	case f == nil:
		return g
	case g == nil:
		return f
	}
	return func(ctx context.Context, info I) {
		f(ctx, info)
		g(ctx, info)
	}
}

// startHook calls a Start hook, if any: the context it returns, ctx when
// it is nil or returns nil.
func startHook[I any](ctx context.Context, f func(context.Context, I) context.Context, info I) context.Context {
	if f == nil {
		return ctx
	}
	if out := f(ctx, info); out != nil {
		return out
	}
	return ctx
}

// endHook calls an End hook, if any.
func endHook[I any](ctx context.Context, f func(context.Context, I), info I) {
	if f != nil {
		f(ctx, info)
	}
}

// observation is what the layers need to tell a call's observers; a
// callInfo has one only when the call has observers (callInfo.watch).
// One goroutine runs a call's layers, one after the other: no lock.
type observation struct {
	obs *Observer
	// ctx is the context the hooks are given: CallStart's, or a
	// revalidation's while it lasts.
	ctx     context.Context
	callCtx context.Context
	clock   clock
	route   string
	sent    int    // requests sent
	reason  string // why the next attempt is sent
	// what CallEnd is told of an answer served without a request
	fromCache bool
}

// watchCall starts the observation of the call of info, if it has
// observers (the client's, and the call's RequestOptions'), telling
// CallStart; a call already observed (a redirect's request) is left as it
// is.
func watchCall(ctx context.Context, client *Observer, info *callInfo, method string, clk clock) {
	if info.watch != nil {
		return
	}
	obs := client
	if info.opts != nil && info.opts.observer != nil {
		obs = joinObservers(client, info.opts.observer)
	}
	if obs == nil {
		return
	}
	w := &observation{obs: obs, clock: clk}
	start := CallStartInfo{Operation: info.operation, Method: method}
	if a, ok := operationAuths()[gen.OperationID(info.operation)]; ok {
		w.route = a.op.Path
		start.Route = a.op.Path
		start.Scopes = slices.Clone(a.scopes)
	}
	w.ctx = startHook(ctx, obs.CallStart, start)
	w.callCtx = w.ctx
	info.watch = w
}

// end tells CallEnd the call of info is over, with the answer resp (nil
// when none came) and the call's error; nothing without observers.
func (ci *callInfo) end(resp *http.Response, err error) {
	if ci.watch != nil {
		ci.watch.endCall(ci, resp, err)
	}
}

func (w *observation) endCall(info *callInfo, resp *http.Response, err error) {
	if w.obs.CallEnd == nil {
		return
	}
	end := CallEndInfo{Operation: info.operation, Attempts: w.sent, FromCache: w.fromCache, Err: observed(err)}
	if resp != nil {
		end.StatusCode = resp.StatusCode
		end.RequestID = resp.Header.Get("X-Request-Id")
		end.IdempotentReplayed = replayed(resp.Header)
	}
	w.obs.CallEnd(w.callCtx, end)
}

// replayed reports whether an answer says Idempotent-Replayed: true.
func replayed(h http.Header) bool {
	return strings.EqualFold(strings.TrimSpace(h.Get("Idempotent-Replayed")), "true")
}

// attempt is one attempt told to the observers, until its end.
type attempt struct {
	w      *observation
	ctx    context.Context
	op     string
	number int
}

// attemptStart tells AttemptStart that out (the auth layer's copy of the
// request, before its Authorization header) is about to be sent; the
// observers may add headers to out.
func (w *observation) attemptStart(out *http.Request, info *callInfo) *attempt {
	w.sent++
	a := &attempt{w: w, ctx: w.ctx, op: info.operation, number: w.sent}
	reason := w.reason
	w.reason = ""
	if w.obs.AttemptStart != nil {
		si := &AttemptStartInfo{
			Operation: info.operation, Attempt: w.sent, Reason: reason, Method: out.Method,
			URL: hideUserinfo(out.URL.String()), Route: w.route,
			header: out.Header, refused: headerParameters()[gen.OperationID(info.operation)], open: true,
		}
		a.ctx = startHook(w.ctx, w.obs.AttemptStart, si)
		// The auth layer sets Authorization on this header next: an
		// observer that kept si reaches neither.
		si.open, si.header, si.refused = false, nil, nil
	}
	return a
}

// end tells AttemptEnd the attempt's answer or error.
func (a *attempt) end(resp *http.Response, err error) {
	if a.w.obs.AttemptEnd == nil {
		return
	}
	end := AttemptEndInfo{Operation: a.op, Attempt: a.number, Err: observed(err)}
	if resp != nil {
		end.StatusCode = resp.StatusCode
		end.RequestID = resp.Header.Get("X-Request-Id")
		end.IdempotentReplayed = replayed(resp.Header)
		end.RetryAfter, _ = parseRetryAfter(resp.Header.Get("Retry-After"), a.w.clock.Now())
	}
	a.w.obs.AttemptEnd(a.ctx, end)
}

// retry returns what the retry loop calls before waiting to send the call
// again after resp or err (outcome.wait).
func (w *observation) retry(info *callInfo, resp *http.Response, err error) func(time.Duration) {
	return func(delay time.Duration) {
		r := RetryInfo{Operation: info.operation, Attempt: w.sent, Reason: retryReason(resp, err), Delay: delay}
		if resp != nil {
			r.StatusCode = resp.StatusCode
			r.RetryAfter, _ = parseRetryAfter(resp.Header.Get("Retry-After"), w.clock.Now())
		}
		w.reason = r.Reason
		endHook(w.ctx, w.obs.Retry, r)
	}
}

// retryReason is RetryInfo.Reason of a failed attempt.
func retryReason(resp *http.Response, err error) string {
	switch {
	case err == nil && resp != nil:
		return "status_" + strconv.Itoa(resp.StatusCode)
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	}
	return "transport_error"
}

// cacheHit tells CacheHit the call is answered from the cache.
func (w *observation) cacheHit(info *callInfo, age time.Duration, shared bool) {
	w.fromCache = true
	endHook(w.ctx, w.obs.CacheHit, CacheHitInfo{Operation: info.operation, Age: age, Shared: shared})
}

// revalidateStart tells CacheRevalidateStart, and returns what tells its
// end: the hooks of the revalidation's attempts are given its context
// until then.
func (w *observation) revalidateStart(info *callInfo, age time.Duration) func(resp *http.Response, notModified bool, err error) {
	outer := w.ctx
	ctx := startHook(outer, w.obs.CacheRevalidateStart, CacheRevalidateStartInfo{Operation: info.operation, Age: age})
	w.ctx = ctx
	return func(resp *http.Response, notModified bool, err error) {
		w.ctx = outer
		end := CacheRevalidateEndInfo{Operation: info.operation, NotModified: notModified, Err: observed(err)}
		if resp != nil {
			end.StatusCode = resp.StatusCode
		}
		endHook(ctx, w.obs.CacheRevalidateEnd, end)
	}
}

// tokenFetch is a token fetch told to the observers, until its end.
type tokenFetch struct {
	obs   *Observer
	ctx   context.Context
	start TokenFetchStartInfo
}

// observeTokenFetch tells obs's TokenFetchStart (nothing without obs)
// that a fetch begins, in parent; header holds what the observers set for
// the token requests, nil for nothing.
func observeTokenFetch(parent context.Context, obs *Observer, grant string, scopes []string, background bool) (f *tokenFetch, header http.Header) {
	if obs == nil {
		return nil, nil
	}
	f = &tokenFetch{obs: obs, ctx: parent, start: TokenFetchStartInfo{Grant: grant, Scopes: slices.Clone(scopes), Background: background}}
	if obs.TokenFetchStart != nil {
		si := f.start
		si.open = true
		f.ctx = startHook(parent, obs.TokenFetchStart, &si)
		header = si.header
		si.open, si.header = false, nil
	}
	f.start.Scopes = slices.Clone(scopes) // whatever the hook did to its copy
	return f, header
}

// end tells TokenFetchEnd the fetch's token (its scopes only) or error.
func (f *tokenFetch) end(tok *Token, lifetime time.Duration, err error) {
	if f == nil || f.obs.TokenFetchEnd == nil {
		return
	}
	end := TokenFetchEndInfo{Grant: f.start.Grant, Scopes: f.start.Scopes, Background: f.start.Background, Err: observed(err)}
	if tok != nil && err == nil {
		end.GrantedScopes = slices.Clone(tok.scopes)
		end.Lifetime = lifetime
	}
	f.obs.TokenFetchEnd(f.ctx, end)
}

// tokenHeaderKey carries, in a token fetch's context, the headers its
// observers set for its requests (tokenTransport adds them).
type tokenHeaderKey struct{}

// observerOf returns the observers of a token fetch started in ctx: those
// of the call ctx belongs to, with the call's hook context, else the
// client's, with ctx.
func observerOf(ctx context.Context, client *Observer) (*Observer, context.Context) {
	if ci, ok := ctx.Value(callInfoKey{}).(*callInfo); ok && ci.watch != nil {
		return ci.watch.obs, ci.watch.ctx
	}
	return client, ctx
}

// observedError is the error an Observer is told: the message and the
// errors.Is matches of the call's error, not its types, so that no body an
// error holds (an *Error's Body, a *DecodeError's Snippet) reaches an
// observer; ErrorType names its kind.
type observedError struct {
	msg  string
	kind string
	err  error
}

// Error implements error.
func (e *observedError) Error() string { return e.msg }

// Is reports whether the call's error matches target.
func (e *observedError) Is(target error) bool { return errors.Is(e.err, target) }

// ErrorType names the kind of the error (the OpenTelemetry error.type).
func (e *observedError) ErrorType() string { return e.kind }

// observed returns err as an Observer is told it, nil for nil.
func observed(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	var de *DecodeError
	if errors.As(err, &de) {
		// Its message quotes the start of the body: say it without.
		msg = strings.Replace(msg, de.Error(), fmt.Sprintf("axa: %s: cannot decode %d response (%s): %v", de.Operation, de.StatusCode, de.ContentType, de.Err), 1)
	}
	return &observedError{msg: msg, kind: errorKind(err), err: err}
}

// errorKind is observedError's ErrorType.
func errorKind(err error) string {
	var (
		e  *Error
		te *TokenError
		de *DecodeError
		ie *InvalidRequestError
	)
	switch {
	case errors.As(err, &e):
		return strconv.Itoa(e.StatusCode)
	case errors.As(err, &te):
		return "token_error"
	case errors.As(err, &de):
		return "decode_error"
	case errors.As(err, &ie), errors.Is(err, ErrInvalidRequestOption):
		return "invalid_request"
	case errors.Is(err, ErrClosed):
		return "closed"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, ErrValidation):
		return "validation"
	case errors.Is(err, ErrNoCredentials):
		return "no_credentials"
	case errors.Is(err, ErrInsecureTransport):
		return "insecure_transport"
	}
	return "transport_error"
}
