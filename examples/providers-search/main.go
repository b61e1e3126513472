// Command providers-search finds medical providers near a point, nearest
// first, optionally of one kind.
//
// Without AXA_BASE_URL it starts a local sandbox and runs offline:
//
//	go run ./examples/providers-search -lat 48.8566 -lng 2.3522 -kind hospital
//
// With AXA_BASE_URL, AXA_CLIENT_ID and AXA_CLIENT_SECRET it calls that API.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

func main() {
	var search axa.SearchMedicalProvidersParams
	flag.Float64Var(&search.Lat, "lat", 48.8566, "latitude of the point, in decimal degrees")
	flag.Float64Var(&search.Lng, "lng", 2.3522, "longitude of the point, in decimal degrees")
	kind := flag.String("kind", "", "only providers of this kind (e.g. hospital, pharmacy); empty: all")
	flag.Parse()
	if *kind != "" {
		search.Kind = ptr(axa.ProviderKindID(*kind))
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, os.Getenv, search); err != nil {
		fmt.Fprintln(os.Stderr, "providers-search:", err)
		os.Exit(1)
	}
}

// run lists on w the providers that search finds; getenv reads the AXA_*
// variables.
func run(ctx context.Context, w io.Writer, getenv func(string) string, search axa.SearchMedicalProvidersParams) error {
	baseURL, clientID, secret := getenv(axa.EnvBaseURL), getenv(axa.EnvClientID), getenv(axa.EnvClientSecret)
	if baseURL == "" {
		srv, err := startSandbox()
		if err != nil {
			return err
		}
		defer srv.Close()
		baseURL, clientID, secret = srv.URL(), sandbox.DefaultClientID, sandbox.DefaultClientSecret
	}
	client, err := axa.NewClient(
		axa.WithBaseURL(baseURL),
		axa.WithClientCredentials(clientID, secret),
		axa.WithoutEnvironment(), // this program has read the environment itself
	)
	if err != nil {
		return err
	}
	defer client.Close()

	providers, err := client.SearchMedicalProviders(ctx, &search)
	if err != nil {
		return err
	}
	for _, p := range providers {
		preferred := ""
		if p.AXAPreferred {
			preferred = " (AXA preferred)"
		}
		fmt.Fprintf(w, "%6.0f m  %-20s %s, %s%s\n", p.Position.DistanceInMeters, p.Kind, p.Name, p.Address.City, preferred)
	}
	fmt.Fprintln(w, len(providers), "providers")
	return nil
}

func ptr[T any](v T) *T { return &v }

// startSandbox runs a local AXA Assistance API on a loopback port.
func startSandbox() (*sandbox.Server, error) {
	sb, err := sandbox.New()
	if err != nil {
		return nil, err
	}
	return sb.Start("127.0.0.1:0")
}
