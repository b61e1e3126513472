package conformance_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/internal/testutil"
	"github.com/axa-assistance-go/axa/pkg/conformance"
)

// hostile is what a broken or malicious server could put in an answer the
// report quotes: escape sequences (clear screen, window title), a bidi
// override, C1 controls, DEL, NUL, a line break, XML markup and the end of
// a CDATA section.
const hostile = "\x1b[2J\x1b]0;owned\x07Fr\u202eance\u009b31m\x7f\x00\n<b>&]]></b>"

// sample is a hand-made report: one operation that passes everything, one
// with a failure and a skip, one with no checks.
func sample() *conformance.Report {
	return &conformance.Report{
		BaseURL:     "http://127.0.0.1:8080",
		SpecVersion: "1.2.3",
		Operations: []conformance.OperationResult{
			{ID: "getCountry", Method: "GET", Path: "/travel/v1/countries/{country_id}", Checks: []conformance.Result{
				{Name: "response", Outcome: conformance.Pass, Status: 200},
				{Name: "no token", Outcome: conformance.Pass, Status: 401},
			}},
			{ID: "createPolicy", Method: "POST", Path: "/policies/v1/policies", Checks: []conformance.Result{
				{Name: "response", Outcome: conformance.Fail, Status: 201, Pointer: "/premium/amount",
					Expected: "a number", Got: `"12.50"`, Message: "the body does not match the schema"},
				{Name: "idempotent replay", Outcome: conformance.Skip, Message: "writes need --allow-writes against a remote server"},
				{Name: "tampered token", Outcome: conformance.Fail, Status: 200, Pointer: "status", Expected: "401", Got: "200"},
			}},
			{ID: "getVersion", Method: "GET", Path: "/version"},
		},
	}
}

// hostileReport has the hostile text wherever a server's words can go.
func hostileReport() *conformance.Report {
	return &conformance.Report{
		BaseURL: "https://api.example", SpecVersion: "1.0.0",
		Operations: []conformance.OperationResult{{ID: "getCountry", Method: "GET", Path: "/c", Checks: []conformance.Result{
			{Name: "response", Outcome: conformance.Fail, Status: 500, Pointer: "/label", Expected: "a string", Got: hostile + "\xff\xfe", Message: hostile},
			{Name: "no token", Outcome: conformance.Skip, Message: hostile},
		}}},
	}
}

// The table names every operation and check, says for a failure where,
// what was expected and what came, and ends with the summary line.
func TestWriteTableShowsEveryCheckAndTheSummary(t *testing.T) {
	var buf bytes.Buffer
	if err := sample().WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"http://127.0.0.1:8080", "1.2.3",
		"getCountry  GET /travel/v1/countries/{country_id}\n",
		"  PASS  response           200\n",
		"  PASS  no token           401\n",
		"createPolicy  POST /policies/v1/policies\n",
		"  FAIL  response           201\n" +
			"        at:       /premium/amount\n" +
			"        expected: a number\n" +
			"        got:      \"12.50\"\n" +
			"        the body does not match the schema\n",
		"  SKIP  idempotent replay  -\n        writes need --allow-writes against a remote server\n",
		"  FAIL  tampered token     200\n        at:       status\n        expected: 401\n        got:      200\n",
		"getVersion  GET /version\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q:\n%s", want, out)
		}
	}
	if !strings.HasSuffix(out, "\n3 operations, 5 checks: 2 passed, 2 failed, 1 skipped\n") {
		t.Errorf("the table does not end with the summary line:\n%s", out)
	}
}

// Nothing a server sent reaches the terminal as a control: every string is
// sanitized to one line, and a long one is cut.
func TestWriteTableSanitizesServerText(t *testing.T) {
	r := hostileReport()
	r.Operations[0].Checks[0].Expected = strings.Repeat("x", 1000)
	var buf bytes.Buffer
	if err := r.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if c, bad := testutil.FirstUnsafe(out); bad {
		t.Errorf("%U reached the table:\n%q", c, out)
	}
	if strings.Contains(out, "owned") || !strings.Contains(out, "France <b>&]]></b>") {
		t.Errorf("the hostile text is not shown sanitized:\n%s", out)
	}
	// Header, blank, operation, 2 checks, at, expected, got, message,
	// the skip's message, blank, summary: a line break in the server's
	// text added none.
	if n := strings.Count(out, "\n"); n != 12 {
		t.Errorf("%d lines, want 12:\n%s", n, out)
	}
	if strings.Contains(out, strings.Repeat("x", 300)) || !strings.Contains(out, strings.Repeat("x", 299)+"…") {
		t.Errorf("a 1000-character expectation is not cut at 300:\n%s", out)
	}
}

// The JSON says exactly what the server sent, escaped where a terminal
// would act on it, and the same report always writes the same bytes.
func TestWriteJSONIsExactStableAndSafe(t *testing.T) {
	r := hostileReport()
	r.Operations[0].Checks[0].Got = hostile // valid UTF-8: it comes back as is
	var a, b bytes.Buffer
	if err := r.WriteJSON(&a); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Errorf("two writes of one report differ:\n%s\n%s", a.String(), b.String())
	}
	if c, bad := testutil.FirstUnsafe(strings.TrimSuffix(a.String(), "\n")); bad {
		t.Errorf("%U is raw in the JSON: %q", c, a.String())
	}
	if !strings.HasPrefix(a.String(), "{\n  \"base_url\": ") || !strings.HasSuffix(a.String(), "}\n") {
		t.Errorf("not indented JSON ending in a newline: %q", a.String())
	}
	var back conformance.Report
	if err := json.Unmarshal(a.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, r) {
		t.Errorf("the JSON does not decode to the report:\ngot  %+v\nwant %+v", back, *r)
	}
}

