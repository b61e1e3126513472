package axaotel_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/axaotel"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// A client traced with WithTracing, against a local sandbox traced with
// ServerMiddleware: one trace holds the call (named by its operationId),
// its token fetch and its attempt, and under each the sandbox's span,
// linked by the W3C traceparent. A service exports the spans (OTLP)
// instead of recording them.
func ExampleWithTracing() {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	tracing := []axaotel.Option{axaotel.WithTracerProvider(tp), axaotel.WithPropagators(propagation.TraceContext{})}

	sb, err := sandbox.New(sandbox.WithMiddleware(axaotel.ServerMiddleware(tracing...)))
	if err != nil {
		log.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	client, err := axa.NewClient(
		axa.WithBaseURL(srv.URL()),
		axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret),
		axa.WithoutEnvironment(),
		axaotel.WithTracing(tracing...),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	if _, err := client.GetCountry(context.Background(), "fr", nil); err != nil {
		log.Fatal(err)
	}

	// The spans as a tree, in the order they started.
	started := spans.Started()
	var print func(parent sdktrace.ReadOnlySpan, depth int)
	print = func(parent sdktrace.ReadOnlySpan, depth int) {
		for _, s := range started {
			if s.Parent().SpanID() == parent.SpanContext().SpanID() {
				fmt.Printf("%s%s (%s)\n", strings.Repeat("  ", depth), s.Name(), s.SpanKind())
				print(s, depth+1)
			}
		}
	}
	fmt.Printf("%s (%s)\n", started[0].Name(), started[0].SpanKind())
	print(started[0], 1)
	// Output:
	// getCountry (internal)
	//   axa.token.fetch (internal)
	//     POST /auth/v1/token (server)
	//   GET /travel/v1/countries/{country_id} (client)
	//     GET /travel/v1/countries/{country_id} (server)
}
