package conformance_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/gen"
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
	// One check per other scope of the API: a token of that scope alone is
	// refused 403. Their number grows with the spec's scopes.
	otherScopes := len(gen.AllScopes()) - 1
	for _, op := range rep.Operations {
		var names []string
		scopeChecks := 0
		for _, c := range op.Checks {
			if strings.HasPrefix(c.Name, "scope ") {
				scopeChecks++
				continue
			}
			names = append(names, c.Name)
		}
		fmt.Printf("%s: %d failed; %s; a check of each other scope: %t\n",
			op.ID, op.Failed(), strings.Join(names, ", "), scopeChecks == otherScopes)
	}
	fmt.Printf("%d failed in all\n", rep.Failed())
	// Output:
	// createPolicy: 0 failed; response, no token, tampered token, idempotent replay, key reused with another body; a check of each other scope: true
	// getPolicy: 0 failed; response, no token, tampered token; a check of each other scope: true
	// requestQuote: 0 failed; response, no token, tampered token, idempotent replay, key reused with another body; a check of each other scope: true
	// 0 failed in all
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
		var checks []string
		for _, c := range op.Checks {
			if !strings.HasPrefix(c.Name, "scope ") { // one per other scope of the API
				checks = append(checks, c.Name+" "+string(c.Outcome))
			}
		}
		fmt.Printf("%s %s: %d failed; %s\n", op.Method, op.Path, op.Failed(), strings.Join(checks, ", "))
	}
	// Output:
	// GET /.well-known/oauth-authorization-server: 0 failed; response pass, security skip
	// GET /travel/v1/countries: 0 failed; response pass, no token pass, tampered token pass
	// POST /auth/v1/token: 0 failed; response pass, no credentials pass, wrong credentials pass
}
