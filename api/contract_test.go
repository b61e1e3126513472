package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/contract"
	"github.com/axa-assistance-go/axa/internal/testutil"
)

func TestSpecIsValidWithExamplesAndFormats(t *testing.T) {
	doc := testutil.Spec(t)
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	var urls []string
	for _, s := range doc.Servers {
		urls = append(urls, s.URL)
	}
	if !slices.Contains(urls, "https://apis.axa-assistance.com") || !slices.ContainsFunc(urls, func(u string) bool {
		return strings.HasPrefix(u, "http://127.0.0.1:")
	}) {
		t.Errorf("servers = %v, want production and a local sandbox", urls)
	}
}

// Load must reject an example that breaks its schema's format: this is what
// makes "every example validates" a checked claim.
func TestLoadRejectsAnInvalidExample(t *testing.T) {
	cases := map[string]struct{ from, to string }{
		"date-time": {`built-at: "2016-03-16T15:12:15Z"`, `built-at: "16 March 2016"`},
		"uuid":      {"id: 3f1c9f4e-2a4b-4c52-9d3e-6a1f0b7c8d90", "id: 3f1c9f4e"},
		"email":     {"email: camille.martin@example.com", "email: camille.martin"},
		"enum":      {"level: moderate", "level: medium"},
		"pattern":   {"id: af", "id: AF"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			spec := api.Spec()
			if !bytes.Contains(spec, []byte(c.from)) {
				t.Fatalf("%q is not in the spec any more; update this test", c.from)
			}
			broken := bytes.Replace(spec, []byte(c.from), []byte(c.to), 1)
			if _, err := api.LoadData(context.Background(), broken); err == nil {
				t.Fatalf("a spec whose example has %q loaded without error", c.to)
			}
		})
	}
}

func TestSpecFollowsTheHouseRules(t *testing.T) {
	for _, v := range contract.Check(testutil.Spec(t)) {
		t.Error(v)
	}
}

// validateResponse checks body as the answer of GET url with the given status.
func validateResponse(t *testing.T, router routers.Router, url string, status int, body []byte) error {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatalf("no route for %s: %v", url, err)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 http.Header{"Content-Type": {"application/json"}},
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	return openapi3filter.ValidateResponse(context.Background(), in)
}

