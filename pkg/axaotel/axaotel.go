// Package axaotel traces and measures the calls of an [axa.Client] with
// OpenTelemetry, on the SDK's [axa.Observer]: it sees each call as an
// operation, not as HTTP requests alone. It is a module of its own, so that
// neither pkg/axa nor its importers compile OpenTelemetry.
//
//	client, err := axa.NewClient(axa.WithClientCredentials(id, secret), axaotel.WithTracing())
//
// # Spans
//
// A call is a span named by its operationId ("getCountry"), of kind
// internal, with these children:
//
//   - one client span per request sent to the API (an attempt), named by
//     the HTTP method and the operation's path template ("GET
//     /travel/v1/countries/{country_id}"), with the attributes of the
//     OpenTelemetry HTTP client conventions: http.request.method,
//     url.full, url.template, server.address, server.port,
//     http.request.resend_count (from the second attempt on),
//     http.response.status_code and error.type;
//   - "axa.token.fetch" for a token request the call started (waiting for
//     one already in flight is not a span of its own; a refresh ahead of
//     expiry, axa.token.background, may end after the call);
//   - "axa.cache.revalidate" when WithCache asks the API whether a stale
//     answer is current (If-None-Match): its attempts are its children.
//
// The attempt spans carry the trace context to the API: the propagators
// (W3C traceparent with propagation.TraceContext) set their headers on each
// attempt's request, and on the token requests from the token fetch span.
// A server of the API that extracts them ([ServerMiddleware] on
// sandbox.WithMiddleware) makes its spans children of the attempt.
//
// The attributes of the SDK's own, under axa.: [OperationIDKey] and
// [ScopesKey] on the call (with [AttemptsKey], [CacheHitKey],
// [RequestIDKey], [IdempotentReplayKey] and http.response.status_code
// once it ends); [AttemptKey], [RetryReasonKey] (why the attempt was sent
// again), [RequestIDKey], [IdempotentReplayKey] and [RetryAfterKey] (the
// answer's Retry-After) on an attempt; [GrantKey], [TokenScopesKey],
// [GrantedScopesKey], [TokenBackgroundKey] and [TokenLifetimeKey] on a
// token fetch; [CacheAgeKey] and [CacheNotModifiedKey] on a revalidation.
// A retry is an event "axa.retry" of the call span ([AttemptKey],
// [RetryReasonKey], [RetryDelayKey], [RetryAfterKey],
// http.response.status_code); an answer from the cache an event
// "axa.cache.hit" ([CacheAgeKey], [CacheSharedKey]). A failure sets the
// span's status to Error with the error's message, error.type, and an
// "exception" event. No attribute holds a header value, a token, a
// credential or a body: the SDK's Observer reaches none of them.
//
// # Metrics
//
// [CallDurationName] (seconds, by operation, error.type and cache hit),
// [AttemptsName] (by operation, status and error.type), [TokenFetchesName]
// and [TokenFetchDurationName] (by grant and error.type), and the HTTP
// client convention's http.client.request.duration for each attempt.
package axaotel

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/axa-assistance-go/axa/pkg/axa"
)

// ScopeName is the instrumentation scope of the tracer and meter.
const ScopeName = "github.com/axa-assistance-go/axa/pkg/axaotel"