// An operation without checks is "checks": [], not null.
func TestWriteJSONWritesEmptyListsAsEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := sample().WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "null") || !strings.Contains(buf.String(), `"checks": []`) {
		t.Errorf("want \"checks\": [] and no null:\n%s", buf.String())
	}
}

// The shapes of the JUnit XML the tests read back.
type (
	suites struct {
		XMLName  xml.Name `xml:"testsuites"`
		Tests    int      `xml:"tests,attr"`
		Failures int      `xml:"failures,attr"`
		Skipped  int      `xml:"skipped,attr"`
		Errors   int      `xml:"errors,attr"`
		Suites   []suite  `xml:"testsuite"`
	}
	suite struct {
		Name       string `xml:"name,attr"`
		Tests      int    `xml:"tests,attr"`
		Failures   int    `xml:"failures,attr"`
		Skipped    int    `xml:"skipped,attr"`
		Properties []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []testcase `xml:"testcase"`
	}
	testcase struct {
		Classname string `xml:"classname,attr"`
		Name      string `xml:"name,attr"`
		Failure   *struct {
			Message string `xml:"message,attr"`
			Type    string `xml:"type,attr"`
			Text    string `xml:",chardata"`
		} `xml:"failure"`
		Skipped *struct {
			Message string `xml:"message,attr"`
		} `xml:"skipped"`
	}
)

// wellFormed reads every token of doc with a strict decoder, failing t at
// the first error.
func wellFormed(t *testing.T, doc []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, doc)
		}
	}
}

// The JUnit XML has a testcase per check, classname the operationId, a
// failure with the pointer, the expectation and the answer, a skipped with
// its reason, and the counts in the attributes.
func TestWriteJUnitHasACasePerCheck(t *testing.T) {
	var buf bytes.Buffer
	if err := sample().WriteJUnit(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), xml.Header) {
		t.Errorf("no XML declaration: %q", buf.String())
	}
	wellFormed(t, buf.Bytes())
	var got suites
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Tests != 5 || got.Failures != 2 || got.Skipped != 1 || got.Errors != 0 || len(got.Suites) != 1 {
		t.Fatalf("testsuites: %+v; want 5 tests, 2 failures, 1 skipped, 0 errors, one suite", got)
	}
	s := got.Suites[0]
	if s.Name != "conformance" || s.Tests != 5 || s.Failures != 2 || s.Skipped != 1 || len(s.Cases) != 5 {
		t.Fatalf("testsuite: %+v", s)
	}
	if len(s.Properties) != 2 || s.Properties[0].Value != "http://127.0.0.1:8080" || s.Properties[1].Value != "1.2.3" {
		t.Errorf("properties: %+v; want the base URL and the spec version", s.Properties)
	}
	want := []struct{ class, name, outcome string }{
		{"getCountry", "response", "pass"}, {"getCountry", "no token", "pass"},
		{"createPolicy", "response", "fail"}, {"createPolicy", "idempotent replay", "skip"},
		{"createPolicy", "tampered token", "fail"},
	}
	for i, w := range want {
		c := s.Cases[i]
		outcome := "pass"
		if c.Failure != nil {
			outcome = "fail"
		}
		if c.Skipped != nil {
			outcome = "skip"
		}
		if c.Classname != w.class || c.Name != w.name || outcome != w.outcome {
			t.Errorf("testcase %d: %s/%s %s, want %s/%s %s", i, c.Classname, c.Name, outcome, w.class, w.name, w.outcome)
		}
	}
	f := s.Cases[2].Failure
	if f.Message != "the body does not match the schema" || f.Type != "/premium/amount" {
		t.Errorf("failure: message %q, type %q", f.Message, f.Type)
	}
	for _, line := range []string{"status: 201", "pointer: /premium/amount", "expected: a number", `got: "12.50"`} {
		if !strings.Contains(f.Text, line+"\n") {
			t.Errorf("the failure's text lacks %q: %q", line, f.Text)
		}
	}
	if f := s.Cases[4].Failure; f.Message != "expected 401, got 200" {
		t.Errorf("a failure without a message says %q, want what was expected and what came", f.Message)
	}
	if m := s.Cases[3].Skipped.Message; m != "writes need --allow-writes against a remote server" {
		t.Errorf("skipped message %q", m)
	}
}

// Whatever the server sent, the JUnit XML is well-formed, carries no
// terminal control, and keeps the printable text, markup included.
func TestWriteJUnitIsWellFormedWithHostileText(t *testing.T) {
	var buf bytes.Buffer
	if err := hostileReport().WriteJUnit(&buf); err != nil {
		t.Fatal(err)
	}
	wellFormed(t, buf.Bytes())
	if c, bad := testutil.FirstUnsafe(buf.String()); bad {
		t.Errorf("%U is in the XML: %q", c, buf.String())
	}
	var got suites
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	cases := got.Suites[0].Cases
	if f := cases[0].Failure; f == nil || f.Message != "France <b>&]]></b>" || !strings.Contains(f.Text, "got: France <b>&]]></b>\uFFFD\uFFFD\n") {
		t.Errorf("the failure does not carry the sanitized text: %+v", f)
	}
	if s := cases[1].Skipped; s == nil || s.Message != "France <b>&]]></b>" {
		t.Errorf("the skip does not carry the sanitized text: %+v", s)
	}
}
