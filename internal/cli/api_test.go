package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// lastLine is the last line of stderr: the error line, after the one
// that says the embedded sandbox is used.
func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndex(s, "\n")+1:]
}

// sharedSandbox starts a sandbox for the whole test and returns the
// environment of commands that call it, so that several runs see one
// sandbox's state.
func sharedSandbox(t *testing.T) func(string) string {
	t.Helper()
	sb, err := sandbox.New()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	env := map[string]string{"AXA_BASE_URL": srv.URL(), "AXA_CLIENT_ID": sandbox.DefaultClientID, "AXA_CLIENT_SECRET": sandbox.DefaultClientSecret}
	return func(k string) string { return env[k] }
}

func TestAPIListCountriesPrintsTheSandboxJSON(t *testing.T) {
	r := run(t, nil, "api", "listCountries")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var list []struct{ ID, Label string }
	if err := json.Unmarshal([]byte(r.out), &list); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, r.out)
	}
	if len(list) != 249 || list[len(list)-1].Label != "Zimbabwe" {
		t.Errorf("%d countries, last %+v; want the sandbox's 249, Zimbabwe last", len(list), list[len(list)-1])
	}
	if !strings.Contains(r.out, "\n  {") {
		t.Errorf("the JSON is not indented:\n%.200s", r.out)
	}
	if !strings.Contains(r.err, "embedded sandbox") {
		t.Errorf("stderr does not say the embedded sandbox is used: %q", r.err)
	}
}

func TestAPIGetCountryWithAPathParameterAndAHeader(t *testing.T) {
	r := run(t, nil, "api", "getCountry", "--country_id", "de", "--accept-language", "fr")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var c struct{ ID, Label string }
	if err := json.Unmarshal([]byte(r.out), &c); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, r.out)
	}
	if c.ID != "de" || c.Label != "Allemagne" {
		t.Errorf("got %+v, want de, Allemagne", c)
	}
	// --lang, the language of every command, is the Accept-Language of an
	// operation that takes one, unless --accept-language says otherwise.
	r = run(t, nil, "api", "getCountry", "--country_id", "de", "--lang", "fr")
	if r.code != ExitOK || !strings.Contains(r.out, `"Allemagne"`) {
		t.Errorf("--lang fr: exit %d, out %.200q, err %q", r.code, r.out, r.err)
	}
}

func TestAPIQueryParameters(t *testing.T) {
	r := run(t, nil, "api", "searchMedicalProviders", "--lat", "48.8566", "--lng", "2.3522", "--radius", "20000", "--kind", "hospital", "--limit", "3")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var list []struct{ Kind string }
	if err := json.Unmarshal([]byte(r.out), &list); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, r.out)
	}
	if len(list) == 0 || len(list) > 3 {
		t.Fatalf("%d providers, want 1 to 3 (--limit 3)", len(list))
	}
	for _, p := range list {
		if p.Kind != "hospital" {
			t.Errorf("a provider of kind %q, want only hospitals", p.Kind)
		}
	}
}

// Every operation that needs no parameter answers JSON from the sandbox.
func TestAPIEveryOperationWithoutRequiredInput(t *testing.T) {
	for _, op := range apiOperations() {
		doc, _ := gen.LookupOperationDoc(op.ID)
		if doc.Body != nil || hasRequired(doc) {
			continue
		}
		r := run(t, nil, "api", string(op.ID))
		if r.code != ExitOK || !json.Valid([]byte(r.out)) {
			t.Errorf("axa api %s: exit %d, out %.100q, err %q", op.ID, r.code, r.out, r.err)
		}
	}
}

func hasRequired(doc gen.OperationDoc) bool {
	for _, p := range doc.Parameters {
		if p.Required {
			return true
		}
	}
	return false
}