// The attributes of the SDK's own (see the package documentation).
const (
	// OperationIDKey is the operationId of the call, e.g. "getCountry".
	OperationIDKey = attribute.Key("axa.operation.id")
	// ScopesKey are the OAuth2 scopes the operation needs.
	ScopesKey = attribute.Key("axa.scopes")
	// AttemptsKey is the number of requests the call sent (0 for an
	// answer from the cache).
	AttemptsKey = attribute.Key("axa.attempts")
	// AttemptKey is an attempt's number, 1 for the first.
	AttemptKey = attribute.Key("axa.attempt")
	// RetryReasonKey is why an attempt was sent again: "status_503",
	// "timeout", "transport_error", "invalid_token".
	RetryReasonKey = attribute.Key("axa.retry.reason")
	// RetryDelayKey is the wait before the next attempt, in seconds.
	RetryDelayKey = attribute.Key("axa.retry.delay")
	// RetryAfterKey is the server's Retry-After hint, in seconds.
	RetryAfterKey = attribute.Key("axa.retry.after")
	// RequestIDKey is the answer's X-Request-Id.
	RequestIDKey = attribute.Key("axa.request_id")
	// IdempotentReplayKey is true when the API answered a repeated
	// Idempotency-Key with the first request's result.
	IdempotentReplayKey = attribute.Key("axa.idempotent_replay")
	// CacheHitKey is true when the call was answered from the cache
	// without a request of its own.
	CacheHitKey = attribute.Key("axa.cache.hit")
	// CacheSharedKey is true for the answer of the same request another
	// call had in flight.
	CacheSharedKey = attribute.Key("axa.cache.shared")
	// CacheAgeKey is the age of a stored answer, in seconds.
	CacheAgeKey = attribute.Key("axa.cache.age")
	// CacheNotModifiedKey is true when a revalidation was answered 304.
	CacheNotModifiedKey = attribute.Key("axa.cache.not_modified")
	// GrantKey is the OAuth2 grant of a token fetch.
	GrantKey = attribute.Key("axa.token.grant")
	// TokenScopesKey are the scopes a token fetch asked for.
	TokenScopesKey = attribute.Key("axa.token.scopes")
	// GrantedScopesKey are the scopes of the token given.
	GrantedScopesKey = attribute.Key("axa.token.granted_scopes")
	// TokenBackgroundKey is true for a refresh ahead of expiry.
	TokenBackgroundKey = attribute.Key("axa.token.background")
	// TokenLifetimeKey is the lifetime of the token given, in seconds.
	TokenLifetimeKey = attribute.Key("axa.token.lifetime")
)

// The span names that are not an operationId or an HTTP request.
const (
	// TokenFetchSpan is the span of a token fetch.
	TokenFetchSpan = "axa.token.fetch"
	// CacheRevalidateSpan is the span of a cache revalidation.
	CacheRevalidateSpan = "axa.cache.revalidate"
	// RetryEvent is the call span's event of a retry.
	RetryEvent = "axa.retry"
	// CacheHitEvent is the call span's event of an answer from the cache.
	CacheHitEvent = "axa.cache.hit"
)

// The metrics.
const (
	// CallDurationName is the histogram of the calls' durations, in
	// seconds.
	CallDurationName = "axa.client.call.duration"
	// AttemptsName counts the requests sent to the API.
	AttemptsName = "axa.client.attempts"
	// TokenFetchesName counts the token fetches.
	TokenFetchesName = "axa.client.token.fetches"
	// TokenFetchDurationName is the histogram of the token fetches'
	// durations, in seconds.
	TokenFetchDurationName = "axa.client.token.fetch.duration"
	// HTTPClientDurationName is the HTTP client convention's histogram of
	// each request's duration, in seconds.
	HTTPClientDurationName = "http.client.request.duration"
)

// durationBuckets are the HTTP conventions' bucket boundaries, in seconds.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

// An Option configures the instrumentation.
type Option func(*config)

type config struct {
	tp   trace.TracerProvider
	mp   metric.MeterProvider
	prop propagation.TextMapPropagator
}

// WithTracerProvider sets where the spans go; default the global provider
// (otel.GetTracerProvider).
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) { c.tp = tp }
}

// WithMeterProvider sets where the metrics go; default the global provider
// (otel.GetMeterProvider).
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) { c.mp = mp }
}

// WithPropagators sets how the trace context travels in the requests'
// headers; default the global propagators (otel.GetTextMapPropagator),
// which propagate nothing until set:
// otel.SetTextMapPropagator(propagation.TraceContext{}) sends the W3C
// traceparent.
func WithPropagators(p propagation.TextMapPropagator) Option {
	return func(c *config) { c.prop = p }
}

func newConfig(opts []Option) *config {
	c := &config{}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	if c.tp == nil {
		c.tp = otel.GetTracerProvider()
	}
	if c.mp == nil {
		c.mp = otel.GetMeterProvider()
	}
	if c.prop == nil {
		c.prop = otel.GetTextMapPropagator()
	}
	return c
}

// WithTracing is the client option that traces and measures every call:
// axa.WithObserver(Observer(opts...)).
func WithTracing(opts ...Option) axa.Option {
	return axa.WithObserver(Observer(opts...))
}

