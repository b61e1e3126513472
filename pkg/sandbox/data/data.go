// Package data is the sandbox's reference data: 249 countries with their
// labels in eight languages, details, risk ratings and holidays; WHO
// bulletins and AXA alerts; medical providers around ten cities. The facts
// are embedded JSON files (*.json, each decoded once per process, on first
// use, and validated against the spec's schemas by
// TestDataFilesMatchTheSpec); a seed draws the rest (NewDataset), so that
// the same seed gives the same data. A Dataset makes each part (labels,
// countries, alerts, providers) on its first use, once, so that a process
// pays only for what it answers; once made a part is only read, and shared
// by the resources without locks.
//
//	data.go        Dataset, NewDataset, the label tables, the drawing
//	countries.go   the embedded files and their decoding
package data

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	openapi_types "github.com/oapi-codegen/runtime/types"
	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/axa-assistance-go/axa/gen"
)

// supportedLanguages are the languages of labels, in the order of the
// localized tables; the first is the default. Read-only.
var supportedLanguages = [...]language.Tag{
	language.English, language.French, language.German, language.Spanish,
	language.Italian, language.Portuguese, language.Japanese, language.Chinese,
}

// Localized is a text in each of supportedLanguages, in their order.
type Localized [len(supportedLanguages)]string

// Section names the labelled sections of a country's information.
type Section int

// The sections, in the order of SectionLabels.
const (
	SecGeneralInfo Section = iota
	SecPassportAndVisa
	SecAirports
	SecCurrency
	SecVaccinations
	SecFirstAidKit
	SecEmergencyNumbers
	SecNationalEmbassies
	SecForeignEmbassies
	SecPublicHolidays
	SecDailyLife
	SecHealthRisks
	SecRiskRatings
)

// SectionLabels are the display titles of the sections, indexed by section.
// Read-only.
var SectionLabels = [...]Localized{
	SecGeneralInfo:       {"General information", "Informations générales", "Allgemeine Informationen", "Información general", "Informazioni generali", "Informações gerais", "基本情報", "基本信息"},
	SecPassportAndVisa:   {"Passport and visa", "Passeport et visa", "Reisepass und Visum", "Pasaporte y visado", "Passaporto e visto", "Passaporte e visto", "パスポートとビザ", "护照和签证"},
	SecAirports:          {"Airports", "Aéroports", "Flughäfen", "Aeropuertos", "Aeroporti", "Aeroportos", "空港", "机场"},
	SecCurrency:          {"Currency", "Devise", "Währung", "Moneda", "Valuta", "Moeda", "通貨", "货币"},
	SecVaccinations:      {"Vaccinations", "Vaccinations", "Impfungen", "Vacunas", "Vaccinazioni", "Vacinas", "予防接種", "疫苗接种"},
	SecFirstAidKit:       {"First aid kit", "Trousse de premiers secours", "Reiseapotheke", "Botiquín de primeros auxilios", "Kit di pronto soccorso", "Kit de primeiros socorros", "救急セット", "急救包"},
	SecEmergencyNumbers:  {"Emergency numbers", "Numéros d'urgence", "Notrufnummern", "Números de emergencia", "Numeri di emergenza", "Números de emergência", "緊急電話番号", "紧急电话"},
	SecNationalEmbassies: {"National embassies", "Ambassades nationales", "Eigene Botschaften", "Embajadas nacionales", "Ambasciate nazionali", "Embaixadas nacionais", "自国の大使館", "本国使馆"}, //nolint:misspell // French
	SecForeignEmbassies:  {"Foreign embassies", "Ambassades étrangères", "Ausländische Botschaften", "Embajadas extranjeras", "Ambasciate straniere", "Embaixadas estrangeiras", "外国の大使館", "外国使馆"},
	SecPublicHolidays:    {"Public holidays", "Jours fériés", "Feiertage", "Días festivos", "Giorni festivi", "Feriados", "祝日", "公共假日"},
	SecDailyLife:         {"Daily life", "Vie quotidienne", "Alltag", "Vida cotidiana", "Vita quotidiana", "Dia a dia", "日常生活", "日常生活"},
	SecHealthRisks:       {"Health risks", "Risques sanitaires", "Gesundheitsrisiken", "Riesgos sanitarios", "Rischi sanitari", "Riscos para a saúde", "健康上のリスク", "健康风险"},
	SecRiskRatings:       {"Risk ratings", "Évaluation des risques", "Risikobewertung", "Evaluación de riesgos", "Valutazione dei rischi", "Avaliação de riscos", "リスク評価", "风险评级"},
}

