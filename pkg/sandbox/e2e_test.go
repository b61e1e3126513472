package sandbox_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/axatest"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

func date(s string) axa.Date {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return axa.Date{Time: t}
}

// future returns a date days from now, so that quotes never start in the
// past whatever day the test runs.
func future(days int) axa.Date {
	return axa.Date{Time: time.Now().UTC().AddDate(0, 0, days).Truncate(24 * time.Hour)}
}

func quoteRequest() axa.QuoteRequest {
	return axa.QuoteRequest{
		TripType:             axa.TripTypeSingleTrip,
		OriginCountry:        "fr",
		DestinationCountries: []axa.CountryID{"jp", "kr"},
		StartDate:            future(30),
		EndDate:              future(44),
		Travellers:           []axa.Traveller{{BirthDate: date("1985-04-12")}, {BirthDate: date("2015-09-30")}},
		PlanCode:             axa.PlanCodeComfort,
	}
}

func policyRequest(q *axa.Quote) axa.PolicyRequest {
	camille := axa.Person{FirstName: "Camille", LastName: "Martin", BirthDate: date("1985-04-12")}
	leo := axa.Person{FirstName: "Léo", LastName: "Martin", BirthDate: date("2015-09-30")}
	return axa.PolicyRequest{
		QuoteID: q.ID,
		PolicyHolder: axa.PolicyHolder{
			Person: camille, Email: "camille.martin@example.com",
			Address: axa.Address{StreetAddress: "6 rue André Gide", PostalCode: "92320", Locality: "Châtillon", Country: "fr"},
		},
		Travellers: []axa.Person{camille, leo},
	}
}

// Every operation of the spec, called through the SDK against the sandbox,
// answers what the spec says: axatest checks each answer, success or error,
// with kin-openapi's ValidateResponse.
func TestEveryOperationThroughTheSDK(t *testing.T) {
	env := axatest.New(t)
	c := env.Client
	ctx := t.Context()
	called := map[gen.OperationID]bool{}
	must := func(op gen.OperationID, err error) {
		t.Helper()
		called[op] = true
		if err != nil {
			t.Errorf("%s: %v", op, err)
		}
	}
	mustFail := func(op gen.OperationID, err, want error) {
		t.Helper()
		if !errors.Is(err, want) {
			t.Errorf("%s: err = %v, want %v", op, err, want)
		}
	}

	v, err := c.GetVersion(ctx)
	must(gen.OperationGetVersion, err)
	if err == nil && v.CommitSha == "" {
		t.Error("version without commit")
	}

	countries, err := c.ListCountries(ctx, nil)
	must(gen.OperationListCountries, err)
	if len(countries) != 249 || countries[0].ID != "ad" || countries[len(countries)-1].ID != "zw" {
		t.Errorf("countries: %d, first %v", len(countries), countries[:min(1, len(countries))])
	}
	fr := "fr-FR"
	french, err := c.ListCountries(ctx, &axa.ListCountriesParams{AcceptLanguage: &fr})
	must(gen.OperationListCountries, err)
	if err == nil && len(french) == len(countries) && french[0].Label == countries[0].Label && french[1].Label == countries[1].Label {
		t.Errorf("Accept-Language fr-FR changed no label: %v", french[:2])
	}

	_, err = c.GetCountry(ctx, "fr", nil)
	must(gen.OperationGetCountry, err)
	_, err = c.GetCountry(ctx, "xx", nil)
	mustFail(gen.OperationGetCountry, err, axa.ErrNotFound)
	_, err = c.GetCountryHealth(ctx, "br", nil)
	must(gen.OperationGetCountryHealth, err)
	_, err = c.GetCountrySecurity(ctx, "jp", nil)
	must(gen.OperationGetCountrySecurity, err)
	_, err = c.ListAlerts(ctx, nil)
	must(gen.OperationListAlerts, err)
	_, err = c.ListCountryAlerts(ctx, "fr", nil)
	must(gen.OperationListCountryAlerts, err)

	q, err := c.RequestQuote(ctx, quoteRequest(), nil)
	must(gen.OperationRequestQuote, err)
	bad := quoteRequest()
	bad.EndDate = bad.StartDate
	bad.StartDate = future(50)
	_, err = c.RequestQuote(ctx, bad, nil)
	mustFail(gen.OperationRequestQuote, err, axa.ErrValidation)
	if q != nil {
		p, err := c.CreatePolicy(ctx, policyRequest(q), nil)
		must(gen.OperationCreatePolicy, err)
		if p != nil {
			got, err := c.GetPolicy(ctx, p.ID)
			must(gen.OperationGetPolicy, err)
			if err == nil && got.PolicyNumber != p.PolicyNumber {
				t.Errorf("GetPolicy = %s, want %s", got.PolicyNumber, p.PolicyNumber)
			}
		}
	}

	radius := int32(20000)
	providers, err := c.SearchMedicalProviders(ctx, axa.SearchMedicalProvidersParams{Lat: 48.8566, Lng: 2.3522, Radius: &radius})
	must(gen.OperationSearchMedicalProviders, err)
	if len(providers) == 0 {
		t.Error("no medical provider within 20 km of Paris")
	}
	_, err = c.SearchMedicalProviders(ctx, axa.SearchMedicalProvidersParams{Lat: 123, Lng: 2})
	mustFail(gen.OperationSearchMedicalProviders, err, axa.ErrValidation)
	_, err = c.ListProviderKinds(ctx, nil)
	must(gen.OperationListProviderKinds, err)
	_, err = c.ListProviderSpecialities(ctx, nil)
	must(gen.OperationListProviderSpecialities, err)

	// 403 through the SDK: a token fixed to one scope.
	narrow := env.NewClient(axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret), axa.WithScopes(axa.ScopeCountries))
	_, err = narrow.ListAlerts(ctx, nil)
	mustFail(gen.OperationListAlerts, err, axa.ErrInsufficientScope)
	var ae *axa.Error
	if errors.As(err, &ae) && (len(ae.RequiredScopes) != 1 || ae.RequiredScopes[0] != axa.ScopeAlerts) {
		t.Errorf("403 names %v, want %s", ae.RequiredScopes, axa.ScopeAlerts)
	}

	for _, op := range gen.Operations() {
		if !called[op.ID] {
			t.Errorf("operation %s is not exercised by this test: add it", op.ID)
		}
	}
}

