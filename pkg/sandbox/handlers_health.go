package sandbox

import (
	"context"
	"net/http"

	"github.com/axa-assistance-go/axa/gen/server"
)

// SearchMedicalProviders is a stub (TODO: implement).
func (r *resources) SearchMedicalProviders(_ context.Context, _ server.SearchMedicalProvidersRequestObject) (server.SearchMedicalProvidersResponseObject, error) {
	return nil, errorf(http.StatusNotImplemented, "not_implemented", "SearchMedicalProviders is not implemented yet")
}

// ListProviderKinds is a stub (TODO: implement).
func (r *resources) ListProviderKinds(_ context.Context, _ server.ListProviderKindsRequestObject) (server.ListProviderKindsResponseObject, error) {
	return nil, errorf(http.StatusNotImplemented, "not_implemented", "ListProviderKinds is not implemented yet")
}

// ListProviderSpecialities is a stub (TODO: implement).
func (r *resources) ListProviderSpecialities(_ context.Context, _ server.ListProviderSpecialitiesRequestObject) (server.ListProviderSpecialitiesResponseObject, error) {
	return nil, errorf(http.StatusNotImplemented, "not_implemented", "ListProviderSpecialities is not implemented yet")
}
