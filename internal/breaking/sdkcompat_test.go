package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/speclink"
	"github.com/axa-assistance-go/axa/pkg/axa"
)

// What a later version of the spec may add to an answer.
const (
	laterValue    = "a_value_added_later"                              // a new value of an enum
	laterProperty = "property_added_later"                             // a new property of an object
	laterHeader   = "X-Header-Added-Later"                             // a new optional header
	laterText     = "a property the spec of this SDK does not declare" // its value
)

// addLater changes v, an answer of schema s, as a later version of the spec
// may: every enum value (present, or an optional property of an object
// present) becomes laterValue, recorded by its JSON pointer in changed,
// and every object that is no map gains laterProperty. A oneOf or anyOf is
// left as it is: which variant holds is the union's to say.
func addLater(s *openapi3.Schema, v any, ptr string, changed map[string]any) any {
	if s == nil || len(s.OneOf) > 0 || len(s.AnyOf) > 0 {
		return v
	}
	for _, sub := range s.AllOf {
		if sub.Value != nil {
			v = addLater(sub.Value, v, ptr, changed)
		}
	}
	if _, ok := v.(string); ok && len(s.Enum) > 0 {
		changed[ptr] = laterValue
		return laterValue
	}
	switch v := v.(type) {
	case map[string]any:
		for name, prop := range s.Properties {
			if prop.Value == nil {
				continue
			}
			p := ptr + "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(name)
			if val, ok := v[name]; ok {
				v[name] = addLater(prop.Value, val, p, changed)
			} else if len(prop.Value.Enum) > 0 && prop.Value.Type.Is(openapi3.TypeString) {
				v[name] = laterValue
				changed[p] = laterValue
			}
		}
		if len(s.Properties) > 0 && s.AdditionalProperties.Schema == nil {
			v[laterProperty] = laterText
		}
		return v
	case []any:
		if s.Items == nil || s.Items.Value == nil {
			return v
		}
		for i := range v {
			v[i] = addLater(s.Items.Value, v[i], ptr+"/"+strconv.Itoa(i), changed)
		}
		return v
	}
	return v
}

// laterServer answers every API request with the answer set last, and
// every token request with a token of the scope asked for.
type laterServer struct {
	mu     sync.Mutex
	status int
	body   []byte
}

func (s *laterServer) set(status int, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status, s.body = status, body
}