// Observer returns the axa.Observer that makes the spans and metrics of
// the package documentation: for axa.WithObserver, or for one call,
// axa.WithRequestObserver. An instrument the meter cannot make is reported
// to otel.Handle and left out.
func Observer(opts ...Option) axa.Observer {
	in := newInstrumentation(newConfig(opts))
	return axa.Observer{
		CallStart:            in.callStart,
		CallEnd:              in.callEnd,
		AttemptStart:         in.attemptStart,
		AttemptEnd:           in.attemptEnd,
		Retry:                in.retry,
		TokenFetchStart:      in.tokenFetchStart,
		TokenFetchEnd:        in.tokenFetchEnd,
		CacheHit:             in.cacheHit,
		CacheRevalidateStart: in.revalidateStart,
		CacheRevalidateEnd:   in.revalidateEnd,
	}
}

// instrumentation is one Observer's tracer, meter and propagators.
type instrumentation struct {
	tracer        trace.Tracer
	prop          propagation.TextMapPropagator
	callDuration  metric.Float64Histogram
	attempts      metric.Int64Counter
	tokenFetches  metric.Int64Counter
	tokenDuration metric.Float64Histogram
	httpDuration  metric.Float64Histogram
}

func newInstrumentation(c *config) *instrumentation {
	in := &instrumentation{
		tracer: c.tp.Tracer(ScopeName, trace.WithInstrumentationVersion(axa.SDKVersion), trace.WithSchemaURL(semconv.SchemaURL)),
		prop:   c.prop,
	}
	meter := c.mp.Meter(ScopeName, metric.WithInstrumentationVersion(axa.SDKVersion), metric.WithSchemaURL(semconv.SchemaURL))
	var err error
	handle := func(e error) {
		if e != nil {
			otel.Handle(e)
		}
	}
	in.callDuration, err = meter.Float64Histogram(CallDurationName, metric.WithUnit("s"),
		metric.WithDescription("Duration of the calls of the AXA Assistance API, retries and token fetches included."),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	handle(err)
	in.attempts, err = meter.Int64Counter(AttemptsName, metric.WithUnit("{attempt}"),
		metric.WithDescription("Requests sent to the AXA Assistance API, retries included."))
	handle(err)
	in.tokenFetches, err = meter.Int64Counter(TokenFetchesName, metric.WithUnit("{fetch}"),
		metric.WithDescription("Token fetches from the authorization server."))
	handle(err)
	in.tokenDuration, err = meter.Float64Histogram(TokenFetchDurationName, metric.WithUnit("s"),
		metric.WithDescription("Duration of the token fetches, their retries included."),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	handle(err)
	in.httpDuration, err = meter.Float64Histogram(HTTPClientDurationName, metric.WithUnit("s"),
		metric.WithDescription("Duration of HTTP client requests."),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	handle(err)
	return in
}

// stateKey keys, in a hook's context, what one instrumentation keeps of
// an open span: two Observers joined on a client each find their own.
type stateKey struct {
	in   *instrumentation
	kind int
}

const (
	callState = iota
	attemptState
	tokenState
	revalidateState
)

// open is a span this instrumentation started, and what its end needs.
type open struct {
	span  trace.Span
	start time.Time
	attrs []attribute.KeyValue // the metrics' attributes known at the start
}

func (in *instrumentation) put(ctx context.Context, kind int, o *open) context.Context {
	return context.WithValue(ctx, stateKey{in, kind}, o)
}

func (in *instrumentation) get(ctx context.Context, kind int) *open {
	o, _ := ctx.Value(stateKey{in, kind}).(*open)
	return o
}

func (in *instrumentation) callStart(ctx context.Context, info axa.CallStartInfo) context.Context {
	name := info.Operation
	if name == "" {
		name = info.Method
	}
	attrs := []attribute.KeyValue{OperationIDKey.String(info.Operation)}
	if len(info.Scopes) > 0 {
		attrs = append(attrs, ScopesKey.StringSlice(info.Scopes))
	}
	ctx, span := in.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(attrs...))
	return in.put(ctx, callState, &open{span: span, start: time.Now()})
}

func (in *instrumentation) callEnd(ctx context.Context, info axa.CallEndInfo) {
	o := in.get(ctx, callState)
	if o == nil {
		return
	}
	attrs := []attribute.KeyValue{
		OperationIDKey.String(info.Operation),
		AttemptsKey.Int(info.Attempts),
		CacheHitKey.Bool(info.FromCache),
		IdempotentReplayKey.Bool(info.IdempotentReplayed),
	}
	if info.StatusCode > 0 {
		attrs = append(attrs, semconv.HTTPResponseStatusCode(info.StatusCode))
	}
	if info.RequestID != "" {
		attrs = append(attrs, RequestIDKey.String(info.RequestID))
	}
	o.span.SetAttributes(attrs...)
	metricAttrs := []attribute.KeyValue{OperationIDKey.String(info.Operation), CacheHitKey.Bool(info.FromCache)}
	if info.Err != nil {
		failed(o.span, info.Err)
		metricAttrs = append(metricAttrs, semconv.ErrorType(info.Err))
	}
	o.span.End()
	if in.callDuration != nil {
		in.callDuration.Record(ctx, time.Since(o.start).Seconds(), metric.WithAttributes(metricAttrs...))
	}
}

// failed records err on span: its status, error.type and an exception
// event with its message and kind.
func failed(span trace.Span, err error) {
	kind := semconv.ErrorType(err)
	span.SetAttributes(kind)
	span.AddEvent("exception", trace.WithAttributes(
		semconv.ExceptionTypeKey.String(kind.Value.AsString()), semconv.ExceptionMessage(err.Error())))
	span.SetStatus(codes.Error, err.Error())
}

// headerCarrier lets the propagators set their headers on an attempt's
// request or a token fetch's through the SDK's SetHeader, which refuses
// what the client owns: it reads nothing.
type headerCarrier struct {
	set func(name, value string) error
}

func (headerCarrier) Get(string) string { return "" }
func (c headerCarrier) Set(key, value string) {
	_ = c.set(key, value) // a refused header is left out: the request's own stands
}
func (headerCarrier) Keys() []string { return nil }

func (in *instrumentation) attemptStart(ctx context.Context, info *axa.AttemptStartInfo) context.Context {
	name := info.Method
	if info.Route != "" {
		name += " " + info.Route
	}
	attrs := []attribute.KeyValue{
		semconv.HTTPRequestMethodKey.String(info.Method),
		semconv.URLFull(info.URL),
		OperationIDKey.String(info.Operation),
		AttemptKey.Int(info.Attempt),
	}
	metricAttrs := []attribute.KeyValue{semconv.HTTPRequestMethodKey.String(info.Method)}
	if info.Route != "" {
		attrs = append(attrs, semconv.URLTemplate(info.Route))
		metricAttrs = append(metricAttrs, semconv.URLTemplate(info.Route))
	}
	if host, port, ok := serverOf(info.URL); ok {
		attrs = append(attrs, semconv.ServerAddress(host), semconv.ServerPort(port))
		metricAttrs = append(metricAttrs, semconv.ServerAddress(host), semconv.ServerPort(port))
	}
	if info.Attempt > 1 {
		attrs = append(attrs, semconv.HTTPRequestResendCount(info.Attempt-1))
	}
	if info.Reason != "" {
		attrs = append(attrs, RetryReasonKey.String(info.Reason))
	}
	ctx, span := in.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	in.prop.Inject(ctx, headerCarrier{set: info.SetHeader})
	return in.put(ctx, attemptState, &open{span: span, start: time.Now(), attrs: metricAttrs})
}

// serverOf returns the host and port of a URL, the scheme's default port
// when it names none.
func serverOf(raw string) (string, int, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", 0, false
	}
	port := u.Port()
	if port == "" {
		switch u.Scheme {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	n, err := strconv.Atoi(port)
	if err != nil {
		return "", 0, false
	}
	return u.Hostname(), n, true
}

func (in *instrumentation) attemptEnd(ctx context.Context, info axa.AttemptEndInfo) {
	o := in.get(ctx, attemptState)
	if o == nil {
		return
	}
	counted := []attribute.KeyValue{OperationIDKey.String(info.Operation)}
	timed := o.attrs
	if info.StatusCode > 0 {
		status := semconv.HTTPResponseStatusCode(info.StatusCode)
		attrs := []attribute.KeyValue{status, IdempotentReplayKey.Bool(info.IdempotentReplayed)}
		if info.RequestID != "" {
			attrs = append(attrs, RequestIDKey.String(info.RequestID))
		}
		if info.RetryAfter > 0 {
			attrs = append(attrs, RetryAfterKey.Float64(info.RetryAfter.Seconds()))
		}
		o.span.SetAttributes(attrs...)
		counted = append(counted, status)
		timed = append(timed, status)
		if info.StatusCode >= 400 {
			// The HTTP client convention: an answer of 4xx or 5xx is an
			// error, typed by its status.
			kind := semconv.ErrorTypeKey.String(strconv.Itoa(info.StatusCode))
			o.span.SetAttributes(kind)
			o.span.SetStatus(codes.Error, "")
			counted = append(counted, kind)
			timed = append(timed, kind)
		}
	}
	if info.Err != nil {
		failed(o.span, info.Err)
		counted = append(counted, semconv.ErrorType(info.Err))
		timed = append(timed, semconv.ErrorType(info.Err))
	}
	o.span.End()
	if in.attempts != nil {
		in.attempts.Add(ctx, 1, metric.WithAttributes(counted...))
	}
	if in.httpDuration != nil {
		in.httpDuration.Record(ctx, time.Since(o.start).Seconds(), metric.WithAttributes(timed...))
	}
}

func (in *instrumentation) retry(ctx context.Context, info axa.RetryInfo) {
	o := in.get(ctx, callState)
	if o == nil {
		return
	}
	attrs := []attribute.KeyValue{
		AttemptKey.Int(info.Attempt),
		RetryReasonKey.String(info.Reason),
		RetryDelayKey.Float64(info.Delay.Seconds()),
	}
	if info.RetryAfter > 0 {
		attrs = append(attrs, RetryAfterKey.Float64(info.RetryAfter.Seconds()))
	}
	if info.StatusCode > 0 {
		attrs = append(attrs, semconv.HTTPResponseStatusCode(info.StatusCode))
	}
	o.span.AddEvent(RetryEvent, trace.WithAttributes(attrs...))
}

func (in *instrumentation) tokenFetchStart(ctx context.Context, info *axa.TokenFetchStartInfo) context.Context {
	attrs := []attribute.KeyValue{GrantKey.String(info.Grant), TokenBackgroundKey.Bool(info.Background)}
	if len(info.Scopes) > 0 {
		attrs = append(attrs, TokenScopesKey.StringSlice(info.Scopes))
	}
	ctx, span := in.tracer.Start(ctx, TokenFetchSpan, trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(attrs...))
	in.prop.Inject(ctx, headerCarrier{set: info.SetHeader})
	return in.put(ctx, tokenState, &open{span: span, start: time.Now(), attrs: []attribute.KeyValue{GrantKey.String(info.Grant)}})
}

func (in *instrumentation) tokenFetchEnd(ctx context.Context, info axa.TokenFetchEndInfo) {
	o := in.get(ctx, tokenState)
	if o == nil {
		return
	}
	attrs := o.attrs
	if info.Err != nil {
		failed(o.span, info.Err)
		attrs = append(attrs, semconv.ErrorType(info.Err))
	} else {
		o.span.SetAttributes(GrantedScopesKey.StringSlice(info.GrantedScopes), TokenLifetimeKey.Float64(info.Lifetime.Seconds()))
	}
	o.span.End()
	if in.tokenFetches != nil {
		in.tokenFetches.Add(ctx, 1, metric.WithAttributes(attrs...))
	}
	if in.tokenDuration != nil {
		in.tokenDuration.Record(ctx, time.Since(o.start).Seconds(), metric.WithAttributes(attrs...))
	}
}

func (in *instrumentation) cacheHit(ctx context.Context, info axa.CacheHitInfo) {
	if o := in.get(ctx, callState); o != nil {
		o.span.AddEvent(CacheHitEvent, trace.WithAttributes(CacheAgeKey.Float64(info.Age.Seconds()), CacheSharedKey.Bool(info.Shared)))
	}
}

func (in *instrumentation) revalidateStart(ctx context.Context, info axa.CacheRevalidateStartInfo) context.Context {
	ctx, span := in.tracer.Start(ctx, CacheRevalidateSpan, trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithAttributes(OperationIDKey.String(info.Operation), CacheAgeKey.Float64(info.Age.Seconds())))
	return in.put(ctx, revalidateState, &open{span: span, start: time.Now()})
}

func (in *instrumentation) revalidateEnd(ctx context.Context, info axa.CacheRevalidateEndInfo) {
	o := in.get(ctx, revalidateState)
	if o == nil {
		return
	}
	o.span.SetAttributes(CacheNotModifiedKey.Bool(info.NotModified))
	if info.StatusCode > 0 {
		o.span.SetAttributes(semconv.HTTPResponseStatusCode(info.StatusCode))
	}
	if info.Err != nil {
		failed(o.span, info.Err)
	}
	o.span.End()
}
