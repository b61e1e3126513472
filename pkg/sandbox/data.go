package sandbox

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode"

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

// localized is a text in each of supportedLanguages, in their order.
type localized [len(supportedLanguages)]string

// section names the labelled sections of a country's information.
type section int

// The sections, in the order of sectionLabels.
const (
	secGeneralInfo section = iota
	secPassportAndVisa
	secAirports
	secCurrency
	secVaccinations
	secFirstAidKit
	secEmergencyNumbers
	secNationalEmbassies
	secForeignEmbassies
	secPublicHolidays
	secDailyLife
	secHealthRisks
	secRiskRatings
)

// sectionLabels are the display titles of the sections, indexed by section.
// Read-only.
var sectionLabels = [...]localized{
	secGeneralInfo:       {"General information", "Informations générales", "Allgemeine Informationen", "Información general", "Informazioni generali", "Informações gerais", "基本情報", "基本信息"},
	secPassportAndVisa:   {"Passport and visa", "Passeport et visa", "Reisepass und Visum", "Pasaporte y visado", "Passaporto e visto", "Passaporte e visto", "パスポートとビザ", "护照和签证"},
	secAirports:          {"Airports", "Aéroports", "Flughäfen", "Aeropuertos", "Aeroporti", "Aeroportos", "空港", "机场"},
	secCurrency:          {"Currency", "Devise", "Währung", "Moneda", "Valuta", "Moeda", "通貨", "货币"},
	secVaccinations:      {"Vaccinations", "Vaccinations", "Impfungen", "Vacunas", "Vaccinazioni", "Vacinas", "予防接種", "疫苗接种"},
	secFirstAidKit:       {"First aid kit", "Trousse de premiers secours", "Reiseapotheke", "Botiquín de primeros auxilios", "Kit di pronto soccorso", "Kit de primeiros socorros", "救急セット", "急救包"},
	secEmergencyNumbers:  {"Emergency numbers", "Numéros d'urgence", "Notrufnummern", "Números de emergencia", "Numeri di emergenza", "Números de emergência", "緊急電話番号", "紧急电话"},
	secNationalEmbassies: {"National embassies", "Ambassades nationales", "Eigene Botschaften", "Embajadas nacionales", "Ambasciate nazionali", "Embaixadas nacionais", "自国の大使館", "本国使馆"}, //nolint:misspell // French
	secForeignEmbassies:  {"Foreign embassies", "Ambassades étrangères", "Ausländische Botschaften", "Embajadas extranjeras", "Ambasciate straniere", "Embaixadas estrangeiras", "外国の大使館", "外国使馆"},
	secPublicHolidays:    {"Public holidays", "Jours fériés", "Feiertage", "Días festivos", "Giorni festivi", "Feriados", "祝日", "公共假日"},
	secDailyLife:         {"Daily life", "Vie quotidienne", "Alltag", "Vida cotidiana", "Vita quotidiana", "Dia a dia", "日常生活", "日常生活"},
	secHealthRisks:       {"Health risks", "Risques sanitaires", "Gesundheitsrisiken", "Riesgos sanitarios", "Rischi sanitari", "Riscos para a saúde", "健康上のリスク", "健康风险"},
	secRiskRatings:       {"Risk ratings", "Évaluation des risques", "Risikobewertung", "Evaluación de riesgos", "Valutazione dei rischi", "Avaliação de riscos", "リスク評価", "风险评级"},
}

// providerKinds are the kinds of medical provider with their labels, in
// the order of the spec's enum sorted by id. Read-only.
var providerKinds = [...]struct {
	id     gen.ProviderKindID
	labels localized
}{
	{gen.ProviderKindIDClinic, localized{"Clinic", "Clinique", "Klinik", "Clínica", "Clinica", "Clínica", "クリニック", "诊所"}},
	{gen.ProviderKindIDDentist, localized{"Dentist", "Dentiste", "Zahnarzt", "Dentista", "Dentista", "Dentista", "歯科医", "牙医"}},
	{gen.ProviderKindIDGeneralPractitioner, localized{"General practitioner", "Médecin généraliste", "Allgemeinarzt", "Médico general", "Medico di base", "Clínico geral", "一般開業医", "全科医生"}},
	{gen.ProviderKindIDHospital, localized{"Hospital", "Hôpital", "Krankenhaus", "Hospital", "Ospedale", "Hospital", "病院", "医院"}},
	{gen.ProviderKindIDLaboratory, localized{"Laboratory", "Laboratoire", "Labor", "Laboratorio", "Laboratorio", "Laboratório", "検査機関", "化验室"}},
	{gen.ProviderKindIDPharmacy, localized{"Pharmacy", "Pharmacie", "Apotheke", "Farmacia", "Farmacia", "Farmácia", "薬局", "药房"}},
	{gen.ProviderKindIDSpecialist, localized{"Specialist", "Médecin spécialiste", "Facharzt", "Especialista", "Specialista", "Especialista", "専門医", "专科医生"}},
}

// specialities are the medical specialities with their labels, sorted by
// id. Read-only.
var specialities = [...]struct {
	id     string
	labels localized
}{
	{"cardiology", localized{"Cardiology", "Cardiologie", "Kardiologie", "Cardiología", "Cardiologia", "Cardiologia", "循環器科", "心脏科"}},
	{"dentistry", localized{"Dentistry", "Chirurgie dentaire", "Zahnmedizin", "Odontología", "Odontoiatria", "Odontologia", "歯科", "牙科"}},
	{"dermatology", localized{"Dermatology", "Dermatologie", "Dermatologie", "Dermatología", "Dermatologia", "Dermatologia", "皮膚科", "皮肤科"}},
	{"emergency_medicine", localized{"Emergency medicine", "Médecine d'urgence", "Notfallmedizin", "Medicina de urgencias", "Medicina d'urgenza", "Medicina de emergência", "救急科", "急诊科"}},
	{"gastroenterology", localized{"Gastroenterology", "Gastro-entérologie", "Gastroenterologie", "Gastroenterología", "Gastroenterologia", "Gastroenterologia", "消化器科", "消化科"}},
	{"general_medicine", localized{"General medicine", "Médecine générale", "Allgemeinmedizin", "Medicina general", "Medicina generale", "Clínica geral", "一般内科", "全科"}},
	{"gynaecology", localized{"Gynaecology", "Gynécologie", "Gynäkologie", "Ginecología", "Ginecologia", "Ginecologia", "婦人科", "妇科"}},
	{"neurology", localized{"Neurology", "Neurologie", "Neurologie", "Neurología", "Neurologia", "Neurologia", "神経内科", "神经科"}}, //nolint:misspell // Italian and Portuguese
	{"ophthalmology", localized{"Ophthalmology", "Ophtalmologie", "Augenheilkunde", "Oftalmología", "Oftalmologia", "Oftalmologia", "眼科", "眼科"}},
	{"orthopaedics", localized{"Orthopaedics", "Orthopédie", "Orthopädie", "Ortopedia", "Ortopedia", "Ortopedia", "整形外科", "骨科"}},
	{"otorhinolaryngology", localized{"Otorhinolaryngology (ENT)", "Oto-rhino-laryngologie (ORL)", "Hals-Nasen-Ohren-Heilkunde (HNO)", "Otorrinolaringología", "Otorinolaringoiatria", "Otorrinolaringologia", "耳鼻咽喉科", "耳鼻喉科"}},
	{"paediatrics", localized{"Paediatrics", "Pédiatrie", "Kinderheilkunde", "Pediatría", "Pediatria", "Pediatria", "小児科", "儿科"}},
	{"psychiatry", localized{"Psychiatry", "Psychiatrie", "Psychiatrie", "Psiquiatría", "Psichiatria", "Psiquiatria", "精神科", "精神科"}},
	{"pulmonology", localized{"Pulmonology", "Pneumologie", "Pneumologie", "Neumología", "Pneumologia", "Pneumologia", "呼吸器科", "呼吸科"}},
	{"radiology", localized{"Radiology", "Radiologie", "Radiologie", "Radiología", "Radiologia", "Radiologia", "放射線科", "放射科"}},
	{"travel_medicine", localized{"Travel medicine", "Médecine des voyages", "Reisemedizin", "Medicina del viajero", "Medicina dei viaggi", "Medicina do viajante", "渡航医学", "旅行医学"}},
	{"urology", localized{"Urology", "Urologie", "Urologie", "Urología", "Urologia", "Urologia", "泌尿器科", "泌尿科"}},
}

