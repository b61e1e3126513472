// Command quickstart is the README's first program: it starts the AXA
// Assistance sandbox in this process, lists the countries in French and
// prices a trip, with an Idempotency-Key and an optional promo code.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

func main() {
	ctx := context.Background()
	sb, err := sandbox.New() // the whole API, in this process: no account needed
	if err != nil {
		log.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client, err := axa.NewClient(axa.WithSandbox(), axa.WithBaseURL(srv.URL())) // the sandbox's own client
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	countries, err := client.ListCountries(ctx, &axa.ListCountriesParams{AcceptLanguage: new("fr")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(countries), "countries, the first:", countries[0].Label)

	start := time.Now().AddDate(0, 1, 0) // a two-week trip in a month
	quote, err := client.RequestQuote(ctx, axa.QuoteRequest{
		TripType: axa.TripTypeSingleTrip, PlanCode: axa.PlanCodeComfort,
		OriginCountry: "fr", DestinationCountries: []axa.CountryID{"jp"},
		StartDate: axa.DateOf(start), EndDate: axa.DateOf(start.AddDate(0, 0, 13)),
		Travellers: []axa.Traveller{{BirthDate: axa.NewDate(1985, time.April, 12)}},
		PromoCode:  new("WELCOME10"), // an optional field is a pointer: new(value)
	}, &axa.RequestQuoteParams{IdempotencyKey: "trip-42"}) // the same key on every retry
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("premium:", quote.Premium.Amount, quote.Premium.Currency)
}
