package axa

import "github.com/axa-assistance-go/axa/gen"

// The five scopes of the API's Quickstart. Calls ask for the one their
// operation needs on their own; name scopes yourself only with WithScopes or
// AuthCodeURL. A scope the spec adds later is a gen.Scope constant
// (string(gen.ScopeX)) and in RequiredScopes before it gets a name here.
const (
	// ScopeCountries reads travel information about countries.
	ScopeCountries = string(gen.ScopeTravelCountriesReadOnly)
	// ScopeAlerts reads health and security alerts.
	ScopeAlerts = string(gen.ScopeTravelCountriesAlertsReadOnly)
	// ScopeQuotes requests travel insurance quotes.
	ScopeQuotes = string(gen.ScopeTravelPoliciesQuoteRequest)
	// ScopePolicies issues travel insurance policies and reads them back.
	ScopePolicies = string(gen.ScopeTravelPoliciesCreationRequest)
	// ScopeHealthProviders searches medical providers.
	ScopeHealthProviders = string(gen.ScopeHealthProvidersReadOnly)
)

// allScopes returns every scope the API declares.
func allScopes() []string {
	var out []string
	for _, s := range gen.AllScopes() {
		out = append(out, string(s))
	}
	return out
}

// RequiredScopes returns the scopes an operation (by its operationId, e.g.
// "getCountry") needs, and whether the API has that operation. An operation
// that needs no token has none.
func RequiredScopes(operationID string) ([]string, bool) {
	op, ok := gen.LookupOperation(gen.OperationID(operationID))
	if !ok || op.AuthorizationServer {
		return nil, false
	}
	return requiredScopes(op), true
}
