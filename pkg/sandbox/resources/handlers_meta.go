// Package resources is the API of the sandbox: the handlers of the
// generated strict server (gen/server) over the reference data (package
// data) and an in-memory store of quotes, policies and idempotency
// records. Requests reach them validated (package validate), with their
// verified token in the request's state (internal/reqctx); a handler
// checks only what the spec cannot say (a country that exists, a quote of
// the caller's). An operation of the spec without a handler answers its
// spec example (fallback.gen.go, generated).
//
//	handlers_meta.go       Config, Resources, New; GET /version
//	handlers_countries.go  the countries
//	handlers_alerts.go     the alerts
//	handlers_health.go     the medical providers
//	handlers_policies.go   quotes and policies, idempotency, owners
//	conditional.go         reference answers encoded once, ETag, If-None-Match, 304
//	store.go               the store
//	fallback.go            the spec's example answers (fallback.gen.go)
package resources

import (
	"context"
	"time"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/gen/server"
	"github.com/axa-assistance-go/axa/pkg/sandbox/data"
)

// Config is what the resources need to know of the sandbox.
type Config struct {
	// Now is the clock.
	Now func() time.Time
	// QuoteLifetime is how long a quote can be turned into a policy.
	QuoteLifetime time.Duration
	// Audience is the API's base URL, under which policy documents are.
	Audience string
	// BuiltAt and Commit are what GET /version answers.
	BuiltAt time.Time
	Commit  string
}

// Resources implements the generated strict server interface: the API's
// operations over the sandbox's data and store. An operation of the spec
// without a handler here answers its spec example (exampleAnswers, in
// fallback.gen.go) until one is written.
type Resources struct {
	exampleAnswers // promotes the example answer of an operation without a handler (none today)
	cfg            Config
	data           *data.Dataset
	store          *store
	answers        *answerCache // the reference answers, encoded (conditional.go)
}

var _ server.StrictServerInterface = (*Resources)(nil)

// New returns the resources over d, with an empty store.
func New(cfg Config, d *data.Dataset) *Resources {
	r := &Resources{cfg: cfg, data: d, store: newStore(), answers: &answerCache{}}
	r.exampleAnswers = exampleAnswers{idem: r.idempotentExample}
	return r
}

// Reset forgets every quote, policy and idempotency record, for
// benchmarks that must not let the store grow with their iterations.
func (r *Resources) Reset() { r.store.reset() }

// IssuedPolicies returns every policy issued, whoever owns it, for tests
// that audit what the sandbox did.
func (r *Resources) IssuedPolicies() []gen.Policy { return r.store.allPolicies() }

// versionPackage is what GET /version answers as the deployed package.
const versionPackage = "github.com/axa-assistance-go/axa/pkg/sandbox"

// GetVersion answers when and from which commit the sandbox was built
// (WithBuildInfo, or the Go build information).
func (r *Resources) GetVersion(_ context.Context, _ server.GetVersionRequestObject) (server.GetVersionResponseObject, error) {
	pkg := versionPackage
	return server.GetVersion200JSONResponse{BuiltAt: r.cfg.BuiltAt.UTC(), CommitSHA: r.cfg.Commit, Package: &pkg}, nil
}