// ProviderKinds are the kinds of medical provider with their labels, in
// the order of the spec's enum sorted by id. Read-only.
var ProviderKinds = [...]struct {
	ID     gen.ProviderKindID // the spec's enum value
	Labels Localized          // its name, by language
}{
	{gen.ProviderKindIDClinic, Localized{"Clinic", "Clinique", "Klinik", "Clínica", "Clinica", "Clínica", "クリニック", "诊所"}},
	{gen.ProviderKindIDDentist, Localized{"Dentist", "Dentiste", "Zahnarzt", "Dentista", "Dentista", "Dentista", "歯科医", "牙医"}},
	{gen.ProviderKindIDGeneralPractitioner, Localized{"General practitioner", "Médecin généraliste", "Allgemeinarzt", "Médico general", "Medico di base", "Clínico geral", "一般開業医", "全科医生"}},
	{gen.ProviderKindIDHospital, Localized{"Hospital", "Hôpital", "Krankenhaus", "Hospital", "Ospedale", "Hospital", "病院", "医院"}},
	{gen.ProviderKindIDLaboratory, Localized{"Laboratory", "Laboratoire", "Labor", "Laboratorio", "Laboratorio", "Laboratório", "検査機関", "化验室"}},
	{gen.ProviderKindIDPharmacy, Localized{"Pharmacy", "Pharmacie", "Apotheke", "Farmacia", "Farmacia", "Farmácia", "薬局", "药房"}},
	{gen.ProviderKindIDSpecialist, Localized{"Specialist", "Médecin spécialiste", "Facharzt", "Especialista", "Specialista", "Especialista", "専門医", "专科医生"}},
}

// Specialities are the medical specialities with their labels, sorted by
// id. Read-only.
var Specialities = [...]struct {
	ID     string    // the speciality's id
	Labels Localized // its name, by language
}{
	{"cardiology", Localized{"Cardiology", "Cardiologie", "Kardiologie", "Cardiología", "Cardiologia", "Cardiologia", "循環器科", "心脏科"}},
	{"dentistry", Localized{"Dentistry", "Chirurgie dentaire", "Zahnmedizin", "Odontología", "Odontoiatria", "Odontologia", "歯科", "牙科"}},
	{"dermatology", Localized{"Dermatology", "Dermatologie", "Dermatologie", "Dermatología", "Dermatologia", "Dermatologia", "皮膚科", "皮肤科"}},
	{"emergency_medicine", Localized{"Emergency medicine", "Médecine d'urgence", "Notfallmedizin", "Medicina de urgencias", "Medicina d'urgenza", "Medicina de emergência", "救急科", "急诊科"}},
	{"gastroenterology", Localized{"Gastroenterology", "Gastro-entérologie", "Gastroenterologie", "Gastroenterología", "Gastroenterologia", "Gastroenterologia", "消化器科", "消化科"}},
	{"general_medicine", Localized{"General medicine", "Médecine générale", "Allgemeinmedizin", "Medicina general", "Medicina generale", "Clínica geral", "一般内科", "全科"}},
	{"gynaecology", Localized{"Gynaecology", "Gynécologie", "Gynäkologie", "Ginecología", "Ginecologia", "Ginecologia", "婦人科", "妇科"}},
	{"neurology", Localized{"Neurology", "Neurologie", "Neurologie", "Neurología", "Neurologia", "Neurologia", "神経内科", "神经科"}}, //nolint:misspell // Italian and Portuguese
	{"ophthalmology", Localized{"Ophthalmology", "Ophtalmologie", "Augenheilkunde", "Oftalmología", "Oftalmologia", "Oftalmologia", "眼科", "眼科"}},
	{"orthopaedics", Localized{"Orthopaedics", "Orthopédie", "Orthopädie", "Ortopedia", "Ortopedia", "Ortopedia", "整形外科", "骨科"}},
	{"otorhinolaryngology", Localized{"Otorhinolaryngology (ENT)", "Oto-rhino-laryngologie (ORL)", "Hals-Nasen-Ohren-Heilkunde (HNO)", "Otorrinolaringología", "Otorinolaringoiatria", "Otorrinolaringologia", "耳鼻咽喉科", "耳鼻喉科"}},
	{"paediatrics", Localized{"Paediatrics", "Pédiatrie", "Kinderheilkunde", "Pediatría", "Pediatria", "Pediatria", "小児科", "儿科"}},
	{"psychiatry", Localized{"Psychiatry", "Psychiatrie", "Psychiatrie", "Psiquiatría", "Psichiatria", "Psiquiatria", "精神科", "精神科"}},
	{"pulmonology", Localized{"Pulmonology", "Pneumologie", "Pneumologie", "Neumología", "Pneumologia", "Pneumologia", "呼吸器科", "呼吸科"}},
	{"radiology", Localized{"Radiology", "Radiologie", "Radiologie", "Radiología", "Radiologia", "Radiologia", "放射線科", "放射科"}},
	{"travel_medicine", Localized{"Travel medicine", "Médecine des voyages", "Reisemedizin", "Medicina del viajero", "Medicina dei viaggi", "Medicina do viajante", "渡航医学", "旅行医学"}},
	{"urology", Localized{"Urology", "Urologie", "Urologie", "Urología", "Urologia", "Urologia", "泌尿器科", "泌尿科"}},
}

// Dataset holds the sandbox's reference data: countries, alerts and
// medical providers. Each part is made from the seed on its first use,
// once (sync.OnceValue), from its own stream of random numbers, so that
// what a part holds does not depend on which part was asked for first;
// afterwards it is only read, so handlers share it without locks. Dates
// are kept as offsets and turned into times relative to the sandbox's
// clock when answered.
type Dataset struct {
	matcher   func() language.Matcher
	labels    func() *labelTable   // the countries' names, by language
	countries func() *countryTable // every country, described
	alerts    func() *alertSet
	providers func() []gen.MedicalProvider // Position.DistanceInMeters is 0
}

