package resources

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/gen/server"
	"github.com/axa-assistance-go/axa/pkg/sandbox/data"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/apierr"
)

// The defaults of a medical provider search, from the spec: the validator
// enforces its bounds and enums, and leaves the defaults to the handler.
var (
	defaultSearchRadius = searchDefault("radius")
	defaultSearchLimit  = searchDefault("limit")
)

// searchDefault returns the spec's default of a parameter of
// searchMedicalProviders.
func searchDefault(name string) int {
	doc, _ := gen.LookupOperationDoc(gen.OperationSearchMedicalProviders)
	for _, p := range doc.Parameters {
		if p.Name == name {
			if n, err := strconv.Atoi(p.Default); err == nil {
				return n
			}
		}
	}
	panic("sandbox: the spec gives no integer default to the parameter " + name + " of searchMedicalProviders")
}

// providersLanguage is the language of provider answers: names and
// addresses are the providers' own, not translated.
const providersLanguage = "en"

// SearchMedicalProviders answers the providers within radius metres of a
// point (great-circle distance), of a kind and speciality if asked, nearest
// first.
func (r *Resources) SearchMedicalProviders(_ context.Context, req server.SearchMedicalProvidersRequestObject) (server.SearchMedicalProvidersResponseObject, error) {
	p := req.Params
	// The validator refused coordinates, a radius or a limit out of the
	// spec's bounds and a kind out of its enum: what is left is the
	// sandbox's own knowledge, its specialities.
	q := data.ProviderQuery{Lat: p.Lat, Lng: p.Lng, Radius: float64(defaultSearchRadius), Limit: defaultSearchLimit}
	if p.Radius != nil {
		q.Radius = float64(*p.Radius)
	}
	if p.Limit != nil {
		q.Limit = int(*p.Limit)
	}
	if p.Kind != nil {
		q.Kind = *p.Kind
	}
	if p.Speciality != nil {
		if !knownSpeciality(*p.Speciality) {
			return nil, &apierr.StatusError{Status: http.StatusBadRequest, Code: "invalid_request",
				Description: fmt.Sprintf("unknown speciality %q: see /health/v1/medical_providers/specialities", *p.Speciality),
				Problems:    []gen.Problem{{Location: "query/speciality", Message: "must be an id of /health/v1/medical_providers/specialities"}}}
		}
		q.Speciality = *p.Speciality
	}
	lang := providersLanguage
	return server.SearchMedicalProviders200JSONResponse{
		Body:    r.data.SearchProviders(q),
		Headers: server.SearchMedicalProviders200ResponseHeaders{ContentLanguage: &lang},
	}, nil
}

// ListProviderKinds answers the kinds of medical provider, labelled in the
// language of Accept-Language.
func (r *Resources) ListProviderKinds(_ context.Context, req server.ListProviderKindsRequestObject) (server.ListProviderKindsResponseObject, error) {
	i, lang := r.data.Language(req.Params.AcceptLanguage)
	return r.answer(answerKey{op: gen.OperationListProviderKinds, lang: i}, timeless, req.Params.IfNoneMatch, func(time.Time) (any, string) {
		out := make([]gen.ProviderKind, 0, len(data.ProviderKinds))
		for _, k := range data.ProviderKinds {
			out = append(out, gen.ProviderKind{ID: k.ID, Label: k.Labels[i]})
		}
		return out, lang
	})
}

// ListProviderSpecialities answers the medical specialities, labelled in
// the language of Accept-Language.
func (r *Resources) ListProviderSpecialities(_ context.Context, req server.ListProviderSpecialitiesRequestObject) (server.ListProviderSpecialitiesResponseObject, error) {
	i, lang := r.data.Language(req.Params.AcceptLanguage)
	return r.answer(answerKey{op: gen.OperationListProviderSpecialities, lang: i}, timeless, req.Params.IfNoneMatch, func(time.Time) (any, string) {
		out := make([]gen.ProviderSpeciality, 0, len(data.Specialities))
		for _, s := range data.Specialities {
			out = append(out, gen.ProviderSpeciality{ID: s.ID, Label: s.Labels[i]})
		}
		return out, lang
	})
}

// knownSpeciality reports whether id is one of the specialities.
func knownSpeciality(id string) bool {
	for _, s := range data.Specialities {
		if s.ID == id {
			return true
		}
	}
	return false
}
