package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/api"
)

// specEnum returns the values of the spec's schema name, an enum, as the
// local checks list them: so that a value the spec gains changes no test
// (internal/specchange adds some).
func specEnum(t *testing.T, name string) string {
	t.Helper()
	doc, err := api.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	s := doc.Components.Schemas[name]
	if s == nil || s.Value == nil || len(s.Value.Enum) == 0 {
		t.Fatalf("the spec has no enum %s", name)
	}
	values := make([]string, len(s.Value.Enum))
	for i, v := range s.Value.Enum {
		values[i] = fmt.Sprint(v)
	}
	return strings.Join(values, ", ")
}

// Every value the spec refuses is said before anything starts (no
// sandbox, no request: stderr is the error line alone), exit 2, naming
// the flag, the argument or the field, with what is wanted and where the
// allowed values are listed; a missing flag is said missing.
func TestLocalChecksSayWhatIsWrongBeforeAnyRequest(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	holder := write("holder.json", `{"policy_holder": {"person": {"first_name": "Camille", "last_name": "Martin"},
		"address": {"street_address": "6 rue André Gide", "postal_code": "92320", "locality": "Châtillon", "country": "france"}},
		"travellers": []}`)
	badEmail := write("email.json", `{"policy_holder": {"person": {"first_name": "Camille", "last_name": "Martin", "birth_date": "1985-04-12"},
		"email": "camille", "address": {"street_address": "6 rue André Gide", "postal_code": "92320", "locality": "Châtillon", "country": "fr"}},
		"travellers": [{"first_name": "Camille", "last_name": "Martin", "birth_date": "1985-04-12"}]}`)
	quote := write("quote.json", `{"trip_type": "x"}`)
	const quoteID = "0c6f2a3b-1d4e-4f5a-8b9c-7d6e5f4a3b2c"
	country := "want a two-letter country code such as fr (see `axa countries`)"
	tripTypes, plans, kinds := specEnum(t, "TripType"), specEnum(t, "PlanCode"), specEnum(t, "ProviderKindId")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"countries", "japan"}, `axa: country "japan": ` + country},
		{[]string{"country-health", "x1"}, `axa: country "x1": ` + country},
		{[]string{"country-security", "fra"}, `axa: country "fra": ` + country},
		{[]string{"alerts", "--country", "france"}, `axa: --country "france": ` + country},
		{[]string{"countries", "fr", "--lang", strings.Repeat("a", 257)}, "axa: --lang: too long: want at most 256 characters"},
		{[]string{"quote", "--from", "fr"}, "axa: quote needs --to, --start, --end and --traveller (or --file with the whole request) (see --help)"},
		{[]string{"quote", "--from", "japan", "--to", "jp,xxx", "--start", "2027-03-01", "--end", "2027-03-15", "--traveller", "1985-04-12", "--plan", "gold"},
			`axa: --from "japan": ` + country + `; --plan "gold": want one of ` + plans + `; --to "xxx": ` + country},
		{[]string{"quote", "--file", quote}, "axa: --file " + quote + ": 7 problems: destination_countries: missing; end_date: missing; origin_country: missing; " +
			`plan_code: missing; start_date: missing; travellers: missing; trip_type "x": want one of ` + tripTypes},
		{[]string{"policy", "create", "--quote", quoteID, "--file", holder}, "axa: --file " + holder + `: 4 problems: policy_holder.address.country "france": ` + country +
			"; policy_holder.email: missing; policy_holder.person.birth_date: missing; travellers: want at least 1"},
		{[]string{"policy", "create", "--quote", quoteID, "--file", badEmail}, "axa: --file " + badEmail +
			`: policy_holder.email "camille": want an e-mail address like camille.martin@example.com`},
		{[]string{"policy", "create", "--file", holder}, "axa: policy create needs --quote: the id of the quote to issue the policy from (axa quote prints it) (see --help)"},
		{[]string{"policy", "create", "--quote", "abc", "--file", holder}, `axa: --quote "abc": want an id like 9d5b2c1e-4f3a-4b6d-8e7f-0a1b2c3d4e5f (a UUID)`},
		{[]string{"policy", "list", "--cursor", strings.Repeat("c", 513)}, "axa: --cursor: too long: want at most 512 characters"},
		{[]string{"providers", "search", "--lng", "3"}, "axa: providers search needs --lat: the point to search near, in decimal degrees (see --help)"},
		{[]string{"providers", "search", "--lat", "91", "--lng", "2", "--radius", "10", "--kind", "spa", "--speciality", "Cardio"},
			`axa: --kind "spa": want one of ` + kinds + ` (see ` + "`axa providers kinds`" + `); ` +
				`--lat 91: want a number from -90 to 90; --radius 10: want a whole number from 100 to 50000; ` +
				`--speciality "Cardio": want a speciality id such as cardiology (see ` + "`axa providers specialities`)"},
		{[]string{"api", "getCountry", "--country-id", "japan"}, `axa: --country-id "japan": ` + country},
		{[]string{"api", "requestQuote", "--file", quote}, "axa: --file " + quote + ": 7 problems: destination_countries: missing; end_date: missing; origin_country: missing; " +
			`plan_code: missing; start_date: missing; travellers: missing; trip_type "x": want one of ` + tripTypes},
	} {
		r := run(t, nil, tc.args...)
		if r.code != ExitUsage || r.err != tc.want+"\n" {
			t.Errorf("axa %s: exit %d, err\n  %q\nwant exit 2 and\n  %q", strings.Join(tc.args, " "), r.code, r.err, tc.want+"\n")
		}
	}
}