// labelTable holds the countries' names in every supported language, in
// the order of data/countries.json (sorted by id).
type labelTable struct {
	labels []Localized
	index  map[string]int                         // position by country id
	lists  [len(supportedLanguages)][]gen.Country // the country list, by language
}

// english returns the English name of a country of the table.
func (l *labelTable) english(id string) string { return l.labels[l.index[id]][0] }

// countryTable holds every country, described.
type countryTable struct {
	list []*Country // sorted by id
	byID map[string]*Country
}

// alertSet holds the alerts, each list newest first.
type alertSet struct {
	bulletins []Alert // WHO bulletins
	health    []Alert // AXA health alerts
	security  []Alert // AXA security alerts
}

// regionGroup is a coarse part of the world; it picks the generated texts.
type regionGroup int

// The groups.
const (
	groupEurope regionGroup = iota
	groupNorthAmerica
	groupLatinAmerica
	groupMiddleEast
	groupTropicalAfrica
	groupSouthernAfrica
	groupSouthAsia
	groupSouthEastAsia
	groupEastAsia
	groupCentralAsia
	groupAustralasia
	groupPacific
	groupRemote
)

// Country is everything the sandbox answers about one country.
type Country struct {
	ID          string         // lower-case ISO 3166-1 alpha-2
	rec         *countryRecord // its line of data/countries.json
	Labels      Localized      // its name, by language
	capital     string
	area        string // "Western Europe", "the Caribbean"
	group       regionGroup
	fact        *countryFact
	Currency    string               // ISO 4217 code, "" when none
	Security    gen.RiskLevel        // the overall security level
	Risks       []gen.RiskRating     // the ratings by kind of risk
	RiskFactor  float64              // weighs on the premium of a trip there
	Emergency   *[3]string           // ambulance, police, fire; nil when none
	Airports    []gen.Airport        // its main airports
	Holidays    []holidayRule        // see HolidaysFrom
	National    []gen.Embassy        // its embassies abroad
	Foreign     []gen.Embassy        // other countries' embassies there
	GeneralInfo string               // the general information text
	Visa        string               // the passport and visa text
	Vaccination string               // the vaccinations text
	HealthRisks string               // the health risks text
	FirstAidKit string               // the first aid kit text
	Summary     string               // the security summary
	CurrencyTip string               // advice on money, "" when none
	Daily       gen.DailyLifeSection // daily life, its label left to the handler
	HealthAge   int                  // days since the health information was updated
	SecurityAge int                  // days since the security information was updated
}

// Alert is a WHO bulletin or an AXA alert, its dates as offsets from
// the time it is answered.
type Alert struct {
	ID        uuid.UUID      // the alert's id
	Title     string         // its title
	Short     string         // its short description
	Content   string         // its full text, "" when none
	Level     gen.AlertLevel // its level
	Age       time.Duration  // alert_date is now minus age
	Remaining time.Duration  // end_date is now plus remaining; 0: none
	Countries []string       // the countries it concerns (AXA alerts)
}

// newRand returns a PCG generator for one stream of a seed's data, so that
// adding to one kind of data does not change the others.
func newRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream)) //nolint:gosec // deterministic sample data, not secrets
}

// NewDataset returns the reference data of a seed: the same seed gives the
// same data. Nothing is made yet: each part is made on its first use.
func NewDataset(seed uint64) *Dataset {
	d := &Dataset{
		matcher: sync.OnceValue(func() language.Matcher { return language.NewMatcher(supportedLanguages[:]) }),
		labels:  sync.OnceValue(buildLabels),
	}
	d.countries = sync.OnceValue(func() *countryTable { return d.buildCountries(newRand(seed, 0xC0_0A7_121E5)) })
	d.alerts = sync.OnceValue(func() *alertSet { return d.buildAlerts(newRand(seed, 0xA1_E475)) })
	d.providers = sync.OnceValue(func() []gen.MedicalProvider { return buildProviders(newRand(seed, 0x9_0B1DE25)) })
	return d
}

// Language picks the supported language that best matches an
// Accept-Language header: its index in supportedLanguages (0, English, when
// absent, unparsable or unmatched) and the tag to answer in
// Content-Language.
func (d *Dataset) Language(accept *string) (int, string) {
	i := 0
	if accept != nil && strings.TrimSpace(*accept) != "" {
		if tags, _, err := language.ParseAcceptLanguage(*accept); err == nil && len(tags) > 0 {
			if _, idx, conf := d.matcher().Match(tags...); conf != language.No {
				i = idx
			}
		}
	}
	return i, supportedLanguages[i].String()
}

// List returns the country list in the language of index lang (see
// Language), sorted by id. Read-only: clone it to change it.
func (d *Dataset) List(lang int) []gen.Country { return d.labels().lists[lang] }

// Country returns a country by its lower-case id.
func (d *Dataset) Country(id string) (*Country, bool) {
	c, ok := d.countries().byID[id]
	return c, ok
}

