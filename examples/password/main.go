// Command password calls the AXA Assistance API for a user whose username
// and password the application holds: the OAuth2 resource owner password
// credentials grant. RFC 9700 says this grant must not be used, as it hands
// the user's password to the application; prefer the authorization code
// grant (see ../authorization-code). It is shown because the API offers it.
//
// Without AXA_BASE_URL it starts a local sandbox and runs offline:
//
//	go run ./examples/password
//
// With AXA_BASE_URL it calls that API as the user AXA_USERNAME
// (password AXA_PASSWORD), with AXA_CLIENT_ID and AXA_CLIENT_SECRET.
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
		fmt.Fprintln(os.Stderr, "password:", err)
		os.Exit(1)
	}
}

// run gets a token for the user and lists the countries on w; getenv reads
// the AXA_* variables.
func run(ctx context.Context, w io.Writer, getenv func(string) string) error {
	baseURL, clientID, secret := getenv(axa.EnvBaseURL), getenv(axa.EnvClientID), getenv(axa.EnvClientSecret)
	username, password := getenv("AXA_USERNAME"), getenv("AXA_PASSWORD")
	if baseURL == "" {
		srv, err := startSandbox()
		if err != nil {
			return err
		}
		defer srv.Close()
		baseURL, clientID, secret = srv.URL(), sandbox.DefaultClientID, sandbox.DefaultClientSecret
		username, password = sandbox.DefaultUsername, sandbox.DefaultPassword
	}

	client, err := axa.NewClient(
		axa.WithBaseURL(baseURL),
		axa.WithPassword(clientID, secret, username, password),
		axa.WithoutEnvironment(), // this program has read the environment itself
	)
	if err != nil {
		return err
	}
	defer client.Close()

	// The calls fetch their tokens themselves; Token is for code that needs
	// one (it prints its secrets as [REDACTED]).
	tok, err := client.Token(ctx, axa.ScopeCountries)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "granted:", tok.Scopes())

	countries, err := client.ListCountries(ctx, nil)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, len(countries), "countries")
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