func TestAPIQuoteFromFileAndFromStdin(t *testing.T) {
	path := filepath.Join(t.TempDir(), "quote.json")
	if err := os.WriteFile(path, []byte(quoteJSON()), 0o600); err != nil {
		t.Fatal(err)
	}
	check := func(name string, r result) {
		t.Helper()
		if r.code != ExitOK {
			t.Fatalf("%s: exit %d: %s", name, r.code, r.err)
		}
		var q struct {
			ID       string
			PlanCode string `json:"plan_code"`
		}
		if err := json.Unmarshal([]byte(r.out), &q); err != nil || q.ID == "" || q.PlanCode != "comfort" {
			t.Errorf("%s: got %+v (%v) from %s", name, q, err, r.out)
		}
	}
	check("--file quote.json", run(t, nil, "api", "requestQuote", "--file", path))
	check("--file -", run(t, &Factory{In: strings.NewReader(quoteJSON())}, "api", "requestQuote", "--file", "-"))
}

// One --idempotency-key, two runs, one sandbox: the same quote.
func TestAPIIdempotencyKeyFlag(t *testing.T) {
	env := sharedSandbox(t)
	path := filepath.Join(t.TempDir(), "quote.json")
	if err := os.WriteFile(path, []byte(quoteJSON()), 0o600); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for range 2 {
		r := run(t, &Factory{Getenv: env}, "api", "requestQuote", "--file", path, "--idempotency-key", "trip-7")
		if r.code != ExitOK {
			t.Fatalf("exit %d: %s", r.code, r.err)
		}
		var q struct{ ID string }
		if err := json.Unmarshal([]byte(r.out), &q); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, q.ID)
	}
	if ids[0] == "" || ids[0] != ids[1] {
		t.Errorf("two runs with one idempotency key made quotes %v, want one", ids)
	}
}