// Bulletins returns the WHO bulletins, newest first. Read-only.
func (d *Dataset) Bulletins() []Alert { return d.alerts().bulletins }

// Health returns the AXA health alerts, newest first. Read-only.
func (d *Dataset) Health() []Alert { return d.alerts().health }

// Security returns the AXA security alerts, newest first. Read-only.
func (d *Dataset) Security() []Alert { return d.alerts().security }

// Providers returns every medical provider (Position.DistanceInMeters is
// 0). Read-only.
func (d *Dataset) Providers() []gen.MedicalProvider { return d.providers() }

// typographicQuotes replaces the quotes foldASCII folds.
var typographicQuotes = strings.NewReplacer("\u2019", "'", "\u2018", "'", "\u02bb", "'")

// foldASCII removes diacritics and typographic quotes, as the API's English
// labels have them ("Aland Islands", "Cote d'Ivoire"). An ASCII string is
// its own folding, which spares the transformer's buffers for most names.
func foldASCII(s string) string {
	ascii := true
	for i := 0; i < len(s) && ascii; i++ {
		ascii = s[i] < utf8.RuneSelf
	}
	if ascii {
		return s
	}
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return typographicQuotes.Replace(out)
}

// buildLabels names every country of data/countries.json in every
// supported language (x/text's CLDR names; the English ones folded to
// ASCII, as the API has them).
func buildLabels() *labelTable {
	rows := countryRecords().countries
	names := make([]display.Namer, len(supportedLanguages))
	for i, t := range supportedLanguages {
		names[i] = display.Regions(t)
	}
	english := display.English.Regions()
	l := &labelTable{labels: make([]Localized, len(rows)), index: make(map[string]int, len(rows))}
	for i := range rows {
		region := language.MustParseRegion(strings.ToUpper(rows[i].ID))
		for j, n := range names {
			if l.labels[i][j] = n.Name(region); l.labels[i][j] == "" {
				l.labels[i][j] = english.Name(region)
			}
		}
		l.labels[i][0] = foldASCII(l.labels[i][0])
		l.index[rows[i].ID] = i
	}
	for j := range supportedLanguages {
		list := make([]gen.Country, len(rows))
		for i := range rows {
			list[i] = gen.Country{ID: rows[i].ID, Label: l.labels[i][j]}
		}
		l.lists[j] = list
	}
	return l
}

// buildCountries makes every country of data/countries.json, with its
// labels in every supported language and its generated texts.
func (d *Dataset) buildCountries(rng *rand.Rand) *countryTable {
	rows, regions, labels := countryRecords().countries, regionRecords(), d.labels()
	english := display.English.Regions()
	ct := &countryTable{byID: make(map[string]*Country, len(rows))}
	for i := range rows {
		row := &rows[i]
		region := language.MustParseRegion(strings.ToUpper(row.ID))
		c := &Country{ID: row.ID, rec: row, capital: row.Capital, group: groupRemote, fact: row.Facts, Labels: labels.labels[i]}
		c.area = row.OceanArea
	regions:
		for _, r := range regions.regions {
			for _, sub := range r.subregions {
				if sub.Contains(region) {
					c.group, c.area = r.Group, english.Name(sub)
					break regions
				}
			}
		}
		if row.RegionGroup != nil {
			c.group = *row.RegionGroup
		}
		if c.area == "Caribbean" || c.area == "Micronesian Region" {
			c.area = "the " + c.area
		}
		if row.CurrencyCode != "" {
			c.Currency = row.CurrencyCode
		} else if u, ok := currency.FromRegion(region); ok && u.String() != "XXX" {
			c.Currency = u.String()
		}
		describeCountry(regions.byGroup[c.group], c, rng)
		ct.list = append(ct.list, c)
		ct.byID[c.ID] = c
	}
	// Embassies name other countries, so they come once all are known.
	for _, c := range ct.list {
		embassies(labels, c, rng)
	}
	return ct
}

// LevelRank orders risk and alert levels.
func LevelRank[L ~string](l L) int {
	switch l {
	case "moderate":
		return 1
	case "high":
		return 2
	case "critical":
		return 3
	default:
		return 0
	}
}

// riskLevels are the risk levels by rank. Read-only.
var riskLevels = [...]gen.RiskLevel{gen.RiskLevelLow, gen.RiskLevelModerate, gen.RiskLevelHigh, gen.RiskLevelCritical}

// rankLevel returns the risk level of a rank, clamped to low..critical.
func rankLevel(rank int) gen.RiskLevel { return riskLevels[max(0, min(3, rank))] }

