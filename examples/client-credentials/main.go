// Command client-credentials lists the countries of the AXA Assistance API
// as a service does: with its own client credentials (the OAuth2 client
// credentials grant).
//
// Without AXA_BASE_URL it starts a local sandbox and runs offline:
//
//	go run ./examples/client-credentials
//
// With AXA_BASE_URL, AXA_CLIENT_ID and AXA_CLIENT_SECRET it calls that API.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "client-credentials:", err)
		os.Exit(1)
	}
}

// run lists the countries on w; getenv reads the AXA_* variables.
func run(ctx context.Context, w io.Writer, getenv func(string) string) error {
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

	countries, err := client.ListCountries(ctx, nil)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, len(countries), "countries")
	for _, c := range countries[:min(3, len(countries))] {
		fmt.Fprintln(w, c.ID, c.Label)
	}
	return nil
}

// startSandbox runs a local AXA Assistance API on a loopback port.
func startSandbox() (*sandbox.Server, error) {
	sb, err := sandbox.New()
	if err != nil {
		return nil, err
	}
	return sb.Start("127.0.0.1:0")
}
