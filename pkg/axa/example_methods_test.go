package axa_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// sandboxClient returns a client of the sandbox api with the sandbox's
// client credentials; with real credentials, leave out WithBaseURL and the
// client calls production.
func sandboxClient(api *sandbox.Server) *axa.Client {
	client, err := axa.NewClient(
		axa.WithBaseURL(api.URL()), // omit for production
		axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret),
		axa.WithoutEnvironment(),
	)
	if err != nil {
		log.Fatal(err)
	}
	return client
}

// Every country the API has travel information about, labels in the
// language asked for.
func ExampleClient_ListCountries() {
	api := startSandbox()
	defer api.Close()
	client := sandboxClient(api)
	defer client.Close()

	// An optional parameter is a pointer: Go 1.26's new takes its value.
	countries, err := client.ListCountries(context.Background(), &axa.ListCountriesParams{AcceptLanguage: new("fr")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(countries), "countries")
	for _, c := range countries[:3] {
		fmt.Println(c.ID, c.Label)
	}
	// Output:
	// 249 countries
	// ad Andorre
	// ae Émirats arabes unis
	// af Afghanistan
}

// One country's travel information, section by section; an unknown
// country matches ErrNotFound.
func ExampleClient_GetCountry() {
	api := startSandbox()
	defer api.Close()
	client := sandboxClient(api)
	defer client.Close()
	ctx := context.Background()

	japan, err := client.GetCountry(ctx, "jp", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(japan.ID, japan.Label)
	fmt.Println(japan.GeneralInfo.Label)
	if japan.CurrencyConverter != nil {
		fmt.Println(japan.CurrencyConverter.Label)
	}

	_, err = client.GetCountry(ctx, "zz", nil)
	fmt.Println("zz found:", !errors.Is(err, axa.ErrNotFound))
	// Output:
	// jp Japan
	// General information
	// Currency
	// zz found: false
}

// The latest health and security alerts of one country.
func ExampleClient_ListCountryAlerts() {
	api := startSandbox()
	defer api.Close()
	client := sandboxClient(api)
	defer client.Close()

	alerts, err := client.ListCountryAlerts(context.Background(), "fr", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("country:", alerts.CountryID)
	fmt.Println("health alerts:", len(alerts.AXAHealthAlerts))
	fmt.Println("security alerts:", len(alerts.AXASecurityAlerts))
	for _, a := range alerts.AXASecurityAlerts[:min(2, len(alerts.AXASecurityAlerts))] {
		fmt.Println(a.Level, a.Title)
	}
	// Output:
	// country: fr
	// health alerts: 1
	// security alerts: 1
	// high Terrorist threat level raised
}

// A quote prices a trip for its travellers and plan; a policy can be
// issued from it until it expires. The Idempotency-Key of its params makes
// a retry answer the same quote.
func ExampleClient_RequestQuote() {
	api := startSandbox()
	defer api.Close()
	client := sandboxClient(api)
	defer client.Close()

	start := time.Now().AddDate(0, 1, 0) // a trip in a month, for two weeks
	quote, err := client.RequestQuote(context.Background(), axa.QuoteRequest{
		TripType:             axa.TripTypeSingleTrip,
		OriginCountry:        "fr",
		DestinationCountries: []axa.CountryID{"jp", "kr"},
		StartDate:            axa.DateOf(start),
		EndDate:              axa.DateOf(start.AddDate(0, 0, 14)),
		Travellers:           []axa.Traveller{{BirthDate: axa.NewDate(1985, time.April, 12)}},
		PlanCode:             axa.PlanCodeComfort,
	}, &axa.RequestQuoteParams{IdempotencyKey: "booking-2026-0042-quote"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("plan:", quote.PlanCode, "to", quote.DestinationCountries)
	fmt.Println("premium in", quote.Premium.Currency, "for", quote.TravellersCount, "traveller")
	fmt.Println("valid until after now:", quote.ValidUntil.After(time.Now()))
	// Output:
	// plan: comfort to [jp kr]
	// premium in EUR for 1 traveller
	// valid until after now: true
}

// CreatePolicy issues a policy from a quote. The Idempotency-Key makes the
// call safe to repeat: the second call answers the policy already issued,
// and WithResponseInto tells that it was a replay, with the request id of
// each answer to quote to support.
func ExampleClient_CreatePolicy() {
	api := startSandbox()
	defer api.Close()
	client := sandboxClient(api)
	defer client.Close()
	ctx := context.Background()

	start := time.Now().UTC().AddDate(0, 1, 0).Truncate(24 * time.Hour)
	birth, _ := time.Parse(time.DateOnly, "1985-04-12")
	quote, err := client.RequestQuote(ctx, axa.QuoteRequest{
		TripType:             axa.TripTypeSingleTrip,
		OriginCountry:        "fr",
		DestinationCountries: []axa.CountryID{"jp"},
		StartDate:            axa.Date{Time: start},
		EndDate:              axa.Date{Time: start.AddDate(0, 0, 14)},
		Travellers:           []axa.Traveller{{BirthDate: axa.Date{Time: birth}}},
		PlanCode:             axa.PlanCodeComfort,
	}, nil)
	if err != nil {
		log.Fatal(err)
	}

	camille := axa.Person{FirstName: "Camille", LastName: "Martin", BirthDate: axa.Date{Time: birth}}
	order := axa.PolicyRequest{
		QuoteID: quote.ID,
		PolicyHolder: axa.PolicyHolder{
			Person:  camille,
			Email:   "camille.martin@example.com",
			Address: axa.Address{StreetAddress: "6 rue André Gide", PostalCode: "92320", Locality: "Châtillon", Country: "fr"},
		},
		Travellers: []axa.Person{camille},
	}
	for range 2 { // the second time, e.g. after a crash
		var resp axa.Response
		policy, err := client.CreatePolicy(ctx, order, &axa.CreatePolicyParams{IdempotencyKey: "booking-2026-0042"},
			axa.WithResponseInto(&resp))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(policy.PolicyNumber, policy.Status,
			"replayed:", resp.IdempotentReplayed, "request id:", resp.RequestID != "")
	}
	// Output:
	// AXA-TRV-0000000001 issued replayed: false request id: true
	// AXA-TRV-0000000001 issued replayed: true request id: true
}

// Medical providers near a point, nearest first.
func ExampleClient_SearchMedicalProviders() {
	api := startSandbox()
	defer api.Close()
	client := sandboxClient(api)
	defer client.Close()

	radius, limit := int32(5000), int32(3)
	providers, err := client.SearchMedicalProviders(context.Background(), &axa.SearchMedicalProvidersParams{
		Lat: 48.8530, Lng: 2.3499, // Paris, Notre-Dame
		Radius: &radius, Limit: &limit,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range providers {
		fmt.Println(p.Kind, p.Name, p.Address.City)
	}
	// Output:
	// hospital Hôtel-Dieu de Paris Paris
	// hospital Hôpital Belleville Paris
	// clinic Clinique Saint-Germain Paris
}

// Token hands out a bearer token carrying the scopes asked for, for a
// caller that needs the token itself; it prints as [REDACTED].
func ExampleClient_Token() {
	api := startSandbox()
	defer api.Close()
	client := sandboxClient(api)
	defer client.Close()

	tok, err := client.Token(context.Background(), axa.ScopeCountries)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("scopes:", tok.Scopes())
	fmt.Println("valid:", tok.Expiry().After(time.Now()), tok.AccessToken() != "")
	fmt.Println("printed safely:", fmt.Sprint(tok) != tok.AccessToken())
	// Output:
	// scopes: [urn:axa.assistance.travel.countries.read_only]
	// valid: true true
	// printed safely: true
}

// NewToken builds the Token a WithTokenHook implementation receives, for
// its tests.
func ExampleNewToken() {
	persist := func(_ context.Context, t axa.Token) error { // the hook under test
		fmt.Println("persisting a refresh token:", t.RefreshToken() != "")
		return nil
	}
	tok := axa.NewToken("access", "refresh", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), axa.ScopeCountries)
	if err := persist(context.Background(), tok); err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok)
	// Output:
	// persisting a refresh token: true
	// axa.Token{access: [REDACTED], refresh: [REDACTED], expiry: 2030-01-01T00:00:00Z, scopes: ["urn:axa.assistance.travel.countries.read_only"]}
}
