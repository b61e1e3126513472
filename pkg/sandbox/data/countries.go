package data

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/text/language"

	"github.com/axa-assistance-go/axa/gen"
)

// The sandbox's reference facts are data, not code: data/*.json, embedded
// in the binary, shaped as the spec's models wherever a record is one (an
// airport is a gen.Airport, a landmark hospital a gen.MedicalProvider).
// Each file is decoded once per process, when a dataset first needs it
// (sync.OnceValue), and shared read-only by every dataset; what a seed
// draws from them stays in data.go. TestDataFilesMatchTheSpec validates the files against the
// spec's schemas.
//
//go:embed *.json
var dataFiles embed.FS

// countryRecord is one country of data/countries.json: a lower-case ISO
// 3166-1 alpha-2 code and what the sandbox knows about it. Zero values are
// the defaults: a sovereign state outside the Schengen Area whose currency
// is CLDR's, whose security level is drawn from the seed, and so on.
type countryRecord struct {
	ID string `json:"id"`
	// Capital is the capital in English (the main town of a dependent
	// territory), "" when it has none, as for Antarctica.
	Capital string `json:"capital,omitempty"`
	// EmbassyCity is where foreign embassies sit when not in the capital.
	EmbassyCity string `json:"embassy_city,omitempty"`
	// DefiniteArticle: the English name takes "the".
	DefiniteArticle bool `json:"definite_article,omitempty"`
	// DependentTerritory: not a sovereign state (or no permanent
	// population), so no embassies of its own and none accredited to it.
	DependentTerritory bool `json:"dependent_territory,omitempty"`
	// OceanArea places the territories in no UN M49 subregion.
	OceanArea string `json:"ocean_area,omitempty"`
	// RegionGroup overrides the group of the country's M49 subregion
	// (Cyprus is in Western Asia, but European).
	RegionGroup *regionGroup `json:"region_group,omitempty"`
	// SchengenArea: a member of the Schengen Area.
	SchengenArea bool `json:"schengen_area,omitempty"`
	// CurrencyCode corrects the currency golang.org/x/text's CLDR data
	// still has as it was (Croatia adopted the euro in 2023, ...).
	CurrencyCode string `json:"currency_code,omitempty"`
	// SecurityLevel fixes the level of a country whose situation is well
	// known; the others get one drawn from the seed.
	SecurityLevel gen.RiskLevel `json:"security_level,omitempty"`
	// CareCost is how much more medical care costs than in Europe, which
	// weighs on the premium; 0 for the default.
	CareCost float64 `json:"care_cost,omitempty"`
	// HazardProne: exposed to earthquakes, volcanoes, cyclones or floods.
	HazardProne bool `json:"hazard_prone,omitempty"`
	// Electricity overrides the region's (the British plug in Ireland).
	Electricity string `json:"electricity,omitempty"`
	// EmergencyNumbers are the known numbers, without the label the
	// answer adds; nil gets those of the country's region.
	EmergencyNumbers *gen.EmergencyNumbers `json:"emergency_numbers,omitempty"`
	// PublicHolidaysAdded are holidays of the country on top of its
	// region's (Christmas in the Philippines).
	PublicHolidaysAdded []holidayRule `json:"public_holidays_added,omitempty"`
	// Facts are hand-written facts about a big destination; the other
	// countries get plausible generated text.
	Facts *countryFact `json:"facts,omitempty"`
}

// countryFact is what the sandbox knows for real about a big destination.
type countryFact struct {
	Airports        []gen.Airport        `json:"airports"`
	PassportAndVisa string               `json:"passport_and_visa"`
	Vaccinations    string               `json:"vaccinations"`
	HealthRisks     string               `json:"health_risks"`
	SecuritySummary string               `json:"security_summary"`
	DailyLife       gen.DailyLifeSection `json:"daily_life"` // without its label
	PublicHolidays  []holidayRule        `json:"public_holidays"`
}

