package resources

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/gen/server"
	"github.com/axa-assistance-go/axa/pkg/sandbox/data"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/apierr"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
)

// resTest is the resources of a sandbox whose clock a test moves.
type resTest struct {
	*Resources
	nanos atomic.Int64
}

// newResTest makes resources of a seed whose clock starts at now.
func newResTest(t *testing.T, seed uint64, now time.Time) *resTest {
	t.Helper()
	r := &resTest{}
	r.nanos.Store(now.UnixNano())
	r.Resources = New(testConfig(func() time.Time { return time.Unix(0, r.nanos.Load()).UTC() }), data.NewDataset(seed))
	return r
}

// testConfig is the sandbox's default configuration of the resources, with
// the clock now.
func testConfig(now func() time.Time) Config {
	return Config{Now: now, QuoteLifetime: 24 * time.Hour, Audience: "https://apis.axa-assistance.com",
		BuiltAt: time.Date(2016, 3, 16, 15, 12, 15, 0, time.UTC), Commit: "0000000"}
}

// advance moves the clock.
func (r *resTest) advance(d time.Duration) { r.nanos.Add(int64(d)) }

// ctx is a request context with the verified token of a client.
func (r *resTest) ctx(client string) context.Context {
	return reqctx.WithClaims(context.Background(), &reqctx.Claims{ClientID: client})
}

// testNow is the sandbox clock of most handler tests.
var testNow = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// wantError checks that err is the statusError the handler answers with.
func wantError(t *testing.T, err error, status int, code string) {
	t.Helper()
	var se *apierr.StatusError
	switch {
	case !errors.As(err, &se):
		t.Errorf("err = %v, want %d %s", err, status, code)
	case se.Status != status || se.Code != code:
		t.Errorf("err = %d %s (%s), want %d %s", se.Status, se.Code, se.Description, status, code)
	case se.Description == "":
		t.Errorf("%d %s has no description", status, code)
	}
}

// civil is a date.
func civil(t time.Time) openapi_types.Date { return openapi_types.Date{Time: dateOf(t)} }

// birth is a birth date.
func birth(s string) openapi_types.Date {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return openapi_types.Date{Time: d}
}

// trip is a quote request for a single trip of days days starting in ten
// days.
func trip(days int, plan gen.PlanCode, to string, births ...string) *gen.QuoteRequest {
	start := testNow.AddDate(0, 0, 10)
	q := &gen.QuoteRequest{
		TripType: gen.TripTypeSingleTrip, OriginCountry: "fr", DestinationCountries: []string{to},
		StartDate: civil(start), EndDate: civil(start.AddDate(0, 0, days-1)), PlanCode: plan,
	}
	for _, b := range births {
		q.Travellers = append(q.Travellers, gen.Traveller{BirthDate: birth(b)})
	}
	return q
}

// quote requests a quote and fails the test on error.
func (r *resTest) quote(t *testing.T, client, key string, req *gen.QuoteRequest) gen.Quote {
	t.Helper()
	got, err := r.RequestQuote(r.ctx(client), server.RequestQuoteRequestObject{Params: gen.RequestQuoteParams{IdempotencyKey: key}, Body: req})
	if err != nil {
		t.Fatalf("RequestQuote: %v", err)
	}
	ok, isOK := got.(server.RequestQuote201JSONResponse)
	if !isOK {
		t.Fatalf("RequestQuote answered %T", got)
	}
	return ok.Body
}

// premium prices a trip.
func (r *resTest) premium(t *testing.T, req *gen.QuoteRequest) float64 {
	t.Helper()
	return amount(t, r.quote(t, "c1", uuid.NewString(), req).Premium)
}

// amount is m's amount as a float, for comparisons.
func amount(t *testing.T, m gen.Money) float64 {
	t.Helper()
	f, err := m.Amount.Float64()
	if err != nil {
		t.Fatalf("amount %q: %v", m.Amount, err)
	}
	return f
}

// holderAndTravellers is a policy request for a quote of trip(...,
// "1985-04-12", "2015-09-30").
func policyFor(q gen.Quote) *gen.PolicyRequest {
	camille := gen.Person{FirstName: "Camille", LastName: "Martin", BirthDate: birth("1985-04-12")}
	leo := gen.Person{FirstName: "Léo", LastName: "Martin", BirthDate: birth("2015-09-30")}
	return &gen.PolicyRequest{
		QuoteID: q.ID,
		PolicyHolder: gen.PolicyHolder{
			Person: camille, Email: "camille.martin@example.com",
			Address: gen.Address{StreetAddress: "6 rue André Gide", PostalCode: "92320", Locality: "Châtillon", Country: "fr"},
		},
		Travellers: []gen.Person{leo, camille},
	}
}

// createPolicy issues a policy; it answers the response object or error.
func (r *resTest) createPolicy(client, key string, req *gen.PolicyRequest) (server.CreatePolicyResponseObject, error) {
	return r.CreatePolicy(r.ctx(client), server.CreatePolicyRequestObject{Params: gen.CreatePolicyParams{IdempotencyKey: key}, Body: req})
}

// mustPolicy issues a policy and fails the test on error.
func (r *resTest) mustPolicy(t *testing.T, client, key string, req *gen.PolicyRequest) server.CreatePolicy201JSONResponse {
	t.Helper()
	got, err := r.createPolicy(client, key, req)
	if err != nil {
		t.Fatalf("CreatePolicy: %v", err)
	}
	ok, isOK := got.(server.CreatePolicy201JSONResponse)
	if !isOK {
		t.Fatalf("CreatePolicy answered %T", got)
	}
	return ok
}