func readSeed(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "seed", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// The answers the Quickstart shows must be valid answers under the spec.
func TestSeedSamplesValidate(t *testing.T) {
	router, err := legacy.NewRouter(testutil.Spec(t))
	if err != nil {
		t.Fatal(err)
	}
	const base = "https://apis.axa-assistance.com"
	countries := readSeed(t, "countries.json")
	if err := validateResponse(t, router, base+"/travel/v1/countries", 200, countries); err != nil {
		t.Errorf("the seed's countries do not validate: %v", err)
	}
	var entries []json.RawMessage
	if err := json.Unmarshal(countries, &entries); err != nil || len(entries) == 0 {
		t.Fatalf("countries.json: %v", err)
	}
	for _, e := range entries {
		one := append(append([]byte("["), e...), ']')
		if err := validateResponse(t, router, base+"/travel/v1/countries", 200, one); err != nil {
			t.Errorf("seed entry %s does not validate: %v", e, err)
		}
	}
	if err := validateResponse(t, router, base+"/version", 200, readSeed(t, "version.json")); err != nil {
		t.Errorf("the seed's /version answer does not validate: %v", err)
	}

	// And the same validation rejects answers that break the contract.
	for url, bad := range map[string]string{
		"/travel/v1/countries": `[{"id": "AFG", "label": "Afghanistan"}]`,
		"/version":             `{"built-at": "yesterday", "commit-sha": "badc0ffee"}`,
	} {
		if err := validateResponse(t, router, base+url, 200, []byte(bad)); err == nil {
			t.Errorf("GET %s: %s validated, want an error", url, bad)
		}
	}
}

// The JSON samples are the Quickstart's answers: testdata/seed/quickstart.txt
// holds the two answers as the Quickstart prints them (the countries list,
// snipped, and /version), and countries.json and version.json must say the
// same, entry for entry, both ways.
func TestSeedSamplesMatchTheQuickstart(t *testing.T) {
	text := string(readSeed(t, "quickstart.txt"))
	compact := strings.NewReplacer(" ", "", "\n", "", "\t", "").Replace(text)

	var countries []map[string]string
	if err := json.Unmarshal(readSeed(t, "countries.json"), &countries); err != nil {
		t.Fatal(err)
	}
	inJSON := map[string]bool{}
	for _, c := range countries {
		entry := strings.ReplaceAll(`"id":"`+c["id"]+`","label":"`+c["label"]+`"`, " ", "")
		inJSON[entry] = true
		if !strings.Contains(compact, entry) {
			t.Errorf("countries.json: %v is not in the Quickstart", c)
		}
	}
	quoted := regexp.MustCompile(`"id":\s*"[^"]*",\s*"label":\s*"[^"]*"`)
	entries := quoted.FindAllString(text, -1)
	if len(entries) == 0 {
		t.Fatal("quickstart.txt shows no country")
	}
	for _, e := range entries {
		if !inJSON[strings.ReplaceAll(e, " ", "")] {
			t.Errorf("the Quickstart shows %s, which countries.json lacks", e)
		}
	}

	var version map[string]string
	if err := json.Unmarshal(readSeed(t, "version.json"), &version); err != nil {
		t.Fatal(err)
	}
	if len(version) == 0 {
		t.Fatal("version.json is empty")
	}
	for k, v := range version {
		if !strings.Contains(compact, `"`+k+`":"`+v+`"`) {
			t.Errorf("version.json: %s=%s is not in the Quickstart", k, v)
		}
	}
}

// The generated scope table must say exactly what the spec says.
func TestScopeTableMatchesTheSpec(t *testing.T) {
	doc := testutil.Spec(t)
	if gen.SpecVersion != doc.Info.Version {
		t.Errorf("gen.SpecVersion = %q, spec info.version = %q", gen.SpecVersion, doc.Info.Version)
	}

	var scopes []string
	for _, s := range gen.AllScopes() {
		scopes = append(scopes, string(s))
	}
	want := contract.DeclaredScopes(doc)
	if !slices.Equal(scopes, want) {
		t.Errorf("gen.AllScopes() = %v, want the scopes the spec declares %v", scopes, want)
	}
	for _, seed := range contract.SeedScopes() {
		if !slices.Contains(scopes, seed) {
			t.Errorf("gen.AllScopes() = %v lacks the seed scope %s", scopes, seed)
		}
	}

	seen := 0
	for _, path := range doc.Paths.Keys() {
		for method, op := range doc.Paths.Value(path).Operations() {
			seen++
			got, ok := gen.LookupOperation(gen.OperationID(op.OperationID))
			if !ok {
				t.Errorf("%s %s (%s) is not in the scope table", method, path, op.OperationID)
				continue
			}
			if got.Method != method || got.Path != path {
				t.Errorf("%s: table says %s %s, spec says %s %s", op.OperationID, got.Method, got.Path, method, path)
			}
			reqs := doc.Security
			if op.Security != nil {
				reqs = *op.Security
			}
			var wantReqs []map[string][]string
			for _, r := range reqs {
				wantReqs = append(wantReqs, r)
			}
			var gotReqs []map[string][]string
			for _, r := range got.Security {
				m := map[string][]string{}
				for _, s := range r {
					for _, sc := range s.Scopes {
						m[s.Scheme] = append(m[s.Scheme], string(sc))
					}
					if len(s.Scopes) == 0 {
						m[s.Scheme] = []string{}
					}
				}
				gotReqs = append(gotReqs, m)
			}
			if !equalRequirements(gotReqs, wantReqs) {
				t.Errorf("%s: table security %v, spec security %v", op.OperationID, gotReqs, wantReqs)
			}
		}
	}
	if n := len(gen.Operations()); n != seen {
		t.Errorf("the scope table has %d operations, the spec %d", n, seen)
	}
	if _, ok := gen.LookupOperation("noSuchOperation"); ok {
		t.Error("LookupOperation found an operation the spec does not have")
	}
}

func equalRequirements(a, b []map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for scheme, scopes := range a[i] {
			if !slices.Equal(scopes, b[i][scheme]) {
				return false
			}
		}
	}
	return true
}
