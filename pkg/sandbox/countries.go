package sandbox

import (
	"time"

	"github.com/axa-assistance-go/axa/gen"
)

// countryRow is one line of countryTable: a lower-case ISO 3166-1 alpha-2
// code and the country's capital in English ("" when it has none, as for
// Antarctica or uninhabited islands).
type countryRow struct {
	id      string
	capital string
}

// countryTable lists the 249 ISO 3166-1 alpha-2 codes the sandbox knows,
// sorted: every two-letter code for which golang.org/x/text/language's
// ParseRegion finds a country with an ISO 3166-1 alpha-3 code, without the
// reserved, transitional and withdrawn codes (AC, AN, BU, CP, CQ, CS, CT,
// DD, DG, DY, EA, EZ, FQ, FX, HV, IC, JT, MI, NH, NQ, NT, PC, PU, PZ, RH, SU,
// TA, TP, UK, UN, VD, WK, XK, YD, YU, ZR). TestCountryTable checks it.
// Read-only.
var countryTable = [...]countryRow{
	{"ad", "Andorra la Vella"}, {"ae", "Abu Dhabi"}, {"af", "Kabul"}, {"ag", "Saint John's"},
	{"ai", "The Valley"}, {"al", "Tirana"}, {"am", "Yerevan"}, {"ao", "Luanda"},
	{"aq", ""}, {"ar", "Buenos Aires"}, {"as", "Pago Pago"}, {"at", "Vienna"},
	{"au", "Canberra"}, {"aw", "Oranjestad"}, {"ax", "Mariehamn"}, {"az", "Baku"},
	{"ba", "Sarajevo"}, {"bb", "Bridgetown"}, {"bd", "Dhaka"}, {"be", "Brussels"},
	{"bf", "Ouagadougou"}, {"bg", "Sofia"}, {"bh", "Manama"}, {"bi", "Gitega"},
	{"bj", "Porto-Novo"}, {"bl", "Gustavia"}, {"bm", "Hamilton"}, {"bn", "Bandar Seri Begawan"},
	{"bo", "Sucre"}, {"bq", "Kralendijk"}, {"br", "Brasília"}, {"bs", "Nassau"},
	{"bt", "Thimphu"}, {"bv", ""}, {"bw", "Gaborone"}, {"by", "Minsk"},
	{"bz", "Belmopan"}, {"ca", "Ottawa"}, {"cc", "West Island"}, {"cd", "Kinshasa"},
	{"cf", "Bangui"}, {"cg", "Brazzaville"}, {"ch", "Bern"}, {"ci", "Yamoussoukro"},
	{"ck", "Avarua"}, {"cl", "Santiago"}, {"cm", "Yaoundé"}, {"cn", "Beijing"},
	{"co", "Bogotá"}, {"cr", "San José"}, {"cu", "Havana"}, {"cv", "Praia"},
	{"cw", "Willemstad"}, {"cx", "Flying Fish Cove"}, {"cy", "Nicosia"}, {"cz", "Prague"},
	{"de", "Berlin"}, {"dj", "Djibouti"}, {"dk", "Copenhagen"}, {"dm", "Roseau"},
	{"do", "Santo Domingo"}, {"dz", "Algiers"}, {"ec", "Quito"}, {"ee", "Tallinn"},
	{"eg", "Cairo"}, {"eh", "Laayoune"}, {"er", "Asmara"}, {"es", "Madrid"},
	{"et", "Addis Ababa"}, {"fi", "Helsinki"}, {"fj", "Suva"}, {"fk", "Stanley"},
	{"fm", "Palikir"}, {"fo", "Tórshavn"}, {"fr", "Paris"}, {"ga", "Libreville"},
	{"gb", "London"}, {"gd", "Saint George's"}, {"ge", "Tbilisi"}, {"gf", "Cayenne"},
	{"gg", "Saint Peter Port"}, {"gh", "Accra"}, {"gi", "Gibraltar"}, {"gl", "Nuuk"},
	{"gm", "Banjul"}, {"gn", "Conakry"}, {"gp", "Basse-Terre"}, {"gq", "Malabo"},
	{"gr", "Athens"}, {"gs", "King Edward Point"}, {"gt", "Guatemala City"}, {"gu", "Hagåtña"},
	{"gw", "Bissau"}, {"gy", "Georgetown"}, {"hk", "Hong Kong"}, {"hm", ""},
	{"hn", "Tegucigalpa"}, {"hr", "Zagreb"}, {"ht", "Port-au-Prince"}, {"hu", "Budapest"},
	{"id", "Jakarta"}, {"ie", "Dublin"}, {"il", "Jerusalem"}, {"im", "Douglas"},
	{"in", "New Delhi"}, {"io", ""}, {"iq", "Baghdad"}, {"ir", "Tehran"},
	{"is", "Reykjavík"}, {"it", "Rome"}, {"je", "Saint Helier"}, {"jm", "Kingston"},
	{"jo", "Amman"}, {"jp", "Tokyo"}, {"ke", "Nairobi"}, {"kg", "Bishkek"},
	{"kh", "Phnom Penh"}, {"ki", "South Tarawa"}, {"km", "Moroni"}, {"kn", "Basseterre"},
	{"kp", "Pyongyang"}, {"kr", "Seoul"}, {"kw", "Kuwait City"}, {"ky", "George Town"},
	{"kz", "Astana"}, {"la", "Vientiane"}, {"lb", "Beirut"}, {"lc", "Castries"},
	{"li", "Vaduz"}, {"lk", "Sri Jayawardenepura Kotte"}, {"lr", "Monrovia"}, {"ls", "Maseru"},
	{"lt", "Vilnius"}, {"lu", "Luxembourg"}, {"lv", "Riga"}, {"ly", "Tripoli"},
	{"ma", "Rabat"}, {"mc", "Monaco"}, {"md", "Chișinău"}, {"me", "Podgorica"},
	{"mf", "Marigot"}, {"mg", "Antananarivo"}, {"mh", "Majuro"}, {"mk", "Skopje"},
	{"ml", "Bamako"}, {"mm", "Naypyidaw"}, {"mn", "Ulaanbaatar"}, {"mo", "Macau"},
	{"mp", "Saipan"}, {"mq", "Fort-de-France"}, {"mr", "Nouakchott"}, {"ms", "Brades"},
	{"mt", "Valletta"}, {"mu", "Port Louis"}, {"mv", "Malé"}, {"mw", "Lilongwe"},
	{"mx", "Mexico City"}, {"my", "Kuala Lumpur"}, {"mz", "Maputo"}, {"na", "Windhoek"},
	{"nc", "Nouméa"}, {"ne", "Niamey"}, {"nf", "Kingston"}, {"ng", "Abuja"},
	{"ni", "Managua"}, {"nl", "Amsterdam"}, {"no", "Oslo"}, {"np", "Kathmandu"},
	{"nr", "Yaren"}, {"nu", "Alofi"}, {"nz", "Wellington"}, {"om", "Muscat"},
	{"pa", "Panama City"}, {"pe", "Lima"}, {"pf", "Papeete"}, {"pg", "Port Moresby"},
	{"ph", "Manila"}, {"pk", "Islamabad"}, {"pl", "Warsaw"}, {"pm", "Saint-Pierre"},
	{"pn", "Adamstown"}, {"pr", "San Juan"}, {"ps", "Ramallah"}, {"pt", "Lisbon"},
	{"pw", "Ngerulmud"}, {"py", "Asunción"}, {"qa", "Doha"}, {"re", "Saint-Denis"},
	{"ro", "Bucharest"}, {"rs", "Belgrade"}, {"ru", "Moscow"}, {"rw", "Kigali"},
	{"sa", "Riyadh"}, {"sb", "Honiara"}, {"sc", "Victoria"}, {"sd", "Khartoum"},
	{"se", "Stockholm"}, {"sg", "Singapore"}, {"sh", "Jamestown"}, {"si", "Ljubljana"},
	{"sj", "Longyearbyen"}, {"sk", "Bratislava"}, {"sl", "Freetown"}, {"sm", "San Marino"},
	{"sn", "Dakar"}, {"so", "Mogadishu"}, {"sr", "Paramaribo"}, {"ss", "Juba"},
	{"st", "São Tomé"}, {"sv", "San Salvador"}, {"sx", "Philipsburg"}, {"sy", "Damascus"},
	{"sz", "Mbabane"}, {"tc", "Cockburn Town"}, {"td", "N'Djamena"}, {"tf", "Port-aux-Français"},
	{"tg", "Lomé"}, {"th", "Bangkok"}, {"tj", "Dushanbe"}, {"tk", "Fakaofo"},
	{"tl", "Dili"}, {"tm", "Ashgabat"}, {"tn", "Tunis"}, {"to", "Nuku'alofa"},
	{"tr", "Ankara"}, {"tt", "Port of Spain"}, {"tv", "Funafuti"}, {"tw", "Taipei"},
	{"tz", "Dodoma"}, {"ua", "Kyiv"}, {"ug", "Kampala"}, {"um", ""},
	{"us", "Washington, D.C."}, {"uy", "Montevideo"}, {"uz", "Tashkent"}, {"va", "Vatican City"},
	{"vc", "Kingstown"}, {"ve", "Caracas"}, {"vg", "Road Town"}, {"vi", "Charlotte Amalie"},
	{"vn", "Hanoi"}, {"vu", "Port Vila"}, {"wf", "Mata-Utu"}, {"ws", "Apia"},
	{"ye", "Sana'a"}, {"yt", "Mamoudzou"}, {"za", "Pretoria"}, {"zm", "Lusaka"},
	{"zw", "Harare"},
}

