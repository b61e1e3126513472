package sandbox

import (
	"context"
	"net/http"

	"github.com/axa-assistance-go/axa/gen/server"
)

// resources implements the generated strict server interface: the API's
// operations over the sandbox's data and store.
type resources struct {
	cfg   *config
	data  *dataset
	store *store
}

// GetVersion is a stub (TODO: implement).
func (r *resources) GetVersion(_ context.Context, _ server.GetVersionRequestObject) (server.GetVersionResponseObject, error) {
	return nil, errorf(http.StatusNotImplemented, "not_implemented", "GetVersion is not implemented yet")
}
