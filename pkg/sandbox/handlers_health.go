package sandbox

import (
	"context"
	"net/http"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/gen/server"
)

// Defaults and bounds of a medical provider search, as the spec has them.
const (
	defaultSearchRadius = 5000
	defaultSearchLimit  = 20
	minSearchRadius     = 100
	maxSearchRadius     = 50000
	maxSearchLimit      = 100
)

// providersLanguage is the language of provider answers: names and
// addresses are the providers' own, not translated.
const providersLanguage = "en"

// SearchMedicalProviders answers the providers within radius metres of a
// point (great-circle distance), of a kind and speciality if asked, nearest
// first.
func (r *resources) SearchMedicalProviders(_ context.Context, req server.SearchMedicalProvidersRequestObject) (server.SearchMedicalProvidersResponseObject, error) {
	p := req.Params
	q := providerQuery{lat: p.Lat, lng: p.Lng, radius: defaultSearchRadius, limit: defaultSearchLimit}
	if p.Lat < -90 || p.Lat > 90 || p.Lng < -180 || p.Lng > 180 {
		return nil, errorf(http.StatusBadRequest, "invalid_request", "lat must be between -90 and 90 and lng between -180 and 180")
	}
	if p.Radius != nil {
		if *p.Radius < minSearchRadius || *p.Radius > maxSearchRadius {
			return nil, errorf(http.StatusBadRequest, "invalid_request", "radius must be between %d and %d metres", minSearchRadius, maxSearchRadius)
		}
		q.radius = float64(*p.Radius)
	}
	if p.Limit != nil {
		if *p.Limit < 1 || *p.Limit > maxSearchLimit {
			return nil, errorf(http.StatusBadRequest, "invalid_request", "limit must be between 1 and %d", maxSearchLimit)
		}
		q.limit = int(*p.Limit)
	}
	if p.Kind != nil {
		if !p.Kind.Valid() {
			return nil, errorf(http.StatusBadRequest, "invalid_request", "unknown provider kind %q", *p.Kind)
		}
		q.kind = *p.Kind
	}
	if p.Speciality != nil {
		if !knownSpeciality(*p.Speciality) {
			return nil, errorf(http.StatusBadRequest, "invalid_request", "unknown speciality %q: see /health/v1/medical_providers/specialities", *p.Speciality)
		}
		q.speciality = *p.Speciality
	}
	lang := providersLanguage
	return server.SearchMedicalProviders200JSONResponse{
		Body:    r.data.searchProviders(q),
		Headers: server.SearchMedicalProviders200ResponseHeaders{ContentLanguage: &lang},
	}, nil
}

// ListProviderKinds answers the kinds of medical provider, labelled in the
// language of Accept-Language.
func (r *resources) ListProviderKinds(_ context.Context, req server.ListProviderKindsRequestObject) (server.ListProviderKindsResponseObject, error) {
	i, lang := r.data.language(req.Params.AcceptLanguage)
	out := make([]gen.ProviderKind, 0, len(providerKinds))
	for _, k := range providerKinds {
		out = append(out, gen.ProviderKind{ID: k.id, Label: k.labels[i]})
	}
	return server.ListProviderKinds200JSONResponse{Body: out, Headers: server.ListProviderKinds200ResponseHeaders{ContentLanguage: &lang}}, nil
}

// ListProviderSpecialities answers the medical specialities, labelled in
// the language of Accept-Language.
func (r *resources) ListProviderSpecialities(_ context.Context, req server.ListProviderSpecialitiesRequestObject) (server.ListProviderSpecialitiesResponseObject, error) {
	i, lang := r.data.language(req.Params.AcceptLanguage)
	out := make([]gen.ProviderSpeciality, 0, len(specialities))
	for _, s := range specialities {
		out = append(out, gen.ProviderSpeciality{ID: s.id, Label: s.labels[i]})
	}
	return server.ListProviderSpecialities200JSONResponse{Body: out, Headers: server.ListProviderSpecialities200ResponseHeaders{ContentLanguage: &lang}}, nil
}

// knownSpeciality reports whether id is one of the specialities.
func knownSpeciality(id string) bool {
	for _, s := range specialities {
		if s.id == id {
			return true
		}
	}
	return false
}