func TestAPIUsageErrorsExitTwo(t *testing.T) {
	big := writePadded(t, quoteJSON(), maxFileSize+1)
	notJSON := filepath.Join(t.TempDir(), "not.json")
	if err := os.WriteFile(notJSON, []byte("trip to Japan"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want []string // in the error line
	}{
		{[]string{"api", "getCountry"}, []string{"getCountry needs --country-id (the country, as a lower-case ISO 3166-1 alpha-2 code)"}},
		{[]string{"api", "listAlerts", "--min_level", "severe"}, []string{"severe", "low, moderate, high, critical"}},
		{[]string{"api", "searchMedicalProviders", "--lat", "north", "--lng", "2"}, []string{"north", "number"}},
		{[]string{"api", "searchMedicalProviders", "--lat", "1", "--lng", "2", "--radius", "1.5"}, []string{"radius", "integer"}},
		{[]string{"api", "searchMedicalProviders", "--lat", "1", "--lng", "2", "--radius", "1", "--radius", "2"}, []string{"radius", "once"}},
		{[]string{"api", "requestQuote"}, []string{"file"}},
		{[]string{"api", "requestQuote", "--file", big}, []string{"larger than 1 MiB"}},
		{[]string{"api", "requestQuote", "--file", notJSON}, []string{"not valid JSON"}},
		{[]string{"api", "getCountry", "--country_id", ""}, []string{"country-id", "empty"}},
		{[]string{"api", "listCountries", "--file", "x.json"}, []string{"file"}},
		{[]string{"api", "listCountries", "extra"}, []string{"extra"}},
		{[]string{"api", "listPlanets"}, []string{"listPlanets"}},
	} {
		r := run(t, nil, tc.args...)
		name := "axa " + strings.Join(tc.args, " ")
		if r.code != ExitUsage {
			t.Errorf("%s: exit %d, want 2 (err %q)", name, r.code, r.err)
			continue
		}
		if lines := strings.Split(strings.TrimSpace(r.err), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "axa: ") {
			t.Errorf("%s: stderr should be one line starting axa: (nothing started): %q", name, r.err)
		}
		for _, w := range tc.want {
			if !strings.Contains(r.err, w) {
				t.Errorf("%s: error %q does not say %q", name, r.err, w)
			}
		}
	}
}

func TestAPIErrorAnswerExitsOne(t *testing.T) {
	r := run(t, nil, "api", "getCountry", "--country_id", "xx")
	if r.code != ExitError {
		t.Fatalf("exit %d, want 1 (err %q)", r.code, r.err)
	}
	if l := lastLine(r.err); !strings.Contains(l, "404") || !strings.Contains(l, "not_found") {
		t.Errorf("error line %q lacks the 404 not_found", l)
	}
	if r.out != "" {
		t.Errorf("stdout %q, want nothing", r.out)
	}
}

// `axa api` lists every API operation of the spec (not the authorization
// server's): its id, method, path and summary.
func TestAPIListsEveryOperation(t *testing.T) {
	r := run(t, nil, "api")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	lines := strings.Split(r.out, "\n")
	for _, op := range gen.Operations() {
		if op.AuthorizationServer {
			if strings.Contains(r.out, string(op.ID)) {
				t.Errorf("axa api lists %s, an operation of the authorization server:\n%s", op.ID, r.out)
			}
			continue
		}
		doc, _ := gen.LookupOperationDoc(op.ID)
		found := false
		for _, l := range lines {
			f := strings.Fields(l)
			if len(f) >= 3 && f[0] == string(op.ID) && f[1] == op.Method && f[2] == op.Path && strings.Contains(l, doc.Summary) {
				found = true
			}
		}
		if !found {
			t.Errorf("axa api does not list %s %s %s %q:\n%s", op.ID, op.Method, op.Path, doc.Summary, r.out)
		}
	}
	if strings.Contains(r.err, "embedded sandbox") {
		t.Errorf("listing the operations started a sandbox: %q", r.err)
	}

	r = run(t, nil, "api", "--json")
	var list []struct{ ID, Method, Path, Summary string }
	if err := json.Unmarshal([]byte(r.out), &list); err != nil || len(list) != len(apiOperations()) {
		t.Errorf("axa api --json: %d operations (%v), want %d:\n%s", len(list), err, len(apiOperations()), r.out)
	}
}

// The authorization server's operations are no commands: tokens come
// through axa token, login and logout.
func TestAPIHasNoAuthorizationServerCommand(t *testing.T) {
	for _, op := range gen.Operations() {
		if !op.AuthorizationServer {
			continue
		}
		if r := run(t, nil, "api", string(op.ID)); r.code != ExitUsage || !strings.Contains(r.err, "unknown operation") || !strings.Contains(r.err, "authorization server") {
			t.Errorf("axa api %s: exit %d, err %q; want an unknown command (exit %d)", op.ID, r.code, r.err, ExitUsage)
		}
	}
}

// The help of an operation says what the spec says: its summary, its
// description, its scope, and for each flag its type, allowed values,
// default and whether it is required.
func TestAPIHelpFromTheSpec(t *testing.T) {
	r := run(t, nil, "api", "searchMedicalProviders", "--help")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	for _, want := range []string{
		"GET /health/v1/medical_providers/search",
		"Medical providers within radius metres of a point", // the description, backquotes dropped
		"urn:axa.assistance.health.providers.read_only",
		"--lat number",
		"--radius integer",
		"default 5000",
		"one of: hospital, clinic, pharmacy",
		"--accept-language string",
		"header Accept-Language",
	} {
		if !strings.Contains(r.out, want) {
			t.Errorf("help lacks %q:\n%s", want, r.out)
		}
	}
	for _, l := range strings.Split(r.out, "\n") {
		if strings.Contains(l, "--lat number") && !strings.Contains(l, "required") {
			t.Errorf("help does not say --lat is required: %q", l)
		}
	}
	r = run(t, nil, "api", "requestQuote", "--help")
	for _, want := range []string{"--file", "QuoteRequest", "--idempotency-key", "urn:axa.assistance.travel.policies.quote_request"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("requestQuote help lacks %q:\n%s", want, r.out)
		}
	}
	for _, l := range strings.Split(r.out, "\n") {
		if strings.Contains(l, "--idempotency-key") && strings.Contains(l, "required") {
			t.Errorf("--idempotency-key is said required, but a new one is made when absent: %q", l)
		}
	}
}

// Shell completion offers the operation ids (they are subcommands) and
// the values of an enum flag.
func TestAPICompletion(t *testing.T) {
	r := run(t, nil, cobra.ShellCompRequestCmd, "api", "listAlerts", "--min_level", "")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	for _, v := range []string{"low", "moderate", "high", "critical"} {
		if !strings.Contains("\n"+r.out, "\n"+v+"\n") {
			t.Errorf("completion of --min_level lacks %q:\n%s", v, r.out)
		}
	}
	r = run(t, nil, cobra.ShellCompRequestCmd, "api", "getC")
	for _, id := range []string{"getCountry", "getCountryHealth", "getCountrySecurity"} {
		if !strings.Contains(r.out, id+"\t") {
			t.Errorf("completion of api getC lacks %s:\n%s", id, r.out)
		}
	}
}

