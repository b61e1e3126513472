package conformance

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/uuid"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/speclink"
	"github.com/axa-assistance-go/axa/internal/specmedia"
	"github.com/axa-assistance-go/axa/internal/specresponse"
)

// idempotencyKeyHeader is the request header of an idempotent POST (IETF
// draft "The Idempotency-Key HTTP Header Field"); a parameter of that name
// gets a fresh key per logical request instead of its example.
const idempotencyKeyHeader = "Idempotency-Key"

// Media types of request bodies the run sends as such.
const (
	mediaJSON      = "application/json"
	mediaForm      = "application/x-www-form-urlencoded"
	mediaMultipart = "multipart/form-data"
)

// inputs are the values of one request of an operation.
type inputs struct {
	// params are the parameter values, by parameter.
	params []paramValue
	// body is the decoded body: a JSON value for JSON, a form and a
	// multipart form (an object of its fields, a file's bytes as a
	// string), the bytes as a string for any other media type; mediaType
	// its media type; hasBody is false for an operation without a request
	// body.
	body      any
	mediaType string
	hasBody   bool
	// bodySchema is the body's schema, for a variant of it; encoding the
	// multipart form's encoding of its parts; boundary the boundary it is
	// sent with, the same for every request of the inputs, so that a
	// replay sends the very bytes of the first request.
	bodySchema *openapi3.Schema
	encoding   map[string]*openapi3.Encoding
	boundary   string
	// accept is the Accept header: the media types of the operation's
	// successes, then JSON (its errors).
	accept string
	// extraQuery are query parameters set on top of params' (the token
	// parameters of the authorization request).
	extraQuery url.Values
}

type paramValue struct {
	p     *openapi3.Parameter
	value any
}

// linked is what the links into an operation give it: parameter values by
// name and body fields by JSON pointer.
type linked struct {
	params     map[string]any
	bodyFields map[string]any
}

// buildInputs makes valid inputs for o from the spec: a link's value first,
// then the parameter's or the media type's example, the schema's example,
// enum, default, or a value generated from the schema. Optional parameters
// are sent when the spec gives them an example. The body's relative dates
// (x-relative-date) are moved to start the day after today.
func buildInputs(o *operation, in linked, today time.Time) (inputs, error) {
	out := inputs{accept: acceptOf(o.op)}
	for _, ref := range o.params {
		p := ref.Value
		if p == nil {
			continue
		}
		if strings.EqualFold(p.Name, idempotencyKeyHeader) && p.In == openapi3.ParameterInHeader {
			out.params = append(out.params, paramValue{p: p, value: newKey()})
			continue
		}
		if v, ok := in.params[p.Name]; ok {
			out.params = append(out.params, paramValue{p: p, value: v})
			continue
		}
		v, ok := paramExample(p)
		if !ok && !p.Required {
			continue
		}
		if !ok {
			v = generate(p.Schema, 0)
		}
		out.params = append(out.params, paramValue{p: p, value: v})
	}
	if o.op.RequestBody == nil || o.op.RequestBody.Value == nil {
		return out, nil
	}
	rb := o.op.RequestBody.Value
	mt, media := pickMedia(rb.Content)
	if mt == nil {
		return out, fmt.Errorf("%s: the request body declares no media type", o.id)
	}
	out.hasBody, out.mediaType = true, media
	if mt.Schema != nil {
		out.bodySchema = mt.Schema.Value
	}
	switch specmedia.Kind(media) {
	case gen.KindBinary:
		// Bytes: the spec's example when it gives one as a string that
		// is a document of the type, else a small document of the type
		// (of a type within a media range: image/* is a PNG).
		var b []byte
		out.mediaType, b = specmedia.Placeholder(media)
		out.body = string(b)
		if ex, ok := mt.Example.(string); ok {
			if _, fits := specmedia.Signature(out.mediaType, []byte(ex)); fits {
				out.body = ex
			}
		}
		return out, nil
	case gen.KindMultipart:
		out.encoding, out.boundary = mt.Encoding, newBoundary()
	}
	switch {
	case mt.Example != nil:
		out.body = clone(mt.Example)
	case len(mt.Examples) > 0:
		out.body = clone(firstExample(mt.Examples))
	default:
		out.body = generate(mt.Schema, 0)
	}
	out.body = shiftRelativeDates(mt.Schema, out.body, today)
	for _, ptr := range sortedKeys(in.bodyFields) {
		b, err := speclink.Set(out.body, ptr, in.bodyFields[ptr])
		if err != nil {
			return out, fmt.Errorf("%s: body field %s of a link: %w", o.id, ptr, err)
		}
		out.body = b
	}
	return out, nil
}

