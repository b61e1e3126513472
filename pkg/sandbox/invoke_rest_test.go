package sandbox_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/uuid"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/speclink"
	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/axatest"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// specAnswer is an operation's success answer, for the links out of it.
type specAnswer struct {
	header http.Header // nil when the typed method gave no header
	body   []byte      // JSON
}

// errCannotSend says that Invoke has no way to send an operation's request
// (a request body that is not JSON, a cookie parameter): the operation is
// reported, not failed.
var errCannotSend = errors.New("Invoke cannot send this request")

// invokeTheRest calls, through Invoke, every API operation of the spec
// that called does not hold, with inputs from the spec (specInputs), and
// fails the test for each that does not answer a success the spec
// documents. An operation that links from another (a resource's id in
// its answer) is called after it, with the linked values.
func invokeTheRest(t *testing.T, c *axa.Client, called map[gen.OperationID]bool, answers map[gen.OperationID]specAnswer) {
	t.Helper()
	doc, err := api.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	links, err := speclink.Links(doc)
	if err != nil {
		t.Fatal(err)
	}
	var pending []gen.Operation
	for _, op := range gen.Operations() {
		if !op.AuthorizationServer && !called[op.ID] {
			pending = append(pending, op)
		}
	}
	// linkedFromPending reports whether a link into op comes from an
	// operation still to call.
	linkedFromPending := func(op gen.Operation) bool {
		return slices.ContainsFunc(links, func(l speclink.Link) bool {
			return l.To == string(op.ID) && l.From != string(op.ID) &&
				slices.ContainsFunc(pending, func(p gen.Operation) bool { return string(p.ID) == l.From })
		})
	}
	for len(pending) > 0 {
		i := max(slices.IndexFunc(pending, func(op gen.Operation) bool { return !linkedFromPending(op) }), 0)
		op := pending[i]
		pending = slices.Delete(pending, i, i+1)
		called[op.ID] = true

		params, body, err := specInputs(doc, op, links, answers)
		if errors.Is(err, errCannotSend) {
			t.Logf("%s is not called: %v", op.ID, err)
			continue
		}
		if err != nil {
			t.Errorf("%s: no request from the spec: %v", op.ID, err)
			continue
		}
		var resp axa.Response
		raw, err := c.Invoke(t.Context(), string(op.ID), params, body, axa.WithResponseInto(&resp))
		if err != nil {
			t.Errorf("%s through Invoke with the spec's examples (parameters %v, body %s): %v", op.ID, params, body, err)
			continue
		}
		spec := doc.Paths.Value(op.Path).GetOperation(op.Method)
		if resp.StatusCode/100 != 2 || spec.Responses.Status(resp.StatusCode) == nil {
			t.Errorf("%s through Invoke answered %d, which is no success the spec documents", op.ID, resp.StatusCode)
			continue
		}
		answers[op.ID] = specAnswer{header: resp.Header, body: raw}
	}
}

