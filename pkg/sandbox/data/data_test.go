package data

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"path"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
	"golang.org/x/text/language"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/testutil"
)

// The countries of data/countries.json are exactly the ISO 3166-1
// countries x/text knows, without the reserved, transitional and withdrawn
// codes.
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
	for _, row := range countryRecords().countries {
		if _, err := language.ParseRegion(row.ID); err != nil {
			t.Errorf("%s does not parse: %v", row.ID, err)
		}
		got = append(got, row.ID)
	}
	if len(got) != 249 || !slices.Equal(got, want) {
		t.Fatalf("table has %d codes, want the 249 of x/text:\n got %v\nwant %v", len(got), got, want)
	}
}

func TestDataCountryLabels(t *testing.T) {
	d := NewDataset(1)
	en, fr := d.List(0), d.List(1)
	if len(en) != 249 || len(fr) != 249 {
		t.Fatalf("%d English and %d French labels, want 249", len(en), len(fr))
	}
	if !slices.IsSortedFunc(en, func(a, b gen.Country) int { return strings.Compare(a.ID, b.ID) }) {
		t.Error("countries are not sorted by id")
	}
	// The seed's own examples.
	for id, want := range map[string]string{"af": "Afghanistan", "ax": "Aland Islands", "zw": "Zimbabwe", "fr": "France", "ci": "Cote d'Ivoire"} {
		if c, _ := d.Country(id); c == nil || c.Labels[0] != want {
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
		for l := range supportedLanguages {
			if list := d.List(l); list[i].Label == "" {
				t.Errorf("no %s label for %s", supportedLanguages[l], list[i].ID)
			}
		}
	}
	if differ < 150 {
		t.Errorf("only %d French labels differ from the English ones", differ)
	}
	if de, _ := d.Country("de"); de.Labels[1] != "Allemagne" || de.Labels[2] != "Deutschland" || de.Labels[6] != "ドイツ" {
		t.Errorf("labels of de = %q", de.Labels)
	}
}

func TestDataLanguageMatching(t *testing.T) {
	d := NewDataset(1)
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
		if _, got := d.Language(&accept); got != want {
			t.Errorf("Accept-Language %q: %s, want %s", accept, got, want)
		}
	}
	if _, got := d.Language(nil); got != "en" {
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
	d := NewDataset(1)
	fr, _ := d.Country("fr")
	today := time.Date(2026, 7, 14, 0, 0, 0, 0, time.UTC)
	list := fr.HolidaysFrom(today)
	if len(list) != len(fr.Holidays) || list[0].Name != "Bastille Day" || list[0].Date.Format(time.DateOnly) != "2026-07-14" {
		t.Fatalf("French holidays from 14 July: %v", list)
	}
	for i, h := range list {
		if h.Date.Before(today) || !h.Date.Before(today.AddDate(1, 0, 0)) || i > 0 && h.Date.Before(list[i-1].Date.Time) {
			t.Errorf("holiday %v out of the coming twelve months or order", h)
		}
	}
}

// specCheck validates values against the spec's component schemas.
type specCheck struct {
	t   *testing.T
	doc *openapi3.T
}

// check validates v, a value as encoding/json decodes it into any, against
// the component schema name; where names v in the failure.
func (s specCheck) check(where, name string, v any) {
	s.t.Helper()
	ref := s.doc.Components.Schemas[name]
	if ref == nil {
		s.t.Fatalf("the spec has no schema %s", name)
	}
	if err := ref.Value.VisitJSON(v); err != nil {
		if se, ok := errors.AsType[*openapi3.SchemaError](err); ok {
			err = fmt.Errorf("at /%s: %s", strings.Join(se.JSONPointer(), "/"), se.Reason)
		}
		s.t.Errorf("%s is not a valid %s: %v", where, name, err)
	}
}

// rawDataFile decodes data/name into any, as the schemas see it.
func rawDataFile(t *testing.T, name string, v any) {
	t.Helper()
	b, err := dataFiles.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// with returns a copy of the object m with more members: those the
// answer adds (a section's label, a drawn id).
func with(m map[string]any, kv ...any) map[string]any {
	out := maps.Clone(m)
	for i := 0; i < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

// Every record of every data file is valid against the spec's schema of
// the model it is, with the members the answer adds (a section's label, the
// id the seed draws); the ids, codes and levels in the other records
// against theirs; and every provider the seed can draw from a city, and
// every embassy from a host, as answered.
func TestDataFilesMatchTheSpec(t *testing.T) {
	s := specCheck{t, testutil.Spec(t)}
	const id = "3f1c9f4e-2a4b-4c52-9d3e-6a1f0b7c8d90"
	checked := map[string]bool{}
	// holidays checks rules as the dates they answer in 2026.
	holidays := func(where string, rules any) {
		t.Helper()
		for _, h := range rules.([]any) {
			b, _ := json.Marshal(h)
			var rule holidayRule
			if err := json.Unmarshal(b, &rule); err != nil {
				t.Errorf("%s: %v", where, err)
				continue
			}
			s.check(where+" "+rule.name, "PublicHoliday", map[string]any{"date": rule.in(2026).Format(time.DateOnly), "name": rule.name})
		}
	}

	checked["currencies.json"] = true
	var currencies map[string]any
	rawDataFile(t, "currencies.json", &currencies)
	for code, name := range currencies {
		s.check("currencies.json "+code, "CurrencySection", map[string]any{"label": "Currency", "currency_code": code, "currency_name": name})
	}

	checked["countries.json"] = true
	var countries []map[string]any
	rawDataFile(t, "countries.json", &countries)
	if len(countries) != 249 {
		t.Errorf("countries.json has %d countries, want 249", len(countries))
	}
	for _, c := range countries {
		where := fmt.Sprintf("countries.json %v", c["id"])
		s.check(where+" id", "CountryId", c["id"])
		s.check(where, "Country", map[string]any{"id": c["id"], "label": cmp.Or(c["capital"], any("?"))})
		if v, ok := c["security_level"]; ok {
			s.check(where+" security_level", "RiskLevel", v)
		}
		if v, ok := c["currency_code"]; ok {
			s.check(where+" currency_code", "CurrencySection", map[string]any{"label": "Currency", "currency_code": v, "currency_name": cmp.Or(currencies[v.(string)], v)})
			if currencies[v.(string)] == nil {
				t.Errorf("%s: currency %v has no name in currencies.json", where, v)
			}
		}
		if v, ok := c["emergency_numbers"].(map[string]any); ok {
			s.check(where+" emergency_numbers", "EmergencyNumbers", with(v, "label", "Emergency numbers"))
		}
		if v, ok := c["electricity"]; ok {
			s.check(where+" electricity", "DailyLifeSection", map[string]any{"label": "Daily life", "electricity": v})
		}
		if v, ok := c["public_holidays_added"]; ok {
			holidays(where, v)
		}
		f, ok := c["facts"].(map[string]any)
		if !ok {
			continue
		}
		for _, a := range f["airports"].([]any) {
			s.check(where+" airport", "Airport", a)
		}
		for _, name := range []string{"passport_and_visa", "vaccinations", "health_risks", "security_summary"} {
			s.check(where+" "+name, "TextSection", map[string]any{"label": name, "desc": f[name]})
		}
		s.check(where+" daily_life", "DailyLifeSection", with(f["daily_life"].(map[string]any), "label", "Daily life"))
		holidays(where, f["public_holidays"])
	}

	checked["regions.json"] = true
	var regions []map[string]any
	rawDataFile(t, "regions.json", &regions)
	for _, r := range regions {
		where := fmt.Sprintf("regions.json %v", r["group"])
		for _, name := range []string{"vaccinations", "health_risks", "first_aid_kit_extra"} {
			if v, ok := r[name]; ok {
				s.check(where+" "+name, "TextSection", map[string]any{"label": name, "desc": v})
			}
		}
		if v, ok := r["daily_life"].(map[string]any); ok {
			s.check(where+" daily_life", "DailyLifeSection", with(v, "label", "Daily life"))
		}
		if v, ok := r["currency_advice"]; ok {
			s.check(where+" currency_advice", "CurrencySection", map[string]any{"label": "Currency", "currency_code": "EUR", "currency_name": "Euro", "desc": v})
		}
		if v, ok := r["emergency_number"]; ok {
			s.check(where+" emergency_number", "EmergencyNumbers", map[string]any{"label": "Emergency numbers", "ambulance": v, "police": v, "fire": v})
		}
		s.check(where+" national_day", "PublicHoliday", map[string]any{"date": "2026-07-14", "name": r["national_day"]})
		holidays(where, r["public_holidays"])
	}

	checked["cities.json"] = true
	var cityList []map[string]any
	rawDataFile(t, "cities.json", &cityList)
	for _, c := range cityList {
		where := fmt.Sprintf("cities.json %v", c["name"])
		s.check(where+" country_id", "CountryId", c["country_id"])
		s.check(where+" centre", "ProviderPosition", map[string]any{"lat": c["lat"], "lng": c["lng"], "distance_in_meters": 0.0})
		lm := c["landmark"].(map[string]any)
		pos := with(lm["position"].(map[string]any), "distance_in_meters", 0.0)
		s.check(where+" landmark", "MedicalProvider", with(lm, "id", id, "position", pos))
		// Every name, street and number the seed draws from, as answered.
		zips, _ := c["zipcodes"].([]any)
		for kind, pattern := range c["provider_names"].(map[string]any) {
			s.check(where+" provider_names", "ProviderKindId", kind)
			for i, street := range c["streets"].([]any) {
				name := strings.NewReplacer("{p}", c["neighbourhoods"].([]any)[i%len(c["neighbourhoods"].([]any))].(string),
					"{f}", c["first_names"].([]any)[0].(string), "{l}", c["last_names"].([]any)[0].(string)).Replace(pattern.(string))
				phone := strings.ReplaceAll(c["phone_pattern"].(string), "x", "0")
				addr := map[string]any{"street": fmt.Sprintf(c["address_format"].(string), 12, street), "city": c["name"], "area": c["area"], "country_id": c["country_id"]}
				if len(zips) > 0 {
					addr["zipcode"] = zips[i%len(zips)]
				}
				if strings.Contains(name, "{") || strings.Contains(addr["street"].(string), "%!") {
					t.Errorf("%s: %q at %q", where, name, addr["street"])
				}
				s.check(where+" provider", "MedicalProvider", map[string]any{
					"id": id, "name": name, "kind": kind, "AXA_preferred": false, "position": pos, "address": addr,
					"international_phone_number": phone, "website": "https://www." + slug(name) + ".example", "email": "contact@" + slug(name) + ".example",
				})
			}
		}
	}

	checked["alerts.json"] = true
	var alerts map[string][]map[string]any
	rawDataFile(t, "alerts.json", &alerts)
	for list, schema := range map[string]string{"who_bulletins": "WhoBulletin", "axa_health_alerts": "AxaAlert", "axa_security_alerts": "AxaAlert"} {
		if len(alerts[list]) == 0 {
			t.Errorf("alerts.json has no %s", list)
		}
		for _, a := range alerts[list] {
			where := fmt.Sprintf("alerts.json %s %v", list, a["title"])
			for _, c := range a["countries"].([]any) {
				s.check(where+" country", "CountryId", c)
			}
			for _, level := range []any{a["min_level"], a["max_level"]} {
				s.check(where+" level", "AlertLevel", level)
				alert := map[string]any{
					"id": id, "title": a["title"], "short_description": a["short"], "level": level,
					"alert_date": "2026-11-25T10:00:00Z", "country_ids": a["countries"].([]any)[:1],
				}
				if schema == "WhoBulletin" {
					delete(alert, "country_ids")
				} else if a["content"] != nil {
					alert["content"] = a["content"]
				}
				s.check(where, schema, alert)
			}
		}
	}

	checked["embassies.json"] = true
	var embassies struct {
		Hosts    []map[string]any `json:"national_embassy_hosts"`
		Missions []map[string]any `json:"foreign_missions"`
		Streets  []string         `json:"streets"`
	}
	rawDataFile(t, "embassies.json", &embassies)
	for _, h := range embassies.Hosts {
		where := fmt.Sprintf("embassies.json %v", h["city"])
		for _, street := range h["streets"].([]any) {
			for _, zip := range h["zipcodes"].([]any) {
				s.check(where, "Embassy", map[string]any{
					"label": "Embassy", "country": "xx", "type": "embassy", "address": fmt.Sprintf(h["address_format"].(string), 12, street, zip),
					"phone_number": strings.ReplaceAll(h["phone_pattern"].(string), "x", "0"), "website": "https://www.x-embassy.example/" + slug(h["city"].(string)),
					"email": "consulate." + slug(h["city"].(string)) + "@x-embassy.example",
				})
			}
		}
		s.check(where+" country_id", "CountryId", h["country_id"])
	}
	for _, m := range embassies.Missions {
		s.check(fmt.Sprintf("embassies.json %v", m["country_id"]), "Embassy", map[string]any{"label": "Embassy", "country": m["country_id"], "type": "embassy", "website": m["website"]})
	}
	if len(embassies.Streets) == 0 {
		t.Error("embassies.json has no streets")
	}

	// Every data file is checked here.
	files, err := fs.Glob(dataFiles, "data/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !checked[path.Base(f)] {
			t.Errorf("%s is not validated against the spec", f)
		}
	}
}

// BenchmarkDataDecode is what a process pays once to decode every data
// file, each on its first use (BenchmarkNew's later iterations share them).
func BenchmarkDataDecode(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if err := decodeAll(); err != nil {
			b.Fatal(err)
		}
	}
}

// A dataset makes its parts on first use, each from its own stream of the
// seed: what a part holds does not depend on which part was asked for
// first.
func TestDataPartsDoNotDependOnTheOrderOfUse(t *testing.T) {
	countriesFirst, alertsFirst := NewDataset(3), NewDataset(3)
	fr1, _ := countriesFirst.Country("fr")
	a1, p1 := countriesFirst.Health(), countriesFirst.Providers()
	p2, a2 := alertsFirst.Providers(), alertsFirst.Health()
	fr2, _ := alertsFirst.Country("fr")
	if !reflect.DeepEqual(fr1, fr2) || !reflect.DeepEqual(a1, a2) || !reflect.DeepEqual(p1, p2) {
		t.Error("the same seed gave other data when its parts were asked for in another order")
	}
	if !reflect.DeepEqual(countriesFirst.List(1), alertsFirst.List(1)) {
		t.Error("the same seed gave other country lists")
	}
}
