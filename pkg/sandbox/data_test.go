package sandbox

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/language"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/gen/server"
)

// The literal table is exactly the ISO 3166-1 countries x/text knows,
// without the reserved, transitional and withdrawn codes.
func TestCountryTableIsISO3166(t *testing.T) {
	excluded := strings.Fields("AC AN BU CP CQ CS CT DD DG DY EA EZ FQ FX HV IC JT MI NH NQ NT PC PU PZ RH SU TA TP UK UN VD WK XK YD YU ZR")
	var want []string
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || !r.IsCountry() || r.String() != code || r.ISO3() == "" || slices.Contains(excluded, code) {
				continue
			}
			want = append(want, strings.ToLower(code))
		}
	}
	var got []string
	for _, row := range countryTable {
		if _, err := language.ParseRegion(row.id); err != nil {
			t.Errorf("%s does not parse: %v", row.id, err)
		}
		got = append(got, row.id)
	}
	if len(got) != 249 || !slices.Equal(got, want) {
		t.Fatalf("table has %d codes, want the 249 of x/text:\n got %v\nwant %v", len(got), got, want)
	}
	for id := range countryFacts {
		if !slices.Contains(got, id) {
			t.Errorf("fact about unknown country %q", id)
		}
	}
}

func TestDataCountryLabels(t *testing.T) {
	d := newDataset(1)
	en, fr := d.lists[0], d.lists[1]
	if len(en) != 249 || len(fr) != 249 {
		t.Fatalf("%d English and %d French labels, want 249", len(en), len(fr))
	}
	if !slices.IsSortedFunc(en, func(a, b gen.Country) int { return strings.Compare(a.ID, b.ID) }) {
		t.Error("countries are not sorted by id")
	}
	// The seed's own examples.
	for id, want := range map[string]string{"af": "Afghanistan", "ax": "Aland Islands", "zw": "Zimbabwe", "fr": "France", "ci": "Cote d'Ivoire"} {
		if c, _ := d.country(id); c == nil || c.labels[0] != want {
			t.Errorf("label of %s = %v, want %q", id, c, want)
		}
	}
	differ := 0
	for i := range en {
		if en[i].ID != fr[i].ID {
			t.Fatalf("French list is in another order at %d", i)
		}
		if en[i].Label != fr[i].Label {
			differ++
		}
		for _, r := range en[i].Label {
			if r > unicode.MaxASCII {
				t.Errorf("English label %q is not ASCII", en[i].Label)
				break
			}
		}
		for l, list := range d.lists {
			if list[i].Label == "" {
				t.Errorf("no %s label for %s", supportedLanguages[l], list[i].ID)
			}
		}
	}
	if differ < 150 {
		t.Errorf("only %d French labels differ from the English ones", differ)
	}
	if de, _ := d.country("de"); de.labels[1] != "Allemagne" || de.labels[2] != "Deutschland" || de.labels[6] != "ドイツ" {
		t.Errorf("labels of de = %q", de.labels)
	}
}

func TestDataLanguageMatching(t *testing.T) {
	d := newDataset(1)
	for accept, want := range map[string]string{
		"":                         "en",
		"fr-FR":                    "fr",
		"fr-CA,fr;q=0.9,en;q=0.8":  "fr",
		"de-CH;q=0.9, en;q=0.5":    "de",
		"pt-BR":                    "pt",
		"ja":                       "ja",
		"zh-CN":                    "zh",
		"es-419":                   "es",
		"xx":                       "en",
		"nl-NL, it;q=0.4":          "it",
		";;;=":                     "en",
		strings.Repeat("a", 300):   "en",
		"en-GB, fr;q=0.9, de;q=.8": "en",
	} {
		if _, got := d.language(&accept); got != want {
			t.Errorf("Accept-Language %q: %s, want %s", accept, got, want)
		}
	}
	if _, got := d.language(nil); got != "en" {
		t.Errorf("no Accept-Language: %s", got)
	}
}

func TestDataFoldASCII(t *testing.T) {
	for in, want := range map[string]string{
		"Åland Islands":       "Aland Islands",
		"Côte d’Ivoire":       "Cote d'Ivoire",
		"São Tomé & Príncipe": "Sao Tome & Principe",
		"Curaçao":             "Curacao",
		"Zimbabwe":            "Zimbabwe",
	} {
		if got := foldASCII(in); got != want {
			t.Errorf("foldASCII(%q) = %q, want %q", in, got, want)
		}
	}
}

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
		out = append(out, v)
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