// dataset holds the sandbox's reference data: countries, alerts and
// medical providers. It is made once from a seed and only read afterwards,
// so handlers share it without locks. Dates are kept as offsets and turned
// into times relative to the sandbox's clock when answered.
type dataset struct {
	matcher   language.Matcher
	countries []*countryData // sorted by id
	byID      map[string]*countryData
	lists     [len(supportedLanguages)][]gen.Country
	bulletins []alertData
	health    []alertData
	security  []alertData
	providers []gen.MedicalProvider // Position.DistanceInMeters is 0
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

// countryData is everything the sandbox answers about one country.
type countryData struct {
	id          string
	labels      localized
	capital     string
	area        string // "Western Europe", "the Caribbean"
	group       regionGroup
	fact        *countryFact
	currency    string
	security    gen.RiskLevel
	risks       []gen.RiskRating
	riskFactor  float64 // weighs on the premium of a trip there
	emergency   *[3]string
	airports    []gen.Airport
	holidays    []holidayRule
	national    []gen.Embassy
	foreign     []gen.Embassy
	generalInfo string
	visa        string
	vaccination string
	healthRisks string
	firstAidKit string
	summary     string
	currencyTip string
	daily       gen.DailyLifeSection
	healthAge   int // days since the health information was updated
	securityAge int // days since the security information was updated
}

// alertData is a WHO bulletin or an AXA alert, its dates as offsets from
// the time it is answered.
type alertData struct {
	id        uuid.UUID
	title     string
	short     string
	content   string
	level     gen.AlertLevel
	age       time.Duration // alert_date is now minus age
	remaining time.Duration // end_date is now plus remaining; 0: none
	countries []string
}

// newRand returns a PCG generator for one stream of a seed's data, so that
// adding to one kind of data does not change the others.
func newRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream)) //nolint:gosec // deterministic sample data, not secrets
}

// newDataset makes the reference data of a seed: the same seed gives the
// same data.
func newDataset(seed uint64) *dataset {
	d := &dataset{
		matcher: language.NewMatcher(supportedLanguages[:]),
		byID:    make(map[string]*countryData, len(countryTable)),
	}
	d.buildCountries(newRand(seed, 0xC0_0A7_121E5))
	d.buildAlerts(newRand(seed, 0xA1_E475))
	d.buildProviders(newRand(seed, 0x9_0B1DE25))
	return d
}

// language picks the supported language that best matches an
// Accept-Language header: its index in supportedLanguages (0, English, when
// absent, unparsable or unmatched) and the tag to answer in
// Content-Language.
func (d *dataset) language(accept *string) (int, string) {
	i := 0
	if accept != nil && strings.TrimSpace(*accept) != "" {
		if tags, _, err := language.ParseAcceptLanguage(*accept); err == nil && len(tags) > 0 {
			if _, idx, conf := d.matcher.Match(tags...); conf != language.No {
				i = idx
			}
		}
	}
	return i, supportedLanguages[i].String()
}

// country returns a country by its lower-case id.
func (d *dataset) country(id string) (*countryData, bool) {
	c, ok := d.byID[id]
	return c, ok
}

// foldASCII removes diacritics and typographic quotes, as the API's English
// labels have them ("Aland Islands", "Cote d'Ivoire").
func foldASCII(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return strings.NewReplacer("\u2019", "'", "\u2018", "'", "\u02bb", "'").Replace(out)
}

// regionGroups maps UN M49 subregions to the groups. Read-only.
var regionGroups = [...]struct {
	m49   string
	group regionGroup
}{
	{"155", groupEurope}, {"154", groupEurope}, {"039", groupEurope}, {"151", groupEurope},
	{"021", groupNorthAmerica}, {"029", groupLatinAmerica}, {"013", groupLatinAmerica}, {"005", groupLatinAmerica},
	{"015", groupMiddleEast}, {"145", groupMiddleEast}, {"011", groupTropicalAfrica}, {"014", groupTropicalAfrica},
	{"017", groupTropicalAfrica}, {"018", groupSouthernAfrica}, {"034", groupSouthAsia}, {"035", groupSouthEastAsia},
	{"030", groupEastAsia}, {"143", groupCentralAsia}, {"053", groupAustralasia}, {"054", groupPacific},
	{"057", groupPacific}, {"061", groupPacific},
}

// buildCountries makes every country of countryTable, with its labels in
// every supported language and its generated texts.
func (d *dataset) buildCountries(rng *rand.Rand) {
	names := make([]display.Namer, len(supportedLanguages))
	for i, t := range supportedLanguages {
		names[i] = display.Regions(t)
	}
	english := display.English.Regions()
	for _, row := range countryTable {
		region := language.MustParseRegion(strings.ToUpper(row.id))
		c := &countryData{id: row.id, capital: row.capital, group: groupRemote, fact: countryFacts[row.id]}
		for i, n := range names {
			c.labels[i] = n.Name(region)
			if c.labels[i] == "" {
				c.labels[i] = english.Name(region)
			}
		}
		c.labels[0] = foldASCII(c.labels[0])
		c.area = oceanAreas[row.id]
		for _, g := range regionGroups {
			sub := language.MustParseRegion(g.m49)
			if sub.Contains(region) {
				c.group, c.area = g.group, english.Name(sub)
				break
			}
		}
		if row.id == "cy" {
			c.group = groupEurope
		}
		if c.area == "Caribbean" || c.area == "Micronesian Region" {
			c.area = "the " + c.area
		}
		if code, ok := currencyOverrides[row.id]; ok {
			c.currency = code
		} else if u, ok := currency.FromRegion(region); ok && u.String() != "XXX" {
			c.currency = u.String()
		}
		d.describeCountry(c, rng)
		d.countries = append(d.countries, c)
		d.byID[c.id] = c
	}
	for i := range supportedLanguages {
		list := make([]gen.Country, len(d.countries))
		for j, c := range d.countries {
			list[j] = gen.Country{ID: c.id, Label: c.labels[i]}
		}
		d.lists[i] = list
	}
	// Embassies name other countries, so they come once all are known.
	for _, c := range d.countries {
		d.embassies(c, rng)
	}
}

// groupTexts are the generated texts of a regionGroup.
type groupTexts struct {
	vaccinations, healthRisks, firstAidExtra string
	officeHours, shoppingHours, bankingHours string
	electricity, tipping, cards              string
	emergency                                string
	christmas, labourDay, easterMonday       bool
	independence                             bool // "Independence Day" rather than "National Day"
}