func TestHandlerGetVersion(t *testing.T) {
	r := newResTest(t, 1, testNow)
	built := time.Date(2016, 3, 16, 15, 12, 15, 0, time.UTC)
	r.cfg.BuiltAt, r.cfg.Commit = built, "badc0ffee1deabeeffaceb00b00fa57ace5f00d1"
	got, err := r.GetVersion(context.Background(), server.GetVersionRequestObject{})
	if err != nil {
		t.Fatal(err)
	}
	v := got.(server.GetVersion200JSONResponse)
	if !v.BuiltAt.Equal(built) || v.CommitSHA != r.cfg.Commit {
		t.Errorf("version = %+v", v)
	}
}

func TestHandlerListCountries(t *testing.T) {
	r := newResTest(t, 1, testNow)
	ctx := r.ctx("c1")
	got, err := r.ListCountries(ctx, server.ListCountriesRequestObject{})
	if err != nil {
		t.Fatal(err)
	}
	en := answerOf[gen.CountryList](t, got)
	if en.Lang != "en" || len(en.Body) != 249 {
		t.Fatalf("%s, %d countries", en.Lang, len(en.Body))
	}
	label := func(list []gen.Country, id string) string {
		i, ok := slices.BinarySearchFunc(list, id, func(c gen.Country, id string) int { return strings.Compare(c.ID, id) })
		if !ok {
			t.Fatalf("no country %s", id)
		}
		return list[i].Label
	}
	// The seed's examples.
	if label(en.Body, "af") != "Afghanistan" || label(en.Body, "ax") != "Aland Islands" || label(en.Body, "zw") != "Zimbabwe" || en.Body[248].ID != "zw" {
		t.Errorf("the seed's examples: %q %q %q", label(en.Body, "af"), label(en.Body, "ax"), label(en.Body, "zw"))
	}
	if !slices.IsSortedFunc(en.Body, func(a, b gen.Country) int { return strings.Compare(a.ID, b.ID) }) {
		t.Error("not sorted by id")
	}
	en.Body[1].Label = "changed"

	fr := "fr-FR,fr;q=0.9"
	got, err = r.ListCountries(ctx, server.ListCountriesRequestObject{Params: gen.ListCountriesParams{AcceptLanguage: &fr}})
	if err != nil {
		t.Fatal(err)
	}
	french := answerOf[gen.CountryList](t, got)
	if french.Lang != "fr" || label(french.Body, "ax") != "Îles Åland" || label(french.Body, "de") != "Allemagne" || label(french.Body, "zw") != "Zimbabwe" {
		t.Errorf("French: %s %q %q", french.Lang, label(french.Body, "ax"), label(french.Body, "de"))
	}
	again, _ := r.ListCountries(ctx, server.ListCountriesRequestObject{})
	if label(answerOf[gen.CountryList](t, again).Body, "ae") != "United Arab Emirates" {
		t.Error("a caller changed the sandbox's data through an answer")
	}
}

func TestHandlerGetCountry(t *testing.T) {
	r := newResTest(t, 1, testNow)
	ctx := r.ctx("c1")
	got, err := r.GetCountry(ctx, server.GetCountryRequestObject{CountryID: "fr"})
	if err != nil {
		t.Fatal(err)
	}
	fr := answerOf[gen.CountryDetail](t, got).Body
	if fr.Label != "France" || fr.EmergencyNumbers == nil || *fr.EmergencyNumbers != (gen.EmergencyNumbers{Label: "Emergency numbers", Ambulance: "15", Police: "17", Fire: "18"}) {
		t.Errorf("France: %+v %+v", fr.Label, fr.EmergencyNumbers)
	}
	if fr.CurrencyConverter == nil || fr.CurrencyConverter.CurrencyCode != "EUR" || fr.Airports == nil || fr.Airports.List[0].IATACode != "CDG" {
		t.Errorf("France: %+v %+v", fr.CurrencyConverter, fr.Airports)
	}
	for name, s := range map[string]any{
		"passport_and_visa": fr.PassportAndVisa, "vaccinations": fr.Vaccinations, "first_aid_kit": fr.FirstAidKit,
		"national_embassies": fr.NationalEmbassies, "foreign_embassies": fr.ForeignEmbassies, "public_holidays": fr.PublicHolidays,
		"daily_life": fr.DailyLife, "health_risks": fr.HealthRisks, "risks_ratings": fr.RisksRatings,
	} {
		if s == nil || fmt.Sprint(s) == "<nil>" {
			t.Errorf("France has no %s", name)
		}
	}
	hol := fr.PublicHolidays.List
	if len(hol) < 10 || hol[0].Date.Before(dateOf(testNow)) || hol[0].Name != "Christmas Day" {
		t.Errorf("French holidays from %s: %v", testNow.Format(time.DateOnly), hol)
	}

	de := "de"
	got, err = r.GetCountry(ctx, server.GetCountryRequestObject{CountryID: "fr", Params: gen.GetCountryParams{AcceptLanguage: &de}})
	if err != nil {
		t.Fatal(err)
	}
	german := answerOf[gen.CountryDetail](t, got)
	if german.Lang != "de" || german.Body.Label != "Frankreich" || german.Body.GeneralInfo.Label != "Allgemeine Informationen" {
		t.Errorf("German: %s %q %q", german.Lang, german.Body.Label, german.Body.GeneralInfo.Label)
	}

	_, err = r.GetCountry(ctx, server.GetCountryRequestObject{CountryID: "xx"})
	wantError(t, err, http.StatusNotFound, "not_found")
	_, err = r.GetCountryHealth(ctx, server.GetCountryHealthRequestObject{CountryID: "uk"})
	wantError(t, err, http.StatusNotFound, "not_found")
	_, err = r.GetCountrySecurity(ctx, server.GetCountrySecurityRequestObject{CountryID: "su"})
	wantError(t, err, http.StatusNotFound, "not_found")
	_, err = r.ListCountryAlerts(ctx, server.ListCountryAlertsRequestObject{CountryID: "yu"})
	wantError(t, err, http.StatusNotFound, "not_found")
}