// regionRecord is one group of data/regions.json: the UN M49 subregions
// it covers and the generated texts of its countries that have no facts.
type regionRecord struct {
	Group         regionGroup `json:"group"`
	M49Subregions []string    `json:"m49_subregions,omitempty"` // none: the remote group
	Vaccinations  string      `json:"vaccinations"`
	HealthRisks   string      `json:"health_risks"`
	// FirstAidKitExtra is added to the first aid kit everyone packs.
	FirstAidKitExtra string `json:"first_aid_kit_extra,omitempty"`
	// DailyLife is without its label; nil: none (the remote group).
	DailyLife      *gen.DailyLifeSection `json:"daily_life,omitempty"`
	CurrencyAdvice string                `json:"currency_advice,omitempty"`
	// EmergencyNumber is the number for all three services; "": none.
	EmergencyNumber string `json:"emergency_number,omitempty"`
	// NationalDay names the national day a sovereign state gets ("National
	// Day" or "Independence Day"), on a date drawn from the seed.
	NationalDay    string        `json:"national_day"`
	PublicHolidays []holidayRule `json:"public_holidays"`

	subregions []language.Region // M49Subregions, parsed
}

// regionGroupNames name the groups in the data files. Read-only.
var regionGroupNames = [...]string{
	groupEurope: "europe", groupNorthAmerica: "north_america", groupLatinAmerica: "latin_america",
	groupMiddleEast: "middle_east", groupTropicalAfrica: "tropical_africa", groupSouthernAfrica: "southern_africa",
	groupSouthAsia: "south_asia", groupSouthEastAsia: "south_east_asia", groupEastAsia: "east_asia",
	groupCentralAsia: "central_asia", groupAustralasia: "australasia", groupPacific: "pacific", groupRemote: "remote",
}

// UnmarshalJSON decodes a group by its name in regionGroupNames.
func (g *regionGroup) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return err
	}
	for i, n := range regionGroupNames {
		if n == name {
			*g = regionGroup(i)
			return nil
		}
	}
	return fmt.Errorf("unknown region group %q", name)
}

// cityRecord is one city of data/cities.json, around which the sandbox has
// medical providers: its real landmark hospital, and the names, streets
// and numbers the seed draws the other providers from.
type cityRecord struct {
	Name           string   `json:"name"`
	CountryID      string   `json:"country_id"`
	Area           string   `json:"area"`
	Lat            float64  `json:"lat"`
	Lng            float64  `json:"lng"`
	Neighbourhoods []string `json:"neighbourhoods"`
	Streets        []string `json:"streets"`
	Zipcodes       []string `json:"zipcodes,omitempty"` // none: no postal codes
	PhonePattern   string   `json:"phone_pattern"`      // each x a digit
	AddressFormat  string   `json:"address_format"`     // of number and street
	FirstNames     []string `json:"first_names"`
	LastNames      []string `json:"last_names"`
	// ProviderNames are the name patterns by kind: {p} a neighbourhood,
	// {f} a first name, {l} a last name.
	ProviderNames map[gen.ProviderKindID]string `json:"provider_names"`
	// Landmark is the city's reference hospital, without the id the seed
	// draws.
	Landmark gen.MedicalProvider `json:"landmark"`
}

// alertTemplate is a kind of alert of data/alerts.json and the countries it
// plausibly concerns.
type alertTemplate struct {
	Title    string         `json:"title"`
	Short    string         `json:"short"`
	Content  string         `json:"content,omitempty"`
	MinLevel gen.AlertLevel `json:"min_level"`
	MaxLevel gen.AlertLevel `json:"max_level"`
	// Worldwide: a WHO bulletin may be about the global situation rather
	// than one of Countries.
	Worldwide bool     `json:"worldwide,omitempty"`
	Countries []string `json:"countries"`
	Ends      bool     `json:"ends,omitempty"` // an AXA alert with an end date

	// draw is what the seed draws a country from: Countries, after ""
	// (the global situation) when Worldwide.
	draw []string
}

