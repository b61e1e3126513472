package sandbox

import (
	"context"
	"net/http"

	"github.com/axa-assistance-go/axa/gen/server"
)

// ListCountries is a stub (TODO: implement).
func (r *resources) ListCountries(_ context.Context, _ server.ListCountriesRequestObject) (server.ListCountriesResponseObject, error) {
	return nil, errorf(http.StatusNotImplemented, "not_implemented", "ListCountries is not implemented yet")
}

// GetCountry is a stub (TODO: implement).
func (r *resources) GetCountry(_ context.Context, _ server.GetCountryRequestObject) (server.GetCountryResponseObject, error) {
	return nil, errorf(http.StatusNotImplemented, "not_implemented", "GetCountry is not implemented yet")
}

// GetCountryHealth is a stub (TODO: implement).
func (r *resources) GetCountryHealth(_ context.Context, _ server.GetCountryHealthRequestObject) (server.GetCountryHealthResponseObject, error) {
	return nil, errorf(http.StatusNotImplemented, "not_implemented", "GetCountryHealth is not implemented yet")
}

// GetCountrySecurity is a stub (TODO: implement).
func (r *resources) GetCountrySecurity(_ context.Context, _ server.GetCountrySecurityRequestObject) (server.GetCountrySecurityResponseObject, error) {
	return nil, errorf(http.StatusNotImplemented, "not_implemented", "GetCountrySecurity is not implemented yet")
}
