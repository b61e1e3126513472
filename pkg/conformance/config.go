package conformance

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/axa-assistance-go/axa/pkg/axa"
)

// Config says which server to check and how to get its tokens.
type Config struct {
	// BaseURL is the server's base URL, for example
	// "https://api.axa-assistance.example" or a sandbox's URL: https, or
	// http to a loopback address only (the run sends bearer tokens there).
	BaseURL string
	// ClientID and ClientSecret are the client credentials the run asks
	// tokens with, one scope at a time; the client must be allowed every
	// scope of the spec.
	ClientID, ClientSecret string
	// AuthorizationServer is the OAuth 2.0 authorization server that issues
	// the server's tokens, which may live on another host than BaseURL (the
	// real API's does): its endpoints, its issuer, or both, as for
	// [axa.WithAuthorizationServer]. An endpoint left empty is found in the
	// issuer's RFC 8414 metadata, which must name that very issuer; no
	// redirect is followed, and every URL is https, or http to a loopback
	// address (the run sends the client secret to the token and revocation
	// endpoints).
	//
	// The zero value is the authorization server the SDK uses for BaseURL
	// (see [axa.Client.AuthorizationServer] of a client built with
	// [axa.WithoutEnvironment] and [axa.WithBaseURL]): that of the spec's
	// environment whose URL BaseURL is (for the local sandbox on any port,
	// its issuer is BaseURL), else the local sandbox's paths (gen.TokenPath
	// and the others) under BaseURL, without an issuer.
	AuthorizationServer axa.AuthorizationServer
	// TokenParameters are added to every token request of the run and to
	// the authorization request: an Auth0 tenant's "audience", an RFC 8707
	// "resource". They come on top of those the spec declares for BaseURL's
	// environment, replacing one of the same name, as
	// [axa.WithTokenParameters] adds them; a parameter the grants send
	// themselves (grant_type, scope, client_id, ...) is refused.
	TokenParameters url.Values
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
// field of a linked body) and the scopes. It asks one token per scope with
// the client credentials grant at the token endpoint of the authorization
// server (Config.AuthorizationServer) and keeps it for the run. The
// authorization server's operations are checked at its endpoints, the API's
// under BaseURL. The client secret goes to the token and revocation
// endpoints only, the tokens to BaseURL's origin only. No token, secret or
// Authorization header appears in the report or in the error.
func Check(ctx context.Context, cfg Config) (*Report, error) {
	r, err := newRunner(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return r.run(ctx)
}
