package main

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/axaotel"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// Offline, run prints the count and traces the call: a span named by the
// operationId, its token fetch, and its attempt, the parent of the
// sandbox's server span.
func TestRunOffline(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(t.Context()) })

	var out strings.Builder
	if err := run(t.Context(), &out, func(string) string { return "" }, tp); err != nil {
		t.Fatal(err)
	}
	if out.String() != "249 countries\n" {
		t.Errorf("output: %q", out.String())
	}
	spans := rec.Ended()
	call := find(spans, "listCountries", trace.SpanKindInternal)
	token := find(spans, axaotel.TokenFetchSpan, trace.SpanKindInternal)
	attempt := find(spans, "GET /travel/v1/countries", trace.SpanKindClient)
	server := find(spans, "GET /travel/v1/countries", trace.SpanKindServer)
	if call == nil || token == nil || attempt == nil || server == nil {
		t.Fatalf("among %d spans, the call's %v, token fetch's %v, attempt's %v, server's %v", len(spans), call != nil, token != nil, attempt != nil, server != nil)
	}
	for _, pair := range [][2]sdktrace.ReadOnlySpan{{token, call}, {attempt, call}, {server, attempt}} {
		if pair[0].Parent().SpanID() != pair[1].SpanContext().SpanID() {
			t.Errorf("span %q is not a child of %q", pair[0].Name(), pair[1].Name())
		}
	}
	if !has(attempt.Attributes(), "http.response.status_code", attribute.IntValue(http.StatusOK)) ||
		!slices.ContainsFunc(attempt.Attributes(), func(a attribute.KeyValue) bool {
			return a.Key == "url.full" && strings.HasSuffix(a.Value.AsString(), "/travel/v1/countries")
		}) {
		t.Errorf("the attempt span's attributes %v lack its status or URL", attempt.Attributes())
	}
}

// No span holds the Authorization headers the requests carried: the
// bearer token and the Basic credentials of the token request.
func TestListCountriesIsTracedWithoutSecrets(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(t.Context()) })
	tracing := []axaotel.Option{axaotel.WithTracerProvider(tp), axaotel.WithPropagators(propagation.TraceContext{})}

	sb, err := sandbox.New(sandbox.WithMiddleware(axaotel.ServerMiddleware(tracing...)))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	sent := &authRecorder{next: http.DefaultTransport}
	client, err := axa.NewClient(
		axa.WithBaseURL(srv.URL()),
		axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret),
		axa.WithTransport(sent),
		axaotel.WithTracing(tracing...),
		axa.WithoutEnvironment(),
	)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })

	if _, err := client.ListCountries(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	values := sent.values()
	if len(values) < 2 { // Basic for the token, Bearer for the call
		t.Fatalf("the requests carried %d Authorization headers, want the token request's and the call's", len(values))
	}
	spans := rec.Ended()
	if len(spans) < 5 {
		t.Fatalf("%d spans, want the call's, its token fetch's, its attempt's and the server's", len(spans))
	}
	for _, s := range spans {
		for _, a := range s.Attributes() {
			for _, v := range values {
				if token := v[strings.IndexByte(v, ' ')+1:]; strings.Contains(a.Value.String(), token) {
					t.Errorf("span %q, attribute %s carries the Authorization header %.12s...", s.Name(), a.Key, v)
				}
			}
		}
	}
}

// find returns the span named name of kind kind, or nil.
func find(spans []sdktrace.ReadOnlySpan, name string, kind trace.SpanKind) sdktrace.ReadOnlySpan {
	for _, s := range spans {
		if s.Name() == name && s.SpanKind() == kind {
			return s
		}
	}
	return nil
}

func has(attrs []attribute.KeyValue, key attribute.Key, v attribute.Value) bool {
	return slices.Contains(attrs, attribute.KeyValue{Key: key, Value: v})
}

// authRecorder keeps the Authorization header of every request it sends.
type authRecorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	seen []string
}

func (r *authRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if v := req.Header.Get("Authorization"); v != "" {
		r.mu.Lock()
		r.seen = append(r.seen, v)
		r.mu.Unlock()
	}
	return r.next.RoundTrip(req)
}

func (r *authRecorder) values() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.seen)
}
