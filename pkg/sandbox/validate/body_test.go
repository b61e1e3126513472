package validate

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/gen/server"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/apierr"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/sandboxtest"
)

// pathEnv is a validator in front of the generated server over capturing,
// with its fast path for JSON bodies or without it (the general path
// alone: kin-openapi, checkNames, encodingProblems).
type pathEnv struct {
	v *validator
	h http.Handler
	c *capturing
}

func newPathEnv(t testing.TB, doc *openapi3.T, fast bool) *pathEnv {
	t.Helper()
	c := &capturing{}
	log := slog.New(slog.DiscardHandler)
	v := newValidator(Config{Verifier: stubVerifier{}, MaxBody: 4 << 10}, doc, gen.Operations(), Handler(server.NewStrictHandlerWithOptions(c, nil, server.StrictHTTPServerOptions{
		ResponseErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) { apierr.Handle(log, w, r, err) },
	})))
	if !fast {
		v.fast = nil
	}
	return &pathEnv{v: v, h: v, c: c}
}

// post sends body to path as contentType and returns the answer and what
// the handler was handed.
func (e *pathEnv) post(path, contentType, body string) (*httptest.ResponseRecorder, *gen.QuoteRequest, *gen.PolicyRequest) {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tokenAll)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Idempotency-Key", "k")
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	q, p := e.c.take()
	return rec, q, p
}

// The spec's bodies of requestQuote and createPolicy are read by the fast
// path: its schemas use no keyword it does not know. Were they not, every
// quote would take the general path again, silently.
func TestSpecBodiesTakeTheFastPath(t *testing.T) {
	doc, err := api.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	e := newPathEnv(t, doc, true)
	for _, id := range []gen.OperationID{"requestQuote", "createPolicy"} {
		if e.v.fast[id] == nil {
			t.Errorf("%s: its JSON body is not compiled for the fast path", id)
		}
	}
	op := e.v.routes["requestQuote"].route.Operation
	node := e.v.fast["requestQuote"].nodeFor(op, "application/json; charset=utf-8")
	if node == nil {
		t.Fatal("application/json with a charset parameter: no fast path")
	}
	if !fastValid([]byte(sandboxtest.QuoteJSON("")), node) {
		t.Error("the fast path refuses a valid quote request")
	}
	if e.v.fast["requestQuote"].nodeFor(op, "text/plain") != nil {
		t.Error("text/plain: the fast path reads it as JSON")
	}
}

// A schema with a keyword the fast path does not read (here oneOf, a
// minimum, readOnly, a format kin-openapi has no validator for) is not
// compiled: its bodies go the general path, whatever the spec grows.
func TestUnknownKeywordsAreLeftToTheGeneralPath(t *testing.T) {
	str := &openapi3.SchemaRef{Value: openapi3.NewStringSchema()}
	for name, s := range map[string]*openapi3.Schema{
		"oneOf":         {OneOf: openapi3.SchemaRefs{str}},
		"minimum":       openapi3.NewIntegerSchema().WithMin(1),
		"readOnly":      openapi3.NewObjectSchema().WithPropertyRef("id", &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, ReadOnly: true}}),
		"unknownFormat": openapi3.NewStringSchema().WithFormat("no-such-format"),
		"noType":        {Properties: openapi3.Schemas{"a": str}},
		"minProperties": openapi3.NewObjectSchema().WithMinProperties(1),
	} {
		if compileBody(s) != nil {
			t.Errorf("%s: compiled for the fast path", name)
		}
	}
	if compileBody(openapi3.NewObjectSchema().WithPropertyRef("a", str)) == nil {
		t.Error("an object with a string property: not compiled")
	}
}