func TestHandlerCountryHealthAndSecurity(t *testing.T) {
	r := newResTest(t, 1, testNow)
	ctx := r.ctx("c1")
	got, err := r.GetCountryHealth(ctx, server.GetCountryHealthRequestObject{CountryID: "br"})
	if err != nil {
		t.Fatal(err)
	}
	br := answerOf[gen.CountryHealth](t, got).Body
	if br.CountryID != "br" || br.UpdatedAt.After(testNow) || br.Vaccinations == nil || !strings.Contains(br.Vaccinations.Desc, "Yellow fever") {
		t.Errorf("Brazil's health: %+v", br)
	}
	got2, err := r.GetCountrySecurity(ctx, server.GetCountrySecurityRequestObject{CountryID: "jp"})
	if err != nil {
		t.Fatal(err)
	}
	jp := answerOf[gen.CountrySecurity](t, got2).Body
	if jp.Level != gen.RiskLevelLow || jp.Summary == nil || jp.RisksRatings == nil || jp.EmergencyNumbers.Police != "110" {
		t.Errorf("Japan's security: %+v", jp)
	}
	got2, _ = r.GetCountrySecurity(ctx, server.GetCountrySecurityRequestObject{CountryID: "sy"})
	sy := answerOf[gen.CountrySecurity](t, got2).Body
	worst := slices.MaxFunc(sy.RisksRatings.List[1:4], func(a, b gen.RiskRating) int { return data.LevelRank(a.Rating) - data.LevelRank(b.Rating) })
	if sy.Level != gen.RiskLevelCritical || worst.Rating != sy.Level {
		t.Errorf("Syria's security: %s, worst theme %v", sy.Level, worst)
	}
}

func TestHandlerAlerts(t *testing.T) {
	r := newResTest(t, 1, testNow)
	ctx := r.ctx("c1")
	got, err := r.ListAlerts(ctx, server.ListAlertsRequestObject{})
	if err != nil {
		t.Fatal(err)
	}
	all := answerOf[gen.WorldwideAlerts](t, got).Body
	if len(all.WorldHealthOrganizationBulletins) == 0 || len(all.AXAHealthAlerts) == 0 || len(all.AXASecurityAlerts) == 0 {
		t.Fatalf("alerts: %+v", all)
	}
	newestFirst := func(a, b gen.AXAAlert) int { return b.AlertDate.Compare(a.AlertDate) }
	if !slices.IsSortedFunc(all.AXASecurityAlerts, newestFirst) || !slices.IsSortedFunc(all.AXAHealthAlerts, newestFirst) {
		t.Error("alerts are not newest first")
	}
	for _, a := range append(all.AXAHealthAlerts, all.AXASecurityAlerts...) {
		if a.AlertDate.After(testNow) || a.EndDate != nil && !a.EndDate.After(testNow) || len(a.CountryIDs) == 0 {
			t.Errorf("alert %s: %s to %v, countries %v", a.Title, a.AlertDate, a.EndDate, a.CountryIDs)
		}
		in, err := r.ListCountryAlerts(ctx, server.ListCountryAlertsRequestObject{CountryID: a.CountryIDs[0]})
		if err != nil {
			t.Fatal(err)
		}
		body := answerOf[gen.CountryAlerts](t, in).Body
		if !slices.ContainsFunc(append(body.AXAHealthAlerts, body.AXASecurityAlerts...), func(b gen.AXAAlert) bool { return b.ID == a.ID }) {
			t.Errorf("alert %s is not among %s's", a.ID, a.CountryIDs[0])
		}
		for _, b := range append(body.AXAHealthAlerts, body.AXASecurityAlerts...) {
			if !slices.Contains(b.CountryIDs, a.CountryIDs[0]) {
				t.Errorf("%s's alerts hold %v", a.CountryIDs[0], b.CountryIDs)
			}
		}
	}

	high := gen.AlertLevelHigh
	got, _ = r.ListAlerts(ctx, server.ListAlertsRequestObject{Params: gen.ListAlertsParams{MinLevel: &high}})
	some := answerOf[gen.WorldwideAlerts](t, got).Body
	n := len(some.AXASecurityAlerts) + len(some.AXAHealthAlerts) + len(some.WorldHealthOrganizationBulletins)
	if n == 0 || n >= len(all.AXASecurityAlerts)+len(all.AXAHealthAlerts)+len(all.WorldHealthOrganizationBulletins) {
		t.Errorf("min_level=high kept %d alerts", n)
	}
	for _, a := range append(some.AXAHealthAlerts, some.AXASecurityAlerts...) {
		if a.Level != gen.AlertLevelHigh && a.Level != gen.AlertLevelCritical {
			t.Errorf("min_level=high answered a %s alert", a.Level)
		}
	}
	for _, b := range some.WorldHealthOrganizationBulletins {
		if data.LevelRank(b.Level) < 2 {
			t.Errorf("min_level=high answered a %s bulletin", b.Level)
		}
	}

	// Dates follow the clock.
	r.advance(48 * time.Hour)
	got, _ = r.ListAlerts(ctx, server.ListAlertsRequestObject{})
	later := answerOf[gen.WorldwideAlerts](t, got).Body
	if d := later.AXASecurityAlerts[0].AlertDate.Sub(all.AXASecurityAlerts[0].AlertDate); d != 48*time.Hour {
		t.Errorf("two days later, the alert moved by %s", d)
	}
}