// specInputs builds op's parameters and JSON body from the spec: a link's
// value from an answer already had, else the example (the parameter's, its
// first named one, its schema's), else the schema's first enum value or
// default; an Idempotency-Key is fresh. Optional parameters are sent when
// the spec gives them a value. The body is the media type's example, else
// the schema's, else one made of its properties' examples.
func specInputs(doc *openapi3.T, op gen.Operation, links []speclink.Link, answers map[gen.OperationID]specAnswer) (map[string][]string, []byte, error) {
	item := doc.Paths.Value(op.Path)
	spec := item.GetOperation(op.Method)
	linkedParams, linkedFields := map[string]any{}, map[string]any{}
	for _, l := range links {
		a, ok := answers[gen.OperationID(l.From)]
		if l.To != string(op.ID) || !ok {
			continue
		}
		for name, e := range l.Parameters {
			if v, err := e.Eval(a.header, a.body); err == nil {
				linkedParams[name] = v
			}
		}
		for ptr, e := range l.BodyFields {
			if v, err := e.Eval(a.header, a.body); err == nil {
				linkedFields[ptr] = v
			}
		}
	}

	params := map[string][]string{}
	// The operation's parameters override the path item's of the same name
	// and place.
	var all openapi3.Parameters
	for _, ref := range append(slices.Clone(spec.Parameters), item.Parameters...) {
		if ref.Value != nil && all.GetByInAndName(ref.Value.In, ref.Value.Name) == nil {
			all = append(all, ref)
		}
	}
	for _, ref := range all {
		p := ref.Value
		if p.In == openapi3.ParameterInCookie {
			if p.Required {
				return nil, nil, fmt.Errorf("%w: the cookie parameter %s", errCannotSend, p.Name)
			}
			continue
		}
		if p.In == openapi3.ParameterInHeader && strings.EqualFold(p.Name, "Idempotency-Key") {
			params[p.Name] = []string{uuid.NewString()}
			continue
		}
		v, ok := linkedParams[p.Name]
		if !ok {
			v, ok = paramValue(p)
		}
		switch {
		case ok:
			params[p.Name] = textValues(v)
		case p.Required:
			return nil, nil, fmt.Errorf("the required %s parameter %s has no example, enum or default in the spec", p.In, p.Name)
		}
	}

	if spec.RequestBody == nil || spec.RequestBody.Value == nil {
		return params, nil, nil
	}
	rb := spec.RequestBody.Value
	var mt *openapi3.MediaType
	for _, name := range slices.Sorted(maps.Keys(rb.Content)) {
		if isJSON(name) {
			mt = rb.Content[name]
			break
		}
	}
	if mt == nil {
		return nil, nil, fmt.Errorf("%w: its request body is %s, and Invoke sends JSON", errCannotSend, strings.Join(slices.Sorted(maps.Keys(rb.Content)), ", "))
	}
	var body any
	switch {
	case mt.Example != nil:
		body = mt.Example
	case len(mt.Examples) > 0:
		body = firstExample(mt.Examples)
	default:
		body = schemaExample(mt.Schema, 0)
	}
	if body == nil {
		return nil, nil, errors.New("its request body has no example in the spec")
	}
	body = cloneJSON(body)
	for _, ptr := range slices.Sorted(maps.Keys(linkedFields)) {
		var err error
		if body, err = speclink.Set(body, ptr, linkedFields[ptr]); err != nil {
			return nil, nil, fmt.Errorf("body field %s of a link: %w", ptr, err)
		}
	}
	b, err := json.Marshal(body)
	return params, b, err
}

// isJSON reports whether a media type is JSON: application/json or a
// +json type.
func isJSON(media string) bool {
	mt, _, err := mime.ParseMediaType(media)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// paramValue is the spec's value of a parameter: its example, first named
// example or schema's example, else its schema's first enum value or
// default.
func paramValue(p *openapi3.Parameter) (any, bool) {
	switch {
	case p.Example != nil:
		return p.Example, true
	case len(p.Examples) > 0:
		v := firstExample(p.Examples)
		return v, v != nil
	case p.Schema == nil || p.Schema.Value == nil:
		return nil, false
	}
	s := p.Schema.Value
	switch {
	case s.Example != nil:
		return s.Example, true
	case len(s.Enum) > 0:
		return s.Enum[0], true
	case s.Default != nil:
		return s.Default, true
	}
	return nil, false
}

func firstExample(ex openapi3.Examples) any {
	for _, name := range slices.Sorted(maps.Keys(ex)) {
		if ex[name] != nil && ex[name].Value != nil && ex[name].Value.Value != nil {
			return ex[name].Value.Value
		}
	}
	return nil
}

// schemaExample is the example of a schema, else its first enum value or
// default, else an object of its properties' examples, an array of its
// item's; nil when the spec gives none.
func schemaExample(ref *openapi3.SchemaRef, depth int) any {
	if ref == nil || ref.Value == nil || depth > 8 {
		return nil
	}
	s := ref.Value
	switch {
	case s.Example != nil:
		return s.Example
	case len(s.Enum) > 0:
		return s.Enum[0]
	case s.Default != nil:
		return s.Default
	case len(s.AllOf) > 0:
		out := map[string]any{}
		for _, sub := range s.AllOf {
			if m, ok := schemaExample(sub, depth+1).(map[string]any); ok {
				maps.Copy(out, m)
			}
		}
		return out
	case len(s.OneOf) > 0:
		return schemaExample(s.OneOf[0], depth+1)
	case len(s.AnyOf) > 0:
		return schemaExample(s.AnyOf[0], depth+1)
	case s.Items != nil:
		if v := schemaExample(s.Items, depth+1); v != nil {
			return []any{v}
		}
		return nil
	case len(s.Properties) > 0:
		out := map[string]any{}
		for name, prop := range s.Properties {
			if v := schemaExample(prop, depth+1); v != nil {
				out[name] = v
			}
		}
		return out
	}
	return nil
}

// textValues is a parameter's value as Invoke takes it: an array's
// elements, or the one value.
func textValues(v any) []string {
	switch v := v.(type) {
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, textValues(e)...)
		}
		return out
	case string:
		return []string{v}
	case float64:
		return []string{strconv.FormatFloat(v, 'f', -1, 64)}
	}
	return []string{fmt.Sprint(v)}
}

