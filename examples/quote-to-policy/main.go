// Command quote-to-policy books travel insurance: it requests a quote for a
// trip, then issues a policy from it for the holder and travellers of a
// JSON file (the file `axa policy create --file` reads too).
//
// The policy's Idempotency-Key comes from the booking id, so sending the
// same order again (a retry after a timeout, or after a crash) answers the
// policy already issued instead of issuing a second one; the API refuses
// that key with another order (422).
//
// Without AXA_BASE_URL it starts a local sandbox and runs offline (from the
// repository's root, where the default -holder file is):
//
//	go run ./examples/quote-to-policy -booking 2026-0042
//
// With AXA_BASE_URL, AXA_CLIENT_ID and AXA_CLIENT_SECRET it calls that API.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

func main() {
	holder := flag.String("holder", "examples/holder.json", "JSON file with policy_holder and travellers")
	booking := flag.String("booking", "2026-0042", "the booking id, from which the Idempotency-Key is made")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, os.Getenv, *holder, *booking); err != nil {
		fmt.Fprintln(os.Stderr, "quote-to-policy:", err)
		os.Exit(1)
	}
}

// run quotes a two-week trip from France to Japan starting in a month and
// issues the policy of booking bookingID for the people of holderFile,
// writing what it did to w; getenv reads the AXA_* variables.
func run(ctx context.Context, w io.Writer, getenv func(string) string, holderFile, bookingID string) error {
	// The holder and travellers; the quote id is added below.
	var order axa.PolicyRequest
	data, err := os.ReadFile(holderFile)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, &order); err != nil {
		return fmt.Errorf("%s: %w", holderFile, err)
	}

	baseURL, clientID, secret := getenv(axa.EnvBaseURL), getenv(axa.EnvClientID), getenv(axa.EnvClientSecret)
	if baseURL == "" {
		srv, err := startSandbox()
		if err != nil {
			return err
		}
		defer srv.Close()
		baseURL, clientID, secret = srv.URL(), sandbox.DefaultClientID, sandbox.DefaultClientSecret
	}
	client, err := axa.NewClient(
		axa.WithBaseURL(baseURL),
		axa.WithClientCredentials(clientID, secret),
		axa.WithoutEnvironment(), // this program has read the environment itself
	)
	if err != nil {
		return err
	}
	defer client.Close()

	// Every traveller of the policy is priced by the quote.
	travellers := make([]axa.Traveller, len(order.Travellers))
	for i, p := range order.Travellers {
		travellers[i] = axa.Traveller{BirthDate: p.BirthDate}
	}
	start := time.Now().AddDate(0, 1, 0) // a trip in a month, for two weeks
	quote, err := client.RequestQuote(ctx, axa.QuoteRequest{
		TripType:             axa.TripTypeSingleTrip,
		OriginCountry:        "fr",
		DestinationCountries: []axa.CountryID{"jp"},
		StartDate:            axa.DateOf(start),
		EndDate:              axa.DateOf(start.AddDate(0, 0, 14)),
		Travellers:           travellers,
		PlanCode:             axa.PlanCodeComfort,
	}, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "quote %s: %s %s for %d traveller(s)\n", quote.ID, quote.Premium.Amount, quote.Premium.Currency, quote.TravellersCount)

	order.QuoteID = quote.ID
	key := &axa.CreatePolicyParams{IdempotencyKey: "booking-" + bookingID}
	policy, err := client.CreatePolicy(ctx, order, key)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "policy %s: %s, for %s %s\n", policy.PolicyNumber, policy.Status,
		policy.PolicyHolder.Person.FirstName, policy.PolicyHolder.Person.LastName)

	// The same booking again, e.g. after a crash: the same key answers the
	// policy already issued.
	again, err := client.CreatePolicy(ctx, order, key)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "same policy the second time:", again.PolicyNumber == policy.PolicyNumber)
	return nil
}

// startSandbox runs a local AXA Assistance API on a loopback port.
func startSandbox() (*sandbox.Server, error) {
	sb, err := sandbox.New()
	if err != nil {
		return nil, err
	}
	return sb.Start("127.0.0.1:0")
}