// textsOf returns the generated texts of a group.
func textsOf(g regionGroup) groupTexts {
	routine := "No vaccination is required. Make sure routine vaccinations (measles, diphtheria, tetanus, polio) are up to date."
	asian := "Hepatitis A and typhoid vaccinations are recommended; rabies and Japanese encephalitis for long stays or rural travel."
	mosquito := " Add insect repellent (DEET 30-50%), a mosquito net and water purification tablets."
	switch g {
	case groupEurope:
		return groupTexts{routine, "Health care is generally of a good standard. Ticks transmit Lyme disease and tick-borne encephalitis in forests in summer.", " Add sun cream in summer.",
			"Mon-Fri 09:00-17:00", "Mon-Sat 09:00-19:00", "Mon-Fri 09:00-16:00", "230 V, 50 Hz, plug types C and F",
			"Service is often included; rounding up or leaving 5-10% is appreciated.", "Cards are accepted almost everywhere.", "112", true, true, true, false}
	case groupNorthAmerica:
		return groupTexts{routine, "Health care is excellent but expensive: make sure your insurance covers medical costs.", "",
			"Mon-Fri 09:00-17:00", "Mon-Sat 10:00-21:00, Sun 11:00-18:00", "Mon-Fri 09:00-17:00", "120 V, 60 Hz, plug types A and B",
			"15-20% in restaurants is expected.", "Cards are accepted almost everywhere.", "911", true, false, false, false}
	case groupLatinAmerica:
		return groupTexts{"Hepatitis A and typhoid vaccinations are recommended; yellow fever vaccination is recommended for some areas and may be required on arrival from an infected country.",
			"Dengue, Zika and chikungunya are present; protect yourself against mosquito bites. Drink bottled or treated water.", mosquito,
			"Mon-Fri 08:00-17:00", "Mon-Sat 09:00-19:00", "Mon-Fri 09:00-15:00", "110-127 V or 220 V depending on the country, 60 Hz; plug types A and B are common",
			"10% is customary in restaurants, sometimes included in the bill.", "Cards are accepted in cities and tourist areas; carry cash elsewhere.", "911", true, true, false, true}
	case groupMiddleEast:
		return groupTexts{"Hepatitis A and typhoid vaccinations are recommended; make sure routine vaccinations are up to date.",
			"Drink bottled water and avoid raw food. Heat can be extreme in summer: stay hydrated and avoid the midday sun.", " Add sun cream and rehydration salts.",
			"Sun-Thu or Mon-Fri depending on the country, 08:00-16:00", "Daily 09:00-21:00; some shops close for Friday prayers", "Sun-Thu or Mon-Fri, 08:00-14:00",
			"220-230 V, 50 Hz; plug types C and F (G in the Gulf states)", "10% in restaurants is appreciated; service is sometimes included.",
			"Carry cash: cards are not accepted everywhere outside the main cities.", "112", false, true, false, true}
	case groupTropicalAfrica:
		return groupTexts{"Yellow fever vaccination is required or recommended; hepatitis A, typhoid, meningitis and rabies vaccinations are advised. Malaria prophylaxis is recommended.",
			"Malaria is present all year in most areas: take prophylaxis and protect yourself against mosquito bites. Drink bottled water; cholera outbreaks occur.", mosquito,
			"Mon-Fri 08:00-17:00", "Mon-Sat 08:00-18:00", "Mon-Fri 08:00-15:00", "220-240 V, 50 Hz; plug types C, D and G are common",
			"10% in restaurants is appreciated.", "Carry cash: cards are accepted only in large hotels and some shops.", "112", true, true, false, true}
	case groupSouthernAfrica:
		return groupTexts{"Hepatitis A and typhoid vaccinations are recommended; a yellow fever certificate is required on arrival from an infected country.",
			"Malaria is present in the north of some countries; HIV prevalence is high. Medical facilities are limited outside the main towns.", mosquito,
			"Mon-Fri 08:00-17:00", "Mon-Fri 08:30-17:00, Sat 08:30-13:00", "Mon-Fri 09:00-15:30", "230 V, 50 Hz, plug types D and M",
			"10% in restaurants is customary.", "Cards are accepted in towns; carry cash in rural areas.", "112", true, true, false, true}
	case groupSouthAsia:
		return groupTexts{asian, "Dengue and malaria are present; protect yourself against mosquito bites. Drink bottled water; air pollution can be severe in winter.", mosquito,
			"Mon-Fri 09:30-17:30 (Sun-Thu in some countries)", "Mon-Sat 10:00-20:00", "Mon-Fri 10:00-16:00", "230 V, 50 Hz, plug types C, D and M",
			"About 10% in restaurants when service is not included.", "Carry cash: cards are accepted mainly in cities.", "112", false, true, false, true}
	case groupSouthEastAsia:
		return groupTexts{asian, "Dengue is present all year; malaria in some rural and border areas. Drink bottled water.", mosquito,
			"Mon-Fri 08:30-17:30", "Daily 10:00-21:00 in malls", "Mon-Fri 09:00-15:30", "220-240 V, 50 Hz; plug types A, C and G are common",
			"Not expected; small tips are appreciated.", "Cards are accepted in cities and hotels; carry cash for markets.", "112", false, true, false, true}
	case groupEastAsia:
		return groupTexts{"No vaccination is required. Hepatitis A and Japanese encephalitis may be considered for long stays in rural areas.",
			"Health care is good in cities. Air pollution can be high in winter.", "",
			"Mon-Fri 09:00-18:00", "Daily 10:00-21:00", "Mon-Fri 09:00-16:00", "110-220 V; plug types A, C and I are common",
			"Not customary.", "Cards and mobile payments are widely accepted.", "112", false, true, false, false}
	case groupCentralAsia:
		return groupTexts{"Hepatitis A and typhoid vaccinations are recommended; rabies for rural travel.",
			"Medical facilities are limited outside the capital; drink bottled water. Altitude sickness is a risk in the mountains.", "",
			"Mon-Fri 09:00-18:00", "Mon-Sat 09:00-20:00", "Mon-Fri 09:00-17:00", "220 V, 50 Hz, plug types C and F",
			"5-10% in restaurants is appreciated.", "Carry cash: cards are accepted mainly in the capital.", "112", false, true, false, true}
	case groupAustralasia:
		return groupTexts{routine, "Health care is excellent. Protect yourself from the sun.", " Add sun cream.",
			"Mon-Fri 09:00-17:00", "Mon-Sat 09:00-17:30", "Mon-Fri 09:30-16:00", "230 V, 50 Hz, plug type I",
			"Not expected; 10% for good service is appreciated.", "Cards are accepted almost everywhere.", "112", true, false, true, false}
	case groupPacific:
		return groupTexts{"Hepatitis A and typhoid vaccinations are recommended.",
			"Dengue outbreaks occur; protect yourself against mosquito bites. Medical facilities are limited: serious cases need evacuation.", mosquito,
			"Mon-Fri 08:00-16:30", "Mon-Sat 08:00-17:00", "Mon-Fri 09:00-15:00", "230-240 V, 50 Hz, plug type I (A and B in US territories)",
			"Not customary.", "Carry cash: cards are accepted only in main towns and resorts.", "112", true, false, false, true}
	default:
		return groupTexts{"No vaccination is required; access is restricted to authorised personnel and expedition cruises.",
			"There is no hospital: any medical emergency needs an evacuation that can take days.", " Add a full expedition medical kit.",
			"", "", "", "", "", "", "", false, false, false, false}
	}
}

// typeGPlugs use the British plug outside the groups that have it.
var typeGPlugs = map[string]bool{"cy": true, "gg": true, "gi": true, "ie": true, "im": true, "je": true, "mt": true}

