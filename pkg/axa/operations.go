package axa

import (
	"context"
	"net/http"

	"github.com/axa-assistance-go/axa/gen"
)

// This file has one method per operation of api/openapi.yaml. Each asks for
// a token with only the scope its operation needs (see gen.LookupOperation);
// a test fails when the spec has an operation without its method here.

// GetVersion returns the build of the deployed API. It needs no token.
func (c *Client) GetVersion(ctx context.Context) (*Version, error) {
	return ptr(call[Version](ctx, gen.OperationGetVersion, func(ctx context.Context) (*http.Response, error) {
		return c.gen.GetVersion(ctx)
	}))
}

// ListCountries returns every country, sorted by id. params may be nil.
func (c *Client) ListCountries(ctx context.Context, params *ListCountriesParams) (CountryList, error) {
	return call[CountryList](ctx, gen.OperationListCountries, func(ctx context.Context) (*http.Response, error) {
		return c.gen.ListCountries(ctx, params)
	})
}

// GetCountry returns one country's travel information. params may be nil.
func (c *Client) GetCountry(ctx context.Context, countryID CountryID, params *GetCountryParams) (*CountryDetail, error) {
	return ptr(call[CountryDetail](ctx, gen.OperationGetCountry, func(ctx context.Context) (*http.Response, error) {
		return c.gen.GetCountry(ctx, countryID, params)
	}))
}

// GetCountryHealth returns one country's health information. params may be
// nil.
func (c *Client) GetCountryHealth(ctx context.Context, countryID CountryID, params *GetCountryHealthParams) (*CountryHealth, error) {
	return ptr(call[CountryHealth](ctx, gen.OperationGetCountryHealth, func(ctx context.Context) (*http.Response, error) {
		return c.gen.GetCountryHealth(ctx, countryID, params)
	}))
}

// GetCountrySecurity returns one country's security information. params
// may be nil.
func (c *Client) GetCountrySecurity(ctx context.Context, countryID CountryID, params *GetCountrySecurityParams) (*CountrySecurity, error) {
	return ptr(call[CountrySecurity](ctx, gen.OperationGetCountrySecurity, func(ctx context.Context) (*http.Response, error) {
		return c.gen.GetCountrySecurity(ctx, countryID, params)
	}))
}

// ListAlerts returns the latest alerts worldwide. params may be nil.
func (c *Client) ListAlerts(ctx context.Context, params *ListAlertsParams) (*WorldwideAlerts, error) {
	return ptr(call[WorldwideAlerts](ctx, gen.OperationListAlerts, func(ctx context.Context) (*http.Response, error) {
		return c.gen.ListAlerts(ctx, params)
	}))
}

// ListCountryAlerts returns the latest alerts for one country. params may be
// nil.
func (c *Client) ListCountryAlerts(ctx context.Context, countryID CountryID, params *ListCountryAlertsParams) (*CountryAlerts, error) {
	return ptr(call[CountryAlerts](ctx, gen.OperationListCountryAlerts, func(ctx context.Context) (*http.Response, error) {
		return c.gen.ListCountryAlerts(ctx, countryID, params)
	}))
}

// RequestQuote prices a trip. params may be nil; when its IdempotencyKey is
// empty the client makes one, and sends that same key on every attempt.
func (c *Client) RequestQuote(ctx context.Context, body QuoteRequest, params *RequestQuoteParams) (*Quote, error) {
	p := RequestQuoteParams{}
	if params != nil {
		p = *params
	}
	p.IdempotencyKey = idempotencyKey(p.IdempotencyKey)
	return ptr(call[Quote](ctx, gen.OperationRequestQuote, func(ctx context.Context) (*http.Response, error) {
		return c.gen.RequestQuote(ctx, &p, body)
	}))
}

// CreatePolicy issues a policy from a quote. params may be nil; when its
// IdempotencyKey is empty the client makes one and sends it on every
// attempt. To be safe across restarts of your process, derive the key from
// your own booking id: the API then answers the policy already issued
// instead of issuing a second one.
func (c *Client) CreatePolicy(ctx context.Context, body PolicyRequest, params *CreatePolicyParams) (*Policy, error) {
	p := CreatePolicyParams{}
	if params != nil {
		p = *params
	}
	p.IdempotencyKey = idempotencyKey(p.IdempotencyKey)
	return ptr(call[Policy](ctx, gen.OperationCreatePolicy, func(ctx context.Context) (*http.Response, error) {
		return c.gen.CreatePolicy(ctx, &p, body)
	}))
}

// GetPolicy reads a policy back by its id.
func (c *Client) GetPolicy(ctx context.Context, policyID UUID) (*Policy, error) {
	return ptr(call[Policy](ctx, gen.OperationGetPolicy, func(ctx context.Context) (*http.Response, error) {
		return c.gen.GetPolicy(ctx, policyID)
	}))
}

// SearchMedicalProviders returns the medical providers near a point,
// nearest first.
func (c *Client) SearchMedicalProviders(ctx context.Context, params SearchMedicalProvidersParams) (MedicalProviderList, error) {
	return call[MedicalProviderList](ctx, gen.OperationSearchMedicalProviders, func(ctx context.Context) (*http.Response, error) {
		return c.gen.SearchMedicalProviders(ctx, &params)
	})
}

// ListProviderKinds returns the kinds of medical provider. params may be nil.
func (c *Client) ListProviderKinds(ctx context.Context, params *ListProviderKindsParams) (ProviderKindList, error) {
	return call[ProviderKindList](ctx, gen.OperationListProviderKinds, func(ctx context.Context) (*http.Response, error) {
		return c.gen.ListProviderKinds(ctx, params)
	})
}

// ListProviderSpecialities returns the medical specialities. params may be
// nil.
func (c *Client) ListProviderSpecialities(ctx context.Context, params *ListProviderSpecialitiesParams) (ProviderSpecialityList, error) {
	return call[ProviderSpecialityList](ctx, gen.OperationListProviderSpecialities, func(ctx context.Context) (*http.Response, error) {
		return c.gen.ListProviderSpecialities(ctx, params)
	})
}
