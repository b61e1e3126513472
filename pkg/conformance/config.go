package conformance

import (
	"context"
	"errors"
	"net/http"
)

// Config says which server to check and how to get its tokens.
type Config struct {
	// BaseURL is the server's base URL, for example
	// "https://api.axa-assistance.example" or a sandbox's URL.
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
	// Operations, when not empty, limits the run to these operationIds.
	Operations []string
}

// Check runs every check of every operation of the spec against the server
// cfg names and returns the report. The error is for a run that could not
// start (a bad Config, no token at all); a server that breaks the spec is a
// report with failed checks.
func Check(ctx context.Context, cfg Config) (*Report, error) {
	return nil, errors.New("conformance: not implemented yet") // replaced by the run
}