// search runs a provider search and fails the test on error.
func (r *resTest) search(t *testing.T, p gen.SearchMedicalProvidersParams) []gen.MedicalProvider {
	t.Helper()
	got, err := r.SearchMedicalProviders(r.ctx("c1"), server.SearchMedicalProvidersRequestObject{Params: p})
	if err != nil {
		t.Fatal(err)
	}
	return got.(server.SearchMedicalProviders200JSONResponse).Body
}

// providerCities are the ten cities of data/cities.json, around which the
// sandbox has providers.
var providerCities = [][2]float64{
	{48.8566, 2.3522}, {51.5074, -0.1278}, {35.6762, 139.6503}, {40.7128, -74.0060}, {-33.8688, 151.2093},
	{-22.9068, -43.1729}, {-33.9249, 18.4241}, {25.2048, 55.2708}, {13.7563, 100.5018}, {19.4326, -99.1332},
}

// greatCircle is the distance between two points in metres on a sphere of
// the Earth's mean radius, the search's measure, computed apart from it.
func greatCircle(lat1, lng1, lat2, lng2 float64) float64 {
	const r = 6_371_008.8
	rad := math.Pi / 180
	dLat, dLng := (lat2-lat1)*rad, (lng2-lng1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}

func TestProviderSearch(t *testing.T) {
	r := newResTest(t, 1, testNow)
	const lat, lng = 48.8566, 2.3522 // Paris
	near := r.search(t, gen.SearchMedicalProvidersParams{Lat: lat, Lng: lng})
	if len(near) == 0 || len(near) > defaultSearchLimit {
		t.Fatalf("%d providers within 5 km of Paris", len(near))
	}
	for i, p := range near {
		d := greatCircle(lat, lng, p.Position.Lat, p.Position.Lng)
		if math.Abs(d-p.Position.DistanceInMeters) > 0.1 || p.Position.DistanceInMeters > float64(defaultSearchRadius) {
			t.Errorf("%s: distance %.1f, really %.1f", p.Name, p.Position.DistanceInMeters, d)
		}
		if i > 0 && p.Position.DistanceInMeters < near[i-1].Position.DistanceInMeters {
			t.Errorf("%s is nearer than %s, before it", p.Name, near[i-1].Name)
		}
		if p.Address.CountryID != "fr" || p.Address.City != "Paris" {
			t.Errorf("%s is in %s, %s", p.Name, p.Address.City, p.Address.CountryID)
		}
	}
	if near[0].Name != "Hôtel-Dieu de Paris" {
		t.Errorf("nearest to Notre-Dame: %s", near[0].Name)
	}

	radius, limit := int32(50000), int32(100)
	wide := r.search(t, gen.SearchMedicalProvidersParams{Lat: lat, Lng: lng, Radius: &radius, Limit: &limit})
	if len(wide) <= len(near) || len(wide) > 100 {
		t.Errorf("50 km: %d providers, 5 km: %d", len(wide), len(near))
	}
	three := int32(3)
	if got := r.search(t, gen.SearchMedicalProvidersParams{Lat: lat, Lng: lng, Radius: &radius, Limit: &three}); len(got) != 3 || got[2].ID != wide[2].ID {
		t.Errorf("limit 3: %d providers", len(got))
	}
	small := int32(100)
	if got := r.search(t, gen.SearchMedicalProvidersParams{Lat: 48.8543, Lng: 2.3488, Radius: &small}); len(got) != 1 || got[0].Position.DistanceInMeters != 0 {
		t.Errorf("100 m around the Hôtel-Dieu: %v", got)
	}

	pharmacy := gen.ProviderKindIDPharmacy
	pharmacies := r.search(t, gen.SearchMedicalProvidersParams{Lat: lat, Lng: lng, Radius: &radius, Limit: &limit, Kind: &pharmacy})
	dentistry := "dentistry"
	dentists := r.search(t, gen.SearchMedicalProvidersParams{Lat: 51.5074, Lng: -0.1278, Radius: &radius, Limit: &limit, Speciality: &dentistry})
	if len(pharmacies) == 0 || len(dentists) == 0 {
		t.Fatalf("%d pharmacies in Paris, %d dentists in London", len(pharmacies), len(dentists))
	}
	for _, p := range pharmacies {
		if p.Kind != gen.ProviderKindIDPharmacy {
			t.Errorf("kind filter let %s (%s) through", p.Name, p.Kind)
		}
	}
	for _, p := range dentists {
		if p.Speciality == nil || *p.Speciality != "dentistry" || p.Address.CountryID != "gb" {
			t.Errorf("speciality filter let %s through", p.Name)
		}
	}

	if got := r.search(t, gen.SearchMedicalProvidersParams{Lat: 0, Lng: -140, Radius: &radius}); got == nil || len(got) != 0 {
		t.Errorf("the middle of the Pacific has providers: %v", got)
	}
	for _, city := range providerCities {
		if got := r.search(t, gen.SearchMedicalProvidersParams{Lat: city[0], Lng: city[1], Radius: &radius}); len(got) < 10 {
			t.Errorf("%v: %d providers", city, len(got))
		}
	}

	bad := "witchcraft"
	_, err := r.SearchMedicalProviders(r.ctx("c1"), server.SearchMedicalProvidersRequestObject{Params: gen.SearchMedicalProvidersParams{Lat: lat, Lng: lng, Speciality: &bad}})
	wantError(t, err, http.StatusBadRequest, "invalid_request")
	if se := (*apierr.StatusError)(nil); errors.As(err, &se) && (len(se.Problems) != 1 || se.Problems[0].Location != "query/speciality") {
		t.Errorf("problems %+v, want one at query/speciality", se.Problems)
	}
}

func TestProviderKindsAndSpecialities(t *testing.T) {
	r := newResTest(t, 1, testNow)
	ctx := r.ctx("c1")
	fr := "fr"
	got, err := r.ListProviderKinds(ctx, server.ListProviderKindsRequestObject{Params: gen.ListProviderKindsParams{AcceptLanguage: &fr}})
	if err != nil {
		t.Fatal(err)
	}
	kinds := answerOf[gen.ProviderKindList](t, got)
	if len(kinds.Body) != 7 || kinds.Lang != "fr" || !slices.ContainsFunc(kinds.Body, func(k gen.ProviderKind) bool { return k.Label == "Pharmacie" }) {
		t.Errorf("kinds: %v", kinds.Body)
	}
	for _, k := range kinds.Body {
		if !k.ID.Valid() {
			t.Errorf("kind %q is not in the spec", k.ID)
		}
	}
	got2, err := r.ListProviderSpecialities(ctx, server.ListProviderSpecialitiesRequestObject{})
	if err != nil {
		t.Fatal(err)
	}
	specs := answerOf[gen.ProviderSpecialityList](t, got2).Body
	pattern := regexp.MustCompile(`^[a-z][a-z_]{1,63}$`)
	if !slices.IsSortedFunc(specs, func(a, b gen.ProviderSpeciality) int { return strings.Compare(a.ID, b.ID) }) || len(specs) < 10 {
		t.Errorf("specialities: %v", specs)
	}
	for _, s := range specs {
		if !pattern.MatchString(s.ID) || s.Label == "" {
			t.Errorf("speciality %+v", s)
		}
	}
	// Every provider's speciality is listed.
	for _, p := range r.data.Providers() {
		if p.Speciality != nil && !knownSpeciality(*p.Speciality) {
			t.Errorf("%s has unlisted speciality %s", p.Name, *p.Speciality)
		}
	}
}

func TestQuotePricing(t *testing.T) {
	r := newResTest(t, 1, testNow)
	base := trip(14, gen.PlanCodeComfort, "jp", "1990-06-01")
	q := r.quote(t, "c1", "k1", base)
	if q.Premium.Currency != "EUR" || amount(t, q.Premium) <= 0 || !regexp.MustCompile(`^[0-9]+\.[0-9]{2}$`).MatchString(q.Premium.Amount.String()) {
		t.Errorf("premium %+v", q.Premium)
	}
	if !q.CreatedAt.Equal(testNow) || !q.ValidUntil.Equal(testNow.Add(r.cfg.QuoteLifetime)) || q.TravellersCount != 1 || q.TripType != gen.TripTypeSingleTrip {
		t.Errorf("quote %+v", q)
	}
	p := amount(t, q.Premium)
	for name, c := range map[string]struct {
		cheaper, dearer *gen.QuoteRequest
	}{
		"longer trip":           {base, trip(30, gen.PlanCodeComfort, "jp", "1990-06-01")},
		"much longer trip":      {trip(60, gen.PlanCodeComfort, "jp", "1990-06-01"), trip(61, gen.PlanCodeComfort, "jp", "1990-06-01")},
		"older traveller":       {base, trip(14, gen.PlanCodeComfort, "jp", "1950-06-01")},
		"adult than child":      {trip(14, gen.PlanCodeComfort, "jp", "2015-06-01"), base},
		"premium plan":          {base, trip(14, gen.PlanCodePremium, "jp", "1990-06-01")},
		"comfort plan":          {trip(14, gen.PlanCodeEssential, "jp", "1990-06-01"), base},
		"second traveller":      {base, trip(14, gen.PlanCodeComfort, "jp", "1990-06-01", "1992-01-01")},
		"United States":         {trip(14, gen.PlanCodeComfort, "it", "1990-06-01"), trip(14, gen.PlanCodeComfort, "us", "1990-06-01")},
		"dangerous destination": {trip(14, gen.PlanCodeComfort, "pt", "1990-06-01"), trip(14, gen.PlanCodeComfort, "sy", "1990-06-01")},
	} {
		if a, b := r.premium(t, c.cheaper), r.premium(t, c.dearer); a >= b {
			t.Errorf("%s: %.2f, not more than %.2f", name, b, a)
		}
	}
	if again := r.premium(t, base); again != p {
		t.Errorf("the same trip costs %.2f, then %.2f", p, again)
	}
	// The riskiest destination prices a multi-country trip.
	multi := trip(14, gen.PlanCodeComfort, "pt", "1990-06-01")
	multi.DestinationCountries = []string{"pt", "us"}
	if a, b := r.premium(t, multi), r.premium(t, trip(14, gen.PlanCodeComfort, "us", "1990-06-01")); a != b {
		t.Errorf("Portugal and the US: %.2f, the US alone: %.2f", a, b)
	}
	// Annual cover: a flat price for up to a year.
	annual := trip(365, gen.PlanCodeComfort, "jp", "1990-06-01")
	annual.TripType = gen.TripTypeAnnualMultiTrip
	shortAnnual := trip(100, gen.PlanCodeComfort, "jp", "1990-06-01")
	shortAnnual.TripType = gen.TripTypeAnnualMultiTrip
	if a, b := r.premium(t, annual), r.premium(t, shortAnnual); a != b || a <= p {
		t.Errorf("annual cover: %.2f and %.2f (a 14-day trip: %.2f)", a, b, p)
	}
	promo := trip(14, gen.PlanCodeComfort, "jp", "1990-06-01")
	promo.PromoCode = data.PointerTo("welcome10")
	if got := r.premium(t, promo); math.Abs(got-math.Round(p*90)/100) > 0.011 {
		t.Errorf("WELCOME10: %.2f, want 10%% off %.2f", got, p)
	}
	// Each quote is its own.
	if a, b := r.quote(t, "c1", "k2", base), r.quote(t, "c1", "k3", base); a.ID == b.ID {
		t.Error("two quotes with one id")
	}
}

func TestQuoteUnprocessable(t *testing.T) {
	r := newResTest(t, 1, testNow)
	ctx := r.ctx("c1")
	today := dateOf(testNow)
	cases := map[string]struct {
		edit func(q *gen.QuoteRequest)
		code string
	}{
		"end before start": {func(q *gen.QuoteRequest) { q.EndDate = civil(q.StartDate.AddDate(0, 0, -1)) }, "invalid_dates"},
		"start in the past": {func(q *gen.QuoteRequest) {
			q.StartDate, q.EndDate = civil(today.AddDate(0, 0, -1)), civil(today.AddDate(0, 0, 5))
		}, "invalid_dates"},
		"start far ahead": {func(q *gen.QuoteRequest) {
			q.StartDate, q.EndDate = civil(today.AddDate(2, 0, 0)), civil(today.AddDate(2, 0, 5))
		}, "invalid_dates"},
		"single trip of 366 days": {func(q *gen.QuoteRequest) { q.EndDate = civil(q.StartDate.AddDate(0, 0, 365)) }, "trip_too_long"},
		"annual cover over a year": {func(q *gen.QuoteRequest) {
			q.TripType, q.EndDate = gen.TripTypeAnnualMultiTrip, civil(q.StartDate.AddDate(1, 0, 0))
		}, "trip_too_long"},
		"unknown origin":                 {func(q *gen.QuoteRequest) { q.OriginCountry = "xx" }, "unknown_country"},
		"unknown destination":            {func(q *gen.QuoteRequest) { q.DestinationCountries = []string{"jp", "zz"} }, "unknown_country"},
		"traveller born after start":     {func(q *gen.QuoteRequest) { q.Travellers[0].BirthDate = civil(q.StartDate.AddDate(0, 0, 1)) }, "invalid_traveller"},
		"unknown promo code":             {func(q *gen.QuoteRequest) { q.PromoCode = data.PointerTo("FREE100") }, "invalid_promo_code"},
		"withdrawn country (Yugoslavia)": {func(q *gen.QuoteRequest) { q.DestinationCountries = []string{"yu"} }, "unknown_country"},
	}
	// Each names its problem's location.
	locations := map[string]string{
		"end before start":               "body/end_date",
		"start in the past":              "body/start_date",
		"start far ahead":                "body/start_date",
		"single trip of 366 days":        "body/end_date",
		"annual cover over a year":       "body/end_date",
		"unknown origin":                 "body/origin_country",
		"unknown destination":            "body/destination_countries/1",
		"traveller born after start":     "body/travellers/0/birth_date",
		"unknown promo code":             "body/promo_code",
		"withdrawn country (Yugoslavia)": "body/destination_countries/0",
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			q := trip(14, gen.PlanCodeComfort, "jp", "1990-06-01")
			c.edit(q)
			_, err := r.RequestQuote(ctx, server.RequestQuoteRequestObject{Params: gen.RequestQuoteParams{IdempotencyKey: "k-" + name}, Body: q})
			wantError(t, err, http.StatusUnprocessableEntity, c.code)
			var se *apierr.StatusError
			if errors.As(err, &se) && (len(se.Problems) != 1 || se.Problems[0].Location != locations[name] || se.Problems[0].Message == "") {
				t.Errorf("problems %+v, want one at %s", se.Problems, locations[name])
			}
		})
	}
	// Several problems are one 422 listing them all, coded as the first.
	several := trip(14, gen.PlanCodeComfort, "xx", "1990-06-01")
	several.Travellers[0].BirthDate = civil(several.StartDate.AddDate(0, 0, 1))
	several.PromoCode = data.PointerTo("FREE100")
	_, err := r.RequestQuote(ctx, server.RequestQuoteRequestObject{Params: gen.RequestQuoteParams{IdempotencyKey: "k-several"}, Body: several})
	wantError(t, err, http.StatusUnprocessableEntity, "unknown_country")
	var se *apierr.StatusError
	if errors.As(err, &se) {
		var locs []string
		for _, p := range se.Problems {
			locs = append(locs, p.Location)
		}
		if want := []string{"body/destination_countries/0", "body/travellers/0/birth_date", "body/promo_code"}; !slices.Equal(locs, want) || !strings.HasPrefix(se.Description, "3 problems: ") {
			t.Errorf("problems at %v (%s), want %v", locs, se.Description, want)
		}
	}
	// The limits themselves are fine: a 365-day trip starting today.
	q := trip(365, gen.PlanCodeComfort, "jp", "1990-06-01")
	q.StartDate, q.EndDate = civil(today), civil(today.AddDate(0, 0, 364))
	r.quote(t, "c1", "k-limits", q)

	// A refused request does not use up its Idempotency-Key.
	bad := trip(14, gen.PlanCodeComfort, "xx", "1990-06-01")
	_, err = r.RequestQuote(ctx, server.RequestQuoteRequestObject{Params: gen.RequestQuoteParams{IdempotencyKey: "k-retry"}, Body: bad})
	wantError(t, err, http.StatusUnprocessableEntity, "unknown_country")
	r.quote(t, "c1", "k-retry", trip(14, gen.PlanCodeComfort, "jp", "1990-06-01"))
}