// describeCountry generates a country's texts from those of its region;
// the hand-written facts win.
func describeCountry(region *regionRecord, c *Country, rng *rand.Rand) {
	name := c.Labels[0]
	f, rec := c.fact, c.rec
	uninhabited := c.capital == ""

	// Security.
	switch {
	case rec.SecurityLevel != "":
		c.Security = rec.SecurityLevel
	case uninhabited:
		c.Security = gen.RiskLevelLow
	case c.group == groupEurope || c.group == groupNorthAmerica || c.group == groupAustralasia || c.group == groupEastAsia:
		c.Security = rankLevel(boolInt(rng.IntN(10) >= 8))
	default:
		c.Security = rankLevel([]int{0, 0, 0, 1, 1, 1, 1, 1, 1, 2}[rng.IntN(10)])
	}
	rank := LevelRank(c.Security)
	safeRoads := c.group == groupEurope || c.group == groupNorthAmerica || c.group == groupAustralasia || c.group == groupEastAsia
	hazard := 0
	if rec.HazardProne {
		hazard = 1 + rng.IntN(2)
	} else {
		hazard = rng.IntN(2)
	}
	// The overall level is that of the worst of crime, terrorism and
	// unrest; petty crime is at least moderate wherever tourists go.
	themes := []int{rank - rng.IntN(2), rank - rng.IntN(2), rank - rng.IntN(2)}
	themes[rng.IntN(len(themes))] = rank
	c.Risks = []gen.RiskRating{
		{Risk: "Petty crime", Rating: rankLevel(max(rank, 1-boolInt(uninhabited)))},
		{Risk: "Violent crime", Rating: rankLevel(themes[0])},
		{Risk: "Terrorism", Rating: rankLevel(themes[1])},
		{Risk: "Civil unrest", Rating: rankLevel(themes[2])},
		{Risk: "Kidnapping", Rating: rankLevel(rank - 1 - rng.IntN(2))},
		{Risk: "Natural disasters", Rating: rankLevel(hazard)},
		{Risk: "Road safety", Rating: rankLevel(2 - boolInt(safeRoads) - rng.IntN(2))},
	}
	care := rec.CareCost
	switch {
	case care > 0:
	case c.group == groupEurope:
		care = 1.0
	default:
		care = 1.3
	}
	c.RiskFactor = care * [...]float64{1.0, 1.1, 1.35, 1.8}[rank]
	c.HealthAge = 1 + rng.IntN(60)
	c.SecurityAge = rng.IntN(30)

	// General information.
	var gi strings.Builder
	fmt.Fprintf(&gi, "%s lies in %s", capitalize(theName(c.ID, name)), cmp.Or(c.area, "a remote area"))
	switch {
	case uninhabited:
		gi.WriteString(". It has no permanent population; landing needs a permit.")
	case rec.DependentTerritory:
		fmt.Fprintf(&gi, "; its main town is %s.", c.capital)
	default:
		fmt.Fprintf(&gi, "; its capital is %s.", c.capital)
	}
	if n := CurrencyName(c.Currency); n != "" {
		if n == "Euro" || n == "Pound sterling" {
			n = strings.ToLower(n[:1]) + n[1:]
		}
		fmt.Fprintf(&gi, " The currency is the %s (%s).", n, c.Currency)
	}
	c.GeneralInfo = gi.String()

	// Passport and visa.
	switch {
	case f != nil:
		c.Visa = f.PassportAndVisa
	case rec.SchengenArea:
		c.Visa = capitalize(theName(c.ID, name)) + " is part of the Schengen Area: a passport or national identity card valid for the whole stay is required. Many nationalities need no visa for stays of up to 90 days in any 180-day period; others need a Schengen visa."
	case uninhabited:
		c.Visa = "Access is restricted: visits need a permit from the administering authority."
	case rec.DependentTerritory:
		c.Visa = "Entry rules are set by the administering country: check them before travelling. A passport valid for the whole stay is required."
	default:
		c.Visa = "A passport valid for at least six months after your return is recommended. Visa requirements depend on your nationality and the length of your stay: check them with the embassy of " + theName(c.ID, name) + " before travelling."
	}

	// Health.
	c.Vaccination, c.HealthRisks = region.Vaccinations, region.HealthRisks
	if f != nil {
		c.Vaccination, c.HealthRisks = f.Vaccinations, f.HealthRisks
	}
	c.FirstAidKit = "Pack plasters, sterile dressings, an antiseptic, a thermometer, pain and fever relief (paracetamol), anti-diarrhoea medicine, oral rehydration salts and your usual prescription medicines with their prescriptions."
	if region.FirstAidKitExtra != "" {
		c.FirstAidKit += " " + region.FirstAidKitExtra
	}

	// Security summary.
	switch {
	case f != nil:
		c.Summary = f.SecuritySummary
	default:
		c.Summary = [...]string{
			"Exercise normal precautions. Crime against travellers is low; keep an eye on your belongings in crowded places.",
			"Exercise increased caution. Petty crime is common in tourist areas and demonstrations can occur at short notice; follow local media.",
			"Reconsider travel. Crime, civil unrest or armed groups pose serious risks in parts of the country; avoid non-essential travel to the areas most affected.",
			"Do not travel. Armed conflict, terrorism or a breakdown of law and order make the whole country dangerous; consular assistance may be unavailable.",
		}[rank]
		if rec.HazardProne {
			c.Summary += " Earthquakes, cyclones or floods can occur."
		}
	}

	// Emergency numbers.
	switch n := rec.EmergencyNumbers; {
	case n != nil:
		c.Emergency = &[3]string{n.Ambulance, n.Police, n.Fire}
	case region.EmergencyNumber != "":
		n := region.EmergencyNumber
		c.Emergency = &[3]string{n, n, n}
	}

	// Airports.
	switch {
	case f != nil:
		c.Airports = f.Airports
	case !uninhabited:
		city := cmp.Or(rec.EmbassyCity, c.capital)
		c.Airports = []gen.Airport{{Name: city + " International", IATACode: iataOf(city), City: city}}
	}

	// Currency.
	c.CurrencyTip = region.CurrencyAdvice

	// Daily life.
	c.Daily = gen.DailyLifeSection{}
	switch {
	case f != nil:
		c.Daily = f.DailyLife
	case region.DailyLife != nil && !uninhabited:
		c.Daily = *region.DailyLife
		if rec.Electricity != "" {
			c.Daily.Electricity = &rec.Electricity
		}
	}

	// Public holidays: the region's and the country's own, and the
	// national day of a sovereign state on a date drawn from the seed
	// (never that of New Year's Day or Labour Day). holidaysFrom sorts them.
	switch {
	case f != nil:
		c.Holidays = f.PublicHolidays
	case uninhabited:
	default:
		c.Holidays = slices.Concat(region.PublicHolidays, rec.PublicHolidaysAdded)
		if !rec.DependentTerritory {
			m, day := time.Month(1+rng.IntN(12)), 1+rng.IntN(28)
			if m == time.January && day == 1 || m == time.May && day == 1 {
				day++
			}
			c.Holidays = append(c.Holidays, fixedHoliday(m, day, region.NationalDay))
		}
	}
}