// fastSeeds are bodies at the edges of what the fast path reads: valid
// ones, and each kind of problem the general path reports.
func fastSeeds() []string {
	q := sandboxtest.QuoteJSON
	return []string{
		q(""),
		q(`,"promo_code":"WELCOME10"`),
		q(`,"promo_code":"` + strings.Repeat("é", 32) + `"`),
		q(`,"promo_code":"` + strings.Repeat("é", 33) + `"`),
		q(`,"promo_code":"a\u00e9"`),
		q(`,"promo_code":"a\/b"`),
		q(`,"note":{"a":[1,-2.5,true,null,{"b":"c"}],"A":1}`),
		q(`,"note":{"a":1,"a":2}`),
		q(`,"extra":12345678901234567890`),
		q(`,"extra":1e3`),
		q(`,"extra":01`),
		q(`,"Plan_code":"premium"`),
		q(`,"plan_code":"premium"`),
		q(`,"ſtreet":"x"`),
		q(`,"trip_type":"annual_multi_trip"`),
		q("") + ` {}`,
		q("") + " \n",
		" \t" + q(""),
		`{"trip_type":"single_trip"}`,
		`{}`,
		`[]`,
		`null`,
		`"x"`,
		`{"trip_type":"single_trip","origin_country":"FR","destination_countries":["jp","jp"],"start_date":"2030-02-30","end_date":"2030-13-01","travellers":[],"plan_code":"gold"}`,
		`{"trip_type":"single_trip","origin_country":"fr","destination_countries":["jp"],"start_date":"2030-01-01","end_date":"2030-01-05","travellers":[{"birth_date":"1985-04-12","x":null}],"plan_code":"comfort"}`,
		`{"trip_type":"single_trip","origin_country":"fr","destination_countries":[],"start_date":"2030-01-01","end_date":"2030-01-05","travellers":[{"birth_date":"1985-04-12"}],"plan_code":"comfort"}`,
		`{"trip_type":"single_trip","origin_country":"fr","destination_countries":["jp"],"start_date":"2030-01-01","end_date":"2030-01-05","travellers":[{"birth_date":"1985-04-12"}],"plan_code":"comfort","promo_code":null}`,
		`{"trip_type":1,"origin_country":true,"destination_countries":"jp","start_date":[],"end_date":{},"travellers":{},"plan_code":null}`,
		"{\"trip_type\":\"single\xfftrip\"}",
		`{"trip_type":"single_trip"`,
		`{"trip_type":"single_trip",}`,
		"{\"trip_type\":\"single\ttrip\"}",
		sandboxtest.PolicyJSON("0c6f2a3b-1d4e-4f5a-8b9c-7d6e5f4a3b2c", sandboxtest.HolderJSON(sandboxtest.AddressJSON(""), ""), ""),
		sandboxtest.PolicyJSON("not-a-uuid", sandboxtest.HolderJSON(sandboxtest.AddressJSON(`,"Country":"xx"`), ""), ""),
		sandboxtest.PolicyJSON("0c6f2a3b-1d4e-4f5a-8b9c-7d6e5f4a3b2c", sandboxtest.HolderJSON(sandboxtest.AddressJSON(""),
			`,"phone":{"phone_type":"mobile","international_prefix":"+33","number":"612345678"}`), ""),
		strings.Repeat("[", 40) + strings.Repeat("]", 40),
		strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40),
		strings.Repeat("x", 5000),
	}
}

// The fast path answers every body as the general path does: the same
// status and answer, and the handler handed the same value. It decides
// only the bodies it is sure are valid (all of them checked here against
// kin-openapi, checkNames and encodingProblems) and leaves the others to
// the general path, so nothing the general path refuses gets through, and
// no problem is reported differently.
func FuzzFastPathAnswersAsTheGeneralPath(f *testing.F) {
	for _, seed := range fastSeeds() {
		f.Add(false, "application/json", seed)
		f.Add(true, "application/json", seed)
	}
	f.Add(false, "application/json; charset=utf-8", sandboxtest.QuoteJSON(""))
	f.Add(false, "Application/JSON", sandboxtest.QuoteJSON(""))
	f.Add(false, "text/plain", sandboxtest.QuoteJSON(""))
	doc, err := api.Load(f.Context())
	if err != nil {
		f.Fatal(err)
	}
	fast, general := newPathEnv(f, doc, true), newPathEnv(f, doc, false)
	f.Fuzz(func(t *testing.T, policy bool, contentType, body string) {
		path := "/travel/v1/quotes"
		if policy {
			path = "/travel/v1/policies"
		}
		gotRec, gotQ, gotP := fast.post(path, contentType, body)
		wantRec, wantQ, wantP := general.post(path, contentType, body)
		if gotRec.Code != wantRec.Code || !bytes.Equal(gotRec.Body.Bytes(), wantRec.Body.Bytes()) {
			t.Fatalf("%s %q %.300q:\nfast path    %d %s\ngeneral path %d %s", path, contentType, body, gotRec.Code, gotRec.Body, wantRec.Code, wantRec.Body)
		}
		if !reflect.DeepEqual(gotQ, wantQ) || !reflect.DeepEqual(gotP, wantP) {
			t.Fatalf("%s %.300q: the handler was handed\n%+v %+v\nby the fast path, and\n%+v %+v\nby the general path", path, body, gotQ, gotP, wantQ, wantP)
		}
	})
}

