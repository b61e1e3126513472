package sandbox

import (
	"context"
	"net/http"

	"github.com/axa-assistance-go/axa/gen/server"
)

// ListAlerts is a stub (TODO: implement).
func (r *resources) ListAlerts(_ context.Context, _ server.ListAlertsRequestObject) (server.ListAlertsResponseObject, error) {
	return nil, errorf(http.StatusNotImplemented, "not_implemented", "ListAlerts is not implemented yet")
}

// ListCountryAlerts is a stub (TODO: implement).
func (r *resources) ListCountryAlerts(_ context.Context, _ server.ListCountryAlertsRequestObject) (server.ListCountryAlertsResponseObject, error) {
	return nil, errorf(http.StatusNotImplemented, "not_implemented", "ListCountryAlerts is not implemented yet")
}
