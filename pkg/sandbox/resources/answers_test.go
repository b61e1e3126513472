package resources

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/gen/server"
	"github.com/axa-assistance-go/axa/pkg/sandbox/data"
)

// snapshot answers a few operations of a dataset at a fixed time, as JSON.
func snapshot(t *testing.T, seed uint64) string {
	t.Helper()
	r := newResTest(t, seed, time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC))
	ctx := r.ctx("c1")
	var out []any
	add := func(v any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, legacyJSON(v))
	}
	add(r.ListAlerts(ctx, server.ListAlertsRequestObject{}))
	add(r.SearchMedicalProviders(ctx, server.SearchMedicalProvidersRequestObject{Params: gen.SearchMedicalProvidersParams{Lat: 35.6762, Lng: 139.6503}}))
	for _, id := range []string{"fr", "ke", "pe", "fj"} {
		add(r.GetCountry(ctx, server.GetCountryRequestObject{CountryID: id}))
		add(r.GetCountrySecurity(ctx, server.GetCountrySecurityRequestObject{CountryID: id}))
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDataIsDeterministic(t *testing.T) {
	a, b, c := snapshot(t, 1), snapshot(t, 1), snapshot(t, 2)
	if a != b {
		t.Error("two datasets of seed 1 differ")
	}
	if a == c {
		t.Error("seeds 1 and 2 make the same data")
	}
}

func TestDataEveryCountryAnswers(t *testing.T) {
	r := newResTest(t, 1, time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC))
	ctx := r.ctx("c1")
	all, err := r.ListCountries(ctx, server.ListCountriesRequestObject{})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range answerOf[gen.CountryList](t, all).Body {
		got, err := r.GetCountry(ctx, server.GetCountryRequestObject{CountryID: row.ID})
		if err != nil {
			t.Fatalf("%s: %v", row.ID, err)
		}
		d := answerOf[gen.CountryDetail](t, got).Body
		if d.ID != row.ID || d.Label == "" || d.GeneralInfo.Desc == "" || d.GeneralInfo.Label == "" {
			t.Errorf("%s: %+v", row.ID, d)
		}
		if d.Airports != nil {
			for _, a := range d.Airports.List {
				if len(a.IATACode) != 3 || strings.ToUpper(a.IATACode) != a.IATACode {
					t.Errorf("%s: airport %+v", row.ID, a)
				}
			}
		}
		if d.CurrencyConverter != nil && len(d.CurrencyConverter.CurrencyCode) != 3 {
			t.Errorf("%s: currency %+v", row.ID, d.CurrencyConverter)
		}
		// Emails must survive encoding (openapi_types.Email checks them).
		if _, err := json.Marshal(d); err != nil {
			t.Errorf("%s: %v", row.ID, err)
		}
		for _, op := range []func() (any, error){
			func() (any, error) {
				return r.GetCountryHealth(ctx, server.GetCountryHealthRequestObject{CountryID: row.ID})
			},
			func() (any, error) {
				return r.GetCountrySecurity(ctx, server.GetCountrySecurityRequestObject{CountryID: row.ID})
			},
			func() (any, error) {
				return r.ListCountryAlerts(ctx, server.ListCountryAlertsRequestObject{CountryID: row.ID})
			},
		} {
			if _, err := op(); err != nil {
				t.Errorf("%s: %v", row.ID, err)
			}
		}
	}
	if _, err := json.Marshal(data.NewDataset(1).Providers()); err != nil {
		t.Errorf("providers do not encode: %v", err)
	}
}

// The data is shared by concurrent handlers: reading it must not race.
func TestDataConcurrentReads(t *testing.T) {
	r := newResTest(t, 1, time.Now())
	ctx := r.ctx("c1")
	done := make(chan struct{})
	for range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			fr := "fr"
			_, _ = r.ListCountries(ctx, server.ListCountriesRequestObject{Params: gen.ListCountriesParams{AcceptLanguage: &fr}})
			_, _ = r.GetCountry(ctx, server.GetCountryRequestObject{CountryID: "jp"})
			_, _ = r.SearchMedicalProviders(ctx, server.SearchMedicalProvidersRequestObject{Params: gen.SearchMedicalProvidersParams{Lat: 51.5, Lng: -0.12}})
		}()
	}
	for range 8 {
		<-done
	}
}

