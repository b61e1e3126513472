// Command otel traces the SDK's calls with OpenTelemetry through
// pkg/axaotel: each call is a span named by its operationId, with a child
// per attempt (an HTTP client span), per token fetch and per cache
// revalidation, and the W3C traceparent carries the trace to the API.
// Offline, the local sandbox traces its side too (axaotel.ServerMiddleware),
// so that one trace holds both ends of each call. No token, credential or
// body reaches a span.
//
// It lives in its own module so that neither the SDK nor its importers
// compile OpenTelemetry. Without AXA_BASE_URL it starts a local sandbox and
// runs offline, writing the spans to stderr:
//
//	cd examples/otel && go run .
//
// With AXA_BASE_URL, AXA_CLIENT_ID and AXA_CLIENT_SECRET it calls that API.
// In a service, export the spans with OTLP instead of stdouttrace.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"

	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/axaotel"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := traced(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "otel:", err)
		os.Exit(1)
	}
}

// traced sets up a tracer provider exporting to stderr and runs.
func traced(ctx context.Context) (err error) {
	exporter, err := stdouttrace.New(stdouttrace.WithWriter(os.Stderr))
	if err != nil {
		return err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter))
	defer func() {
		if serr := tp.Shutdown(context.WithoutCancel(ctx)); err == nil {
			err = serr // flushes the spans
		}
	}()
	return run(ctx, os.Stdout, os.Getenv, tp)
}

// run lists the countries on w with a client whose calls tp traces;
// getenv reads the AXA_* variables.
func run(ctx context.Context, w io.Writer, getenv func(string) string, tp trace.TracerProvider) error {
	// Without these options, axaotel uses the global provider and
	// propagators (otel.SetTracerProvider, otel.SetTextMapPropagator).
	tracing := []axaotel.Option{axaotel.WithTracerProvider(tp), axaotel.WithPropagators(propagation.TraceContext{})}

	baseURL, clientID, secret := getenv(axa.EnvBaseURL), getenv(axa.EnvClientID), getenv(axa.EnvClientSecret)
	if baseURL == "" {
		sb, err := sandbox.New(sandbox.WithMiddleware(axaotel.ServerMiddleware(tracing...)))
		if err != nil {
			return err
		}
		srv, err := sb.Start("127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		baseURL, clientID, secret = srv.URL(), sandbox.DefaultClientID, sandbox.DefaultClientSecret
	}

	client, err := axa.NewClient(
		axa.WithBaseURL(baseURL),
		axa.WithClientCredentials(clientID, secret),
		axaotel.WithTracing(tracing...), // the one line that matters
		axa.WithoutEnvironment(),        // this program has read the environment itself
	)
	if err != nil {
		return err
	}
	defer client.Close()

	countries, err := client.ListCountries(ctx, nil)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, len(countries), "countries")
	return nil
}
