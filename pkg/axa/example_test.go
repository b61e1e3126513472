package axa_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"time"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// startSandbox runs the local AXA Assistance sandbox, so that the examples
// run anywhere without an account; with real credentials, leave out
// WithBaseURL and the client calls production.
func startSandbox(opts ...sandbox.Option) *sandbox.Server {
	sb, err := sandbox.New(opts...)
	if err != nil {
		log.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	return srv
}

// A service calls the API with its own client credentials. Each call asks
// for a token with only the scope its operation needs; tokens are cached and
// refreshed before they expire.
func Example_clientCredentials() {
	api := startSandbox() // stands in for https://apis.axa-assistance.com
	defer api.Close()

	client, err := axa.NewClient(
		axa.WithBaseURL(api.URL()), // omit for production
		axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret),
		axa.WithoutEnvironment(),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	countries, err := client.ListCountries(context.Background(), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(countries), "countries")
	for _, c := range countries[:3] {
		fmt.Println(c.ID, c.Label)
	}
	// Output:
	// 249 countries
	// ad Andorra
	// ae United Arab Emirates
	// af Afghanistan
}

// An application acts for a user who consents in a browser: the
// authorization code grant with PKCE and state. Persist the refresh token
// in the hook: it may be rotated on every refresh.
func Example_authorizationCode() {
	api := startSandbox(sandbox.WithAutoApprove()) // the user's consent, automated
	defer api.Close()

	client, err := axa.NewClient(
		axa.WithBaseURL(api.URL()),
		axa.WithAuthorizationCode(sandbox.DefaultClientID, sandbox.DefaultClientSecret, "http://127.0.0.1:8765/callback"),
		axa.WithTokenHook(func(_ context.Context, t axa.Token) error {
			fmt.Println("persisting the refresh token:", t.RefreshToken() != "")
			return nil
		}),
		axa.WithoutEnvironment(),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	// 1. Send the user to the authorization URL; keep req in their session.
	req, err := client.AuthCodeURL(context.Background(), axa.ScopeCountries)
	if err != nil {
		log.Fatal(err)
	}

	// 2. The user consents; the browser comes back to the redirect URL with
	// a code and the state (simulated here by following the redirect).
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(req.URL)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	back, _ := url.Parse(resp.Header.Get("Location"))

	// 3. Exchange the code; the state must match the request's.
	ctx := context.Background()
	tok, err := client.Exchange(ctx, req, back.Query().Get("state"), back.Query().Get("code"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("granted:", tok.Scopes())
	fmt.Println("token printed safely:", tok.Expiry().After(time.Now()), fmt.Sprint(tok) != tok.AccessToken())

	countries, err := client.ListCountries(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(countries), "countries")
	// Output:
	// persisting the refresh token: true
	// granted: [urn:axa.assistance.travel.countries.read_only]
	// token printed safely: true true
	// 249 countries
}

// A booking flow requests a quote, then issues a policy from it. The
// Idempotency-Key is derived from the booking id, so a retry, or a restart
// of the process after a crash, answers the policy already issued instead
// of issuing a second one.
func Example_createPolicyFromQuote() {
	api := startSandbox()
	defer api.Close()

	client, err := axa.NewClient(axa.WithBaseURL(api.URL()),
		axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret), axa.WithoutEnvironment())
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()

	date := func(s string) axa.Date {
		t, _ := time.Parse(time.DateOnly, s)
		return axa.Date{Time: t}
	}
	start := time.Now().UTC().AddDate(0, 1, 0).Truncate(24 * time.Hour)
	quote, err := client.RequestQuote(ctx, axa.QuoteRequest{
		TripType:             axa.TripTypeSingleTrip,
		OriginCountry:        "fr",
		DestinationCountries: []axa.CountryID{"jp"},
		StartDate:            axa.Date{Time: start},
		EndDate:              axa.Date{Time: start.AddDate(0, 0, 14)},
		Travellers:           []axa.Traveller{{BirthDate: date("1985-04-12")}},
		PlanCode:             axa.PlanCodeComfort,
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("quote in", quote.Premium.Currency, "for", quote.TravellersCount, "traveller")

	camille := axa.Person{FirstName: "Camille", LastName: "Martin", BirthDate: date("1985-04-12")}
	order := axa.PolicyRequest{
		QuoteID: quote.ID,
		PolicyHolder: axa.PolicyHolder{
			Person:  camille,
			Email:   "camille.martin@example.com",
			Address: axa.Address{StreetAddress: "6 rue André Gide", PostalCode: "92320", Locality: "Châtillon", Country: "fr"},
		},
		Travellers: []axa.Person{camille},
	}
	key := &axa.CreatePolicyParams{IdempotencyKey: "booking-2026-0042"}
	policy, err := client.CreatePolicy(ctx, order, key)
	if err != nil {
		log.Fatal(err)
	}
	again, err := client.CreatePolicy(ctx, order, key) // e.g. after a crash
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("policy:", policy.PolicyNumber, policy.Status)
	fmt.Println("same policy the second time:", again.PolicyNumber == policy.PolicyNumber)
	// Output:
	// quote in EUR for 1 traveller
	// policy: AXA-TRV-0000000001 issued
	// same policy the second time: true
}