func TestDataHaversine(t *testing.T) {
	// Paris to London, and a quarter of a meridian.
	if d := haversine(48.8566, 2.3522, 51.5074, -0.1278); math.Abs(d-343_500) > 2000 {
		t.Errorf("Paris-London = %.0f m, want about 343.5 km", d)
	}
	if d := haversine(0, 0, 90, 0); math.Abs(d-math.Pi/2*earthRadius) > 1 {
		t.Errorf("equator to pole = %.0f m", d)
	}
	if d := haversine(10, 20, 10, 20); d != 0 {
		t.Errorf("distance to itself = %f", d)
	}
}

func TestDataHolidayRules(t *testing.T) {
	for year, want := range map[int]string{2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28"} {
		if got := easter(year).Format(time.DateOnly); got != want {
			t.Errorf("Easter %d = %s, want %s", year, got, want)
		}
	}
	for _, c := range []struct {
		rule holidayRule
		year int
		want string
	}{
		{nthWeekdayHoliday(time.November, time.Thursday, 4, "Thanksgiving Day"), 2026, "2026-11-26"},
		{nthWeekdayHoliday(time.May, time.Monday, -1, "Spring Bank Holiday"), 2026, "2026-05-25"},
		{nthWeekdayHoliday(time.May, time.Monday, 1, "Early May Bank Holiday"), 2026, "2026-05-04"},
		{holidayRule{kind: holidayMondays, month: time.May, day: 24, name: "Victoria Day"}, 2026, "2026-05-18"},
		{holidayRule{kind: holidayMondays, month: time.May, day: 24, name: "Victoria Day"}, 2027, "2027-05-24"},
		{easterHoliday(39, "Ascension Day"), 2026, "2026-05-14"},
		{fixedHoliday(time.July, 14, "Bastille Day"), 2026, "2026-07-14"},
	} {
		if got := c.rule.in(c.year).Format(time.DateOnly); got != c.want {
			t.Errorf("%s %d = %s, want %s", c.rule.name, c.year, got, c.want)
		}
	}
	d := newDataset(1)
	fr, _ := d.country("fr")
	today := time.Date(2026, 7, 14, 0, 0, 0, 0, time.UTC)
	list := fr.holidaysFrom(today)
	if len(list) != len(fr.holidays) || list[0].Name != "Bastille Day" || list[0].Date.Format(time.DateOnly) != "2026-07-14" {
		t.Fatalf("French holidays from 14 July: %v", list)
	}
	for i, h := range list {
		if h.Date.Before(today) || !h.Date.Before(today.AddDate(1, 0, 0)) || i > 0 && h.Date.Before(list[i-1].Date.Time) {
			t.Errorf("holiday %v out of the coming twelve months or order", h)
		}
	}
}

func TestDataEveryCountryAnswers(t *testing.T) {
	r := newResTest(t, 1, time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC))
	ctx := r.ctx("c1")
	for _, row := range countryTable {
		got, err := r.GetCountry(ctx, server.GetCountryRequestObject{CountryID: row.id})
		if err != nil {
			t.Fatalf("%s: %v", row.id, err)
		}
		d := got.(server.GetCountry200JSONResponse).Body
		if d.ID != row.id || d.Label == "" || d.GeneralInfo.Desc == "" || d.GeneralInfo.Label == "" {
			t.Errorf("%s: %+v", row.id, d)
		}
		if d.Airports != nil {
			for _, a := range d.Airports.List {
				if len(a.IataCode) != 3 || strings.ToUpper(a.IataCode) != a.IataCode {
					t.Errorf("%s: airport %+v", row.id, a)
				}
			}
		}
		if d.CurrencyConverter != nil && len(d.CurrencyConverter.CurrencyCode) != 3 {
			t.Errorf("%s: currency %+v", row.id, d.CurrencyConverter)
		}
		// Emails must survive encoding (openapi_types.Email checks them).
		if _, err := json.Marshal(d); err != nil {
			t.Errorf("%s: %v", row.id, err)
		}
		for _, op := range []func() (any, error){
			func() (any, error) {
				return r.GetCountryHealth(ctx, server.GetCountryHealthRequestObject{CountryID: row.id})
			},
			func() (any, error) {
				return r.GetCountrySecurity(ctx, server.GetCountrySecurityRequestObject{CountryID: row.id})
			},
			func() (any, error) {
				return r.ListCountryAlerts(ctx, server.ListCountryAlertsRequestObject{CountryID: row.id})
			},
		} {
			if _, err := op(); err != nil {
				t.Errorf("%s: %v", row.id, err)
			}
		}
	}
	if _, err := json.Marshal(newDataset(1).providers); err != nil {
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
