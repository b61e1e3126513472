// Command connect shows where a client gets its tokens: from the
// authorization server of its environment, on another host than the API,
// as AXA Assistance runs them.
//
// Without AXA_CLIENT_ID it starts a local sandbox whose authorization
// server listens on a port of its own (another origin), asks it for tokens
// by its issuer (RFC 8414 discovery) with the audience it requires, and
// runs offline:
//
//	go run ./examples/connect
//
// With AXA_CLIENT_ID and AXA_CLIENT_SECRET it calls the environment the
// AXA_* variables name: AXA_ENV (production, sandbox, ...), or AXA_BASE_URL
// with AXA_ISSUER or AXA_TOKEN_URL, and AXA_AUDIENCE when the
// authorization server needs one.
package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "connect:", err)
		os.Exit(1)
	}
}

// run lists the countries on w, saying where the tokens came from.
func run(ctx context.Context, w io.Writer, getenv func(string) string) error {
	var opts []axa.Option // with AXA_CLIENT_ID, the SDK reads the AXA_* variables itself
	if getenv(axa.EnvClientID) == "" {
		srv, err := startSandbox()
		if err != nil {
			return err
		}
		defer srv.Close()
		opts = []axa.Option{
			axa.WithoutEnvironment(),
			axa.WithBaseURL(srv.URL()),
			axa.WithAuthorizationServer(axa.AuthorizationServer{Issuer: srv.AuthorizationServerURL()}),
			axa.WithTokenParameters(url.Values{"audience": {"https://apis.axa-assistance.com"}}),
			axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret),
		}
	}
	client, err := axa.NewClient(opts...)
	if err != nil {
		return err
	}
	defer client.Close()

	countries, err := client.ListCountries(ctx, nil)
	if err != nil {
		return err
	}
	as := client.AuthorizationServer()
	fmt.Fprintln(w, "tokens from another origin than the API:", !sameOrigin(client.BaseURL(), as.Issuer+as.TokenURL))
	fmt.Fprintln(w, len(countries), "countries")
	return nil
}

// sameOrigin reports whether u (of the API) and v (of the authorization
// server) have one scheme, host and port.
func sameOrigin(u, v string) bool {
	a, err1 := url.Parse(u)
	b, err2 := url.Parse(v)
	return err1 == nil && err2 == nil && a.Scheme == b.Scheme && a.Host == b.Host
}

// startSandbox runs a local AXA Assistance API on a loopback port, its
// authorization server on another one, which asks every token request for
// the API's audience as an Auth0 tenant does.
func startSandbox() (*sandbox.Server, error) {
	sb, err := sandbox.New(sandbox.WithAuthorizationServerAddr("127.0.0.1:0"), sandbox.WithAudienceRequired())
	if err != nil {
		return nil, err
	}
	return sb.Start("127.0.0.1:0")
}