func TestPolicyLifecycle(t *testing.T) {
	r := newResTest(t, 1, testNow)
	q := r.quote(t, "c1", "q1", trip(14, gen.PlanCodeComfort, "jp", "1985-04-12", "2015-09-30"))
	created := r.mustPolicy(t, "c1", "p1", policyFor(q))
	p := created.Body
	if !regexp.MustCompile(`^AXA-TRV-[0-9]{10}$`).MatchString(p.PolicyNumber) || p.Status != gen.PolicyStatusIssued || p.QuoteID != q.ID {
		t.Errorf("policy %+v", p)
	}
	if p.Premium != q.Premium || !p.StartDate.Equal(q.StartDate.Time) || p.PlanCode != q.PlanCode || len(p.Travellers) != 2 || !p.IssuedAt.Equal(testNow) {
		t.Errorf("policy %+v does not follow quote %+v", p, q)
	}
	if *created.Headers.Location != "/travel/v1/policies/"+p.ID.String() || *created.Headers.IdempotentReplayed {
		t.Errorf("headers %+v", created.Headers)
	}
	if len(p.Documents) != 2 || !strings.HasPrefix(p.Documents[0].URL, "https://") || !strings.Contains(p.Documents[0].URL, p.ID.String()) {
		t.Errorf("documents %+v", p.Documents)
	}

	// Policy numbers are sequential.
	q2 := r.quote(t, "c1", "q2", trip(20, gen.PlanCodePremium, "br", "1985-04-12", "2015-09-30"))
	p2 := r.mustPolicy(t, "c1", "p2", policyFor(q2)).Body
	if p2.PolicyNumber != fmt.Sprintf("AXA-TRV-%010d", 2) || p.PolicyNumber != fmt.Sprintf("AXA-TRV-%010d", 1) {
		t.Errorf("numbers %s then %s", p.PolicyNumber, p2.PolicyNumber)
	}

	// Only its client reads it back.
	got, err := r.GetPolicy(r.ctx("c1"), server.GetPolicyRequestObject{PolicyID: p.ID})
	if err != nil || gen.Policy(got.(server.GetPolicy200JSONResponse)).PolicyNumber != p.PolicyNumber {
		t.Errorf("GetPolicy by its client: %v, %v", got, err)
	}
	_, err = r.GetPolicy(r.ctx("c2"), server.GetPolicyRequestObject{PolicyID: p.ID})
	wantError(t, err, http.StatusNotFound, "not_found")
	_, err = r.GetPolicy(r.ctx("c1"), server.GetPolicyRequestObject{PolicyID: uuid.New()})
	wantError(t, err, http.StatusNotFound, "not_found")

	// A quote issues one policy, to its own client, while it is valid.
	_, err = r.createPolicy("c1", "p3", policyFor(q))
	wantError(t, err, http.StatusUnprocessableEntity, "quote_already_used")
	q3 := r.quote(t, "c1", "q3", trip(14, gen.PlanCodeComfort, "jp", "1985-04-12", "2015-09-30"))
	_, err = r.createPolicy("c2", "p4", policyFor(q3))
	wantError(t, err, http.StatusUnprocessableEntity, "quote_not_found")
	_, err = r.createPolicy("c1", "p5", policyFor(gen.Quote{ID: uuid.New()}))
	wantError(t, err, http.StatusUnprocessableEntity, "quote_not_found")

	// The travellers must be the quote's.
	fewer := policyFor(q3)
	fewer.Travellers = fewer.Travellers[:1]
	_, err = r.createPolicy("c1", "p6", fewer)
	wantError(t, err, http.StatusUnprocessableEntity, "travellers_mismatch")
	other := policyFor(q3)
	other.Travellers[0].BirthDate = birth("2016-09-30")
	_, err = r.createPolicy("c1", "p7", other)
	wantError(t, err, http.StatusUnprocessableEntity, "travellers_mismatch")
	minor := policyFor(q3)
	minor.PolicyHolder.Person.BirthDate = birth("2015-09-30")
	_, err = r.createPolicy("c1", "p8", minor)
	wantError(t, err, http.StatusUnprocessableEntity, "invalid_policy_holder")
	// Every problem at once, each at its location.
	both := policyFor(q3)
	both.PolicyHolder.Person.BirthDate = birth("2015-09-30")
	both.Travellers[1].Nationalities = &[]string{"fr", "zz"}
	_, err = r.createPolicy("c1", "p9", both)
	wantError(t, err, http.StatusUnprocessableEntity, "invalid_policy_holder")
	var se *apierr.StatusError
	if errors.As(err, &se) && (len(se.Problems) != 2 || se.Problems[0].Location != "body/policy_holder/person/birth_date" ||
		se.Problems[1].Location != "body/travellers/1/nationalities/1") {
		t.Errorf("problems %+v", se.Problems)
	}
	// None of the refusals used the quote.
	r.mustPolicy(t, "c1", "p10", policyFor(q3))

	// An expired quote issues nothing.
	q4 := r.quote(t, "c1", "q4", trip(14, gen.PlanCodeComfort, "jp", "1985-04-12", "2015-09-30"))
	r.advance(r.cfg.QuoteLifetime + time.Second)
	_, err = r.createPolicy("c1", "p11", policyFor(q4))
	wantError(t, err, http.StatusUnprocessableEntity, "quote_expired")
	if n := r.store.policyCount(); n != 3 {
		t.Errorf("%d policies issued, want 3", n)
	}
}