// alertTemplates is data/alerts.json.
type alertTemplates struct {
	WhoBulletins      []alertTemplate `json:"who_bulletins"`
	AXAHealthAlerts   []alertTemplate `json:"axa_health_alerts"`
	AXASecurityAlerts []alertTemplate `json:"axa_security_alerts"`
}

// embassyHost is a capital of data/embassies.json where the sandbox lists
// the national embassies of every country.
type embassyHost struct {
	CountryID     string   `json:"country_id"`
	City          string   `json:"city"`
	Streets       []string `json:"streets"`
	Zipcodes      []string `json:"zipcodes"`
	PhonePattern  string   `json:"phone_pattern"`
	AddressFormat string   `json:"address_format"` // of number, street and zip code
}

// foreignMission is a country whose embassy the sandbox lists in every
// capital, with its foreign ministry's website.
type foreignMission struct {
	CountryID string `json:"country_id"`
	Website   string `json:"website"`
}

// embassyTables is data/embassies.json.
type embassyTables struct {
	NationalEmbassyHosts []embassyHost    `json:"national_embassy_hosts"`
	ForeignMissions      []foreignMission `json:"foreign_missions"`
	Streets              []string         `json:"streets"` // generic diplomatic addresses
}

// countryFile is data/countries.json, decoded. Read-only.
type countryFile struct {
	countries []countryRecord // sorted by id
	byID      map[string]*countryRecord
}

// regionFile is data/regions.json, decoded. Read-only.
type regionFile struct {
	regions []regionRecord // in the order of data/regions.json
	byGroup [len(regionGroupNames)]*regionRecord
}

// The data files, each decoded once per process on first use. The files
// are part of the build and their tests check them, so a bad one panics.
var (
	countryRecords = sync.OnceValue(func() *countryFile { return must(decodeCountries()) })
	regionRecords  = sync.OnceValue(func() *regionFile { return must(decodeRegions()) })
	cityRecords    = sync.OnceValue(func() []providerCity { return must(decodeCities()) })
	alertRecords   = sync.OnceValue(func() *alertTemplates { return must(decodeAlerts()) })
	embassyRecords = sync.OnceValue(func() *embassyTables { return must(decodeEmbassies()) })
	currencyNames  = sync.OnceValue(func() map[string]string { return must(decodeCurrencies()) })
)

// must returns v, or panics with err: for the embedded data files.
func must[T any](v T, err error) T {
	if err != nil {
		panic("sandbox: " + err.Error())
	}
	return v
}

// decodeAll decodes and checks every data file, for the tests.
func decodeAll() error {
	var errs []error
	_, err := decodeCountries()
	errs = append(errs, err)
	_, err = decodeRegions()
	errs = append(errs, err)
	_, err = decodeCities()
	errs = append(errs, err)
	_, err = decodeAlerts()
	errs = append(errs, err)
	_, err = decodeEmbassies()
	errs = append(errs, err)
	_, err = decodeCurrencies()
	errs = append(errs, err)
	return errors.Join(errs...)
}

// decodeCountries decodes and checks data/countries.json.
func decodeCountries() (*countryFile, error) {
	t := &countryFile{}
	if err := decodeDataFile("countries.json", &t.countries); err != nil {
		return nil, err
	}
	t.byID = make(map[string]*countryRecord, len(t.countries))
	for i := range t.countries {
		c := &t.countries[i]
		if i > 0 && c.ID <= t.countries[i-1].ID {
			return nil, fmt.Errorf("countries.json: %q is out of order", c.ID)
		}
		t.byID[c.ID] = c
	}
	return t, nil
}