// cloneJSON copies a decoded JSON value, so that the spec's example is
// never changed.
func cloneJSON(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return v
	}
	return out
}

// examplesDay is the day the spec's examples were written on (the quote
// example's created_at): its trip dates are in the future then.
var examplesDay = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// invokeTheRest calls every API operation of the spec when no typed call
// was made: each answers a success the spec documents, from the spec's
// examples and the links between the answers (the quote requested goes into
// createPolicy, the policy created into getPolicy).
func TestEveryOperationThroughInvokeWithTheSpecsExamples(t *testing.T) {
	env := axatest.New(t, sandbox.WithClock(func() time.Time { return examplesDay }))
	answers := map[gen.OperationID]specAnswer{}
	invokeTheRest(t, env.Client, map[gen.OperationID]bool{}, answers)
	for _, op := range gen.Operations() {
		if _, ok := answers[op.ID]; !ok && !op.AuthorizationServer {
			t.Errorf("%s was not answered", op.ID)
		}
	}
	field := func(op gen.OperationID, name string) any {
		var m map[string]any
		_ = json.Unmarshal(answers[op].body, &m)
		return m[name]
	}
	quote, policy := field(gen.OperationRequestQuote, "id"), field(gen.OperationCreatePolicy, "id")
	if quote == nil || field(gen.OperationCreatePolicy, "quote_id") != quote || field(gen.OperationGetPolicy, "id") != policy {
		t.Errorf("the links were not followed: quote %v, policy of quote %v, policy %v read back as %v",
			quote, field(gen.OperationCreatePolicy, "quote_id"), policy, field(gen.OperationGetPolicy, "id"))
	}
}

// What Invoke cannot send (a body that is not JSON, a required cookie) is
// said so, and an operation without the examples it needs is an error
// that names what is missing.
func TestSpecInputsSaysWhatItCannotBuild(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData([]byte(`
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /upload:
    post:
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema: {type: object, properties: {file: {type: string, format: binary}}}
      responses: {"204": {description: done}}
  /session:
    get:
      parameters:
        - {name: sid, in: cookie, required: true, schema: {type: string}}
      responses: {"204": {description: done}}
  /things/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses: {"204": {description: done}}
  /merge:
    patch:
      parameters:
        - {name: id, in: query, required: true, schema: {type: string, enum: [a, b]}}
        - {name: tags, in: query, schema: {type: array, items: {type: string}}, example: [x, "y"]}
        - {name: limit, in: query, schema: {type: integer, default: 20}}
      requestBody:
        content:
          application/merge-patch+json:
            schema:
              type: object
              properties:
                n: {type: number, example: 1.5}
                s: {type: string, enum: [on, off]}
      responses: {"204": {description: done}}
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		method, path, want string
		cannot             bool
	}{
		{http.MethodPost, "/upload", "its request body is multipart/form-data", true},
		{http.MethodGet, "/session", "the cookie parameter sid", true},
		{http.MethodGet, "/things/{id}", "the required path parameter id has no example", false},
	} {
		_, _, err := specInputs(doc, gen.Operation{ID: "x", Method: tc.method, Path: tc.path}, nil, nil)
		if err == nil || errors.Is(err, errCannotSend) != tc.cannot || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %s: %v, want %q (cannot send: %t)", tc.method, tc.path, err, tc.want, tc.cannot)
		}
	}
	params, body, err := specInputs(doc, gen.Operation{ID: "x", Method: http.MethodPatch, Path: "/merge"}, nil, nil)
	want := map[string][]string{"id": {"a"}, "tags": {"x", "y"}, "limit": {"20"}}
	if err != nil || !maps.EqualFunc(params, want, slices.Equal) || string(body) != `{"n":1.5,"s":"on"}` {
		t.Errorf("PATCH /merge: %v %s %v; want %v and the body of its properties' examples", params, body, err, want)
	}
}
