package sandbox_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
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
	body   []byte      // JSON; nil for an answer of another kind
}

// errCannotSend says that InvokeStream has no way to send an operation's
// request (a cookie parameter, which go generate refuses): the operation is
// reported, not failed.
var errCannotSend = errors.New("InvokeStream cannot send this request")

// invokeTheRest calls, through InvokeStream, every API operation of the spec
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
		stream, err := c.InvokeStream(t.Context(), string(op.ID), params, body, axa.WithResponseInto(&resp))
		if err != nil {
			what := "no body"
			if body != nil {
				what = "a body of " + body.ContentType
			}
			t.Errorf("%s through InvokeStream with the spec's examples (parameters %v, %s): %v", op.ID, params, what, err)
			continue
		}
		raw, err := io.ReadAll(stream)
		_ = stream.Close()
		if err != nil {
			t.Errorf("%s: reading the answer: %v", op.ID, err)
			continue
		}
		spec := doc.Paths.Value(op.Path).GetOperation(op.Method)
		if resp.StatusCode/100 != 2 || spec.Responses.Status(resp.StatusCode) == nil {
			t.Errorf("%s through InvokeStream answered %d, which is no success the spec documents", op.ID, resp.StatusCode)
			continue
		}
		answer := specAnswer{header: resp.Header}
		if isJSON(stream.ContentType) {
			answer.body = raw
		}
		answers[op.ID] = answer
	}
}

// specInputs builds op's parameters and body from the spec: a link's value
// from an answer already had, else the example (the parameter's, its first
// named one, its schema's), else the schema's first enum value or default;
// an Idempotency-Key is fresh. Optional parameters are sent when the spec
// gives them a value. The body (specBody) is of the media type the SDK
// sends.
func specInputs(doc *openapi3.T, op gen.Operation, links []speclink.Link, answers map[gen.OperationID]specAnswer) (map[string][]string, *axa.RequestBody, error) {
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

	if spec.RequestBody == nil || spec.RequestBody.Value == nil || len(spec.RequestBody.Value.Content) == 0 {
		return params, nil, nil
	}
	body, err := specBody(spec.RequestBody.Value.Content, linkedFields)
	return params, body, err
}