// decodeRegions decodes and checks data/regions.json.
func decodeRegions() (*regionFile, error) {
	t := &regionFile{}
	if err := decodeDataFile("regions.json", &t.regions); err != nil {
		return nil, err
	}
	for i := range t.regions {
		r := &t.regions[i]
		if t.byGroup[r.Group] != nil || r.NationalDay == "" || len(r.PublicHolidays) == 0 {
			return nil, fmt.Errorf("regions.json: %s is twice or has no holidays", regionGroupNames[r.Group])
		}
		t.byGroup[r.Group] = r
		for _, m49 := range r.M49Subregions {
			sub, err := language.ParseRegion(m49)
			if err != nil {
				return nil, fmt.Errorf("regions.json: %s: %w", regionGroupNames[r.Group], err)
			}
			r.subregions = append(r.subregions, sub)
		}
	}
	for g, r := range t.byGroup {
		if r == nil {
			return nil, fmt.Errorf("regions.json: no %s", regionGroupNames[g])
		}
	}
	return t, nil
}

// decodeCities decodes and checks data/cities.json.
func decodeCities() ([]providerCity, error) {
	var cityRecords []cityRecord
	if err := decodeDataFile("cities.json", &cityRecords); err != nil {
		return nil, err
	}
	var out []providerCity
	for _, r := range cityRecords {
		c := providerCity{
			name: r.Name, country: r.CountryID, area: r.Area, lat: r.Lat, lng: r.Lng,
			places: r.Neighbourhoods, streets: r.Streets, zips: r.Zipcodes,
			phone: r.PhonePattern, address: r.AddressFormat, first: r.FirstNames, last: r.LastNames,
			landmark: r.Landmark,
		}
		for k, kind := range ProviderKinds {
			if c.templates[k] = r.ProviderNames[kind.ID]; c.templates[k] == "" {
				return nil, fmt.Errorf("cities.json: %s has no %s name", r.Name, kind.ID)
			}
		}
		if len(r.ProviderNames) != len(ProviderKinds) {
			return nil, fmt.Errorf("cities.json: %s names kinds that do not exist", r.Name)
		}
		out = append(out, c)
	}
	return out, nil
}

// decodeAlerts decodes and checks data/alerts.json.
func decodeAlerts() (*alertTemplates, error) {
	t := &alertTemplates{}
	if err := decodeDataFile("alerts.json", t); err != nil {
		return nil, err
	}
	for _, list := range [][]alertTemplate{t.WhoBulletins, t.AXAHealthAlerts, t.AXASecurityAlerts} {
		for i := range list {
			a := &list[i]
			if LevelRank(a.MinLevel) > LevelRank(a.MaxLevel) || !a.MinLevel.Valid() || !a.MaxLevel.Valid() || len(a.Countries) == 0 {
				return nil, fmt.Errorf("alerts.json: %q has levels %q..%q and %d countries", a.Title, a.MinLevel, a.MaxLevel, len(a.Countries))
			}
			a.draw = a.Countries
			if a.Worldwide {
				a.draw = append([]string{""}, a.Countries...)
			}
		}
	}
	return t, nil
}

// decodeEmbassies decodes data/embassies.json.
func decodeEmbassies() (*embassyTables, error) {
	t := &embassyTables{}
	if err := decodeDataFile("embassies.json", t); err != nil {
		return nil, err
	}
	return t, nil
}

// decodeCurrencies decodes data/currencies.json.
func decodeCurrencies() (map[string]string, error) {
	var m map[string]string
	if err := decodeDataFile("currencies.json", &m); err != nil {
		return nil, err
	}
	return m, nil
}

// decodeDataFile decodes data/name into v, refusing unknown fields and
// trailing data.
func decodeDataFile(name string, v any) error {
	b, err := dataFiles.ReadFile(name)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if dec.More() {
		return fmt.Errorf("%s: data after the value", name)
	}
	return nil
}

// CurrencyName returns the English name of an ISO 4217 currency
// (data/currencies.json), "" for a code it does not know.
func CurrencyName(code string) string { return currencyNames()[code] }