// embassyCities names where foreign embassies sit when that is not the
// capital of countryTable. Read-only.
var embassyCities = map[string]string{
	"bi": "Bujumbura", "bj": "Cotonou", "bo": "La Paz", "ci": "Abidjan", "il": "Tel Aviv",
	"lk": "Colombo", "mm": "Yangon", "nl": "The Hague", "tz": "Dar es Salaam",
}

// dependentTerritories are the codes of territories that are not sovereign
// states (or have no permanent population): no embassies of their own, and
// none accredited to them. Read-only.
var dependentTerritories = map[string]bool{
	"ai": true, "as": true, "aq": true, "aw": true, "ax": true, "bl": true, "bm": true, "bq": true,
	"bv": true, "cc": true, "ck": true, "cw": true, "cx": true, "eh": true, "fk": true, "fo": true,
	"gf": true, "gg": true, "gi": true, "gl": true, "gp": true, "gs": true, "gu": true, "hk": true,
	"hm": true, "im": true, "io": true, "je": true, "ky": true, "mf": true, "mo": true, "mp": true,
	"mq": true, "ms": true, "nc": true, "nf": true, "nu": true, "pf": true, "pm": true, "pn": true,
	"pr": true, "re": true, "sh": true, "sj": true, "sx": true, "tc": true, "tf": true, "tk": true,
	"um": true, "vg": true, "vi": true, "wf": true, "yt": true,
}

// schengenArea are the members of the Schengen Area. Read-only.
var schengenArea = map[string]bool{
	"at": true, "be": true, "bg": true, "ch": true, "cz": true, "de": true, "dk": true, "ee": true,
	"es": true, "fi": true, "fr": true, "gr": true, "hr": true, "hu": true, "is": true, "it": true,
	"li": true, "lt": true, "lu": true, "lv": true, "mt": true, "nl": true, "no": true, "pl": true,
	"pt": true, "ro": true, "se": true, "si": true, "sk": true,
}

// oceanAreas places the territories that belong to no UN M49 subregion.
// Read-only.
var oceanAreas = map[string]string{
	"aq": "Antarctica", "bv": "the South Atlantic Ocean", "cc": "the Indian Ocean",
	"cx": "the Indian Ocean", "gs": "the South Atlantic Ocean", "hm": "the southern Indian Ocean",
	"io": "the Indian Ocean", "tf": "the southern Indian Ocean", "um": "the Pacific Ocean",
}

// currencyOverrides corrects the currencies golang.org/x/text's CLDR data
// still has as they were (Croatia adopted the euro in 2023, Mauritania,
// Venezuela and Sierra Leone redenominated). Read-only.
var currencyOverrides = map[string]string{
	"hr": "EUR", "mr": "MRU", "ve": "VES", "sl": "SLE", "zw": "ZWG",
}

