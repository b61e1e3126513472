package axaotel

import (
	"net/http"
	"strconv"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/httpstatus"
)

// ServerMiddleware traces the server's side of the API: a server span per
// request, a child of the trace context its headers carry (the attempt
// span of a client traced by [Observer]), named by the HTTP method and the
// operation's path template ("GET /travel/v1/countries/{country_id}"),
// with [OperationIDKey], [RequestIDKey] (the answer's X-Request-Id) and the
// HTTP server convention's http.request.method, url.path, http.route and
// http.response.status_code; a 5xx answer is an error. The operation is
// the one gen.MatchOperation maps the request to, as the sandbox does;
// neither headers nor the query nor the body are recorded.
//
// Give it to the local sandbox with sandbox.WithMiddleware, so that one
// trace holds both ends of each call:
//
//	sb, err := sandbox.New(sandbox.WithMiddleware(axaotel.ServerMiddleware()))
func ServerMiddleware(opts ...Option) func(http.Handler) http.Handler {
	c := newConfig(opts)
	tracer := c.tp.Tracer(ScopeName, trace.WithSchemaURL(semconv.SchemaURL))
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := c.prop.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
			attrs := []attribute.KeyValue{
				semconv.HTTPRequestMethodKey.String(r.Method),
				semconv.URLPath(r.URL.Path),
			}
			name := r.Method
			if id, _, ok := gen.MatchOperation(r.Method, r.URL.EscapedPath()); ok {
				op, _ := gen.LookupOperation(id)
				name += " " + op.Path
				attrs = append(attrs, semconv.HTTPRoute(op.Path), OperationIDKey.String(string(id)))
			}
			ctx, span := tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(attrs...))
			sw := &httpstatus.Recorder{ResponseWriter: w}
			defer func() {
				status := sw.Status
				if status == 0 {
					status = http.StatusOK
				}
				if p := recover(); p != nil {
					span.SetStatus(codes.Error, "panic")
					span.End()
					panic(p)
				}
				span.SetAttributes(semconv.HTTPResponseStatusCode(status))
				if id := w.Header().Get("X-Request-Id"); id != "" {
					span.SetAttributes(RequestIDKey.String(id))
				}
				if status >= 500 {
					span.SetAttributes(semconv.ErrorTypeKey.String(strconv.Itoa(status)))
					span.SetStatus(codes.Error, "")
				}
				span.End()
			}()
			next.ServeHTTP(sw, r.WithContext(ctx))
		})
	}
}