// specBody is a request body of content, in the media type the SDK sends
// (the first of JSON, multipart, a form, any other), made of the media
// type's example, else the schema's, else its properties' examples, with
// the linked fields set: JSON as JSON; a form's and a multipart body's
// fields as text, with a small file for each binary property; any other
// type as the example's text (or a few bytes), with a concrete media type
// for a wildcard one.
func specBody(content openapi3.Content, linkedFields map[string]any) (*axa.RequestBody, error) {
	media := slices.Sorted(maps.Keys(content))
	rank := func(m string) int {
		mt, _, _ := mime.ParseMediaType(m)
		switch {
		case mt == "application/json":
			return 0
		case isJSON(m):
			return 1
		case mt == "multipart/form-data":
			return 2
		case mt == "application/x-www-form-urlencoded":
			return 3
		}
		return 4
	}
	slices.SortStableFunc(media, func(a, b string) int { return rank(a) - rank(b) })
	name := media[0]
	mt := content[name]
	var value any
	switch {
	case mt.Example != nil:
		value = mt.Example
	case len(mt.Examples) > 0:
		value = firstExample(mt.Examples)
	default:
		value = schemaExample(mt.Schema, 0)
	}
	value = cloneJSON(value)
	for _, ptr := range slices.Sorted(maps.Keys(linkedFields)) {
		var err error
		if value, err = speclink.Set(value, ptr, linkedFields[ptr]); err != nil {
			return nil, fmt.Errorf("body field %s of a link: %w", ptr, err)
		}
	}
	fields, _ := value.(map[string]any)
	switch rank(name) {
	case 0, 1:
		if value == nil {
			return nil, errors.New("its request body has no example in the spec")
		}
		b, err := json.Marshal(value)
		return &axa.RequestBody{ContentType: name, Content: bytes.NewReader(b)}, err
	case 2:
		text, files := map[string][]string{}, map[string][]axa.FilePart{}
		var props openapi3.Schemas
		if mt.Schema != nil && mt.Schema.Value != nil {
			props = mt.Schema.Value.Properties
		}
		for prop, ref := range props {
			if s := ref.Value; s != nil && (s.Format == "binary" || s.Items != nil && s.Items.Value != nil && s.Items.Value.Format == "binary") {
				files[prop] = []axa.FilePart{{Filename: prop + ".bin", Content: strings.NewReader("example")}}
				delete(fields, prop)
			}
		}
		for k, v := range fields {
			text[k] = textValues(v)
		}
		return axa.MultipartBody(text, files), nil
	case 3:
		form := url.Values{}
		for k, v := range fields {
			form[k] = textValues(v)
		}
		return &axa.RequestBody{ContentType: name, Content: strings.NewReader(form.Encode())}, nil
	}
	concrete := name
	if t, sub, _ := strings.Cut(name, "/"); t == "*" {
		concrete = "application/octet-stream"
	} else if sub == "*" {
		concrete = t + "/example"
	}
	text := "example"
	if s, ok := value.(string); ok && s != "" {
		text = s
	}
	return &axa.RequestBody{ContentType: concrete, Content: strings.NewReader(text)}, nil
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

// What InvokeStream cannot send (a required cookie) is said so, and an
// operation without the examples it needs is an error that names what is
// missing; bodies of every kind are made from the spec's examples.
func TestSpecInputsOfEveryKind(t *testing.T) {
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
            schema:
              type: object
              properties:
                file: {type: string, format: binary}
                note: {type: string, example: hello}
      responses: {"204": {description: done}}
  /photo:
    put:
      requestBody:
        content:
          image/*:
            schema: {type: string, format: binary}
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
		{http.MethodGet, "/session", "the cookie parameter sid", true},
		{http.MethodGet, "/things/{id}", "the required path parameter id has no example", false},
	} {
		_, _, err := specInputs(doc, gen.Operation{ID: "x", Method: tc.method, Path: tc.path}, nil, nil)
		if err == nil || errors.Is(err, errCannotSend) != tc.cannot || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %s: %v, want %q (cannot send: %t)", tc.method, tc.path, err, tc.want, tc.cannot)
		}
	}
	read := func(b *axa.RequestBody) string {
		t.Helper()
		if b == nil || b.Content == nil {
			t.Fatal("no body")
		}
		data, err := io.ReadAll(b.Content)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	params, body, err := specInputs(doc, gen.Operation{ID: "x", Method: http.MethodPatch, Path: "/merge"}, nil, nil)
	want := map[string][]string{"id": {"a"}, "tags": {"x", "y"}, "limit": {"20"}}
	if err != nil || !maps.EqualFunc(params, want, slices.Equal) || body.ContentType != "application/merge-patch+json" || read(body) != `{"n":1.5,"s":"on"}` {
		t.Errorf("PATCH /merge: %v %v %v; want %v and the merge patch of its properties' examples", params, body, err, want)
	}
	_, body, err = specInputs(doc, gen.Operation{ID: "x", Method: http.MethodPut, Path: "/photo"}, nil, nil)
	if err != nil || body.ContentType != "image/example" || read(body) != "example" {
		t.Errorf("PUT /photo: %v %v; want a few bytes of a concrete image type", body, err)
	}
	_, body, err = specInputs(doc, gen.Operation{ID: "x", Method: http.MethodPost, Path: "/upload"}, nil, nil)
	if err != nil {
		t.Fatalf("POST /upload: %v", err)
	}
	_, params2, err := mime.ParseMediaType(body.ContentType)
	if err != nil {
		t.Fatalf("POST /upload: content type %q: %v", body.ContentType, err)
	}
	form, err := multipart.NewReader(body.Content, params2["boundary"]).ReadForm(1 << 20)
	if err != nil || !slices.Equal(form.Value["note"], []string{"hello"}) || len(form.File["file"]) != 1 {
		t.Errorf("POST /upload: %v %v; want the note and a file", form, err)
	}
}