// The authorization code grant end to end through the SDK, with PKCE; a
// wrong verifier, a reused code and a reused refresh token are refused.
func TestAuthorizationCodeThroughTheSDK(t *testing.T) {
	env := axatest.New(t, sandbox.WithAutoApprove(), sandbox.WithTokenLifetime(time.Minute))
	ctx := t.Context()
	var persisted []string
	var mu sync.Mutex
	newClient := func(opts ...axa.Option) *axa.Client {
		return env.NewClient(append([]axa.Option{
			axa.WithAuthorizationCode(sandbox.DefaultClientID, sandbox.DefaultClientSecret, "http://127.0.0.1:9999/callback"),
			axa.WithTokenHook(func(_ context.Context, tok axa.Token) error {
				mu.Lock()
				defer mu.Unlock()
				persisted = append(persisted, tok.RefreshToken())
				return nil
			}),
		}, opts...)...)
	}
	c := newClient()

	// The browser: follow the authorization URL, stop at the redirect.
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	authorize := func(req *axa.AuthRequest) (code, state string) {
		t.Helper()
		r, err := http.NewRequestWithContext(ctx, http.MethodGet, req.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := browser.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		loc, err := url.Parse(resp.Header.Get("Location"))
		if err != nil || resp.StatusCode/100 != 3 {
			t.Fatalf("authorize answered %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		return loc.Query().Get("code"), loc.Query().Get("state")
	}

	req, err := c.AuthCodeURL(axa.ScopeCountries, axa.ScopeAlerts)
	if err != nil {
		t.Fatal(err)
	}
	code, state := authorize(req)
	if state != req.State {
		t.Fatalf("state came back as %q, sent %q", state, req.State)
	}
	tok, err := c.Exchange(ctx, req, state, code)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListCountries(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListAlerts(ctx, nil); err != nil {
		t.Fatal(err)
	}

	// A code exchanged with another request's verifier: refused.
	other, err := c.AuthCodeURL(axa.ScopeCountries)
	if err != nil {
		t.Fatal(err)
	}
	third, err := c.AuthCodeURL(axa.ScopeCountries)
	if err != nil {
		t.Fatal(err)
	}
	code2, _ := authorize(other)
	var te *axa.TokenError
	if _, err := c.Exchange(ctx, third, third.State, code2); !errors.As(err, &te) || te.Code != "invalid_grant" {
		t.Errorf("wrong PKCE verifier: err = %v, want invalid_grant", err)
	}

	// A refresh token used twice: the second use is refused.
	first := tok.RefreshToken()
	a := newClient(axa.WithRefreshToken(first))
	if _, err := a.ListCountries(ctx, nil); err != nil {
		t.Fatalf("refresh with a fresh refresh token: %v", err)
	}
	b := newClient(axa.WithRefreshToken(first))
	if _, err := b.ListCountries(ctx, nil); !errors.As(err, &te) || te.Code != "invalid_grant" {
		t.Errorf("a rotated refresh token was accepted again: %v", err)
	}
	// The same code again: refused.
	if _, err := c.Exchange(ctx, req, state, code); err == nil {
		t.Error("a reused authorization code was accepted")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(persisted) < 2 {
		t.Errorf("the hook saw %d refresh tokens, want the exchanged and the rotated one", len(persisted))
	}
}

// 50 concurrent identical POSTs with one Idempotency-Key create one policy.
func TestConcurrentDuplicatePoliciesCreateOne(t *testing.T) {
	env := axatest.New(t)
	ctx := t.Context()
	q, err := env.Client.RequestQuote(ctx, quoteRequest(), nil)
	if err != nil {
		t.Fatal(err)
	}
	body := policyRequest(q)
	params := &axa.CreatePolicyParams{IdempotencyKey: "booking-42"}

	var wg sync.WaitGroup
	numbers := make(chan string, 50)
	errs := make(chan error, 50)
	for range 50 {
		wg.Go(func() {
			p, err := env.Client.CreatePolicy(ctx, body, params)
			if err != nil {
				errs <- err
				return
			}
			numbers <- p.PolicyNumber
		})
	}
	wg.Wait()
	close(numbers)
	close(errs)
	distinct := map[string]bool{}
	for n := range numbers {
		distinct[n] = true
	}
	for err := range errs {
		if !errors.Is(err, axa.ErrConflict) {
			t.Errorf("a duplicate failed otherwise than with 409: %v", err)
		}
	}
	if len(distinct) != 1 {
		t.Fatalf("%d distinct policies issued for one Idempotency-Key: %v", len(distinct), distinct)
	}
}
