package validate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/gen"
)

// paramCase is one request of TestFastParamsAnswerAsKinOpenAPI: the
// operation's baseline with one parameter changed.
type paramCase struct {
	param  *openapi3.Parameter
	values []string // nil: not sent; several: sent that many times
}

// TestFastParamsAnswerAsKinOpenAPI is the fast path's proof, derived from
// the spec: for every API operation and every parameter, a request with
// that parameter absent, sent twice, empty, at its examples, and at values
// that meet and break each constraint of its schema in turn (enum, length,
// pattern, format, bounds, type) is answered by the validator with its fast
// path exactly as by the validator without it (kin-openapi alone): the same
// status and the same body, so the same problems (location, message). And
// the fast path does decide: the spec's valid baseline of every operation
// it covers passes without kin-openapi.
func TestFastParamsAnswerAsKinOpenAPI(t *testing.T) {
	doc, err := api.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	next := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	cfg := Config{Verifier: stubVerifier{}, MaxBody: 64 << 10}
	fast := newValidator(cfg, doc, gen.Operations(), next)
	slow := newValidator(cfg, doc, gen.Operations(), next)
	for id, rt := range slow.routes {
		rt.fast = nil
		slow.routes[id] = rt
	}
	decided, covered := 0, 0
	for _, op := range gen.Operations() {
		rt, ok := fast.routes[op.ID]
		if !ok {
			continue
		}
		// An operation with a body is sent the spec's example of it, which
		// the body's fast path accepts: then the parameters alone decide.
		body, hasBody := exampleBody(t, rt.route.Operation)
		if rt.route.Operation.RequestBody != nil && !hasBody {
			continue
		}
		params := parametersOf(rt.route.PathItem, rt.route.Operation)
		baseline := map[*openapi3.Parameter][]string{}
		for _, p := range params {
			if v := validValues(p.Schema.Value, p); len(v) > 0 {
				baseline[p] = v[:1]
			}
		}
		if rt.fast != nil {
			covered++
			r := paramRequest(t, op, params, baseline, paramCase{}, body)
			if !rt.fast.valid(r, pathParamsOf(params, baseline)) {
				t.Errorf("%s: the spec's valid baseline %v is not plainly valid to the fast path", op.ID, baseline)
			}
		}
		var cases []paramCase
		for _, p := range params {
			cases = append(cases, paramCase{param: p}, paramCase{param: p, values: []string{""}})
			for _, v := range append(validValues(p.Schema.Value, p), invalidValues(p.Schema.Value)...) {
				cases = append(cases, paramCase{param: p, values: []string{v}})
			}
			if b := baseline[p]; len(b) > 0 {
				cases = append(cases, paramCase{param: p, values: []string{b[0], b[0]}})
			}
		}
		for _, c := range cases {
			f := httptest.NewRecorder()
			fast.ServeHTTP(f, paramRequest(t, op, params, baseline, c, body))
			s := httptest.NewRecorder()
			slow.ServeHTTP(s, paramRequest(t, op, params, baseline, c, body))
			if f.Code != s.Code || f.Body.String() != s.Body.String() {
				t.Errorf("%s, %s %s = %q: fast path %d %s, kin-openapi %d %s", op.ID, c.param.In, c.param.Name, c.values, f.Code, f.Body, s.Code, s.Body)
			}
			if rt.fast != nil && f.Code == http.StatusNoContent {
				decided++
			}
		}
	}
	if covered == 0 || decided == 0 {
		t.Fatalf("the fast path covers %d operations and passed %d requests: it is never used", covered, decided)
	}
}

// parametersOf are an operation's parameters, the path item's not
// overridden and its own, as kin-openapi merges them.
func parametersOf(item *openapi3.PathItem, op *openapi3.Operation) []*openapi3.Parameter {
	var out []*openapi3.Parameter
	for _, ref := range item.Parameters {
		if op.Parameters.GetByInAndName(ref.Value.In, ref.Value.Name) == nil {
			out = append(out, ref.Value)
		}
	}
	for _, ref := range op.Parameters {
		out = append(out, ref.Value)
	}
	return out
}

// pathParamsOf are the path parameters of baseline, as the validator
// hands them to the fast path.
func pathParamsOf(params []*openapi3.Parameter, baseline map[*openapi3.Parameter][]string) map[string]string {
	out := map[string]string{}
	for _, p := range params {
		if p.In == openapi3.ParameterInPath && len(baseline[p]) > 0 {
			out[p.Name] = baseline[p][0]
		}
	}
	return out
}