// withNewKey returns a copy of in with a fresh Idempotency-Key.
func (in inputs) withNewKey() inputs {
	out := in
	out.params = slices.Clone(in.params)
	for i, pv := range out.params {
		if strings.EqualFold(pv.p.Name, idempotencyKeyHeader) && pv.p.In == openapi3.ParameterInHeader {
			out.params[i].value = newKey()
		}
	}
	return out
}

// hasIdempotencyKey reports whether the inputs carry an Idempotency-Key.
func (in inputs) hasIdempotencyKey() bool {
	return slices.ContainsFunc(in.params, func(pv paramValue) bool {
		return strings.EqualFold(pv.p.Name, idempotencyKeyHeader) && pv.p.In == openapi3.ParameterInHeader
	})
}

// newKey returns a fresh Idempotency-Key.
func newKey() string { return uuid.NewString() }

// newBoundary returns a boundary for a multipart body (RFC 2046 section
// 5.1.1: at most 70 characters).
func newBoundary() string { return "conformance-" + strings.ReplaceAll(uuid.NewString(), "-", "") }

// acceptOf is the Accept header of a request of op: the media types of its
// successes (a PDF, JSON...), then application/json for its errors.
func acceptOf(op *openapi3.Operation) string {
	var types []string
	if op.Responses != nil {
		for _, code := range specresponse.Statuses(op) {
			ref := op.Responses.Value(code)
			if len(code) != 3 || code[0] != '2' || ref == nil || ref.Value == nil {
				continue
			}
			for _, mt := range sortedKeys(ref.Value.Content) {
				if !slices.Contains(types, mt) {
					types = append(types, mt)
				}
			}
		}
	}
	if !slices.Contains(types, mediaJSON) {
		types = append(types, mediaJSON)
	}
	return strings.Join(types, ", ")
}

// request builds the HTTP request of inputs for o: under base at o's path,
// or at endpoint, when not empty, whatever its path (an endpoint of the
// authorization server; its own query is kept).
func (in inputs) request(o *operation, base, endpoint string) (*http.Request, error) {
	path := o.path
	query := url.Values{}
	header := http.Header{}
	for _, pv := range in.params {
		vals := textValues(pv.value)
		switch pv.p.In {
		case openapi3.ParameterInPath:
			path = strings.ReplaceAll(path, "{"+pv.p.Name+"}", url.PathEscape(strings.Join(vals, ",")))
		case openapi3.ParameterInQuery:
			for _, v := range vals {
				query.Add(pv.p.Name, v)
			}
		case openapi3.ParameterInHeader:
			header.Set(pv.p.Name, strings.Join(vals, ","))
		case openapi3.ParameterInCookie:
			header.Add("Cookie", pv.p.Name+"="+url.QueryEscape(strings.Join(vals, ",")))
		}
	}
	for k, vs := range in.extraQuery {
		query[k] = slices.Clone(vs)
	}
	u := strings.TrimSuffix(base, "/") + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	if endpoint != "" {
		eu, err := url.Parse(endpoint)
		if err != nil {
			return nil, fmt.Errorf("%s: endpoint: %w", o.id, err)
		}
		q := eu.Query()
		for k, vs := range query {
			q[k] = vs
		}
		eu.RawQuery = q.Encode()
		u = eu.String()
	}
	var body []byte
	if in.hasBody {
		b, contentType, err := in.encodeBody()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", o.id, err)
		}
		body = b
		header.Set("Content-Type", contentType)
	}
	req, err := http.NewRequest(o.method, u, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.id, err)
	}
	if !in.hasBody {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Accept", cmp.Or(in.accept, mediaJSON))
	return req, nil
}