func TestIdempotencyReplaysAndRefuses(t *testing.T) {
	r := newResTest(t, 1, testNow)
	q := r.quote(t, "c1", "q1", trip(14, gen.PlanCodeComfort, "jp", "1985-04-12", "2015-09-30"))
	first := r.mustPolicy(t, "c1", "booking-42", policyFor(q))
	again := r.mustPolicy(t, "c1", "booking-42", policyFor(q))
	if again.Body.ID != first.Body.ID || again.Body.PolicyNumber != first.Body.PolicyNumber || !*again.Headers.IdempotentReplayed ||
		*again.Headers.Location != *first.Headers.Location {
		t.Errorf("replay answered %+v, want %+v", again, first)
	}
	if n := r.store.policyCount(); n != 1 {
		t.Errorf("%d policies after a replay", n)
	}

	// Same key, another body.
	q2 := r.quote(t, "c1", "q2", trip(14, gen.PlanCodeComfort, "jp", "1985-04-12", "2015-09-30"))
	_, err := r.createPolicy("c1", "booking-42", policyFor(q2))
	wantError(t, err, http.StatusUnprocessableEntity, "idempotency_key_reused")
	// Same key on another operation.
	_, err = r.RequestQuote(r.ctx("c1"), server.RequestQuoteRequestObject{Params: gen.RequestQuoteParams{IdempotencyKey: "booking-42"}, Body: trip(3, gen.PlanCodeComfort, "jp", "1985-04-12")})
	wantError(t, err, http.StatusUnprocessableEntity, "idempotency_key_reused")

	// Quotes replay too, and keys belong to one client.
	body := trip(14, gen.PlanCodeComfort, "jp", "1985-04-12")
	a := r.quote(t, "c1", "same", body)
	got, err := r.RequestQuote(r.ctx("c1"), server.RequestQuoteRequestObject{Params: gen.RequestQuoteParams{IdempotencyKey: "same"}, Body: body})
	if err != nil {
		t.Fatal(err)
	}
	if b := got.(server.RequestQuote201JSONResponse); b.Body.ID != a.ID || !*b.Headers.IdempotentReplayed {
		t.Errorf("quote replay: %+v", b)
	}
	if c := r.quote(t, "c2", "same", body); c.ID == a.ID {
		t.Error("another client's key replayed c1's quote")
	}

	// A request whose key is in flight gets 409 with Retry-After.
	req := policyFor(q2)
	hash, err := requestHash("createPolicy", req)
	if err != nil {
		t.Fatal(err)
	}
	if state, _ := r.store.beginIdempotent(clientOwner("c1"), "busy", hash, testNow); state != idemNew {
		t.Fatalf("state %v", state)
	}
	busy, err := r.createPolicy("c1", "busy", req)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := busy.(server.CreatePolicy409JSONResponse)
	if !ok || c.Body.Error != "idempotency_conflict" || c.Body.StatusCode != http.StatusConflict || c.Headers.RetryAfter == nil || *c.Headers.RetryAfter != "1" {
		t.Errorf("in flight: %#v", busy)
	}
	r.store.abandonIdempotent(clientOwner("c1"), "busy")
	r.mustPolicy(t, "c1", "busy", req)

	// A refused request does not keep its key.
	q3 := r.quote(t, "c1", "q3", trip(14, gen.PlanCodeComfort, "jp", "1985-04-12", "2015-09-30"))
	wrong := policyFor(q3)
	wrong.Travellers = wrong.Travellers[:1]
	_, err = r.createPolicy("c1", "retry-me", wrong)
	wantError(t, err, http.StatusUnprocessableEntity, "travellers_mismatch")
	r.mustPolicy(t, "c1", "retry-me", policyFor(q3))
}