// paramRequest is a request to op with its parameters at baseline's
// values, but c.param at c.values.
func paramRequest(t *testing.T, op gen.Operation, params []*openapi3.Parameter, baseline map[*openapi3.Parameter][]string, c paramCase, body []byte) *http.Request {
	t.Helper()
	path := op.Path
	query := url.Values{}
	header := http.Header{}
	for _, p := range params {
		values := baseline[p]
		if p == c.param {
			values = c.values
		}
		switch p.In {
		case openapi3.ParameterInPath:
			v := ""
			if len(values) > 0 {
				v = values[0]
			}
			path = strings.ReplaceAll(path, "{"+p.Name+"}", url.PathEscape(v))
		case openapi3.ParameterInQuery:
			for _, v := range values {
				query.Add(p.Name, v)
			}
		case openapi3.ParameterInHeader:
			for _, v := range values {
				header.Add(p.Name, v)
			}
		}
	}
	target := path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	r := httptest.NewRequestWithContext(t.Context(), op.Method, target, rd)
	for k, vs := range header {
		r.Header[k] = vs
	}
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	r.Header.Set("Authorization", "Bearer "+tokenAll)
	return r
}

// exampleBody returns the spec's example of op's JSON request body; false
// when op has none, or no example of it.
func exampleBody(t *testing.T, op *openapi3.Operation) ([]byte, bool) {
	t.Helper()
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil, false
	}
	mt := op.RequestBody.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil || mt.Schema.Value.Example == nil {
		return nil, false
	}
	b, err := json.Marshal(mt.Schema.Value.Example)
	if err != nil {
		t.Fatal(err)
	}
	return b, true
}

// validValues are values of schema s that meet its constraints, as far as
// they can be made from it: the examples (the parameter's and the
// schema's), each enum member, the bounds and the lengths.
func validValues(s *openapi3.Schema, p *openapi3.Parameter) []string {
	var out []string
	add := func(v any) {
		if v != nil {
			out = append(out, fmt.Sprint(v))
		}
	}
	if p != nil {
		add(p.Example)
		for _, ex := range p.Examples {
			if ex.Value != nil {
				add(ex.Value.Value)
			}
		}
	}
	add(s.Example)
	for _, e := range s.Enum {
		add(e)
	}
	switch {
	case s.Type.Is(openapi3.TypeInteger):
		if s.Min != nil {
			add(int64(*s.Min))
		}
		if s.Max != nil {
			add(int64(*s.Max))
		}
		if s.Min != nil && s.Max != nil {
			add(int64((*s.Min + *s.Max) / 2))
		}
	case s.Type.Is(openapi3.TypeNumber):
		if s.Min != nil {
			add(*s.Min)
		}
		if s.Max != nil {
			add(*s.Max)
		}
		add("1e1")
		add("-0.5")
	case s.Type.Is(openapi3.TypeBoolean):
		out = append(out, "true", "false", "1", "F")
	case s.Type.Is(openapi3.TypeString) && s.Pattern == "" && len(s.Enum) == 0 && s.Format == "":
		if s.MinLength > 0 {
			out = append(out, strings.Repeat("a", int(s.MinLength)))
		}
		if s.MaxLength != nil {
			out = append(out, strings.Repeat("é", int(*s.MaxLength)))
		}
	}
	return out
}

// invalidValues are values of schema s that break its constraints, each
// in turn, and values a parser may read otherwise than it seems.
func invalidValues(s *openapi3.Schema) []string {
	out := []string{" ", "%", "null", "😀", "a\u00a0b"}
	switch {
	case s.Type.Is(openapi3.TypeInteger), s.Type.Is(openapi3.TypeNumber):
		out = append(out, "abc", "1.5", "1e2", "+5", "05", "-0", "0x10", "1_0", "NaN", "Inf", "-Inf", " 5", "5 ",
			"2147483648", "-2147483649", "9223372036854775808", "1e400", ".5", "5.")
		if s.Min != nil {
			out = append(out, strconv.FormatFloat(*s.Min-1, 'f', -1, 64), strconv.FormatFloat(*s.Min-0.5, 'f', -1, 64))
		}
		if s.Max != nil {
			out = append(out, strconv.FormatFloat(*s.Max+1, 'f', -1, 64), strconv.FormatFloat(*s.Max+0.5, 'f', -1, 64))
		}
	case s.Type.Is(openapi3.TypeBoolean):
		out = append(out, "yes", "tRUE", "2")
	case s.Type.Is(openapi3.TypeString):
		for _, e := range s.Enum {
			str := fmt.Sprint(e)
			out = append(out, strings.ToUpper(str), str+" ", str+"x", str[:len(str)-1])
		}
		if s.MinLength > 0 {
			out = append(out, strings.Repeat("a", int(s.MinLength)-1))
		}
		if s.MaxLength != nil && *s.MaxLength < math.MaxInt16 {
			out = append(out, strings.Repeat("a", int(*s.MaxLength)+1), strings.Repeat("é", int(*s.MaxLength)+1))
		}
		if ex, ok := s.Example.(string); ok && ex != "" {
			out = append(out, strings.ToUpper(ex), ex+"!", "!"+ex, ex+"\t", ex[1:], ex+ex, strings.ReplaceAll(ex, "-", ""),
				strings.Replace(ex, ex[:1], "g", 1))
		}
	}
	return out
}