// encodeBody writes the body in its media type, and returns it with its
// Content-Type.
func (in inputs) encodeBody() ([]byte, string, error) {
	switch specmedia.Kind(in.mediaType) {
	case gen.KindForm:
		m, ok := in.body.(map[string]any)
		if !ok {
			return nil, "", fmt.Errorf("a form body must be an object, not %T", in.body)
		}
		form := url.Values{}
		for _, k := range sortedKeys(m) {
			for _, v := range textValues(m[k]) {
				form.Add(k, v)
			}
		}
		return []byte(form.Encode()), in.mediaType, nil
	case gen.KindMultipart:
		return in.encodeMultipart()
	case gen.KindBinary:
		s, ok := in.body.(string)
		if !ok {
			return nil, "", fmt.Errorf("a %s body must be bytes, not %T", in.mediaType, in.body)
		}
		return []byte(s), in.mediaType, nil
	}
	b, err := json.Marshal(in.body)
	if err != nil {
		return nil, "", fmt.Errorf("encode the body: %w", err)
	}
	return b, in.mediaType, nil
}

// encodeMultipart writes a multipart form (RFC 7578) of the body's
// members, in name order: a property of format binary as a file part (its
// value's bytes, or a small document of the part's encoding's media type
// when the value was made up), an object or an array of objects as a JSON
// part, an array of values as one part per value, a value as text.
func (in inputs) encodeMultipart() ([]byte, string, error) {
	m, ok := in.body.(map[string]any)
	if !ok {
		return nil, "", fmt.Errorf("a multipart body must be an object, not %T", in.body)
	}
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if err := w.SetBoundary(in.boundary); err != nil {
		return nil, "", fmt.Errorf("multipart boundary: %w", err)
	}
	for _, name := range sortedKeys(m) {
		var prop *openapi3.Schema
		if in.bodySchema != nil && in.bodySchema.Properties[name] != nil {
			prop = in.bodySchema.Properties[name].Value
		}
		if err := in.writePart(w, name, prop, m[name]); err != nil {
			return nil, "", fmt.Errorf("multipart part %q: %w", name, err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", fmt.Errorf("multipart: %w", err)
	}
	return b.Bytes(), w.FormDataContentType(), nil
}

// writePart writes the parts of one member of a multipart form.
func (in inputs) writePart(w *multipart.Writer, name string, prop *openapi3.Schema, v any) error {
	items := prop
	if prop != nil && prop.Type.Is(openapi3.TypeArray) && prop.Items != nil {
		items = prop.Items.Value
	}
	list, isList := v.([]any)
	switch {
	case isBinarySchema(items):
		if !isList {
			list = []any{v}
		}
		for _, f := range list {
			if err := in.writeFile(w, name, f); err != nil {
				return err
			}
		}
		return nil
	case isList && items != nil && !items.Type.Is(openapi3.TypeObject):
		for _, e := range list {
			if err := w.WriteField(name, strings.Join(textValues(e), ",")); err != nil {
				return err
			}
		}
		return nil
	}
	switch v.(type) {
	case map[string]any, []any:
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q`, name))
		h.Set("Content-Type", mediaJSON)
		p, err := w.CreatePart(h)
		if err != nil {
			return err
		}
		_, err = p.Write(b)
		return err
	}
	return w.WriteField(name, strings.Join(textValues(v), ","))
}

// writeFile writes a file part: v's bytes when the spec gave them (a
// string that is a document of the part's media type), else a small
// document of that type (application/octet-stream unless the encoding
// names one).
func (in inputs) writeFile(w *multipart.Writer, name string, v any) error {
	media := "application/octet-stream"
	if enc := in.encoding[name]; enc != nil && enc.ContentType != "" {
		media, _, _ = strings.Cut(enc.ContentType, ",")
		media = strings.TrimSpace(media)
	}
	contentType, data := specmedia.Placeholder(media)
	if s, ok := v.(string); ok && s != "" && !isGenerated(s) {
		if _, fits := specmedia.Signature(contentType, []byte(s)); fits {
			data = []byte(s)
		}
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, name, "conformance"+extensionOf(contentType)))
	h.Set("Content-Type", contentType)
	p, err := w.CreatePart(h)
	if err != nil {
		return err
	}
	_, err = p.Write(data)
	return err
}

// isGenerated reports whether a file's value is one generateString made
// up (no example): its bytes are then a document of the part's type.
func isGenerated(s string) bool { return strings.Trim(s, "x") == "" }

// extensionOf is a file name extension for a media type.
func extensionOf(contentType string) string {
	if exts, err := mime.ExtensionsByType(contentType); err == nil && len(exts) > 0 {
		return exts[0]
	}
	return ".bin"
}

// isBinarySchema reports whether s is a file: a string of format binary.
func isBinarySchema(s *openapi3.Schema) bool {
	return s != nil && s.Type.Is(openapi3.TypeString) && s.Format == "binary"
}

// textValues writes a parameter's value as text: one per element of an
// array.
func textValues(v any) []string {
	switch v := v.(type) {
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			out = append(out, textValues(e)...)
		}
		return out
	case nil:
		return []string{""}
	case string:
		return []string{v}
	case float64, bool, int, int64, json.Number:
		return []string{fmt.Sprint(v)}
	}
	b, _ := json.Marshal(v)
	return []string{string(b)}
}

// pickMedia picks the request body's media type: application/json, a
// +json type, a form, a multipart form, else any other (raw bytes), each
// in name order, as the SDK picks it.
func pickMedia(content openapi3.Content) (*openapi3.MediaType, string) {
	types := sortedKeys(content)
	for _, want := range []func(string) bool{
		func(mt string) bool { return specmedia.Base(mt) == mediaJSON },
		func(mt string) bool { return specmedia.Kind(mt) == gen.KindJSON },
		func(mt string) bool { return specmedia.Kind(mt) == gen.KindForm },
		func(mt string) bool { return specmedia.Kind(mt) == gen.KindMultipart },
		func(string) bool { return true },
	} {
		for _, mt := range types {
			if want(mt) {
				return content[mt], mt
			}
		}
	}
	return nil, ""
}

// paramExample is the example value of a parameter: its own example or
// first example, else its schema's example, enum or default.
func paramExample(p *openapi3.Parameter) (any, bool) {
	switch {
	case p.Example != nil:
		return clone(p.Example), true
	case len(p.Examples) > 0:
		return clone(firstExample(p.Examples)), true
	}
	if p.Schema == nil || p.Schema.Value == nil {
		return nil, false
	}
	s := p.Schema.Value
	switch {
	case s.Example != nil:
		return clone(s.Example), true
	case len(s.Enum) > 0:
		return s.Enum[0], true
	case s.Default != nil:
		return clone(s.Default), true
	}
	return nil, false
}

func firstExample(ex openapi3.Examples) any {
	for _, k := range sortedKeys(ex) {
		if ex[k] != nil && ex[k].Value != nil {
			return ex[k].Value.Value
		}
	}
	return nil
}

// maxGenerated bounds the items of a generated array and the length of a
// generated string.
const maxGenerated = 1000

// maxDepth bounds the generation of nested schemas.
const maxDepth = 8

// generate makes a value valid for s: its example, first enum value or
// default, else one built from its type, required properties and bounds.
func generate(ref *openapi3.SchemaRef, depth int) any {
	if ref == nil || ref.Value == nil || depth > maxDepth {
		return nil
	}
	s := ref.Value
	switch {
	case s.Example != nil:
		return clone(s.Example)
	case len(s.Enum) > 0:
		return s.Enum[0]
	case s.Default != nil:
		return clone(s.Default)
	case len(s.AllOf) > 0:
		out := map[string]any{}
		for _, sub := range s.AllOf {
			if m, ok := generate(sub, depth+1).(map[string]any); ok {
				for k, v := range m {
					out[k] = v
				}
			}
		}
		return out
	case len(s.OneOf) > 0:
		return generate(s.OneOf[0], depth+1)
	case len(s.AnyOf) > 0:
		return generate(s.AnyOf[0], depth+1)
	}
	switch {
	case s.Type.Is(openapi3.TypeObject) || len(s.Properties) > 0:
		out := map[string]any{}
		for _, name := range s.Required {
			out[name] = generate(s.Properties[name], depth+1)
		}
		return out
	case s.Type.Is(openapi3.TypeArray):
		n := int(max(min(s.MinItems, maxGenerated), 1))
		out := make([]any, n)
		for i := range out {
			out[i] = generate(s.Items, depth+1)
		}
		return out
	case s.Type.Is(openapi3.TypeInteger):
		if s.Min != nil {
			return float64(int64(*s.Min) + 1)
		}
		return float64(1)
	case s.Type.Is(openapi3.TypeNumber):
		if s.Min != nil {
			return *s.Min
		}
		return float64(0)
	case s.Type.Is(openapi3.TypeBoolean):
		return true
	}
	return generateString(s)
}

// generateString makes a string of s's format, or of its minimum length.
func generateString(s *openapi3.Schema) string {
	now := time.Now().UTC()
	switch s.Format {
	case "date":
		return now.AddDate(0, 0, 7).Format(time.DateOnly)
	case "date-time":
		return now.Format(time.RFC3339)
	case "uuid":
		return uuid.NewString()
	case "email":
		return "conformance@example.com"
	case "uri", "url":
		return "https://example.com/"
	}
	return strings.Repeat("x", int(max(min(s.MinLength, maxGenerated), 1)))
}

// variant returns in with its body changed in one valid way, for the
// check that reusing an Idempotency-Key with another body is refused:
// bytes with one more at their end; a JSON value, a form or a multipart
// form with another value of an enum, else an optional property added,
// searched depth first in the order of property names. false when in has
// no body, or none was found.
func (in inputs) variant() (inputs, bool) {
	if !in.hasBody {
		return in, false
	}
	out := in
	if s, ok := in.body.(string); ok && specmedia.Kind(in.mediaType) == gen.KindBinary {
		out.body = s + "\n"
		return out, true
	}
	body, ok := variant(in.bodySchema, in.body)
	out.body = body
	return out, ok
}

// variant returns a copy of body changed in one valid way (see
// inputs.variant).
func variant(s *openapi3.Schema, body any) (any, bool) {
	c := clone(body)
	return c, vary(s, c, 0)
}

func vary(s *openapi3.Schema, v any, depth int) bool {
	if s == nil || depth > maxDepth {
		return false
	}
	switch v := v.(type) {
	case []any:
		return len(v) > 0 && s.Items != nil && vary(s.Items.Value, v[0], depth+1)
	case map[string]any:
		names := sortedKeys(s.Properties)
		for _, name := range names { // another value of an enum
			pv, ok := v[name]
			prop := s.Properties[name].Value
			if !ok || prop == nil || len(prop.Enum) < 2 {
				continue
			}
			for _, e := range prop.Enum {
				if fmt.Sprint(e) != fmt.Sprint(pv) {
					v[name] = e
					return true
				}
			}
		}
		for _, name := range names { // deeper
			if pv, ok := v[name]; ok && vary(s.Properties[name].Value, pv, depth+1) {
				return true
			}
		}
		for _, name := range names { // an optional property added
			if _, ok := v[name]; !ok {
				if g := generate(s.Properties[name], depth+1); g != nil {
					v[name] = g
					return true
				}
			}
		}
	}
	return false
}

// clone deep-copies a JSON value.
func clone(v any) any {
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

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
