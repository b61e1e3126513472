package sandbox

import (
	"context"

	"github.com/axa-assistance-go/axa/gen/server"
)

// resources implements the generated strict server interface: the API's
// operations over the sandbox's data and store. An operation of the spec
// without a handler here answers its spec example (exampleAnswers, in
// fallback.gen.go) until one is written.
type resources struct {
	exampleAnswers //nolint:unused // promotes the example answer of an operation without a handler (none today)
	cfg            *config
	data           *Dataset
	store          *store
}

// versionPackage is what GET /version answers as the deployed package.
const versionPackage = "github.com/axa-assistance-go/axa/pkg/sandbox"

// GetVersion answers when and from which commit the sandbox was built
// (WithBuildInfo, or the Go build information).
func (r *resources) GetVersion(_ context.Context, _ server.GetVersionRequestObject) (server.GetVersionResponseObject, error) {
	pkg := versionPackage
	return server.GetVersion200JSONResponse{BuiltAt: r.cfg.builtAt.UTC(), CommitSha: r.cfg.commit, Package: &pkg}, nil
}