// answers are every data-backed answer of a seed's sandbox at a fixed
// time, in English and in French, as JSON lines: the country list and
// every country's detail, health, security and alerts, the worldwide
// alerts, the provider kinds and specialities, a provider search around
// each city and the risk factor each country puts on a quote.
func answers(t *testing.T, seed uint64) []byte {
	t.Helper()
	r := newResTest(t, seed, time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC))
	ctx := r.ctx("c1")
	var out []byte
	add := func(v any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(legacyJSON(v))
		if err != nil {
			t.Fatal(err)
		}
		out = append(append(out, b...), '\n')
	}
	// The ten cities of the providers, and a point between none.
	points := [][2]float64{
		{48.8566, 2.3522}, {51.5074, -0.1278}, {35.6762, 139.6503}, {40.7128, -74.0060}, {-33.8688, 151.2093},
		{-22.9068, -43.1729}, {-33.9249, 18.4241}, {25.2048, 55.2708}, {13.7563, 100.5018}, {19.4326, -99.1332}, {0, -140},
	}
	radius, limit := int32(50_000), int32(100)
	for _, lang := range []string{"en", "fr-FR"} {
		got, err := r.ListCountries(ctx, server.ListCountriesRequestObject{Params: gen.ListCountriesParams{AcceptLanguage: &lang}})
		add(got, err)
		list := answerOf[gen.CountryList](t, got).Body
		if len(list) != 249 {
			t.Fatalf("%d countries", len(list))
		}
		for _, c := range list {
			id := c.ID
			add(r.GetCountry(ctx, server.GetCountryRequestObject{CountryID: id, Params: gen.GetCountryParams{AcceptLanguage: &lang}}))
			add(r.GetCountryHealth(ctx, server.GetCountryHealthRequestObject{CountryID: id, Params: gen.GetCountryHealthParams{AcceptLanguage: &lang}}))
			add(r.GetCountrySecurity(ctx, server.GetCountrySecurityRequestObject{CountryID: id, Params: gen.GetCountrySecurityParams{AcceptLanguage: &lang}}))
			add(r.ListCountryAlerts(ctx, server.ListCountryAlertsRequestObject{CountryID: id, Params: gen.ListCountryAlertsParams{AcceptLanguage: &lang}}))
			cd, _ := r.data.Country(id)
			add(strconv.FormatFloat(cd.RiskFactor, 'g', -1, 64), nil)
		}
		add(r.ListAlerts(ctx, server.ListAlertsRequestObject{Params: gen.ListAlertsParams{AcceptLanguage: &lang}}))
		add(r.ListProviderKinds(ctx, server.ListProviderKindsRequestObject{Params: gen.ListProviderKindsParams{AcceptLanguage: &lang}}))
		add(r.ListProviderSpecialities(ctx, server.ListProviderSpecialitiesRequestObject{Params: gen.ListProviderSpecialitiesParams{AcceptLanguage: &lang}}))
		for _, p := range points {
			add(r.SearchMedicalProviders(ctx, server.SearchMedicalProvidersRequestObject{Params: gen.SearchMedicalProvidersParams{
				Lat: p[0], Lng: p[1], Radius: &radius, Limit: &limit, AcceptLanguage: &lang,
			}}))
		}
	}
	return out
}

// The data files and the Go code that derives the rest from them answer
// exactly what the Go literals they replaced answered: the digests were
// taken of the literal tables' answers. AXA_DATA_ANSWERS=FILE writes a
// seed 1's answers to FILE, to compare two versions line by line.
func TestDataAnswersAreUnchanged(t *testing.T) {
	for seed, want := range map[uint64]string{
		1:  "936763d6e7448098f26baa9eefd37ab5b4b133f120bccab3bc4150c790146547",
		42: "e997b02fd03869d470ee57d435da4a7d93b62a6f3309db2051349bca9a420880",
	} {
		b := answers(t, seed)
		if path := os.Getenv("AXA_DATA_ANSWERS"); path != "" && seed == 1 {
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if got := fmt.Sprintf("%x", sha256.Sum256(b)); got != want {
			t.Errorf("seed %d: answers digest %s, want %s (%d bytes)", seed, got, want, len(b))
		}
	}
}
