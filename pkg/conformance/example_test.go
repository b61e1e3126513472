package conformance_test

import (
	"context"
	"fmt"
	"log"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/axatest"
	"github.com/axa-assistance-go/axa/pkg/conformance"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// Run in a test of your own: every operation of the spec is a subtest, every
// failed check an error. Here the server is a sandbox from axatest; put
// your server's URL and client credentials instead.
func TestRunAgainstAxatest(t *testing.T) {
	env := axatest.New(t, sandbox.WithClock(func() time.Time { return specDay }))
	rep := conformance.Run(t, conformance.Config{
		BaseURL:      env.URL,
		ClientID:     sandbox.DefaultClientID,
		ClientSecret: sandbox.DefaultClientSecret,
	})
	if len(rep.Operations) == 0 {
		t.Fatal("no operation checked")
	}
}

// Check a server and read the report: here a sandbox on loopback, where the
// POSTs run too.
func ExampleCheck() {
	sb, err := sandbox.New(sandbox.WithClock(func() time.Time { return time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC) }))
	if err != nil {
		log.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = srv.Shutdown(context.Background()) }()

	rep, err := conformance.Check(context.Background(), conformance.Config{
		BaseURL:      srv.URL(),
		ClientID:     sandbox.DefaultClientID,
		ClientSecret: sandbox.DefaultClientSecret,
		Operations:   []string{"requestQuote", "createPolicy", "getPolicy"},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, op := range rep.Operations {
		fmt.Printf("%s: %d checks, %d failed\n", op.ID, len(op.Checks), op.Failed())
	}
	// Output:
	// createPolicy: 9 checks, 0 failed
	// getPolicy: 7 checks, 0 failed
	// requestQuote: 9 checks, 0 failed
}

// Check a server whose authorization server is on another host, as the real
// API's is: give its issuer, and the run finds its endpoints in the
// issuer's metadata (RFC 8414), gets its tokens there and checks the
// authorization server's operations there. Here a sandbox with its
// authorization server on a listener of its own.
func ExampleCheck_authorizationServer() {
	sb, err := sandbox.New(sandbox.WithAuthorizationServerAddr("127.0.0.1:0"))
	if err != nil {
		log.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = srv.Shutdown(context.Background()) }()

	rep, err := conformance.Check(context.Background(), conformance.Config{
		BaseURL:             srv.URL(),
		ClientID:            sandbox.DefaultClientID,
		ClientSecret:        sandbox.DefaultClientSecret,
		AuthorizationServer: axa.AuthorizationServer{Issuer: srv.AuthorizationServerURL()},
		Operations:          []string{"getAuthorizationServerMetadata", "listCountries", "requestToken"},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, op := range rep.Operations {
		fmt.Printf("%s %s: %d checks, %d failed\n", op.Method, op.Path, len(op.Checks), op.Failed())
	}
	// Output:
	// GET /.well-known/oauth-authorization-server: 2 checks, 0 failed
	// GET /travel/v1/countries: 7 checks, 0 failed
	// POST /auth/v1/token: 3 checks, 0 failed
}