// theName returns a country's English name as used in a sentence: "the
// United Kingdom".
func theName(id, name string) string {
	if c := countryRecords().byID[id]; c != nil && c.DefiniteArticle {
		return "the " + name
	}
	return name
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// boolInt is 1 for true, 0 for false.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// iataOf makes a plausible IATA code from a city name.
func iataOf(city string) string {
	var b strings.Builder
	for _, r := range foldASCII(city) {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			b.WriteRune(r)
		}
		if b.Len() == 3 {
			break
		}
	}
	return strings.ToUpper(b.String() + "XXX"[b.Len():])
}

// slug makes a host-name part from a name.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(foldASCII(s)) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// digits replaces each x of pattern with a random digit.
func digits(rng *rand.Rand, pattern string) string {
	b := []byte(pattern)
	for i, c := range b {
		if c == 'x' {
			b[i] = "0123456789"[rng.IntN(10)]
		}
	}
	return string(b)
}

// embassies lists a country's own missions in the national embassy hosts
// of data/embassies.json and its foreign missions in its capital.
func embassies(labels *labelTable, c *Country, rng *rand.Rand) {
	if c.rec.DependentTerritory || c.capital == "" {
		return
	}
	name := c.Labels[0]
	s := slug(name)
	tables := embassyRecords()
	for _, h := range tables.NationalEmbassyHosts {
		if h.CountryID == c.ID {
			continue
		}
		addr := fmt.Sprintf(h.AddressFormat, 1+rng.IntN(120), h.Streets[rng.IntN(len(h.Streets))], h.Zipcodes[rng.IntN(len(h.Zipcodes))])
		phone := digits(rng, h.PhonePattern)
		site := fmt.Sprintf("https://www.%s-embassy.example/%s", s, slug(h.City))
		email := openapi_types.Email(fmt.Sprintf("consulate.%s@%s-embassy.example", slug(h.City), s))
		c.National = append(c.National, gen.Embassy{
			Label: "Embassy of " + theName(c.ID, name) + " in " + theName(h.CountryID, labels.english(h.CountryID)), Country: c.ID, Type: gen.EmbassyTypeEmbassy,
			Address: &addr, PhoneNumber: &phone, Website: &site, Email: &email,
		})
	}
	city := cmp.Or(c.rec.EmbassyCity, c.capital)
	streets := tables.Streets
	for _, m := range tables.ForeignMissions {
		if m.CountryID == c.ID {
			continue
		}
		addr := fmt.Sprintf("%d %s, %s", 1+rng.IntN(80), streets[rng.IntN(len(streets))], city)
		site := m.Website
		c.Foreign = append(c.Foreign, gen.Embassy{
			Label: "Embassy of " + theName(m.CountryID, labels.english(m.CountryID)), Country: m.CountryID, Type: gen.EmbassyTypeEmbassy,
			Address: &addr, Website: &site,
		})
	}
}