// holidayKind says how a holidayRule finds its date in a year.
type holidayKind uint8

// The kinds of holiday rule, named in the data files as in holidayKinds.
const (
	holidayFixed   holidayKind = iota // month and day
	holidayNth                        // the nth weekday of a month; nth < 0 counts from the end
	holidayEaster                     // offset days from Western Easter Sunday
	holidayMondays                    // the Monday on or before month/day (Canada's Victoria Day: on or before 24 May)
)

// holidayKinds are the names of the kinds in the data files, by kind.
// Read-only.
var holidayKinds = [...]string{
	holidayFixed: "fixed", holidayNth: "nth_weekday", holidayEaster: "easter", holidayMondays: "monday_on_or_before",
}

// holidayRule finds a public holiday's date in any year.
type holidayRule struct {
	kind    holidayKind
	name    string
	month   time.Month
	day     int
	weekday time.Weekday
	nth     int
}

// holidayJSON is a holidayRule in the data files: {"rule": "fixed",
// "month": 7, "day": 14}, {"rule": "nth_weekday", "month": 5, "weekday":
// "Monday", "nth": -1}, {"rule": "easter", "easter_offset": 39} or {"rule":
// "monday_on_or_before", "month": 5, "day": 24}, each with a "name".
type holidayJSON struct {
	Rule         string `json:"rule"`
	Name         string `json:"name"`
	Month        int    `json:"month,omitempty"`
	Day          int    `json:"day,omitempty"`
	Weekday      string `json:"weekday,omitempty"`
	Nth          int    `json:"nth,omitempty"`
	EasterOffset int    `json:"easter_offset,omitempty"`
}

// UnmarshalJSON decodes a rule of the data files, checking it names a date.
func (h *holidayRule) UnmarshalJSON(b []byte) error {
	var j holidayJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return err
	}
	*h = holidayRule{name: j.Name, month: time.Month(j.Month), day: j.Day, nth: j.Nth}
	dated := j.Month >= 1 && j.Month <= 12 && j.Day >= 1 && j.Day <= 31
	switch j.Rule {
	case holidayKinds[holidayFixed]:
		h.kind = holidayFixed
	case holidayKinds[holidayMondays]:
		h.kind = holidayMondays
	case holidayKinds[holidayEaster]:
		h.kind, h.day = holidayEaster, j.EasterOffset
		dated = j.Month == 0 && j.Day == 0
	case holidayKinds[holidayNth]:
		h.kind, h.weekday = holidayNth, -1
		for wd := time.Sunday; wd <= time.Saturday; wd++ {
			if wd.String() == j.Weekday {
				h.weekday = wd
			}
		}
		dated = j.Month >= 1 && j.Month <= 12 && j.Day == 0 && h.weekday >= 0 && j.Nth != 0 && j.Nth >= -1 && j.Nth <= 4
	default:
		return fmt.Errorf("holiday %q: unknown rule %q", j.Name, j.Rule)
	}
	if !dated || j.Name == "" {
		return fmt.Errorf("holiday %q: rule %s names no date", j.Name, b)
	}
	return nil
}

// fixedHoliday is a holiday on the same date every year.
func fixedHoliday(m time.Month, d int, name string) holidayRule {
	return holidayRule{kind: holidayFixed, month: m, day: d, name: name}
}

// nthWeekdayHoliday is a holiday on the nth weekday of a month (the last
// when nth is -1).
func nthWeekdayHoliday(m time.Month, wd time.Weekday, nth int, name string) holidayRule {
	return holidayRule{kind: holidayNth, month: m, weekday: wd, nth: nth, name: name}
}

// easterHoliday is a holiday offset days from Easter Sunday.
func easterHoliday(offset int, name string) holidayRule {
	return holidayRule{kind: holidayEaster, day: offset, name: name}
}