// A parameter whose flag name is taken (by --file, or a global flag such
// as --timeout) gets its location as a prefix instead of clashing.
func TestAPIFlagNameClashes(t *testing.T) {
	op := gen.Operation{ID: "uploadThing", Method: "POST", Path: "/things/{file}"}
	doc := gen.OperationDoc{ID: "uploadThing", Summary: "Upload a thing", Body: &gen.RequestBody{Required: true},
		Parameters: []gen.Parameter{
			{Name: "file", In: "path", Required: true, Type: "string"},
			{Name: "timeout", In: "query", Type: "integer"},
			{Name: "Limit", In: "query", Type: "integer"},
			{Name: "limit", In: "query", Type: "integer"},
		}}
	cmd := newCmdOperation(&Factory{}, op, doc)
	for flag, param := range map[string]string{"path-file": "file", "query-timeout": "timeout", "limit": "Limit", "query-limit": "limit"} {
		fl := cmd.Flags().Lookup(flag)
		if fl == nil {
			t.Errorf("no flag --%s for parameter %s", flag, param)
			continue
		}
		if !strings.Contains(fl.Usage, param) {
			t.Errorf("--%s usage %q does not name parameter %s", flag, fl.Usage, param)
		}
	}
	if cmd.Flags().Lookup("file") == nil {
		t.Error("the body's --file is gone")
	}
}

// The JSON printed holds what the server sent, with nothing a terminal
// would act on: DEL, C1 and bidi controls escaped, invalid UTF-8 replaced.
func TestAPIJSONOutputIsSanitized(t *testing.T) {
	raw := []byte("{\"a\":\"x\u202ey\u0085z\x7f\",\"b\":\"\x9b2J\",\"n\":12345678901234567890}")
	var out strings.Builder
	if err := printRawJSON(&out, raw); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, bad := range []string{"\u202e", "\u0085", "\x7f", "\x9b"} {
		if strings.Contains(got, bad) {
			t.Errorf("output holds %q: %q", bad, got)
		}
	}
	if !json.Valid([]byte(got)) || !strings.Contains(got, `\u202e`) || !strings.Contains(got, "12345678901234567890") {
		t.Errorf("output %q: want valid JSON, the bidi control escaped and the number as sent", got)
	}
}

// reservedFlags holds every global flag, so that no parameter's flag
// hides one.
func TestAPIReservedFlagsHoldTheGlobalFlags(t *testing.T) {
	usages := NewCmdRoot(&Factory{}).PersistentFlags().FlagUsages()
	names := regexp.MustCompile(`(?m)^\s*(?:-\w, )?--([\w-]+)`).FindAllStringSubmatch(usages, -1)
	if len(names) == 0 {
		t.Fatalf("no flag found in %q", usages)
	}
	for _, m := range names {
		if !slices.Contains(reservedFlags, m[1]) {
			t.Errorf("global flag --%s is not in reservedFlags", m[1])
		}
	}
}

// The operations' flags are kebab-case, as every other command's; the
// spec's snake_case spelling still works, hidden; an operationId is
// matched whatever its case.
func TestAPIFlagsAreKebabCaseWithTheSnakeCaseHidden(t *testing.T) {
	var outs []string
	for _, args := range [][]string{
		{"api", "getCountry", "--country-id", "fr"},
		{"api", "getCountry", "--country_id", "fr"},
		{"api", "getcountry", "--country-id", "fr"},
		{"--timeout", "20s", "api", "GETCOUNTRY", "--country-id=fr"},
	} {
		r := run(t, nil, args...)
		if r.code != ExitOK || !strings.Contains(r.out, `"id": "fr"`) {
			t.Errorf("axa %s: exit %d, out %.100q, err %q", strings.Join(args, " "), r.code, r.out, r.err)
		}
		outs = append(outs, r.out)
	}
	for i, out := range outs[1:] {
		if out != outs[0] {
			t.Errorf("spelling %d answers otherwise than the first:\n%s\nwant:\n%s", i+2, out, outs[0])
		}
	}
	r := run(t, nil, "api", "getCountry", "--help")
	if !strings.Contains(r.out, "--country-id string") || strings.Contains(r.out, "country_id string") {
		t.Errorf("help of getCountry does not show --country-id alone:\n%s", r.out)
	}
	r = run(t, nil, "api", "listAlerts", "--min_level", "high")
	if r.code != ExitOK {
		t.Errorf("--min_level: exit %d, err %q", r.code, r.err)
	}
}