// currencyNames are the English names of ISO 4217 currencies. Read-only.
var currencyNames = map[string]string{
	"AED": "UAE dirham", "AFN": "Afghan afghani", "ALL": "Albanian lek", "AMD": "Armenian dram",
	"ANG": "Netherlands Antillean guilder", "AOA": "Angolan kwanza", "ARS": "Argentine peso",
	"AUD": "Australian dollar", "AWG": "Aruban florin", "AZN": "Azerbaijani manat",
	"BAM": "Bosnia-Herzegovina convertible mark", "BBD": "Barbadian dollar", "BDT": "Bangladeshi taka",
	"BGN": "Bulgarian lev", "BHD": "Bahraini dinar", "BIF": "Burundian franc", "BMD": "Bermudian dollar",
	"BND": "Brunei dollar", "BOB": "Bolivian boliviano", "BRL": "Brazilian real", "BSD": "Bahamian dollar",
	"BTN": "Bhutanese ngultrum", "BWP": "Botswana pula", "BYN": "Belarusian ruble", "BZD": "Belize dollar",
	"CAD": "Canadian dollar", "CDF": "Congolese franc", "CHF": "Swiss franc", "CLP": "Chilean peso",
	"CNY": "Chinese yuan", "COP": "Colombian peso", "CRC": "Costa Rican colón", "CUP": "Cuban peso",
	"CVE": "Cape Verdean escudo", "CZK": "Czech koruna", "DJF": "Djiboutian franc", "DKK": "Danish krone",
	"DOP": "Dominican peso", "DZD": "Algerian dinar", "EGP": "Egyptian pound", "ERN": "Eritrean nakfa",
	"ETB": "Ethiopian birr", "EUR": "Euro", "FJD": "Fijian dollar", "FKP": "Falkland Islands pound",
	"GBP": "Pound sterling", "GEL": "Georgian lari", "GHS": "Ghanaian cedi", "GIP": "Gibraltar pound",
	"GMD": "Gambian dalasi", "GNF": "Guinean franc", "GTQ": "Guatemalan quetzal", "GYD": "Guyanese dollar",
	"HKD": "Hong Kong dollar", "HNL": "Honduran lempira", "HTG": "Haitian gourde", "HUF": "Hungarian forint",
	"IDR": "Indonesian rupiah", "ILS": "Israeli new shekel", "INR": "Indian rupee", "IQD": "Iraqi dinar",
	"IRR": "Iranian rial", "ISK": "Icelandic króna", "JMD": "Jamaican dollar", "JOD": "Jordanian dinar",
	"JPY": "Japanese yen", "KES": "Kenyan shilling", "KGS": "Kyrgyzstani som", "KHR": "Cambodian riel",
	"KMF": "Comorian franc", "KPW": "North Korean won", "KRW": "South Korean won", "KWD": "Kuwaiti dinar",
	"KYD": "Cayman Islands dollar", "KZT": "Kazakhstani tenge", "LAK": "Lao kip", "LBP": "Lebanese pound",
	"LKR": "Sri Lankan rupee", "LRD": "Liberian dollar", "LYD": "Libyan dinar", "MAD": "Moroccan dirham",
	"MDL": "Moldovan leu", "MGA": "Malagasy ariary", "MKD": "Macedonian denar", "MMK": "Myanmar kyat",
	"MNT": "Mongolian tögrög", "MOP": "Macanese pataca", "MRU": "Mauritanian ouguiya", "MUR": "Mauritian rupee",
	"MVR": "Maldivian rufiyaa", "MWK": "Malawian kwacha", "MXN": "Mexican peso", "MYR": "Malaysian ringgit",
	"MZN": "Mozambican metical", "NAD": "Namibian dollar", "NGN": "Nigerian naira", "NIO": "Nicaraguan córdoba",
	"NOK": "Norwegian krone", "NPR": "Nepalese rupee", "NZD": "New Zealand dollar", "OMR": "Omani rial",
	"PAB": "Panamanian balboa", "PEN": "Peruvian sol", "PGK": "Papua New Guinean kina", "PHP": "Philippine peso",
	"PKR": "Pakistani rupee", "PLN": "Polish złoty", "PYG": "Paraguayan guaraní", "QAR": "Qatari riyal",
	"RON": "Romanian leu", "RSD": "Serbian dinar", "RUB": "Russian ruble", "RWF": "Rwandan franc",
	"SAR": "Saudi riyal", "SBD": "Solomon Islands dollar", "SCR": "Seychellois rupee", "SDG": "Sudanese pound",
	"SEK": "Swedish krona", "SGD": "Singapore dollar", "SHP": "Saint Helena pound", "SLE": "Sierra Leonean leone",
	"SOS": "Somali shilling", "SRD": "Surinamese dollar", "SSP": "South Sudanese pound", "STN": "São Tomé and Príncipe dobra",
	"SYP": "Syrian pound", "SZL": "Swazi lilangeni", "THB": "Thai baht", "TJS": "Tajikistani somoni",
	"TMT": "Turkmenistani manat", "TND": "Tunisian dinar", "TOP": "Tongan paʻanga", "TRY": "Turkish lira",
	"TTD": "Trinidad and Tobago dollar", "TWD": "New Taiwan dollar", "TZS": "Tanzanian shilling", "UAH": "Ukrainian hryvnia",
	"UGX": "Ugandan shilling", "USD": "US dollar", "UYU": "Uruguayan peso", "UZS": "Uzbekistani som",
	"VES": "Venezuelan bolívar", "VND": "Vietnamese đồng", "VUV": "Vanuatu vatu", "WST": "Samoan tālā",
	"XAF": "Central African CFA franc", "XCD": "East Caribbean dollar", "XOF": "West African CFA franc",
	"XPF": "CFP franc", "YER": "Yemeni rial", "ZAR": "South African rand", "ZMW": "Zambian kwacha",
	"ZWG": "Zimbabwe Gold",
}

// holidayKind says how a holidayRule finds its date in a year.
type holidayKind uint8

// The kinds of holiday rule.
const (
	holidayFixed   holidayKind = iota // month and day
	holidayNth                        // the nth weekday of a month; nth < 0 counts from the end
	holidayEaster                     // offset days from Western Easter Sunday
	holidayMondays                    // the Monday on or before month/day (Canada's Victoria Day: on or before 24 May)
)