// 50 concurrent identical requests with one key issue one policy; 50 with
// distinct keys on one quote also issue one.
func TestIdempotencyConcurrentDuplicates(t *testing.T) {
	r := newResTest(t, 1, testNow)
	for _, sameKey := range []bool{true, false} {
		q := r.quote(t, "c1", uuid.NewString(), trip(14, gen.PlanCodeComfort, "jp", "1985-04-12", "2015-09-30"))
		before := r.store.policyCount()
		var wg sync.WaitGroup
		var mu sync.Mutex
		numbers := map[string]int{}
		refused := map[string]int{}
		for i := range 50 {
			wg.Go(func() {
				key := "booking-42-" + q.ID.String()
				if !sameKey {
					key = fmt.Sprintf("attempt-%d", i)
				}
				got, err := r.createPolicy("c1", key, policyFor(q))
				mu.Lock()
				defer mu.Unlock()
				var se *apierr.StatusError
				switch v := got.(type) {
				case server.CreatePolicy201JSONResponse:
					numbers[v.Body.PolicyNumber]++
				case server.CreatePolicy409JSONResponse:
					refused[v.Body.Error]++
				case nil:
					if errors.As(err, &se) {
						refused[se.Code]++
					} else {
						t.Errorf("unexpected error %v", err)
					}
				}
			})
		}
		wg.Wait()
		if got := r.store.policyCount() - before; got != 1 || len(numbers) != 1 {
			t.Errorf("same key %v: %d policies issued, numbers %v, refusals %v", sameKey, got, numbers, refused)
		}
		for code := range refused {
			if sameKey && code != "idempotency_conflict" || !sameKey && code != "quote_already_used" && code != "idempotency_conflict" {
				t.Errorf("same key %v: refused with %s", sameKey, code)
			}
		}
	}
}