func (s *laterServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && r.URL.Path == gen.TokenPath {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"access_token": "token", "token_type": "Bearer", "expires_in": 3600, "scope": r.PostForm.Get("scope"),
		})
		return
	}
	s.mu.Lock()
	status, body := s.status, s.body
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set(laterHeader, "yes")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// An SDK generated from this spec decodes what a later version of the spec
// answers: for every API operation with a JSON example answer, the example
// with every enum value replaced by one the spec does not have, a property
// it does not declare in every object, and a header it does not declare,
// goes through the operation's typed method (the SDK's own decode path,
// into pkg/axa's generated types) without error, and the new enum values
// are kept in the Go values. So a response enum value, a response property
// and an optional response header added to the spec break no caller: the
// breaking-change gate does not call them breaking (TestGateMatchesWhatTheSDKBreaks).
func TestAnOldSDKDecodesWhatANewerSpecAnswers(t *testing.T) {
	doc, err := api.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	later := &laterServer{}
	srv := httptest.NewServer(later)
	defer srv.Close()
	c, err := axa.NewClient(axa.WithoutEnvironment(), axa.WithBaseURL(srv.URL), axa.WithClientCredentials("old-sdk", "secret"),
		axa.WithRetryOptions(axa.RetryOptions{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	client := reflect.ValueOf(c)
	enums := 0
	for _, op := range gen.Operations() {
		if op.AuthorizationServer {
			continue
		}
		status, example, ok := gen.ExampleResponse(op.ID)
		spec := doc.Paths.Value(op.Path).GetOperation(op.Method)
		resp := spec.Responses.Status(status)
		if !ok || resp == nil || resp.Value == nil || resp.Value.Content.Get("application/json") == nil {
			t.Logf("%s: no JSON example answer to change", op.ID)
			continue
		}
		var body any
		if err := json.Unmarshal(example, &body); err != nil {
			t.Fatalf("%s: the example: %v", op.ID, err)
		}
		changed := map[string]any{}
		var schema *openapi3.Schema
		if ref := resp.Value.Content.Get("application/json").Schema; ref != nil {
			schema = ref.Value
		}
		body = addLater(schema, body, "", changed)
		enums += len(changed)
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		later.set(status, b)

		method, ok := client.Type().MethodByName(goName(client.Type(), string(op.ID)))
		if !ok {
			t.Errorf("%s: no method of *axa.Client", op.ID)
			continue
		}
		var answer axa.Response
		results := client.Method(method.Index).Call(exampleArgs(t, method.Type, spec, axa.WithResponseInto(&answer)))
		if err, _ := results[len(results)-1].Interface().(error); err != nil {
			t.Errorf("%s: an answer with new enum values, a new property and a new header: %v", op.ID, err)
			continue
		}
		if answer.Header.Get(laterHeader) != "yes" {
			t.Errorf("%s: the answer's headers lost %s", op.ID, laterHeader)
		}
		if len(results) != 2 {
			continue
		}
		got, err := json.Marshal(results[0].Interface())
		if err != nil {
			t.Fatal(err)
		}
		var decoded any
		if err := json.Unmarshal(got, &decoded); err != nil {
			t.Fatal(err)
		}
		for _, ptr := range slices.Sorted(func(yield func(string) bool) {
			for p := range changed {
				if !yield(p) {
					return
				}
			}
		}) {
			if v, err := speclink.Get(decoded, ptr); err != nil || v != laterValue {
				t.Errorf("%s: the new enum value at %s came back as %v (%v)", op.ID, ptr, v, err)
			}
		}
	}
	if enums == 0 {
		t.Error("no enum value of any answer was changed: the test proves nothing of enums")
	}
}

// goName returns the name of t's method for an operationId, whatever the
// case of its initialisms (getJSONWebKeySet, listCountries).
func goName(t reflect.Type, operationID string) string {
	for i := range t.NumMethod() {
		if name := t.Method(i).Name; strings.EqualFold(name, operationID) {
			return name
		}
	}
	return ""
}

// requestExample is the JSON example of an operation's request body, nil
// without one.
func requestExample(op *openapi3.Operation) []byte {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	mt := op.RequestBody.Value.Content.Get("application/json")
	if mt == nil {
		return nil
	}
	ex := mt.Example
	if ex == nil && mt.Schema != nil && mt.Schema.Value != nil {
		ex = mt.Schema.Value.Example
	}
	b, _ := json.Marshal(ex)
	return b
}

// exampleArgs are the arguments of a method of *axa.Client (its receiver
// first) calling op: ctx; "x" for a string (a path parameter: the server
// answers whatever the path); op's request example, decoded, for a struct
// it fits (the request body), else the zero value; the params, with every
// parameter op requires set to its example (a method refuses nil params
// when one is required); opt for the trailing ...RequestOption.
func exampleArgs(t *testing.T, m reflect.Type, op *openapi3.Operation, opt axa.RequestOption) []reflect.Value {
	t.Helper()
	body := requestExample(op)
	args := []reflect.Value{}
	for i := 1; i < m.NumIn(); i++ {
		in := m.In(i)
		switch {
		case i == 1:
			args = append(args, reflect.ValueOf(t.Context()))
		case m.IsVariadic() && i == m.NumIn()-1:
			args = append(args, reflect.ValueOf(opt))
		case in.Kind() == reflect.String:
			args = append(args, reflect.ValueOf("x").Convert(in))
		case in.Kind() == reflect.Pointer && in.Elem().Kind() == reflect.Struct && strings.HasSuffix(in.Elem().Name(), "Params"):
			args = append(args, requiredParams(t, in.Elem(), op))
		case in.Kind() == reflect.Struct && body != nil:
			v := reflect.New(in)
			if err := json.Unmarshal(body, v.Interface()); err != nil {
				v = reflect.New(in)
			}
			fillFileParts(v.Elem())
			args = append(args, v.Elem())
		case in.Kind() == reflect.Struct:
			v := reflect.New(in).Elem()
			fillFileParts(v) // a multipart form: its files need content
			args = append(args, v)
		case in == reflect.TypeFor[io.Reader]():
			args = append(args, reflect.ValueOf(io.Reader(strings.NewReader("bytes"))))
		default:
			args = append(args, reflect.Zero(in))
		}
	}
	return args
}

// requiredParams is a *params of type typ with each query and header
// parameter op requires set to its example (the parameter's, else its
// schema's), found by the field's JSON name; nil when op requires none.
func requiredParams(t *testing.T, typ reflect.Type, op *openapi3.Operation) reflect.Value {
	t.Helper()
	v := reflect.New(typ)
	set := false
	for _, ref := range op.Parameters {
		p := ref.Value
		if p == nil || !p.Required || p.In == openapi3.ParameterInPath {
			continue
		}
		ex := p.Example
		if ex == nil && p.Schema != nil && p.Schema.Value != nil {
			ex = p.Schema.Value.Example
		}
		if ex == nil {
			t.Fatalf("required parameter %s has no example to send", p.Name)
		}
		b, err := json.Marshal(ex)
		if err != nil {
			t.Fatal(err)
		}
		field := -1
		for i := range typ.NumField() {
			if name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ","); name == p.Name {
				field = i
			}
		}
		if field < 0 {
			t.Fatalf("%s has no field for the required parameter %s", typ, p.Name)
		}
		if err := json.Unmarshal(b, v.Elem().Field(field).Addr().Interface()); err != nil {
			t.Fatalf("required parameter %s: its example %s: %v", p.Name, b, err)
		}
		set = true
	}
	if !set {
		return reflect.Zero(reflect.PointerTo(typ))
	}
	return v
}

// fillFileParts gives every FilePart field of a multipart form some
// content, which the SDK refuses to send without.
func fillFileParts(v reflect.Value) {
	for i := range v.NumField() {
		if f := v.Field(i); f.Type() == reflect.TypeFor[axa.FilePart]() && f.CanSet() {
			f.Set(reflect.ValueOf(axa.FilePart{Content: strings.NewReader("a file")}))
		}
	}
}

// The test's change of an answer is what it says: enum values, a new
// property in objects but not in maps, nothing inside a union.
func TestAddLater(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData([]byte(`
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Thing:
      type: object
      properties:
        level: {type: string, enum: [low, high]}
        kind: {type: string, enum: [a, b]}
        tags: {type: array, items: {type: string, enum: [x, y]}}
        counts: {type: object, additionalProperties: {type: integer}}
        either: {oneOf: [{type: string, enum: [p]}, {type: integer}]}
`))
	if err != nil {
		t.Fatal(err)
	}
	var v any
	_ = json.Unmarshal([]byte(`{"level":"low","tags":["x","y"],"counts":{"a":1},"either":"p"}`), &v)
	changed := map[string]any{}
	got, _ := json.Marshal(addLater(doc.Components.Schemas["Thing"].Value, v, "", changed))
	want := fmt.Sprintf(`{"counts":{"a":1},"either":"p","kind":%[1]q,"level":%[1]q,"property_added_later":%[2]q,"tags":[%[1]q,%[1]q]}`, laterValue, laterText)
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if len(changed) != 4 || changed["/level"] != laterValue || changed["/kind"] != laterValue || changed["/tags/1"] != laterValue {
		t.Errorf("changed = %v", changed)
	}
}