// holidayRule finds a public holiday's date in any year.
type holidayRule struct {
	kind    holidayKind
	name    string
	month   time.Month
	day     int
	weekday time.Weekday
	nth     int
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

// countryFact is what the sandbox knows for real about a big destination;
// the other countries get plausible generated text.
type countryFact struct {
	ambulance, police, fire string
	airports                []gen.Airport
	visa                    string
	vaccinations            string
	healthRisks             string
	security                gen.RiskLevel
	summary                 string
	officeHours             string
	shoppingHours           string
	bankingHours            string
	electricity             string
	tipping                 string
	holidays                []holidayRule
}

// countryFacts are hand-written facts about a handful of big destinations.
// Read-only.
var countryFacts = map[string]*countryFact{
	"fr": {
		ambulance: "15", police: "17", fire: "18",
		airports: []gen.Airport{
			{Name: "Paris Charles de Gaulle", IataCode: "CDG", City: "Paris"},
			{Name: "Paris Orly", IataCode: "ORY", City: "Paris"},
			{Name: "Nice Côte d'Azur", IataCode: "NCE", City: "Nice"},
			{Name: "Lyon-Saint Exupéry", IataCode: "LYS", City: "Lyon"},
		},
		visa:          "France is part of the Schengen Area: a passport or national identity card valid for the whole stay is required. Many nationalities need no visa for stays of up to 90 days in any 180-day period; others need a Schengen visa.",
		vaccinations:  "No vaccination is required. Make sure routine vaccinations (measles, diphtheria, tetanus, polio) are up to date.",
		healthRisks:   "Health care is of a very high standard. Tick-borne diseases occur in forests in summer; heatwaves are frequent in July and August.",
		security:      gen.RiskLevelModerate,
		summary:       "Exercise increased caution: the terrorist threat is high, pickpocketing is common in Paris and demonstrations and strikes can disrupt transport.",
		officeHours:   "Mon-Fri 09:00-18:00",
		shoppingHours: "Mon-Sat 10:00-19:00; most shops close on Sunday",
		bankingHours:  "Tue-Sat 09:00-17:00 (Mon-Fri in some branches)",
		electricity:   "230 V, 50 Hz, plug types C and E",
		tipping:       "Service is included by law; rounding up or leaving a few euros is customary.",
		holidays: []holidayRule{
			fixedHoliday(time.January, 1, "New Year's Day"), easterHoliday(1, "Easter Monday"),
			fixedHoliday(time.May, 1, "Labour Day"), fixedHoliday(time.May, 8, "Victory in Europe Day"),
			easterHoliday(39, "Ascension Day"), easterHoliday(50, "Whit Monday"),
			fixedHoliday(time.July, 14, "Bastille Day"), fixedHoliday(time.August, 15, "Assumption Day"),
			fixedHoliday(time.November, 1, "All Saints' Day"), fixedHoliday(time.November, 11, "Armistice Day"),
			fixedHoliday(time.December, 25, "Christmas Day"),
		},
	},
	"gb": {
		ambulance: "999", police: "999", fire: "999",
		airports: []gen.Airport{
			{Name: "London Heathrow", IataCode: "LHR", City: "London"},
			{Name: "London Gatwick", IataCode: "LGW", City: "London"},
			{Name: "Manchester", IataCode: "MAN", City: "Manchester"},
			{Name: "Edinburgh", IataCode: "EDI", City: "Edinburgh"},
		},
		visa:          "A passport valid for the whole stay is required. Visitors who do not need a visa must get an Electronic Travel Authorisation (ETA) before travelling.",
		vaccinations:  "No vaccination is required. Make sure routine vaccinations are up to date.",
		healthRisks:   "Health care is of a very high standard; the NHS treats emergencies, but visitors may be charged for other care.",
		security:      gen.RiskLevelModerate,
		summary:       "Exercise increased caution: the terrorist threat level is substantial and pickpocketing is common in central London.",
		officeHours:   "Mon-Fri 09:00-17:30",
		shoppingHours: "Mon-Sat 09:00-18:00, Sun 11:00-17:00 (longer in city centres)",
		bankingHours:  "Mon-Fri 09:30-16:30, some branches Sat mornings",
		electricity:   "230 V, 50 Hz, plug type G",
		tipping:       "10-12.5% in restaurants when service is not included; not expected in pubs.",
		holidays: []holidayRule{
			fixedHoliday(time.January, 1, "New Year's Day"), easterHoliday(-2, "Good Friday"), easterHoliday(1, "Easter Monday"),
			nthWeekdayHoliday(time.May, time.Monday, 1, "Early May Bank Holiday"),
			nthWeekdayHoliday(time.May, time.Monday, -1, "Spring Bank Holiday"),
			nthWeekdayHoliday(time.August, time.Monday, -1, "Summer Bank Holiday"),
			fixedHoliday(time.December, 25, "Christmas Day"), fixedHoliday(time.December, 26, "Boxing Day"),
		},
	},
	"us": {
		ambulance: "911", police: "911", fire: "911",
		airports: []gen.Airport{
			{Name: "John F. Kennedy International", IataCode: "JFK", City: "New York"},
			{Name: "Los Angeles International", IataCode: "LAX", City: "Los Angeles"},
			{Name: "Chicago O'Hare International", IataCode: "ORD", City: "Chicago"},
			{Name: "Hartsfield-Jackson Atlanta International", IataCode: "ATL", City: "Atlanta"},
			{Name: "San Francisco International", IataCode: "SFO", City: "San Francisco"},
		},
		visa:          "A passport valid for the whole stay is required. Travellers of Visa Waiver Program countries need an ESTA authorisation, others a visa.",
		vaccinations:  "No vaccination is required. Make sure routine vaccinations, including measles, are up to date.",
		healthRisks:   "Health care is excellent but very expensive: make sure your insurance covers medical costs. Lyme disease and West Nile virus occur in summer.",
		security:      gen.RiskLevelModerate,
		summary:       "Exercise increased caution: violent crime and gun violence are higher than in Europe in some city areas; hurricanes and wildfires occur seasonally.",
		officeHours:   "Mon-Fri 09:00-17:00",
		shoppingHours: "Mon-Sat 10:00-21:00, Sun 11:00-18:00",
		bankingHours:  "Mon-Fri 09:00-17:00, some branches Sat mornings",
		electricity:   "120 V, 60 Hz, plug types A and B",
		tipping:       "15-20% in restaurants and taxis is expected; service is rarely included.",
		holidays: []holidayRule{
			fixedHoliday(time.January, 1, "New Year's Day"),
			nthWeekdayHoliday(time.January, time.Monday, 3, "Martin Luther King Jr. Day"),
			nthWeekdayHoliday(time.February, time.Monday, 3, "Presidents' Day"),
			nthWeekdayHoliday(time.May, time.Monday, -1, "Memorial Day"),
			fixedHoliday(time.June, 19, "Juneteenth"), fixedHoliday(time.July, 4, "Independence Day"),
			nthWeekdayHoliday(time.September, time.Monday, 1, "Labor Day"),
			nthWeekdayHoliday(time.October, time.Monday, 2, "Columbus Day"),
			fixedHoliday(time.November, 11, "Veterans Day"),
			nthWeekdayHoliday(time.November, time.Thursday, 4, "Thanksgiving Day"),
			fixedHoliday(time.December, 25, "Christmas Day"),
		},
	},
	"jp": {
		ambulance: "119", police: "110", fire: "119",
		airports: []gen.Airport{
			{Name: "Tokyo Haneda", IataCode: "HND", City: "Tokyo"},
			{Name: "Tokyo Narita", IataCode: "NRT", City: "Narita"},
			{Name: "Kansai International", IataCode: "KIX", City: "Osaka"},
			{Name: "Chubu Centrair International", IataCode: "NGO", City: "Nagoya"},
		},
		visa:          "A passport valid for the whole stay is required. Citizens of about 70 countries need no visa for short stays (usually up to 90 days).",
		vaccinations:  "No vaccination is required. Japanese encephalitis vaccination may be considered for long stays in rural areas.",
		healthRisks:   "Health care is excellent but can be expensive. Some medicines common abroad (stimulants, codeine) are prohibited: carry a prescription.",
		security:      gen.RiskLevelLow,
		summary:       "Exercise normal precautions: crime is rare, but earthquakes, tsunamis and typhoons (June to October) are a real risk.",
		officeHours:   "Mon-Fri 09:00-17:30",
		shoppingHours: "Daily 10:00-20:00; convenience stores are open around the clock",
		bankingHours:  "Mon-Fri 09:00-15:00",
		electricity:   "100 V, 50 Hz in the east, 60 Hz in the west, plug types A and B",
		tipping:       "Tipping is not customary and may be refused.",
		holidays: []holidayRule{
			fixedHoliday(time.January, 1, "New Year's Day"),
			nthWeekdayHoliday(time.January, time.Monday, 2, "Coming of Age Day"),
			fixedHoliday(time.February, 11, "National Foundation Day"), fixedHoliday(time.February, 23, "Emperor's Birthday"),
			fixedHoliday(time.April, 29, "Showa Day"), fixedHoliday(time.May, 3, "Constitution Memorial Day"),
			fixedHoliday(time.May, 4, "Greenery Day"), fixedHoliday(time.May, 5, "Children's Day"),
			nthWeekdayHoliday(time.July, time.Monday, 3, "Marine Day"), fixedHoliday(time.August, 11, "Mountain Day"),
			nthWeekdayHoliday(time.September, time.Monday, 3, "Respect for the Aged Day"),
			nthWeekdayHoliday(time.October, time.Monday, 2, "Sports Day"),
			fixedHoliday(time.November, 3, "Culture Day"), fixedHoliday(time.November, 23, "Labour Thanksgiving Day"),
		},
	},
	"br": {
		ambulance: "192", police: "190", fire: "193",
		airports: []gen.Airport{
			{Name: "São Paulo/Guarulhos International", IataCode: "GRU", City: "São Paulo"},
			{Name: "Rio de Janeiro/Galeão International", IataCode: "GIG", City: "Rio de Janeiro"},
			{Name: "Brasília International", IataCode: "BSB", City: "Brasília"},
		},
		visa:          "A passport valid for at least six months is required. Many nationalities need no visa for up to 90 days; citizens of some countries need an e-visa.",
		vaccinations:  "Yellow fever vaccination is recommended for most regions, including Rio de Janeiro and São Paulo states. Hepatitis A and typhoid are advised.",
		healthRisks:   "Dengue, Zika and chikungunya are present; protect yourself against mosquito bites. Malaria occurs in the Amazon basin.",
		security:      gen.RiskLevelModerate,
		summary:       "Exercise increased caution: street crime and armed robbery are common in big cities; avoid favelas and isolated beaches after dark.",
		officeHours:   "Mon-Fri 09:00-18:00",
		shoppingHours: "Mon-Sat 09:00-19:00; malls daily 10:00-22:00",
		bankingHours:  "Mon-Fri 10:00-16:00",
		electricity:   "127 V or 220 V depending on the state, 60 Hz, plug types C and N",
		tipping:       "A 10% service charge is usually added to restaurant bills.",
		holidays: []holidayRule{
			fixedHoliday(time.January, 1, "New Year's Day"), easterHoliday(-47, "Carnival"), easterHoliday(-2, "Good Friday"),
			fixedHoliday(time.April, 21, "Tiradentes Day"), fixedHoliday(time.May, 1, "Labour Day"),
			easterHoliday(60, "Corpus Christi"), fixedHoliday(time.September, 7, "Independence Day"),
			fixedHoliday(time.October, 12, "Our Lady of Aparecida"), fixedHoliday(time.November, 2, "All Souls' Day"),
			fixedHoliday(time.November, 15, "Republic Day"), fixedHoliday(time.November, 20, "Black Consciousness Day"),
			fixedHoliday(time.December, 25, "Christmas Day"),
		},
	},
	"de": {
		ambulance: "112", police: "110", fire: "112",
		airports: []gen.Airport{
			{Name: "Frankfurt", IataCode: "FRA", City: "Frankfurt am Main"},
			{Name: "Munich", IataCode: "MUC", City: "Munich"},
			{Name: "Berlin Brandenburg", IataCode: "BER", City: "Berlin"},
		},
		visa:          "Germany is part of the Schengen Area: a passport or national identity card valid for the whole stay is required; stays of up to 90 days in any 180-day period need no visa for many nationalities.",
		vaccinations:  "No vaccination is required. Tick-borne encephalitis vaccination is advised for outdoor stays in the south.",
		healthRisks:   "Health care is of a very high standard. Ticks transmit Lyme disease and tick-borne encephalitis in forests.",
		security:      gen.RiskLevelModerate,
		summary:       "Exercise increased caution: the terrorist threat is elevated, especially at Christmas markets and large events.",
		officeHours:   "Mon-Fri 08:00-17:00",
		shoppingHours: "Mon-Sat 09:00-20:00; shops are closed on Sunday",
		bankingHours:  "Mon-Fri 09:00-16:00, Thu until 18:00",
		electricity:   "230 V, 50 Hz, plug types C and F",
		tipping:       "Round up or add 5-10% in restaurants.",
		holidays: []holidayRule{
			fixedHoliday(time.January, 1, "New Year's Day"), easterHoliday(-2, "Good Friday"), easterHoliday(1, "Easter Monday"),
			fixedHoliday(time.May, 1, "Labour Day"), easterHoliday(39, "Ascension Day"), easterHoliday(50, "Whit Monday"),
			fixedHoliday(time.October, 3, "Day of German Unity"), fixedHoliday(time.December, 25, "Christmas Day"),
			fixedHoliday(time.December, 26, "Second Day of Christmas"),
		},
	},
	"es": {
		ambulance: "112", police: "112", fire: "112",
		airports: []gen.Airport{
			{Name: "Adolfo Suárez Madrid-Barajas", IataCode: "MAD", City: "Madrid"},
			{Name: "Josep Tarradellas Barcelona-El Prat", IataCode: "BCN", City: "Barcelona"},
			{Name: "Palma de Mallorca", IataCode: "PMI", City: "Palma"},
			{Name: "Málaga-Costa del Sol", IataCode: "AGP", City: "Málaga"},
		},
		visa:          "Spain is part of the Schengen Area: stays of up to 90 days in any 180-day period need no visa for many nationalities.",
		vaccinations:  "No vaccination is required. Make sure routine vaccinations are up to date.",
		healthRisks:   "Health care is of a high standard. Heatwaves are frequent in summer; protect yourself from the sun.",
		security:      gen.RiskLevelModerate,
		summary:       "Exercise increased caution: pickpocketing is common in Barcelona and Madrid; wildfires occur in summer.",
		officeHours:   "Mon-Fri 09:00-14:00 and 16:00-19:00",
		shoppingHours: "Mon-Sat 10:00-14:00 and 17:00-21:00; department stores open all day",
		bankingHours:  "Mon-Fri 08:30-14:00",
		electricity:   "230 V, 50 Hz, plug types C and F",
		tipping:       "Not expected; rounding up or leaving 5-10% for good service is appreciated.",
		holidays: []holidayRule{
			fixedHoliday(time.January, 1, "New Year's Day"), fixedHoliday(time.January, 6, "Epiphany"),
			easterHoliday(-2, "Good Friday"), fixedHoliday(time.May, 1, "Labour Day"),
			fixedHoliday(time.August, 15, "Assumption Day"), fixedHoliday(time.October, 12, "National Day of Spain"),
			fixedHoliday(time.November, 1, "All Saints' Day"), fixedHoliday(time.December, 6, "Constitution Day"),
			fixedHoliday(time.December, 8, "Immaculate Conception"), fixedHoliday(time.December, 25, "Christmas Day"),
		},
	},
	"it": {
		ambulance: "118", police: "113", fire: "115",
		airports: []gen.Airport{
			{Name: "Rome Fiumicino Leonardo da Vinci", IataCode: "FCO", City: "Rome"},
			{Name: "Milan Malpensa", IataCode: "MXP", City: "Milan"},
			{Name: "Venice Marco Polo", IataCode: "VCE", City: "Venice"},
		},
		visa:          "Italy is part of the Schengen Area: stays of up to 90 days in any 180-day period need no visa for many nationalities.",
		vaccinations:  "No vaccination is required. Make sure routine vaccinations are up to date.",
		healthRisks:   "Health care is good, better in the north. Heatwaves occur in summer.",
		security:      gen.RiskLevelLow,
		summary:       "Exercise normal precautions: pickpocketing is common on public transport and at tourist sites; earthquakes and volcanic activity occur.",
		officeHours:   "Mon-Fri 09:00-13:00 and 14:30-18:00",
		shoppingHours: "Mon-Sat 09:00-13:00 and 15:30-19:30",
		bankingHours:  "Mon-Fri 08:30-13:30 and 14:45-16:00",
		electricity:   "230 V, 50 Hz, plug types C, F and L",
		tipping:       "A cover charge (coperto) is usual; rounding up is appreciated.",
		holidays: []holidayRule{
			fixedHoliday(time.January, 1, "New Year's Day"), fixedHoliday(time.January, 6, "Epiphany"),
			easterHoliday(1, "Easter Monday"), fixedHoliday(time.April, 25, "Liberation Day"),
			fixedHoliday(time.May, 1, "Labour Day"), fixedHoliday(time.June, 2, "Republic Day"),
			fixedHoliday(time.August, 15, "Ferragosto"), fixedHoliday(time.November, 1, "All Saints' Day"),
			fixedHoliday(time.December, 8, "Immaculate Conception"), fixedHoliday(time.December, 25, "Christmas Day"),
			fixedHoliday(time.December, 26, "St. Stephen's Day"),
		},
	},
	"au": {
		ambulance: "000", police: "000", fire: "000",
		airports: []gen.Airport{
			{Name: "Sydney Kingsford Smith", IataCode: "SYD", City: "Sydney"},
			{Name: "Melbourne", IataCode: "MEL", City: "Melbourne"},
			{Name: "Brisbane", IataCode: "BNE", City: "Brisbane"},
			{Name: "Perth", IataCode: "PER", City: "Perth"},
		},
		visa:          "Every visitor except New Zealanders needs a visa or an electronic travel authority (ETA or eVisitor) before travelling.",
		vaccinations:  "No vaccination is required, except yellow fever for travellers coming from an infected area.",
		healthRisks:   "Health care is excellent but expensive for visitors. Protect yourself from the sun; beware of jellyfish in the tropical north from November to May.",
		security:      gen.RiskLevelLow,
		summary:       "Exercise normal precautions: bushfires, floods and cyclones occur seasonally; swim between the flags.",
		officeHours:   "Mon-Fri 09:00-17:00",
		shoppingHours: "Mon-Sat 09:00-17:30, Thu until 21:00; Sun 10:00-16:00",
		bankingHours:  "Mon-Thu 09:30-16:00, Fri until 17:00",
		electricity:   "230 V, 50 Hz, plug type I",
		tipping:       "Not expected; 10% for good service in restaurants is appreciated.",
		holidays: []holidayRule{
			fixedHoliday(time.January, 1, "New Year's Day"), fixedHoliday(time.January, 26, "Australia Day"),
			easterHoliday(-2, "Good Friday"), easterHoliday(1, "Easter Monday"), fixedHoliday(time.April, 25, "Anzac Day"),
			fixedHoliday(time.December, 25, "Christmas Day"), fixedHoliday(time.December, 26, "Boxing Day"),
		},
	},
	"ca": {
		ambulance: "911", police: "911", fire: "911",
		airports: []gen.Airport{
			{Name: "Toronto Pearson International", IataCode: "YYZ", City: "Toronto"},
			{Name: "Vancouver International", IataCode: "YVR", City: "Vancouver"},
			{Name: "Montréal-Trudeau International", IataCode: "YUL", City: "Montreal"},
		},
		visa:          "A passport valid for the whole stay is required. Visa-exempt visitors arriving by air need an Electronic Travel Authorization (eTA).",
		vaccinations:  "No vaccination is required. Make sure routine vaccinations are up to date.",
		healthRisks:   "Health care is excellent but expensive for visitors. Lyme disease occurs in the south; winters are very cold.",
		security:      gen.RiskLevelLow,
		summary:       "Exercise normal precautions: wildfires in summer and severe winter weather can disrupt travel.",
		officeHours:   "Mon-Fri 09:00-17:00",
		shoppingHours: "Mon-Sat 10:00-21:00, Sun 11:00-18:00",
		bankingHours:  "Mon-Fri 09:30-16:00",
		electricity:   "120 V, 60 Hz, plug types A and B",
		tipping:       "15-20% in restaurants and taxis is expected.",
		holidays: []holidayRule{
			fixedHoliday(time.January, 1, "New Year's Day"), easterHoliday(-2, "Good Friday"),
			{kind: holidayMondays, month: time.May, day: 24, name: "Victoria Day"},
			fixedHoliday(time.July, 1, "Canada Day"), nthWeekdayHoliday(time.September, time.Monday, 1, "Labour Day"),
			fixedHoliday(time.September, 30, "National Day for Truth and Reconciliation"),
			nthWeekdayHoliday(time.October, time.Monday, 2, "Thanksgiving"),
			fixedHoliday(time.November, 11, "Remembrance Day"), fixedHoliday(time.December, 25, "Christmas Day"),
			fixedHoliday(time.December, 26, "Boxing Day"),
		},
	},
	"mx": {
		ambulance: "911", police: "911", fire: "911",
		airports: []gen.Airport{
			{Name: "Mexico City International", IataCode: "MEX", City: "Mexico City"},
			{Name: "Cancún International", IataCode: "CUN", City: "Cancún"},
			{Name: "Guadalajara International", IataCode: "GDL", City: "Guadalajara"},
		},
		visa:          "A passport valid for the whole stay is required. Many nationalities need no visa for tourist stays of up to 180 days; keep the immigration record you get on arrival.",
		vaccinations:  "Hepatitis A and typhoid vaccinations are recommended; make sure routine vaccinations are up to date.",
		healthRisks:   "Dengue is present in coastal areas; Mexico City's altitude (2,240 m) and air pollution can affect travellers with heart or lung conditions.",
		security:      gen.RiskLevelModerate,
		summary:       "Exercise increased caution: violent crime linked to drug cartels is widespread in some states; use authorised taxis.",
		officeHours:   "Mon-Fri 09:00-18:00",
		shoppingHours: "Daily 10:00-20:00",
		bankingHours:  "Mon-Fri 09:00-16:00, some branches Sat mornings",
		electricity:   "127 V, 60 Hz, plug types A and B",
		tipping:       "10-15% in restaurants is customary.",
		holidays: []holidayRule{
			fixedHoliday(time.January, 1, "New Year's Day"), nthWeekdayHoliday(time.February, time.Monday, 1, "Constitution Day"),
			nthWeekdayHoliday(time.March, time.Monday, 3, "Benito Juárez's Birthday"), fixedHoliday(time.May, 1, "Labour Day"),
			fixedHoliday(time.September, 16, "Independence Day"), nthWeekdayHoliday(time.November, time.Monday, 3, "Revolution Day"),
			fixedHoliday(time.December, 25, "Christmas Day"),
		},
	},
	"th": {
		ambulance: "1669", police: "191", fire: "199",
		airports: []gen.Airport{
			{Name: "Bangkok Suvarnabhumi", IataCode: "BKK", City: "Bangkok"},
			{Name: "Bangkok Don Mueang", IataCode: "DMK", City: "Bangkok"},
			{Name: "Phuket International", IataCode: "HKT", City: "Phuket"},
			{Name: "Chiang Mai International", IataCode: "CNX", City: "Chiang Mai"},
		},
		visa:          "A passport valid for at least six months is required. Many nationalities are exempt from visa for tourist stays; the tourist police can be reached on 1155.",
		vaccinations:  "Hepatitis A and typhoid vaccinations are recommended; Japanese encephalitis and rabies for long stays in rural areas.",
		healthRisks:   "Dengue is present all year; protect yourself against mosquito bites. Private hospitals in Bangkok are excellent but expensive.",
		security:      gen.RiskLevelModerate,
		summary:       "Exercise increased caution: avoid the southern border provinces, where insurgents are active; scams target tourists.",
		officeHours:   "Mon-Fri 08:30-17:30",
		shoppingHours: "Daily 10:00-22:00 in malls",
		bankingHours:  "Mon-Fri 08:30-15:30",
		electricity:   "220 V, 50 Hz, plug types A, B, C and O",
		tipping:       "Not expected; leaving small change or 20-50 baht is appreciated.",
		holidays: []holidayRule{
			fixedHoliday(time.January, 1, "New Year's Day"), fixedHoliday(time.April, 6, "Chakri Memorial Day"),
			fixedHoliday(time.April, 13, "Songkran"), fixedHoliday(time.April, 14, "Songkran"), fixedHoliday(time.April, 15, "Songkran"),
			fixedHoliday(time.May, 1, "Labour Day"), fixedHoliday(time.July, 28, "King's Birthday"),
			fixedHoliday(time.August, 12, "Mother's Day"), fixedHoliday(time.October, 13, "King Bhumibol Memorial Day"),
			fixedHoliday(time.October, 23, "Chulalongkorn Day"), fixedHoliday(time.December, 5, "Father's Day"),
			fixedHoliday(time.December, 10, "Constitution Day"), fixedHoliday(time.December, 31, "New Year's Eve"),
		},
	},
	"ae": {
		ambulance: "998", police: "999", fire: "997",
		airports: []gen.Airport{
			{Name: "Dubai International", IataCode: "DXB", City: "Dubai"},
			{Name: "Zayed International", IataCode: "AUH", City: "Abu Dhabi"},
			{Name: "Sharjah International", IataCode: "SHJ", City: "Sharjah"},
		},
		visa:          "A passport valid for at least six months is required. Many nationalities get a visa on arrival or are visa-exempt; others need an e-visa.",
		vaccinations:  "No vaccination is required. Make sure routine vaccinations are up to date.",
		healthRisks:   "Health care is of a high standard but expensive. Extreme heat from May to September: drink plenty of water.",
		security:      gen.RiskLevelLow,
		summary:       "Exercise normal precautions: crime is low, but laws on alcohol, drugs, dress and public behaviour are strict.",
		officeHours:   "Mon-Thu 07:30-15:30, Fri 07:30-12:00",
		shoppingHours: "Daily 10:00-22:00, malls until midnight at weekends",
		bankingHours:  "Mon-Thu 08:00-15:00, Fri 08:00-12:00",
		electricity:   "230 V, 50 Hz, plug type G",
		tipping:       "A service charge is often included; 10% is customary otherwise.",
		holidays: []holidayRule{
			fixedHoliday(time.January, 1, "New Year's Day"), fixedHoliday(time.December, 1, "Commemoration Day"),
			fixedHoliday(time.December, 2, "National Day"), fixedHoliday(time.December, 3, "National Day holiday"),
		},
	},
	"za": {
		ambulance: "10177", police: "10111", fire: "10177",
		airports: []gen.Airport{
			{Name: "O. R. Tambo International", IataCode: "JNB", City: "Johannesburg"},
			{Name: "Cape Town International", IataCode: "CPT", City: "Cape Town"},
			{Name: "King Shaka International", IataCode: "DUR", City: "Durban"},
		},
		visa:          "A passport valid for 30 days after departure with two blank pages is required. Many nationalities need no visa for up to 90 days.",
		vaccinations:  "Hepatitis A and typhoid vaccinations are recommended. A yellow fever certificate is required when arriving from an infected country.",
		healthRisks:   "Malaria is present in the north-east (Kruger National Park) from September to May. Private health care is good; public hospitals are overstretched.",
		security:      gen.RiskLevelModerate,
		summary:       "Exercise increased caution: violent crime, including carjacking and robbery, is high; do not walk alone after dark.",
		officeHours:   "Mon-Fri 08:00-17:00",
		shoppingHours: "Mon-Fri 09:00-18:00, Sat 09:00-15:00, Sun 09:00-13:00 (malls longer)",
		bankingHours:  "Mon-Fri 09:00-15:30, Sat 09:00-11:00",
		electricity:   "230 V, 50 Hz, plug types C, M and N",
		tipping:       "10-15% in restaurants; tip car guards and petrol attendants a few rand.",
		holidays: []holidayRule{
			fixedHoliday(time.January, 1, "New Year's Day"), fixedHoliday(time.March, 21, "Human Rights Day"),
			easterHoliday(-2, "Good Friday"), easterHoliday(1, "Family Day"), fixedHoliday(time.April, 27, "Freedom Day"),
			fixedHoliday(time.May, 1, "Workers' Day"), fixedHoliday(time.June, 16, "Youth Day"),
			fixedHoliday(time.August, 9, "National Women's Day"), fixedHoliday(time.September, 24, "Heritage Day"),
			fixedHoliday(time.December, 16, "Day of Reconciliation"), fixedHoliday(time.December, 25, "Christmas Day"),
			fixedHoliday(time.December, 26, "Day of Goodwill"),
		},
	},
	"cn": {
		ambulance: "120", police: "110", fire: "119",
		airports: []gen.Airport{
			{Name: "Beijing Capital International", IataCode: "PEK", City: "Beijing"},
			{Name: "Shanghai Pudong International", IataCode: "PVG", City: "Shanghai"},
			{Name: "Guangzhou Baiyun International", IataCode: "CAN", City: "Guangzhou"},
		},
		visa:          "A passport valid for at least six months is required. Many nationalities need a visa; some are exempt for short stays or can transit visa-free.",
		vaccinations:  "Hepatitis A and typhoid vaccinations are recommended; Japanese encephalitis for long stays in rural areas.",
		healthRisks:   "Air pollution is high in many cities, especially in winter. Avian influenza occurs: avoid live poultry markets.",
		security:      gen.RiskLevelModerate,
		summary:       "Exercise increased caution: laws are enforced arbitrarily for some foreign nationals; typhoons and floods occur in summer.",
		officeHours:   "Mon-Fri 09:00-18:00",
		shoppingHours: "Daily 10:00-22:00",
		bankingHours:  "Mon-Fri 09:00-17:00, some branches at weekends",
		electricity:   "220 V, 50 Hz, plug types A, C and I",
		tipping:       "Not customary.",
		holidays: []holidayRule{
			fixedHoliday(time.January, 1, "New Year's Day"), fixedHoliday(time.May, 1, "Labour Day"),
			fixedHoliday(time.October, 1, "National Day"), fixedHoliday(time.October, 2, "National Day holiday"),
			fixedHoliday(time.October, 3, "National Day holiday"),
		},
	},
	"in": {
		ambulance: "108", police: "100", fire: "101",
		airports: []gen.Airport{
			{Name: "Indira Gandhi International", IataCode: "DEL", City: "Delhi"},
			{Name: "Chhatrapati Shivaji Maharaj International", IataCode: "BOM", City: "Mumbai"},
			{Name: "Kempegowda International", IataCode: "BLR", City: "Bengaluru"},
		},
		visa:          "A passport valid for at least six months is required, with a visa or an e-Visa obtained before travelling.",
		vaccinations:  "Hepatitis A and typhoid vaccinations are recommended; rabies and Japanese encephalitis for long stays or rural travel.",
		healthRisks:   "Dengue and malaria are present; protect yourself against mosquito bites. Drink bottled water; air pollution is severe in northern cities in winter.",
		security:      gen.RiskLevelModerate,
		summary:       "Exercise increased caution: petty crime and scams are common; avoid the border areas with Pakistan and parts of the north-east.",
		officeHours:   "Mon-Fri 09:30-18:00, some offices Sat",
		shoppingHours: "Mon-Sat 10:00-20:00; markets often close on one weekday",
		bankingHours:  "Mon-Fri 10:00-16:00, 1st, 3rd and 5th Sat",
		electricity:   "230 V, 50 Hz, plug types C, D and M",
		tipping:       "About 10% in restaurants when service is not included.",
		holidays: []holidayRule{
			fixedHoliday(time.January, 26, "Republic Day"), fixedHoliday(time.August, 15, "Independence Day"),
			fixedHoliday(time.October, 2, "Gandhi Jayanti"),
		},
	},
}

// securityLevels fixes the security level of countries whose situation is
// well known; the others get a level drawn from the seed. Read-only.
var securityLevels = map[string]gen.RiskLevel{
	"af": gen.RiskLevelCritical, "by": gen.RiskLevelHigh, "bf": gen.RiskLevelCritical, "bi": gen.RiskLevelHigh,
	"cd": gen.RiskLevelHigh, "cf": gen.RiskLevelCritical, "cm": gen.RiskLevelHigh, "co": gen.RiskLevelModerate,
	"eg": gen.RiskLevelModerate, "er": gen.RiskLevelHigh, "et": gen.RiskLevelHigh, "ht": gen.RiskLevelCritical,
	"hn": gen.RiskLevelHigh, "il": gen.RiskLevelHigh, "iq": gen.RiskLevelHigh, "ir": gen.RiskLevelHigh,
	"kp": gen.RiskLevelCritical, "lb": gen.RiskLevelHigh, "ly": gen.RiskLevelCritical, "ml": gen.RiskLevelCritical,
	"mm": gen.RiskLevelCritical, "mr": gen.RiskLevelHigh, "mz": gen.RiskLevelHigh, "ne": gen.RiskLevelHigh,
	"ng": gen.RiskLevelHigh, "ni": gen.RiskLevelHigh, "pg": gen.RiskLevelHigh, "pk": gen.RiskLevelHigh,
	"ps": gen.RiskLevelCritical, "ru": gen.RiskLevelHigh, "sd": gen.RiskLevelCritical, "so": gen.RiskLevelCritical,
	"ss": gen.RiskLevelCritical, "sy": gen.RiskLevelCritical, "td": gen.RiskLevelHigh, "ua": gen.RiskLevelCritical,
	"ve": gen.RiskLevelHigh, "ye": gen.RiskLevelCritical,
	"dz": gen.RiskLevelModerate, "ec": gen.RiskLevelModerate, "gt": gen.RiskLevelModerate, "id": gen.RiskLevelModerate,
	"jo": gen.RiskLevelModerate, "ke": gen.RiskLevelModerate, "lk": gen.RiskLevelModerate, "ma": gen.RiskLevelModerate,
	"pe": gen.RiskLevelModerate, "ph": gen.RiskLevelModerate, "sa": gen.RiskLevelModerate, "sv": gen.RiskLevelModerate,
	"tn": gen.RiskLevelModerate, "tr": gen.RiskLevelModerate, "bd": gen.RiskLevelModerate, "np": gen.RiskLevelModerate,
	"ch": gen.RiskLevelLow, "dk": gen.RiskLevelLow, "fi": gen.RiskLevelLow, "is": gen.RiskLevelLow,
	"no": gen.RiskLevelLow, "nz": gen.RiskLevelLow, "pt": gen.RiskLevelLow, "sg": gen.RiskLevelLow,
}

// expensiveCare are destinations where medical care costs much more than in
// Europe, which weighs on the premium. Read-only.
var expensiveCare = map[string]float64{
	"us": 2.0, "ca": 1.7, "bm": 1.6, "ky": 1.5, "ch": 1.5, "jp": 1.5, "sg": 1.5, "hk": 1.5,
	"au": 1.4, "nz": 1.4, "il": 1.4, "ae": 1.4, "qa": 1.4, "kw": 1.4, "li": 1.4, "mc": 1.4,
}

// hazardProne are countries exposed to earthquakes, volcanoes, cyclones or
// floods. Read-only.
var hazardProne = map[string]bool{
	"bd": true, "cl": true, "cn": true, "cr": true, "ec": true, "fj": true, "gr": true, "gt": true,
	"hn": true, "ht": true, "id": true, "in": true, "ir": true, "is": true, "it": true, "jp": true,
	"mx": true, "ni": true, "np": true, "nz": true, "pe": true, "pg": true, "ph": true, "pk": true,
	"sb": true, "sv": true, "to": true, "tr": true, "tw": true, "us": true, "vn": true, "vu": true,
	"ws": true, "bs": true, "cu": true, "do": true, "jm": true, "mz": true, "mg": true,
}

// emergencyNumbers are the ambulance, police and fire numbers of countries
// without a countryFact whose numbers are known; the others get 112, the
// GSM emergency number (911 in the Americas). Read-only.
var emergencyNumbers = map[string][3]string{
	"ar": {"107", "911", "100"}, "at": {"144", "133", "122"}, "bd": {"999", "999", "999"},
	"ch": {"144", "117", "118"}, "cl": {"131", "133", "132"}, "co": {"123", "123", "123"},
	"eg": {"123", "122", "180"}, "gr": {"166", "100", "199"}, "hk": {"999", "999", "999"},
	"id": {"118", "110", "113"}, "il": {"101", "100", "102"}, "ke": {"999", "999", "999"},
	"kr": {"119", "112", "119"}, "lk": {"1990", "119", "110"}, "ma": {"150", "19", "15"},
	"my": {"999", "999", "994"}, "no": {"113", "112", "110"}, "np": {"102", "100", "101"},
	"nz": {"111", "111", "111"}, "pe": {"117", "105", "116"}, "ph": {"911", "911", "911"},
	"pk": {"1122", "15", "16"}, "ru": {"103", "102", "101"}, "sg": {"995", "999", "995"},
	"tr": {"112", "155", "110"}, "tw": {"119", "110", "119"}, "ua": {"103", "102", "101"},
	"vn": {"115", "113", "114"},
}
