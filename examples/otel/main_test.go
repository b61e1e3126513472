package main

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

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
	if findSpan(spans, http.MethodPost, "/auth/v1/token", http.StatusOK) == nil {
		t.Errorf("no client span of the token request among %d spans", len(spans))
	}
	if findSpan(spans, http.MethodGet, "/travel/v1/countries", http.StatusOK) == nil {
		t.Errorf("no client span of the countries request among %d spans", len(spans))
	}
}

// The otelhttp transport records a client span per request, with its
// method and status, and no Authorization header in any attribute.
func TestListCountriesIsTracedWithoutSecrets(t *testing.T) {
	sb, err := sandbox.New()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })

	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(t.Context()) })
	sent := &authRecorder{next: http.DefaultTransport}
	client, err := axa.NewClient(
		axa.WithBaseURL(srv.URL()),
		axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret),
		axa.WithTransport(otelhttp.NewTransport(sent, otelhttp.WithTracerProvider(tp))),
		axa.WithoutEnvironment(),
	)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })

	if _, err := client.ListCountries(t.Context(), nil); err != nil {
		t.Fatal(err)
	}

	spans := rec.Ended()
	if findSpan(spans, http.MethodGet, "/travel/v1/countries", http.StatusOK) == nil {
		t.Fatalf("no client span for GET /travel/v1/countries with status 200 among %d spans", len(spans))
	}
	values := sent.values()
	if len(values) < 2 { // Basic for the token, Bearer for the call
		t.Fatalf("the requests carried %d Authorization headers, want the token request's and the call's", len(values))
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

// findSpan returns the client span of the request method path that
// answered status, or nil.
func findSpan(spans []sdktrace.ReadOnlySpan, method, path string, status int) sdktrace.ReadOnlySpan {
	for _, s := range spans {
		attrs := s.Attributes()
		if s.SpanKind() == trace.SpanKindClient &&
			has(attrs, "http.request.method", attribute.StringValue(method)) &&
			has(attrs, "http.response.status_code", attribute.IntValue(status)) &&
			slices.ContainsFunc(attrs, func(a attribute.KeyValue) bool {
				return a.Key == "url.full" && strings.HasSuffix(a.Value.AsString(), path)
			}) {
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