// Every seed the fast path accepts is one the general path accepts: the
// seeds do reach the fast path's verdict, not only its fallback.
func TestFastPathAcceptsSomeSeeds(t *testing.T) {
	doc, err := api.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	e := newPathEnv(t, doc, true)
	accepted := 0
	for _, id := range []gen.OperationID{"requestQuote", "createPolicy"} {
		op := e.v.routes[id].route.Operation
		node := e.v.fast[id].nodeFor(op, "application/json")
		for _, seed := range fastSeeds() {
			if fastValid([]byte(seed), node) {
				accepted++
			}
		}
	}
	if accepted < 4 {
		t.Errorf("the fast path accepts %d of the seeds; the fuzz target compares its verdicts on too few", accepted)
	}
}

// A string schema's pattern and format are checked once per distinct short
// string: a string they refused is refused every time, and what is kept
// stays bounded whatever a client sends.
func TestStringVerdictsKeepOnlyWhatPassed(t *testing.T) {
	n := compileBody(openapi3.NewStringSchema().WithFormat("date").WithPattern("^2"))
	if n == nil {
		t.Fatal("a date string with a pattern: not compiled")
	}
	for range 2 {
		if !n.stringValid([]byte("2030-01-31")) {
			t.Error("a valid date refused")
		}
		if got := n.passed.len(); got != 1 {
			t.Errorf("%d strings kept after one valid date, want 1", got)
		}
		for _, bad := range []string{"2030-02-30", "1999-01-01", "2030-1-01"} {
			if n.stringValid([]byte(bad)) {
				t.Errorf("%q accepted", bad)
			}
		}
	}
	// Read and added to by several requests at once (run with -race).
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for d := w; d < 3*maxVerdicts; d += 4 {
				day := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d).Format(time.DateOnly)
				if !n.stringValid([]byte(day)) {
					t.Errorf("%s refused", day)
				}
			}
		})
	}
	wg.Wait()
	if got := n.passed.len(); got > maxVerdicts {
		t.Errorf("%d strings kept, more than %d", got, maxVerdicts)
	}
	if n.stringValid([]byte("2030-02-30")) {
		t.Error("an invalid date accepted once the verdicts are full")
	}
}

// A schema that contains itself (a tree of nodes) is left to the general
// path, and compiling it ends at once, however many places it recurs
// from; a schema used in many places is compiled once and read the same.
func TestRecursiveSchemaIsLeftToTheGeneralPath(t *testing.T) {
	node := openapi3.NewObjectSchema()
	for _, name := range []string{"a", "b", "c", "d", "e", "f"} {
		node.WithPropertyRef(name, &openapi3.SchemaRef{Value: node})
	}
	if compileBody(node) != nil {
		t.Error("a schema that contains itself: compiled")
	}
	leaf := &openapi3.SchemaRef{Value: openapi3.NewStringSchema().WithMaxLength(1)}
	shared := openapi3.NewObjectSchema()
	for _, name := range []string{"a", "b", "c", "d", "e", "f"} {
		shared.WithPropertyRef(name, leaf)
	}
	level := shared
	for range maxFastDepth - 1 {
		up := openapi3.NewObjectSchema()
		for _, name := range []string{"a", "b", "c", "d", "e", "f"} {
			up.WithPropertyRef(name, &openapi3.SchemaRef{Value: level})
		}
		level = up
	}
	n := compileBody(level)
	if n == nil {
		t.Fatal("a deep schema of shared parts: not compiled")
	}
	body := []byte(strings.Repeat(`{"a":`, maxFastDepth-1) + `{"f":"x"}` + strings.Repeat("}", maxFastDepth-1))
	if !fastValid(body, n) {
		t.Error("a valid body of the deep schema refused")
	}
	if fastValid([]byte(strings.Replace(string(body), `"x"`, `"xy"`, 1)), n) {
		t.Error("a string too long at the bottom accepted")
	}
}
