package conformance

import (
	"context"
	"net/http"
	"time"
)

// Config says which server to check and how to get its tokens.
type Config struct {
	// BaseURL is the server's base URL, for example
	// "https://api.axa-assistance.example" or a sandbox's URL: https, or
	// http to a loopback address only (the run sends the client secret).
	BaseURL string
	// ClientID and ClientSecret are the client credentials the run asks
	// tokens with, one scope at a time; the client must be allowed every
	// scope of the spec.
	ClientID, ClientSecret string
	// AllowWrites lets the run call the operations that create resources
	// (POSTs) on a server that is not on a loopback address; without it
	// they are skipped there. On a loopback server they always run.
	AllowWrites bool
	// Transport carries the requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Now is the run's clock, from which the trip dates of the spec's
	// examples (x-relative-date) are moved to start tomorrow; nil means
	// time.Now.
	Now func() time.Time
	// Operations, when not empty, limits the report to these operationIds
	// (one the spec lacks is an error); the operations they take a
	// resource from, through the spec's links, still run.
	Operations []string
}

// Check runs every check of every operation of the spec against the server
// cfg names and returns the report. The error is for a run that could not
// start (a bad Config, no token at all); a server that breaks the spec is a
// report with failed checks.
//
// The run reads everything from the spec: the operations (in operationId
// order), valid inputs (examples, enums, defaults, else values generated
// from the schemas), the resources an operation needs (the links of the
// spec's responses, including the x-request-body-fields extension for a
// field of a linked body), the scopes and the token endpoint. It asks one
// token per scope with the client credentials grant and keeps it for the
// run. No token, secret or Authorization header appears in the report or
// in the error.
func Check(ctx context.Context, cfg Config) (*Report, error) {
	r, err := newRunner(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return r.run(ctx)
}