// TestFastParamsLeaveUnknownSchemasToKinOpenAPI: a parameter the fast
// path does not fully understand makes its operation kin-openapi's alone
// (newFastParams is nil), whatever else the operation has; one it does
// understand is covered.
func TestFastParamsLeaveUnknownSchemasToKinOpenAPI(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	n := func(v uint64) *uint64 { return &v }
	yes := true
	str := func(s *openapi3.Schema) *openapi3.Schema { s.Type = &openapi3.Types{openapi3.TypeString}; return s }
	integer := func(s *openapi3.Schema) *openapi3.Schema { s.Type = &openapi3.Types{openapi3.TypeInteger}; return s }
	param := func(in string, s *openapi3.Schema) *openapi3.Parameter {
		return &openapi3.Parameter{Name: "p", In: in, Schema: &openapi3.SchemaRef{Value: s}}
	}
	unknown := map[string]*openapi3.Parameter{
		"nullable":          param("query", str(&openapi3.Schema{Nullable: true})),
		"anyOf":             param("query", str(&openapi3.Schema{AnyOf: openapi3.SchemaRefs{{Value: &openapi3.Schema{MinLength: 1}}}})),
		"not":               param("query", str(&openapi3.Schema{Not: &openapi3.SchemaRef{Value: &openapi3.Schema{MinLength: 1}}})),
		"exclusiveMinimum":  param("query", integer(&openapi3.Schema{Min: f(1), ExclusiveMin: openapi3.ExclusiveBound{Bool: &yes}})),
		"multipleOf":        param("query", integer(&openapi3.Schema{MultipleOf: f(5)})),
		"integer enum":      param("query", integer(&openapi3.Schema{Enum: []any{1, 2}})),
		"two types":         param("query", &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString, openapi3.TypeInteger}}),
		"no type":           param("query", &openapi3.Schema{MinLength: 1}),
		"array":             param("query", &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeArray}, Items: &openapi3.SchemaRef{Value: str(&openapi3.Schema{})}}),
		"object":            param("query", &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeObject}}),
		"string bounds":     param("query", str(&openapi3.Schema{Min: f(1)})),
		"integer maxLength": param("query", integer(&openapi3.Schema{MaxLength: n(3)})),
		"pattern with \\u":  param("query", str(&openapi3.Schema{Pattern: `^\u0041+$`})),
		"bad pattern":       param("query", str(&openapi3.Schema{Pattern: `(?<=a)b`})),
		"cookie":            param("cookie", str(&openapi3.Schema{})),
		"label style":       {Name: "p", In: "path", Style: openapi3.SerializationLabel, Schema: &openapi3.SchemaRef{Value: str(&openapi3.Schema{})}},
		"allowEmptyValue":   {Name: "p", In: "query", AllowEmptyValue: true, Schema: &openapi3.SchemaRef{Value: str(&openapi3.Schema{})}},
		"content":           {Name: "p", In: "query", Content: openapi3.NewContentWithJSONSchema(str(&openapi3.Schema{}))},
		"readOnly":          param("query", str(&openapi3.Schema{ReadOnly: true})),
		"uniqueItems":       param("query", str(&openapi3.Schema{UniqueItems: true})),
	}
	known := param("header", str(&openapi3.Schema{MinLength: 1, MaxLength: n(8), Pattern: "^[a-z]+$", Enum: []any{"abc"}, Format: "uuid", Example: "abc"}))
	if _, ok := newFastParam(known); !ok {
		t.Fatal("a string with enum, length, pattern and format is not covered")
	}
	for name, p := range unknown {
		if _, ok := newFastParam(p); ok {
			t.Errorf("%s: covered by the fast path", name)
		}
		op := &openapi3.Operation{Parameters: openapi3.Parameters{{Value: known}, {Value: p}}}
		if fp := newFastParams(&openapi3.PathItem{}, op); fp != nil {
			t.Errorf("%s: its operation has a fast check", name)
		}
	}
}

// TestFastParamsLeaveAnOperationWithABodyToKinOpenAPI: the parameters of
// requestQuote (its Idempotency-Key) are covered, yet a request with a
// plainly valid key and a body the spec refuses is refused: an operation
// with a body is kin-openapi's, parameters and body.
func TestFastParamsLeaveAnOperationWithABodyToKinOpenAPI(t *testing.T) {
	doc, err := api.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	next := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	v := newValidator(Config{Verifier: stubVerifier{}, MaxBody: 64 << 10}, doc, gen.Operations(), next)
	if v.routes[gen.OperationRequestQuote].fast == nil {
		t.Fatal("requestQuote's parameters are not covered: this test proves nothing")
	}
	r := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/travel/v1/quotes", strings.NewReader(`{}`))
	r.Header.Set("Authorization", "Bearer "+tokenAll)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Idempotency-Key", "key-1")
	w := httptest.NewRecorder()
	v.ServeHTTP(w, r)
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"location":"body/`) {
		t.Fatalf("an empty quote request: %d %s, want 400 with the body's problems", w.Code, w.Body)
	}
}