// easter returns Western Easter Sunday of a year (the anonymous Gregorian
// algorithm).
func easter(year int) time.Time {
	a, b, c := year%19, year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

// in returns the rule's date in a year.
func (h holidayRule) in(year int) time.Time {
	switch h.kind {
	case holidayEaster:
		return easter(year).AddDate(0, 0, h.day)
	case holidayNth:
		if h.nth > 0 {
			t := time.Date(year, h.month, 1, 0, 0, 0, 0, time.UTC)
			t = t.AddDate(0, 0, (int(h.weekday)-int(t.Weekday())+7)%7)
			return t.AddDate(0, 0, 7*(h.nth-1))
		}
		t := time.Date(year, h.month+1, 0, 0, 0, 0, 0, time.UTC)
		return t.AddDate(0, 0, -((int(t.Weekday()) - int(h.weekday) + 7) % 7))
	case holidayMondays:
		t := time.Date(year, h.month, h.day, 0, 0, 0, 0, time.UTC)
		return t.AddDate(0, 0, -((int(t.Weekday()) - int(time.Monday) + 7) % 7))
	default:
		return time.Date(year, h.month, h.day, 0, 0, 0, 0, time.UTC)
	}
}

// HolidaysFrom lists a country's public holidays from today for twelve
// months, by date.
func (c *Country) HolidaysFrom(today time.Time) []gen.PublicHoliday {
	end := today.AddDate(1, 0, 0)
	out := []gen.PublicHoliday{}
	for _, h := range c.Holidays {
		for _, y := range []int{today.Year(), today.Year() + 1} {
			if t := h.in(y); !t.Before(today) && t.Before(end) {
				out = append(out, gen.PublicHoliday{Date: openapi_types.Date{Time: t}, Name: h.name})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b gen.PublicHoliday) int {
		return cmp.Or(a.Date.Compare(b.Date.Time), strings.Compare(a.Name, b.Name))
	})
	return out
}

// randomUUID draws a version 4 UUID from rng.
func randomUUID(rng *rand.Rand) uuid.UUID {
	var u uuid.UUID
	binary.BigEndian.PutUint64(u[:8], rng.Uint64())
	binary.BigEndian.PutUint64(u[8:], rng.Uint64())
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u
}

// alertLevels are the alert levels by rank. Read-only.
var alertLevels = [...]gen.AlertLevel{gen.AlertLevelLow, gen.AlertLevelModerate, gen.AlertLevelHigh, gen.AlertLevelCritical}

// buildAlerts draws the WHO bulletins and the AXA health and security
// alerts, newest first.
func (d *Dataset) buildAlerts(rng *rand.Rand) *alertSet {
	templates, labels := alertRecords(), d.labels()
	set := &alertSet{}
	draw := func(t *alertTemplate, country string, worldwide bool) Alert {
		lo, hi := LevelRank(t.MinLevel), LevelRank(t.MaxLevel)
		a := Alert{
			ID:    randomUUID(rng),
			Title: t.Title, Short: t.Short, Content: t.Content,
			Level: alertLevels[lo+rng.IntN(hi-lo+1)],
			Age:   time.Duration(1+rng.IntN(60*24)) * time.Hour,
		}
		if worldwide {
			a.Age = time.Duration(1+rng.IntN(120*24)) * time.Hour
			if country == "" {
				a.Title += " - Global situation"
			} else {
				a.Title += " - " + labels.english(country)
			}
			return a
		}
		a.Countries = []string{country}
		if t.Ends {
			a.Remaining = time.Duration(12+rng.IntN(21*24)) * time.Hour
		}
		return a
	}
	who := templates.WhoBulletins
	for _, i := range rng.Perm(len(who))[:8] {
		t := &who[i]
		set.bulletins = append(set.bulletins, draw(t, t.draw[rng.IntN(len(t.draw))], true))
	}
	// AXA alerts: a few per template, never twice the same one in a country.
	fill := func(templates []alertTemplate, n int) []Alert {
		var out []Alert
		seen := map[string]bool{}
		for len(out) < n {
			t := &templates[rng.IntN(len(templates))]
			country := t.draw[rng.IntN(len(t.draw))]
			if seen[t.Title+country] {
				continue
			}
			seen[t.Title+country] = true
			out = append(out, draw(t, country, false))
		}
		return out
	}
	set.health = fill(templates.AXAHealthAlerts, 14)
	set.security = fill(templates.AXASecurityAlerts, 18)
	for _, list := range [][]Alert{set.bulletins, set.health, set.security} {
		slices.SortStableFunc(list, func(a, b Alert) int { return cmp.Compare(a.Age, b.Age) })
	}
	return set
}

// providerCity is a city around which the sandbox has medical providers, a
// cityRecord of data/cities.json ready for drawing.
type providerCity struct {
	name, country, area string
	lat, lng            float64
	places              []string // neighbourhoods, for names
	streets             []string
	zips                []string // empty: no postal codes
	phone               string   // pattern for digits
	address             string   // format of number and street
	first, last         []string
	templates           [7]string // by providerKinds order; {p} place, {f} first, {l} last name
	landmark            gen.MedicalProvider
}

// providersPerKind is how many providers of each kind a city has, in the
// order of providerKinds. Read-only.
var providersPerKind = [len(ProviderKinds)]int{5, 3, 5, 3, 2, 8, 5}

// kindSpecialities are the specialities a provider of a kind may have; none
// when empty. Read-only.
var kindSpecialities = map[gen.ProviderKindID][]string{
	gen.ProviderKindIDClinic:              {"cardiology", "dermatology", "gastroenterology", "gynaecology", "ophthalmology", "orthopaedics", "paediatrics", "travel_medicine", "radiology"},
	gen.ProviderKindIDDentist:             {"dentistry"},
	gen.ProviderKindIDGeneralPractitioner: {"general_medicine"},
	gen.ProviderKindIDHospital:            {"emergency_medicine"},
	gen.ProviderKindIDSpecialist:          {"cardiology", "dermatology", "gastroenterology", "gynaecology", "neurology", "ophthalmology", "orthopaedics", "otorhinolaryngology", "paediatrics", "psychiatry", "pulmonology", "urology", "travel_medicine"},
}

// metresPerDegree is the length of a degree of latitude.
const metresPerDegree = 111_320.0

// buildProviders makes the medical providers of every city: its landmark
// hospital and generated providers of every kind, with distinct names.
func buildProviders(rng *rand.Rand) []gen.MedicalProvider {
	var out []gen.MedicalProvider
	for _, city := range cityRecords() {
		lm := city.landmark
		lm.ID = randomUUID(rng)
		out = append(out, lm)
		seen := map[string]bool{lm.Name: true}
		for k, kind := range ProviderKinds {
			for range providersPerKind[k] {
				p := provider(rng, &city, kind.ID, k)
				for try := 0; seen[p.Name] && try < 10; try++ {
					p = provider(rng, &city, kind.ID, k)
				}
				seen[p.Name] = true
				out = append(out, p)
			}
		}
	}
	return out
}

// provider generates one medical provider of a kind near a city.
func provider(rng *rand.Rand, city *providerCity, kind gen.ProviderKindID, k int) gen.MedicalProvider {
	place := city.places[rng.IntN(len(city.places))]
	first, last := city.first[rng.IntN(len(city.first))], city.last[rng.IntN(len(city.last))]
	name := strings.NewReplacer("{p}", place, "{f}", first, "{l}", last).Replace(city.templates[k])
	// Uniform in a disc of 12 km around the centre.
	r := 12_000 * math.Sqrt(rng.Float64())
	theta := 2 * math.Pi * rng.Float64()
	lat := city.lat + r*math.Cos(theta)/metresPerDegree
	lng := city.lng + r*math.Sin(theta)/(metresPerDegree*math.Cos(city.lat*math.Pi/180))
	p := gen.MedicalProvider{
		ID:       randomUUID(rng),
		Name:     name,
		Kind:     kind,
		Position: gen.ProviderPosition{Lat: math.Round(lat*1e5) / 1e5, Lng: math.Round(lng*1e5) / 1e5},
		Address: gen.ProviderAddress{
			Street:    fmt.Sprintf(city.address, 1+rng.IntN(250), city.streets[rng.IntN(len(city.streets))]),
			City:      city.name,
			CountryID: city.country,
			Area:      PointerTo(city.area),
		},
		InternationalPhoneNumber: PointerTo(digits(rng, city.phone)),
		AXAPreferred:             rng.IntN(10) < 3,
	}
	if len(city.zips) > 0 {
		p.Address.Zipcode = PointerTo(city.zips[rng.IntN(len(city.zips))])
	}
	if specs := kindSpecialities[kind]; len(specs) > 0 {
		p.Speciality = PointerTo(specs[rng.IntN(len(specs))])
	}
	host := slug(name) + "." + city.country + ".example"
	if rng.IntN(10) < 6 {
		p.Website = PointerTo("https://www." + host)
		p.Email = PointerTo(openapi_types.Email("contact@" + host))
	}
	if kind == gen.ProviderKindIDHospital || kind == gen.ProviderKindIDClinic {
		p.PhoneAdmission = PointerTo(digits(rng, city.phone))
		if rng.IntN(2) == 0 {
			p.InternationalFaxNumber = PointerTo(digits(rng, city.phone))
		}
	}
	return p
}

// PointerTo returns a pointer to a copy of v.
func PointerTo[T any](v T) *T { return &v }

// earthRadius is the mean radius of the Earth in metres (IUGG).
const earthRadius = 6_371_008.8

// haversine returns the great-circle distance in metres between two points
// given in decimal degrees.
func haversine(lat1, lng1, lat2, lng2 float64) float64 {
	rad := math.Pi / 180
	dLat, dLng := (lat2-lat1)*rad, (lng2-lng1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * earthRadius * math.Asin(math.Min(1, math.Sqrt(a)))
}

// ProviderQuery is a search for medical providers.
type ProviderQuery struct {
	Lat, Lng   float64            // the point searched around
	Radius     float64            // metres
	Kind       gen.ProviderKindID // "" for every kind
	Speciality string             // "" for every speciality
	Limit      int                // the most providers answered
}

// SearchProviders returns the providers matching q, nearest first, with
// their distance from the point searched.
func (d *Dataset) SearchProviders(q ProviderQuery) []gen.MedicalProvider {
	out := []gen.MedicalProvider{}
	for _, p := range d.providers() {
		if q.Kind != "" && p.Kind != q.Kind {
			continue
		}
		if q.Speciality != "" && (p.Speciality == nil || *p.Speciality != q.Speciality) {
			continue
		}
		dist := haversine(q.Lat, q.Lng, p.Position.Lat, p.Position.Lng)
		if dist > q.Radius {
			continue
		}
		p.Position.DistanceInMeters = math.Round(dist*10) / 10
		out = append(out, p)
	}
	slices.SortStableFunc(out, func(a, b gen.MedicalProvider) int {
		return cmp.Or(cmp.Compare(a.Position.DistanceInMeters, b.Position.DistanceInMeters), strings.Compare(a.Name, b.Name))
	})
	if len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out
}
