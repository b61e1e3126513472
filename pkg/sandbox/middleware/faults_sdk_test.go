package middleware_test

// The tests of this file run the faults through the SDK and a whole
// sandbox (axatest): what a client sees of them. faults_test.go runs the
// layer alone.

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/axatest"
	"github.com/axa-assistance-go/axa/pkg/sandbox"

	"github.com/axa-assistance-go/axa/internal/testutil"
)

// quoteRequest is a quote for two travellers.
func quoteRequest() axa.QuoteRequest {
	start := time.Now().UTC().AddDate(0, 0, 30).Truncate(24 * time.Hour)
	return axa.QuoteRequest{
		TripType:             axa.TripTypeSingleTrip,
		OriginCountry:        "fr",
		DestinationCountries: []axa.CountryID{"jp"},
		StartDate:            axa.Date{Time: start},
		EndDate:              axa.Date{Time: start.AddDate(0, 0, 14)},
		Travellers:           []axa.Traveller{{BirthDate: axa.Date{Time: time.Date(1985, 4, 12, 0, 0, 0, 0, time.UTC)}}},
		PlanCode:             axa.PlanCodeComfort,
	}
}

// policyRequest is a policy from q, for its one traveller.
func policyRequest(q *axa.Quote) axa.PolicyRequest {
	camille := axa.Person{FirstName: "Camille", LastName: "Martin", BirthDate: axa.Date{Time: time.Date(1985, 4, 12, 0, 0, 0, 0, time.UTC)}}
	return axa.PolicyRequest{
		QuoteID: q.ID,
		PolicyHolder: axa.PolicyHolder{
			Person: camille, Email: "camille.martin@example.com",
			Address: axa.Address{StreetAddress: "6 rue André Gide", PostalCode: "92320", Locality: "Châtillon", Country: "fr"},
		},
		Travellers: []axa.Person{camille},
	}
}

// reply is what a request got back; its body is read and closed.
type reply struct {
	StatusCode int
	Header     http.Header
}

// get sends a GET with the sandbox client's token.
func get(t *testing.T, env *axatest.Env, path string) (reply, string) {
	t.Helper()
	tok, err := env.Client.Token(t.Context(), axa.ScopeCountries, axa.ScopeHealthProviders)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, env.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header}, string(b)
}

func TestRateLimitAnswers429WithRetryAfter(t *testing.T) {
	env := axatest.New(t, sandbox.WithRateLimit(1, 3))
	var limited *reply
	for range 10 {
		resp, body := get(t, env, "/travel/v1/countries")
		if resp.StatusCode == http.StatusTooManyRequests {
			limited = &resp
			if !strings.Contains(body, `"rate_limited"`) {
				t.Errorf("429 body = %s", body)
			}
			break
		}
	}
	if limited == nil {
		t.Fatal("10 requests at once were all served with a burst of 3")
	}
	if ra := limited.Header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After = %q, want a positive number of seconds", ra)
	}
}

func TestInjectedFaults(t *testing.T) {
	env := axatest.New(t,
		sandbox.WithFault("listProviderKinds", sandbox.Fault{TooManyRequests: 1, FailFirst: 1, RetryAfter: time.Second}),
		sandbox.WithFault("listProviderSpecialities", sandbox.Fault{ErrorRate: 1}),
	)
	resp, _ := get(t, env, "/health/v1/medical_providers/kinds")
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("first request: %d, Retry-After %q; want 429, 1", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	resp, _ = get(t, env, "/health/v1/medical_providers/kinds")
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("second request: %d, want 503", resp.StatusCode)
	}
	resp, _ = get(t, env, "/health/v1/medical_providers/kinds")
	if resp.StatusCode != http.StatusOK {
		t.Errorf("third request: %d, want 200", resp.StatusCode)
	}
	for range 3 {
		if resp, _ := get(t, env, "/health/v1/medical_providers/specialities"); resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("error rate 1: %d, want 503", resp.StatusCode)
		}
	}
	// Other operations are untouched.
	if resp, _ := get(t, env, "/travel/v1/countries"); resp.StatusCode != http.StatusOK {
		t.Errorf("unfaulted operation: %d", resp.StatusCode)
	}
}

// A reset after commit: the policy is issued, the answer never arrives; the
// SDK retries with the same key and gets the stored policy, not a second.
func TestResetAfterCommitIsAbsorbedByTheSDK(t *testing.T) {
	env := axatest.New(t, sandbox.WithFault("createPolicy", sandbox.Fault{ResetFirst: 1}))
	ctx := t.Context()
	q, err := env.Client.RequestQuote(ctx, quoteRequest(), nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := env.Client.CreatePolicy(ctx, policyRequest(q), &axa.CreatePolicyParams{IdempotencyKey: "booking-7"})
	if err != nil {
		t.Fatalf("the retry did not absorb the reset: %v", err)
	}
	// The policy numbers are sequential: the next policy issued is the
	// second, so the reset attempt and its retry issued one between them.
	q2, err := env.Client.RequestQuote(ctx, quoteRequest(), nil)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := env.Client.CreatePolicy(ctx, policyRequest(q2), nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.PolicyNumber != "AXA-TRV-0000000001" || p2.PolicyNumber != "AXA-TRV-0000000002" {
		t.Errorf("policies %s then %s: the reset attempt issued a policy of its own", p.PolicyNumber, p2.PolicyNumber)
	}
}

// A latency fault is cut short by the caller's deadline, and the sandbox
// lets the request go.
func TestLatencyFaultHonoursTheCallerDeadline(t *testing.T) {
	env := axatest.New(t, sandbox.WithFault("listCountries", sandbox.Fault{Latency: time.Hour}))
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err := env.Client.ListCountries(ctx, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the caller's deadline", err)
	}
}

func TestAccessLogNeverPrintsTokens(t *testing.T) {
	logs := testutil.NewBuffer()
	env := axatest.New(t, sandbox.WithLogger(slog.New(slog.NewJSONHandler(logs, nil))))
	tok, err := env.Client.Token(t.Context(), axa.ScopeCountries)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Client.ListCountries(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	// The access log writes its line once the handler has returned, which
	// may be after the client has read the answer: wait for it.
	recorded := func(out string) bool {
		return strings.Contains(out, `"path":"/travel/v1/countries"`) && strings.Contains(out, `"status":200`)
	}
	guard := time.NewTimer(10 * time.Second) // a failure guard, not a timing
	defer guard.Stop()
	for !recorded(logs.String()) {
		select {
		case <-logs.Changed():
		case <-guard.C:
			t.Fatalf("the access log does not record the request: %s", logs.String())
		}
	}
	out := logs.String()
	for _, secret := range []string{tok.AccessToken(), sandbox.DefaultClientSecret} {
		if strings.Contains(out, secret) {
			t.Errorf("the access log holds a secret: %s", out)
		}
	}
}