// A mistyped operation, command or flag is answered with what it may
// have meant.
func TestMistypedNamesGetASuggestion(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"api", "getcountyr"}, "axa: unknown operation \"getcountyr\" for \"axa api\"; did you mean getCountry? (see --help)\n"},
		{[]string{"api", "getCountry", "--country", "fr"}, "axa: unknown flag: --country; did you mean --country-id? (see --help)\n"},
		{[]string{"api", "listAlerts", "--min-levle", "high"}, "axa: unknown flag: --min-levle; did you mean --min-level? (see --help)\n"}, //nolint:misspell // the typo is the test's
		{[]string{"alerts", "--min_level", "high"}, "axa: unknown flag: --min_level; did you mean --min-level? (see --help)\n"},
		{[]string{"countrie"}, "axa: unknown command \"countrie\" for \"axa\"; did you mean countries? (see --help)\n"},
		{[]string{"sandbox", "stopp"}, "axa: unknown command \"stopp\" for \"axa sandbox\"; did you mean stop? (see --help)\n"},
		// Mistyped with the flags of what was meant: the name is what is
		// wrong, not the flags.
		{[]string{"api", "getcountyr", "--country-id", "fr"}, "axa: unknown operation \"getcountyr\" for \"axa api\"; did you mean getCountry? (see --help)\n"},
		{[]string{"alertz", "--country", "jp"}, "axa: unknown command \"alertz\" for \"axa\"; did you mean alerts? (see --help)\n"},
		{[]string{"providers", "serch", "--lat", "48.85", "--lng=2.35"}, "axa: unknown command \"serch\" for \"axa providers\"; did you mean search? (see --help)\n"},
		{[]string{"api", "--country-id", "fr"}, "axa: unknown flag: --country-id (see --help)\n"},
		// A part of a command's name.
		{[]string{"health", "br"}, "axa: unknown command \"health\" for \"axa\"; did you mean country-health? (see --help)\n"},
		{[]string{"security", "jp"}, "axa: unknown command \"security\" for \"axa\"; did you mean country-security? (see --help)\n"},
		{[]string{"api", "getCountry"}, "axa: getCountry needs --country-id (the country, as a lower-case ISO 3166-1 alpha-2 code) (see --help)\n"},
		{[]string{"api", "requestQuote"}, "axa: requestQuote needs --file (the QuoteRequest, a JSON file) (see --help)\n"},
	} {
		r := run(t, nil, tc.args...)
		if r.code != ExitUsage || r.err != tc.want {
			t.Errorf("axa %s: exit %d, err\n  %q\nwant exit 2 and\n  %q", strings.Join(tc.args, " "), r.code, r.err, tc.want)
		}
	}
}

// axa api's help shows no flag that does nothing there: an operation
// prints the API's JSON (no --json), and its own --accept-language is the
// language (no --lang); the list of operations is not translated.
func TestAPIHelpShowsNoIdleFlag(t *testing.T) {
	r := run(t, nil, "api", "getCountry", "--help")
	if strings.Contains(r.out, "--json") || strings.Contains(r.out, "--lang ") || !strings.Contains(r.out, "--accept-language") {
		t.Errorf("axa api getCountry --help shows --json or --lang, or not --accept-language:\n%s", r.out)
	}
	r = run(t, nil, "api", "--help")
	if strings.Contains(r.out, "--lang ") || !strings.Contains(r.out, "--json") {
		t.Errorf("axa api --help shows --lang, or not --json (which lists as JSON):\n%s", r.out)
	}
	// Both still work, as before.
	if r := run(t, nil, "api", "getCountry", "--country-id", "de", "--lang", "fr", "--json"); r.code != ExitOK || !strings.Contains(r.out, `"Allemagne"`) {
		t.Errorf("--lang fr --json: exit %d, out %.100q, err %q", r.code, r.out, r.err)
	}
}