// levelRank orders risk and alert levels.
func levelRank[L ~string](l L) int {
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

// describeCountry generates a country's texts; the hand-written facts win.
func (d *dataset) describeCountry(c *countryData, rng *rand.Rand) {
	t := textsOf(c.group)
	name := c.labels[0]
	f := c.fact
	uninhabited := c.capital == ""

	// Security.
	switch lvl, ok := securityLevels[c.id]; {
	case f != nil:
		c.security = f.security
	case ok:
		c.security = lvl
	case uninhabited:
		c.security = gen.RiskLevelLow
	case c.group == groupEurope || c.group == groupNorthAmerica || c.group == groupAustralasia || c.group == groupEastAsia:
		c.security = rankLevel(boolInt(rng.IntN(10) >= 8))
	default:
		c.security = rankLevel([]int{0, 0, 0, 1, 1, 1, 1, 1, 1, 2}[rng.IntN(10)])
	}
	rank := levelRank(c.security)
	safeRoads := c.group == groupEurope || c.group == groupNorthAmerica || c.group == groupAustralasia || c.group == groupEastAsia
	hazard := 0
	if hazardProne[c.id] {
		hazard = 1 + rng.IntN(2)
	} else {
		hazard = rng.IntN(2)
	}
	// The overall level is that of the worst of crime, terrorism and
	// unrest; petty crime is at least moderate wherever tourists go.
	themes := []int{rank - rng.IntN(2), rank - rng.IntN(2), rank - rng.IntN(2)}
	themes[rng.IntN(len(themes))] = rank
	c.risks = []gen.RiskRating{
		{Risk: "Petty crime", Rating: rankLevel(max(rank, 1-boolInt(uninhabited)))},
		{Risk: "Violent crime", Rating: rankLevel(themes[0])},
		{Risk: "Terrorism", Rating: rankLevel(themes[1])},
		{Risk: "Civil unrest", Rating: rankLevel(themes[2])},
		{Risk: "Kidnapping", Rating: rankLevel(rank - 1 - rng.IntN(2))},
		{Risk: "Natural disasters", Rating: rankLevel(hazard)},
		{Risk: "Road safety", Rating: rankLevel(2 - boolInt(safeRoads) - rng.IntN(2))},
	}
	care := expensiveCare[c.id]
	switch {
	case care > 0:
	case c.group == groupEurope:
		care = 1.0
	default:
		care = 1.3
	}
	c.riskFactor = care * [...]float64{1.0, 1.1, 1.35, 1.8}[rank]
	c.healthAge = 1 + rng.IntN(60)
	c.securityAge = rng.IntN(30)

	// General information.
	var gi strings.Builder
	fmt.Fprintf(&gi, "%s lies in %s", capitalize(theName(c.id, name)), cmp.Or(c.area, "a remote area"))
	switch {
	case uninhabited:
		gi.WriteString(". It has no permanent population; landing needs a permit.")
	case dependentTerritories[c.id]:
		fmt.Fprintf(&gi, "; its main town is %s.", c.capital)
	default:
		fmt.Fprintf(&gi, "; its capital is %s.", c.capital)
	}
	if n := currencyNames[c.currency]; n != "" {
		if n == "Euro" || n == "Pound sterling" {
			n = strings.ToLower(n[:1]) + n[1:]
		}
		fmt.Fprintf(&gi, " The currency is the %s (%s).", n, c.currency)
	}
	c.generalInfo = gi.String()

	// Passport and visa.
	switch {
	case f != nil:
		c.visa = f.visa
	case schengenArea[c.id]:
		c.visa = capitalize(theName(c.id, name)) + " is part of the Schengen Area: a passport or national identity card valid for the whole stay is required. Many nationalities need no visa for stays of up to 90 days in any 180-day period; others need a Schengen visa."
	case uninhabited:
		c.visa = "Access is restricted: visits need a permit from the administering authority."
	case dependentTerritories[c.id]:
		c.visa = "Entry rules are set by the administering country: check them before travelling. A passport valid for the whole stay is required."
	default:
		c.visa = "A passport valid for at least six months after your return is recommended. Visa requirements depend on your nationality and the length of your stay: check them with the embassy of " + theName(c.id, name) + " before travelling."
	}

	// Health.
	c.vaccination, c.healthRisks = t.vaccinations, t.healthRisks
	if f != nil {
		c.vaccination, c.healthRisks = f.vaccinations, f.healthRisks
	}
	c.firstAidKit = "Pack plasters, sterile dressings, an antiseptic, a thermometer, pain and fever relief (paracetamol), anti-diarrhoea medicine, oral rehydration salts and your usual prescription medicines with their prescriptions." + t.firstAidExtra

	// Security summary.
	switch {
	case f != nil:
		c.summary = f.summary
	default:
		c.summary = [...]string{
			"Exercise normal precautions. Crime against travellers is low; keep an eye on your belongings in crowded places.",
			"Exercise increased caution. Petty crime is common in tourist areas and demonstrations can occur at short notice; follow local media.",
			"Reconsider travel. Crime, civil unrest or armed groups pose serious risks in parts of the country; avoid non-essential travel to the areas most affected.",
			"Do not travel. Armed conflict, terrorism or a breakdown of law and order make the whole country dangerous; consular assistance may be unavailable.",
		}[rank]
		if hazardProne[c.id] {
			c.summary += " Earthquakes, cyclones or floods can occur."
		}
	}

	// Emergency numbers.
	switch n, ok := emergencyNumbers[c.id]; {
	case f != nil:
		c.emergency = &[3]string{f.ambulance, f.police, f.fire}
	case ok:
		c.emergency = &n
	case t.emergency == "":
	case c.id == "gl" || c.id == "pm":
		c.emergency = &[3]string{"112", "112", "112"}
	case c.id == "as" || c.id == "gu" || c.id == "mp":
		c.emergency = &[3]string{"911", "911", "911"}
	default:
		c.emergency = &[3]string{t.emergency, t.emergency, t.emergency}
	}

	// Airports.
	switch {
	case f != nil:
		c.airports = f.airports
	case !uninhabited:
		city := cmp.Or(embassyCities[c.id], c.capital)
		c.airports = []gen.Airport{{Name: city + " International", IataCode: iataOf(city), City: city}}
	}

	// Currency.
	c.currencyTip = t.cards

	// Daily life.
	c.daily = gen.DailyLifeSection{}
	if f != nil {
		c.daily.OfficeHours, c.daily.ShoppingHours, c.daily.BankingHours = &f.officeHours, &f.shoppingHours, &f.bankingHours
		c.daily.Electricity, c.daily.TippingInformation = &f.electricity, &f.tipping
	} else if t.officeHours != "" && !uninhabited {
		office, shopping, banking, electricity, tipping := t.officeHours, t.shoppingHours, t.bankingHours, t.electricity, t.tipping
		if typeGPlugs[c.id] {
			electricity = "230 V, 50 Hz, plug type G"
		}
		if c.id == "gl" || c.id == "pm" {
			electricity = "230 V, 50 Hz, plug types C and E"
		}
		c.daily.OfficeHours, c.daily.ShoppingHours, c.daily.BankingHours = &office, &shopping, &banking
		c.daily.Electricity, c.daily.TippingInformation = &electricity, &tipping
	}

	// Public holidays.
	switch {
	case f != nil:
		c.holidays = f.holidays
	case uninhabited:
	default:
		c.holidays = append(c.holidays, fixedHoliday(time.January, 1, "New Year's Day"))
		if c.group == groupCentralAsia {
			c.holidays = append(c.holidays, fixedHoliday(time.March, 21, "Nowruz"))
		}
		if c.group == groupLatinAmerica {
			c.holidays = append(c.holidays, easterHoliday(-2, "Good Friday"))
		}
		if t.easterMonday {
			c.holidays = append(c.holidays, easterHoliday(1, "Easter Monday"))
		}
		if t.labourDay {
			c.holidays = append(c.holidays, fixedHoliday(time.May, 1, "Labour Day"))
		}
		if !dependentTerritories[c.id] {
			m, day := time.Month(1+rng.IntN(12)), 1+rng.IntN(28)
			if m == time.January && day == 1 || m == time.May && day == 1 {
				day++
			}
			name := "National Day"
			if t.independence {
				name = "Independence Day"
			}
			c.holidays = append(c.holidays, fixedHoliday(m, day, name))
		}
		if t.christmas || c.id == "ph" || c.id == "tl" || c.id == "kr" {
			c.holidays = append(c.holidays, fixedHoliday(time.December, 25, "Christmas Day"))
		}
	}
}

// definiteArticle are the countries whose English name takes "the".
// Read-only.
var definiteArticle = map[string]bool{
	"ae": true, "bs": true, "cf": true, "do": true, "gb": true, "gm": true, "km": true, "ky": true,
	"mh": true, "mv": true, "nl": true, "ph": true, "sb": true, "sc": true, "us": true, "va": true,
	"fk": true, "fo": true, "tc": true, "vg": true, "vi": true, "cc": true, "um": true,
}

// theName returns a country's English name as used in a sentence: "the
// United Kingdom".
func theName(id, name string) string {
	if definiteArticle[id] {
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

// embassyHost is a capital where the sandbox lists the national embassies
// of every country.
type embassyHost struct {
	country string
	city    string
	streets []string
	zips    []string
	phone   string
	format  string // address format: number, street, zip
}

// embassyHosts are the capitals of national embassies. Read-only.
var embassyHosts = [...]embassyHost{
	{"fr", "Paris", []string{"avenue Foch", "avenue Kléber", "rue de Grenelle", "avenue d'Iéna", "rue du Faubourg Saint-Honoré", "avenue Marceau", "rue de l'Université", "avenue Victor Hugo"},
		[]string{"75007", "75008", "75016"}, "+33 1 99 00 xx xx", "%d %s, %s Paris"},
	{"gb", "London", []string{"Belgrave Square", "Kensington Palace Gardens", "Grosvenor Square", "Eaton Place", "Holland Park", "Queen's Gate"},
		[]string{"SW1X 8PZ", "W8 4QP", "W1K 6AH", "SW1X 8BN", "W11 3TH", "SW7 5JD"}, "+44 20 7946 0xxx", "%d %s, London %s"},
	{"us", "Washington", []string{"Massachusetts Avenue NW", "Connecticut Avenue NW", "International Drive NW", "Wisconsin Avenue NW", "16th Street NW"},
		[]string{"20008", "20007", "20009", "20036"}, "+1 202 555 01xx", "%d %s, Washington, DC %s"},
}

// foreignMissions are the countries whose embassies the sandbox lists in
// every capital, with their foreign ministry's website. Read-only.
var foreignMissions = [...]struct{ country, website string }{
	{"fr", "https://www.diplomatie.gouv.fr"},
	{"gb", "https://www.gov.uk/world/embassies"},
	{"us", "https://www.usembassy.gov"},
	{"de", "https://www.auswaertiges-amt.de"},
	{"ca", "https://www.international.gc.ca"},
	{"jp", "https://www.mofa.go.jp"},
}

// embassyStreets are generic diplomatic addresses. Read-only.
var embassyStreets = [...]string{"Diplomatic Quarter", "Embassy Row", "Independence Avenue", "Avenue des Nations", "Liberation Road", "Boulevard de la République", "Unity Street", "Avenida de las Naciones"}

// embassies lists a country's own missions in the embassyHosts and the
// foreignMissions in its capital.
func (d *dataset) embassies(c *countryData, rng *rand.Rand) {
	if dependentTerritories[c.id] || c.capital == "" {
		return
	}
	name := c.labels[0]
	s := slug(name)
	for _, h := range embassyHosts {
		if h.country == c.id {
			continue
		}
		addr := fmt.Sprintf(h.format, 1+rng.IntN(120), h.streets[rng.IntN(len(h.streets))], h.zips[rng.IntN(len(h.zips))])
		phone := digits(rng, h.phone)
		site := fmt.Sprintf("https://www.%s-embassy.example/%s", s, slug(h.city))
		email := openapi_types.Email(fmt.Sprintf("consulate.%s@%s-embassy.example", slug(h.city), s))
		c.national = append(c.national, gen.Embassy{
			Label: "Embassy of " + theName(c.id, name) + " in " + theName(h.country, d.byID[h.country].labels[0]), Country: c.id, Type: gen.EmbassyTypeEmbassy,
			Address: &addr, PhoneNumber: &phone, Website: &site, Email: &email,
		})
	}
	city := cmp.Or(embassyCities[c.id], c.capital)
	for _, m := range foreignMissions {
		if m.country == c.id {
			continue
		}
		addr := fmt.Sprintf("%d %s, %s", 1+rng.IntN(80), embassyStreets[rng.IntN(len(embassyStreets))], city)
		site := m.website
		c.foreign = append(c.foreign, gen.Embassy{
			Label: "Embassy of " + theName(m.country, d.byID[m.country].labels[0]), Country: m.country, Type: gen.EmbassyTypeEmbassy,
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

// holidaysFrom lists a country's public holidays from today for twelve
// months, by date.
func (c *countryData) holidaysFrom(today time.Time) []gen.PublicHoliday {
	end := today.AddDate(1, 0, 0)
	out := []gen.PublicHoliday{}
	for _, h := range c.holidays {
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

// alertTemplate is a kind of alert and the countries it plausibly concerns.
type alertTemplate struct {
	title, short, content string
	minLevel, maxLevel    int
	countries             []string // empty: a worldwide bulletin may name none
	ends                  bool
}

// whoTemplates are WHO disease outbreak news; "" in countries is a global
// situation. Read-only.
var whoTemplates = [...]alertTemplate{
	{title: "Cholera", short: "Cases and deaths reported since the start of the year; vaccination campaigns are under way.", minLevel: 1, maxLevel: 2, countries: []string{"", "ht", "ye", "af", "cd", "et", "mz", "so", "sd", "zm", "mw"}},
	{title: "Dengue", short: "Transmission is higher than usual for the season in several regions.", minLevel: 1, maxLevel: 2, countries: []string{"", "br", "bd", "vn", "ph", "id", "mx", "co", "pe", "lk"}},
	{title: "Avian influenza A(H5N1)", short: "A human case was reported after contact with infected poultry; no human-to-human transmission has been found.", minLevel: 0, maxLevel: 1, countries: []string{"kh", "vn", "cn", "us", "eg", "in"}},
	{title: "Mpox", short: "Community transmission of clade I mpox continues; contacts are being followed up.", minLevel: 1, maxLevel: 2, countries: []string{"cd", "bi", "ug", "ke", "rw", "ng"}},
	{title: "Marburg virus disease", short: "An outbreak was declared; contacts are being traced and isolated.", minLevel: 2, maxLevel: 3, countries: []string{"rw", "tz", "gq", "gh", "ug"}},
	{title: "Ebola virus disease", short: "An outbreak was declared in one province; response teams are deployed.", minLevel: 2, maxLevel: 3, countries: []string{"cd", "ug", "gn", "sl"}},
	{title: "Yellow fever", short: "Confirmed cases in unvaccinated people; vaccination is recommended for travellers to the areas concerned.", minLevel: 1, maxLevel: 2, countries: []string{"co", "pe", "br", "ng", "cm", "bo"}},
	{title: "Middle East respiratory syndrome coronavirus", short: "Sporadic cases were reported, some linked to contact with camels.", minLevel: 0, maxLevel: 1, countries: []string{"sa", "ae", "qa"}},
	{title: "Poliomyelitis", short: "New cases of wild poliovirus type 1; travellers staying more than four weeks should get a booster.", minLevel: 1, maxLevel: 2, countries: []string{"pk", "af"}},
	{title: "Measles", short: "Large outbreaks in several countries; make sure your vaccination is up to date.", minLevel: 1, maxLevel: 2, countries: []string{"", "ro", "ua", "kz", "ng", "ph", "ye"}},
}

// healthTemplates are AXA health alerts. Read-only.
var healthTemplates = [...]alertTemplate{
	{title: "Dengue outbreak", short: "Dengue cases are rising sharply.", content: "Protect yourself against mosquito bites day and night: repellent, long sleeves, air-conditioned or screened rooms. See a doctor if you have a high fever.", minLevel: 1, maxLevel: 2, countries: []string{"br", "mx", "th", "vn", "ph", "id", "my", "lk", "bd", "co", "pe", "pr", "re"}, ends: true},
	{title: "Heatwave", short: "Temperatures above 40 °C are expected.", content: "Drink water regularly, avoid physical effort in the hottest hours and check on elderly travellers.", minLevel: 1, maxLevel: 2, countries: []string{"fr", "es", "it", "gr", "pt", "in", "pk", "eg", "us", "mx", "au", "tr"}, ends: true},
	{title: "Measles outbreak", short: "Measles cases are increasing.", content: "Check that you and your children are vaccinated (two doses) before travelling.", minLevel: 0, maxLevel: 1, countries: []string{"ro", "ua", "kz", "ng", "ph", "ye", "gb", "at", "ma"}},
	{title: "Cholera outbreak", short: "Cholera cases reported in several provinces.", content: "Drink only bottled or boiled water, avoid raw food and wash your hands often. Seek care at once for severe diarrhoea.", minLevel: 1, maxLevel: 3, countries: []string{"ht", "ye", "cd", "mz", "zm", "mw", "so", "et", "sd", "ng"}},
	{title: "Air pollution peak", short: "Fine-particle levels are very high.", content: "Limit outdoor activity, especially with heart or lung conditions, and wear an FFP2 mask outside.", minLevel: 1, maxLevel: 2, countries: []string{"cn", "in", "pk", "bd", "th", "vn", "mn", "np"}, ends: true},
	{title: "Seasonal influenza epidemic", short: "Influenza activity is high.", content: "Consider vaccination, wash your hands often and stay at home if you have a fever.", minLevel: 0, maxLevel: 1, countries: []string{"fr", "de", "gb", "us", "ca", "jp", "kr", "au", "it", "es"}, ends: true},
	{title: "Chikungunya outbreak", short: "Chikungunya cases are rising.", content: "Protect yourself against mosquito bites; joint pain and fever call for a doctor.", minLevel: 1, maxLevel: 2, countries: []string{"re", "yt", "mu", "br", "in", "lk", "th", "bo", "py"}, ends: true},
	{title: "Malaria season", short: "Malaria transmission peaks during the rainy season.", content: "Take antimalarial prophylaxis as prescribed and sleep under a treated mosquito net. Any fever after your return needs a test.", minLevel: 1, maxLevel: 2, countries: []string{"ng", "gh", "ml", "bf", "cd", "ug", "mz", "mw", "tz", "ke", "cm", "ci"}, ends: true},
	{title: "Rabies cases", short: "Human rabies cases after dog bites.", content: "Avoid contact with animals; after any bite or scratch, wash the wound for 15 minutes and get post-exposure treatment at once.", minLevel: 0, maxLevel: 1, countries: []string{"in", "ph", "id", "vn", "kh", "la", "mm", "ma", "tz"}},
}

// securityTemplates are AXA security alerts. Read-only.
var securityTemplates = [...]alertTemplate{
	{title: "Nationwide strike", short: "Public transport disrupted across the country.", content: "Allow extra time for journeys to airports and follow local media.", minLevel: 1, maxLevel: 2, countries: []string{"fr", "be", "it", "gr", "ar", "es", "gb", "de", "pt"}, ends: true},
	{title: "Demonstrations", short: "Large demonstrations are planned in the capital.", content: "Avoid gatherings, follow the instructions of the authorities and monitor local media.", minLevel: 1, maxLevel: 2, countries: []string{"fr", "gb", "ke", "ar", "rs", "ge", "pe", "bd", "il", "lb", "co", "cl"}, ends: true},
	{title: "Tropical cyclone", short: "A tropical cyclone is expected to make landfall.", content: "Follow the instructions of the local authorities; flights and ferries may be cancelled. Stock water and food.", minLevel: 2, maxLevel: 3, countries: []string{"ph", "jp", "tw", "vn", "cn", "us", "mx", "cu", "bs", "jm", "mg", "mz", "fj", "vu"}, ends: true},
	{title: "Earthquake", short: "A strong earthquake struck; aftershocks are possible.", content: "Follow the authorities' instructions and let your family know you are safe. Expect disruption to transport and communications.", minLevel: 1, maxLevel: 3, countries: []string{"jp", "tr", "id", "cl", "mx", "np", "it", "gr", "pe", "ir", "nz", "ec"}},
	{title: "Flooding", short: "Heavy rain has caused widespread flooding.", content: "Avoid the affected areas and do not cross flooded roads.", minLevel: 1, maxLevel: 2, countries: []string{"bd", "pk", "in", "ng", "de", "fr", "it", "br", "id", "ke"}, ends: true},
	{title: "Wildfires", short: "Wildfires are burning near inhabited areas.", content: "Follow evacuation orders and check road closures before travelling.", minLevel: 1, maxLevel: 2, countries: []string{"gr", "au", "us", "ca", "pt", "es", "tr", "cl"}, ends: true},
	{title: "Volcanic activity", short: "The alert level of a volcano was raised.", content: "Respect the exclusion zones; ash clouds may disrupt flights.", minLevel: 0, maxLevel: 2, countries: []string{"is", "id", "it", "ph", "gt", "cr", "ec", "jp"}, ends: true},
	{title: "Elections", short: "General elections are scheduled; tensions are possible.", content: "Avoid political gatherings and carry your identity documents.", minLevel: 0, maxLevel: 1, countries: []string{"ke", "ng", "br", "in", "mx", "za", "id", "ph", "pe", "bo", "sn", "ci"}, ends: true},
	{title: "Curfew", short: "A night-time curfew is in force in several regions.", content: "Respect the curfew and keep your travel documents on you.", minLevel: 2, maxLevel: 3, countries: []string{"ml", "bf", "ne", "ht", "sd", "cf", "mm", "ly"}, ends: true},
	{title: "Air traffic control strike", short: "Flights cancelled or delayed.", content: "Check your flight status with your airline before going to the airport.", minLevel: 0, maxLevel: 1, countries: []string{"fr", "it", "es", "gr", "be"}, ends: true},
	{title: "Terrorist threat level raised", short: "The authorities raised the terrorist threat level.", content: "Be vigilant in crowded places and follow the instructions of security forces.", minLevel: 2, maxLevel: 2, countries: []string{"fr", "gb", "be", "de", "es", "tr"}},
}

// alertLevels are the alert levels by rank. Read-only.
var alertLevels = [...]gen.AlertLevel{gen.AlertLevelLow, gen.AlertLevelModerate, gen.AlertLevelHigh, gen.AlertLevelCritical}

// buildAlerts draws the WHO bulletins and the AXA health and security
// alerts, newest first.
func (d *dataset) buildAlerts(rng *rand.Rand) {
	draw := func(t alertTemplate, country string, worldwide bool) alertData {
		a := alertData{
			id:    randomUUID(rng),
			title: t.title, short: t.short, content: t.content,
			level: alertLevels[t.minLevel+rng.IntN(t.maxLevel-t.minLevel+1)],
			age:   time.Duration(1+rng.IntN(60*24)) * time.Hour,
		}
		if worldwide {
			a.age = time.Duration(1+rng.IntN(120*24)) * time.Hour
			if country == "" {
				a.title += " - Global situation"
			} else {
				a.title += " - " + d.byID[country].labels[0]
			}
			return a
		}
		a.countries = []string{country}
		if t.ends {
			a.remaining = time.Duration(12+rng.IntN(21*24)) * time.Hour
		}
		return a
	}
	for _, i := range rng.Perm(len(whoTemplates))[:8] {
		t := whoTemplates[i]
		d.bulletins = append(d.bulletins, draw(t, t.countries[rng.IntN(len(t.countries))], true))
	}
	// AXA alerts: a few per template, never twice the same one in a country.
	fill := func(templates []alertTemplate, n int) []alertData {
		var out []alertData
		seen := map[string]bool{}
		for len(out) < n {
			t := templates[rng.IntN(len(templates))]
			country := t.countries[rng.IntN(len(t.countries))]
			if seen[t.title+country] {
				continue
			}
			seen[t.title+country] = true
			out = append(out, draw(t, country, false))
		}
		return out
	}
	d.health = fill(healthTemplates[:], 14)
	d.security = fill(securityTemplates[:], 18)
	for _, list := range [][]alertData{d.bulletins, d.health, d.security} {
		slices.SortStableFunc(list, func(a, b alertData) int { return cmp.Compare(a.age, b.age) })
	}
}

// providerCity is a city around which the sandbox has medical providers.
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

// cities are the cities of the medical providers. Read-only.
var cities = [...]providerCity{
	{
		name: "Paris", country: "fr", area: "Île-de-France", lat: 48.8566, lng: 2.3522,
		places:  []string{"Saint-Louis", "Montparnasse", "Bastille", "République", "Saint-Germain", "Montmartre", "Batignolles", "Nation", "Passy", "Belleville"},
		streets: []string{"rue de Rivoli", "boulevard Saint-Germain", "rue de la Roquette", "boulevard Haussmann", "rue de Vaugirard", "avenue de Clichy", "rue du Faubourg Saint-Antoine", "boulevard Voltaire", "rue Lecourbe", "avenue des Gobelins"},
		zips:    []string{"75001", "75004", "75005", "75006", "75008", "75011", "75012", "75014", "75015", "75017", "75018", "75020"},
		phone:   "+33 1 99 00 xx xx", address: "%d %s",
		first:     []string{"Camille", "Julien", "Claire", "Nicolas", "Sophie", "Thomas", "Isabelle", "Antoine"},
		last:      []string{"Martin", "Bernard", "Dubois", "Lefebvre", "Moreau", "Laurent", "Girard", "Roux"},
		templates: [7]string{"Clinique {p}", "Cabinet dentaire {l}", "Dr {f} {l}", "Hôpital {p}", "Laboratoire {p}", "Pharmacie {p}", "Dr {f} {l}"},
		landmark: gen.MedicalProvider{Name: "Hôtel-Dieu de Paris", Kind: gen.ProviderKindIDHospital,
			Position:                 gen.ProviderPosition{Lat: 48.8543, Lng: 2.3488},
			Address:                  gen.ProviderAddress{Street: "1 Parvis Notre-Dame - Place Jean-Paul II", City: "Paris", Zipcode: pointerTo("75004"), CountryID: "fr"},
			InternationalPhoneNumber: pointerTo("+33 1 42 34 82 34")},
	},
	{
		name: "London", country: "gb", area: "Greater London", lat: 51.5074, lng: -0.1278,
		places:  []string{"Chelsea", "Kensington", "Camden", "Islington", "Marylebone", "Hackney", "Battersea", "Greenwich", "Notting Hill", "Southwark"},
		streets: []string{"Oxford Street", "Harley Street", "Euston Road", "King's Road", "Whitechapel Road", "Edgware Road", "Fulham Road", "Upper Street", "Brixton Road", "Camden High Street"},
		zips:    []string{"SW3 5RZ", "W8 4PT", "NW1 2BU", "N1 0QH", "W1G 9PF", "E8 1DY", "SW11 4NJ", "SE10 9GB", "W11 2EE", "SE1 9RT"},
		phone:   "+44 20 7946 0xxx", address: "%d %s",
		first:     []string{"Oliver", "Amelia", "Harry", "Emily", "George", "Charlotte", "James", "Sophie"},
		last:      []string{"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Thomas"},
		templates: [7]string{"{p} Medical Centre", "{p} Dental Practice", "Dr {f} {l}", "{p} General Hospital", "{p} Pathology Laboratory", "{p} Pharmacy", "Dr {f} {l}"},
		landmark: gen.MedicalProvider{Name: "St Thomas' Hospital", Kind: gen.ProviderKindIDHospital,
			Position: gen.ProviderPosition{Lat: 51.4985, Lng: -0.1188},
			Address:  gen.ProviderAddress{Street: "Westminster Bridge Road", City: "London", Zipcode: pointerTo("SE1 7EH"), CountryID: "gb"}},
	},
	{
		name: "Tokyo", country: "jp", area: "Tokyo", lat: 35.6762, lng: 139.6503,
		places:  []string{"Ginza", "Shibuya", "Shinjuku", "Akasaka", "Roppongi", "Ueno", "Ikebukuro", "Meguro", "Azabu", "Ebisu"},
		streets: []string{"Chuo-dori", "Meiji-dori", "Aoyama-dori", "Yasukuni-dori", "Omotesando", "Shinjuku-dori", "Sotobori-dori", "Hibiya-dori"},
		zips:    []string{"104-0061", "150-0002", "160-0022", "107-0052", "106-0032", "110-0005", "171-0021", "153-0063", "106-0045", "150-0013"},
		phone:   "+81 3 xxxx xxxx", address: "%d %s",
		first:     []string{"Haruto", "Yui", "Sota", "Hina", "Ren", "Aoi", "Yuto", "Sakura"},
		last:      []string{"Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura"},
		templates: [7]string{"{l} Clinic", "{l} Dental Clinic", "Dr {f} {l}", "{p} General Hospital", "{p} Clinical Laboratory", "{p} Pharmacy", "Dr {f} {l}"},
		landmark: gen.MedicalProvider{Name: "St. Luke's International Hospital", Kind: gen.ProviderKindIDHospital,
			Position: gen.ProviderPosition{Lat: 35.6672, Lng: 139.7775},
			Address:  gen.ProviderAddress{Street: "9-1 Akashicho, Chuo-ku", City: "Tokyo", Zipcode: pointerTo("104-8560"), CountryID: "jp"}},
	},
	{
		name: "New York", country: "us", area: "New York", lat: 40.7128, lng: -74.0060,
		places:  []string{"Midtown", "Chelsea", "Harlem", "Tribeca", "SoHo", "Murray Hill", "Upper East Side", "Brooklyn Heights", "Astoria", "Williamsburg"},
		streets: []string{"Broadway", "Fifth Avenue", "Lexington Avenue", "Amsterdam Avenue", "West 14th Street", "Madison Avenue", "Park Avenue", "East 42nd Street", "Flatbush Avenue"},
		zips:    []string{"10001", "10011", "10027", "10013", "10012", "10016", "10021", "11201", "11102", "11211"},
		phone:   "+1 212 555 01xx", address: "%d %s",
		first:     []string{"Michael", "Jennifer", "David", "Jessica", "Daniel", "Ashley", "Christopher", "Sarah"},
		last:      []string{"Johnson", "Miller", "Davis", "Garcia", "Rodriguez", "Anderson", "Jackson", "White"},
		templates: [7]string{"{p} Medical Center", "{p} Dental Care", "Dr. {f} {l}", "{p} Community Hospital", "{p} Diagnostic Laboratory", "{p} Pharmacy", "Dr. {f} {l}"},
		landmark: gen.MedicalProvider{Name: "The Mount Sinai Hospital", Kind: gen.ProviderKindIDHospital,
			Position: gen.ProviderPosition{Lat: 40.7900, Lng: -73.9526},
			Address:  gen.ProviderAddress{Street: "1 Gustave L. Levy Place", City: "New York", Zipcode: pointerTo("10029"), Area: pointerTo("New York"), CountryID: "us"}},
	},
	{
		name: "Sydney", country: "au", area: "New South Wales", lat: -33.8688, lng: 151.2093,
		places:  []string{"Darlinghurst", "Surry Hills", "Bondi", "Newtown", "Paddington", "Manly", "Chatswood", "Randwick", "Glebe", "Pyrmont"},
		streets: []string{"George Street", "Pitt Street", "Oxford Street", "Macquarie Street", "Crown Street", "King Street", "Victoria Street", "Parramatta Road"},
		zips:    []string{"2000", "2010", "2026", "2042", "2021", "2095", "2067", "2031", "2037", "2009"},
		phone:   "+61 2 5550 xxxx", address: "%d %s",
		first:     []string{"Jack", "Charlotte", "William", "Olivia", "Noah", "Mia", "Lucas", "Isla"},
		last:      []string{"Smith", "Nguyen", "Williams", "Brown", "Wilson", "Taylor", "Kelly", "Martin"},
		templates: [7]string{"{p} Medical Centre", "{p} Dental", "Dr {f} {l}", "{p} Private Hospital", "{p} Pathology", "{p} Pharmacy", "Dr {f} {l}"},
		landmark: gen.MedicalProvider{Name: "St Vincent's Hospital Sydney", Kind: gen.ProviderKindIDHospital,
			Position: gen.ProviderPosition{Lat: -33.8804, Lng: 151.2205},
			Address:  gen.ProviderAddress{Street: "390 Victoria Street, Darlinghurst", City: "Sydney", Zipcode: pointerTo("2010"), Area: pointerTo("New South Wales"), CountryID: "au"}},
	},
	{
		name: "Rio de Janeiro", country: "br", area: "Rio de Janeiro", lat: -22.9068, lng: -43.1729,
		places:  []string{"Copacabana", "Ipanema", "Leblon", "Botafogo", "Flamengo", "Tijuca", "Barra", "Laranjeiras", "Centro", "Lagoa"},
		streets: []string{"Avenida Nossa Senhora de Copacabana", "Rua Voluntários da Pátria", "Avenida Atlântica", "Rua Visconde de Pirajá", "Avenida Rio Branco", "Rua das Laranjeiras", "Rua Conde de Bonfim"},
		zips:    []string{"22020-001", "22410-002", "22440-032", "22250-040", "22210-030", "20520-054", "22640-100", "22240-003", "20090-003", "22470-050"},
		phone:   "+55 21 2xxx xxxx", address: "%[2]s, %[1]d",
		first:     []string{"Ana", "João", "Maria", "Pedro", "Lucas", "Juliana", "Rafael", "Camila"},
		last:      []string{"Silva", "Santos", "Oliveira", "Souza", "Costa", "Pereira", "Almeida", "Ferreira"},
		templates: [7]string{"Clínica {p}", "Consultório Odontológico {l}", "Dr. {f} {l}", "Hospital {p}", "Laboratório {p}", "Farmácia {p}", "Dr. {f} {l}"},
		landmark: gen.MedicalProvider{Name: "Hospital Copa D'Or", Kind: gen.ProviderKindIDHospital,
			Position: gen.ProviderPosition{Lat: -22.9667, Lng: -43.1887},
			Address:  gen.ProviderAddress{Street: "Rua Figueiredo de Magalhães, 875, Copacabana", City: "Rio de Janeiro", Zipcode: pointerTo("22031-011"), Area: pointerTo("Rio de Janeiro"), CountryID: "br"}},
	},
	{
		name: "Cape Town", country: "za", area: "Western Cape", lat: -33.9249, lng: 18.4241,
		places:  []string{"Gardens", "Sea Point", "Observatory", "Woodstock", "Green Point", "Claremont", "Rondebosch", "Constantia", "Tamboerskloof", "Bellville"},
		streets: []string{"Long Street", "Main Road", "Bree Street", "Kloof Street", "Buitengracht Street", "Voortrekker Road", "Beach Road", "Victoria Road"},
		zips:    []string{"8001", "8005", "7925", "7915", "8051", "7708", "7700", "7806", "8018", "7530"},
		phone:   "+27 21 xxx xxxx", address: "%d %s",
		first:     []string{"Thabo", "Lerato", "Johan", "Anika", "Sipho", "Naledi", "Pieter", "Zanele"},
		last:      []string{"Nkosi", "Botha", "Dlamini", "Van der Merwe", "Mokoena", "Naidoo", "Khumalo", "Smith"},
		templates: [7]string{"{p} Medical Centre", "{p} Dental Studio", "Dr {f} {l}", "{p} Mediclinic", "{p} Pathology", "{p} Pharmacy", "Dr {f} {l}"},
		landmark: gen.MedicalProvider{Name: "Groote Schuur Hospital", Kind: gen.ProviderKindIDHospital,
			Position: gen.ProviderPosition{Lat: -33.9410, Lng: 18.4640},
			Address:  gen.ProviderAddress{Street: "Main Road, Observatory", City: "Cape Town", Zipcode: pointerTo("7925"), Area: pointerTo("Western Cape"), CountryID: "za"}},
	},
	{
		name: "Dubai", country: "ae", area: "Dubai", lat: 25.2048, lng: 55.2708,
		places:  []string{"Jumeirah", "Al Barsha", "Deira", "Bur Dubai", "Al Quoz", "Dubai Marina", "Karama", "Al Safa", "Business Bay", "Mirdif"},
		streets: []string{"Sheikh Zayed Road", "Al Wasl Road", "Jumeirah Beach Road", "Al Maktoum Road", "Oud Metha Road", "Khalid bin Al Waleed Road", "Al Khail Road"},
		phone:   "+971 4 xxx xxxx", address: "%[2]s, building %[1]d",
		first:     []string{"Ahmed", "Fatima", "Omar", "Aisha", "Khalid", "Mariam", "Priya", "Rajesh"},
		last:      []string{"Al Mansouri", "Al Hashimi", "Haddad", "Khan", "Nair", "Saleh", "Rahman", "Farouk"},
		templates: [7]string{"{p} Medical Centre", "{p} Dental Clinic", "Dr {f} {l}", "{p} Hospital", "{p} Diagnostic Laboratory", "{p} Pharmacy", "Dr {f} {l}"},
		landmark: gen.MedicalProvider{Name: "Rashid Hospital", Kind: gen.ProviderKindIDHospital,
			Position: gen.ProviderPosition{Lat: 25.2366, Lng: 55.3183},
			Address:  gen.ProviderAddress{Street: "Oud Metha Road, Umm Hurair 2", City: "Dubai", Area: pointerTo("Dubai"), CountryID: "ae"}},
	},
	{
		name: "Bangkok", country: "th", area: "Bangkok", lat: 13.7563, lng: 100.5018,
		places:  []string{"Sukhumvit", "Silom", "Sathorn", "Thonglor", "Ari", "Ekkamai", "Ratchada", "Phrom Phong", "Asok", "Bang Rak"},
		streets: []string{"Sukhumvit Road", "Silom Road", "Rama IV Road", "Phetchaburi Road", "Ratchadamri Road", "Phahonyothin Road", "Sathorn Road"},
		zips:    []string{"10110", "10500", "10120", "10400", "10330", "10310", "10900", "10260"},
		phone:   "+66 2 xxx xxxx", address: "%d %s",
		first:     []string{"Somchai", "Suda", "Niran", "Pranee", "Kittisak", "Malee", "Anan", "Siriporn"},
		last:      []string{"Srisuk", "Chaiyaporn", "Wongsawat", "Rattanakul", "Sukprasert", "Thongdee", "Boonmee", "Saetang"},
		templates: [7]string{"{p} Clinic", "{p} Dental Clinic", "Dr {f} {l}", "{p} Hospital", "{p} Medical Laboratory", "{p} Pharmacy", "Dr {f} {l}"},
		landmark: gen.MedicalProvider{Name: "Bumrungrad International Hospital", Kind: gen.ProviderKindIDHospital,
			Position: gen.ProviderPosition{Lat: 13.7464, Lng: 100.5525},
			Address:  gen.ProviderAddress{Street: "33 Sukhumvit 3, Khlong Toei Nuea, Watthana", City: "Bangkok", Zipcode: pointerTo("10110"), CountryID: "th"}},
	},
	{
		name: "Mexico City", country: "mx", area: "Ciudad de México", lat: 19.4326, lng: -99.1332,
		places:  []string{"Polanco", "Roma", "Condesa", "Coyoacán", "Del Valle", "Narvarte", "Santa Fe", "Juárez", "Nápoles", "San Ángel"},
		streets: []string{"Paseo de la Reforma", "Avenida Insurgentes Sur", "Avenida Álvaro Obregón", "Calle Durango", "Avenida Chapultepec", "Avenida Revolución", "Eje Central Lázaro Cárdenas"},
		zips:    []string{"11560", "06700", "06140", "04000", "03100", "03020", "05348", "06600", "03810", "01000"},
		phone:   "+52 55 xxxx xxxx", address: "%[2]s %[1]d",
		first:     []string{"José", "María", "Juan", "Guadalupe", "Carlos", "Fernanda", "Luis", "Sofía"},
		last:      []string{"Hernández", "García", "Martínez", "López", "González", "Rodríguez", "Pérez", "Sánchez"},
		templates: [7]string{"Clínica {p}", "Consultorio Dental {l}", "Dr. {f} {l}", "Hospital {p}", "Laboratorio {p}", "Farmacia {p}", "Dr. {f} {l}"},
		landmark: gen.MedicalProvider{Name: "Centro Médico ABC Observatorio", Kind: gen.ProviderKindIDHospital,
			Position: gen.ProviderPosition{Lat: 19.3990, Lng: -99.2050},
			Address:  gen.ProviderAddress{Street: "Sur 136 No. 116, Las Américas, Álvaro Obregón", City: "Ciudad de México", Zipcode: pointerTo("01120"), Area: pointerTo("Ciudad de México"), CountryID: "mx"}},
	},
}

// providersPerKind is how many providers of each kind a city has, in the
// order of providerKinds. Read-only.
var providersPerKind = [len(providerKinds)]int{5, 3, 5, 3, 2, 8, 5}

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
func (d *dataset) buildProviders(rng *rand.Rand) {
	for _, city := range cities {
		lm := city.landmark
		lm.ID = randomUUID(rng)
		lm.AXAPreferred = true
		lm.Speciality = pointerTo("emergency_medicine")
		if lm.Address.Area == nil {
			lm.Address.Area = pointerTo(city.area)
		}
		d.providers = append(d.providers, lm)
		seen := map[string]bool{lm.Name: true}
		for k, kind := range providerKinds {
			for range providersPerKind[k] {
				p := d.provider(rng, &city, kind.id, k)
				for try := 0; seen[p.Name] && try < 10; try++ {
					p = d.provider(rng, &city, kind.id, k)
				}
				seen[p.Name] = true
				d.providers = append(d.providers, p)
			}
		}
	}
}

// provider generates one medical provider of a kind near a city.
func (d *dataset) provider(rng *rand.Rand, city *providerCity, kind gen.ProviderKindID, k int) gen.MedicalProvider {
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
			Area:      pointerTo(city.area),
		},
		InternationalPhoneNumber: pointerTo(digits(rng, city.phone)),
		AXAPreferred:             rng.IntN(10) < 3,
	}
	if len(city.zips) > 0 {
		p.Address.Zipcode = pointerTo(city.zips[rng.IntN(len(city.zips))])
	}
	if specs := kindSpecialities[kind]; len(specs) > 0 {
		p.Speciality = pointerTo(specs[rng.IntN(len(specs))])
	}
	host := slug(name) + "." + city.country + ".example"
	if rng.IntN(10) < 6 {
		p.Website = pointerTo("https://www." + host)
		p.Email = pointerTo(openapi_types.Email("contact@" + host))
	}
	if kind == gen.ProviderKindIDHospital || kind == gen.ProviderKindIDClinic {
		p.PhoneAdmission = pointerTo(digits(rng, city.phone))
		if rng.IntN(2) == 0 {
			p.InternationalFaxNumber = pointerTo(digits(rng, city.phone))
		}
	}
	return p
}

// pointerTo returns a pointer to a copy of v.
func pointerTo[T any](v T) *T { return &v }

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

// providerQuery is a search for medical providers.
type providerQuery struct {
	lat, lng   float64
	radius     float64 // metres
	kind       gen.ProviderKindID
	speciality string
	limit      int
}

// searchProviders returns the providers matching q, nearest first, with
// their distance from the point searched.
func (d *dataset) searchProviders(q providerQuery) []gen.MedicalProvider {
	out := []gen.MedicalProvider{}
	for _, p := range d.providers {
		if q.kind != "" && p.Kind != q.kind {
			continue
		}
		if q.speciality != "" && (p.Speciality == nil || *p.Speciality != q.speciality) {
			continue
		}
		dist := haversine(q.lat, q.lng, p.Position.Lat, p.Position.Lng)
		if dist > q.radius {
			continue
		}
		p.Position.DistanceInMeters = math.Round(dist*10) / 10
		out = append(out, p)
	}
	slices.SortStableFunc(out, func(a, b gen.MedicalProvider) int {
		return cmp.Or(cmp.Compare(a.Position.DistanceInMeters, b.Position.DistanceInMeters), strings.Compare(a.Name, b.Name))
	})
	if len(out) > q.limit {
		out = out[:q.limit]
	}
	return out
}
