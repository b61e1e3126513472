package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/axa-assistance-go/axa/gen"
)

// teeBody is a request body whose reads are copied elsewhere.
type teeBody struct {
	io.Reader
	io.Closer
}

// bodySchema returns the schema of an operation's request body for a
// Content-Type, nil when the spec has none.
func bodySchema(op *openapi3.Operation, contentType string) *openapi3.Schema {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	mt := op.RequestBody.Value.Content.Get(contentType)
	if mt == nil || mt.Schema == nil {
		return nil
	}
	return mt.Schema.Value
}

// checkNames refuses a JSON body that two decoders could read differently.
// kin-openapi validates the value encoding/json decodes into an any, where
// names match exactly and the last of duplicate names wins; encoding/json
// decoding into a struct matches names case-insensitively (Unicode simple
// folding: "ſtreet_address" is street_address), the last match winning, and
// merges duplicate objects; others keep the first duplicate. So, at every
// depth, a name may appear once (RFC 8259 section 4 says SHOULD, I-JSON, RFC
// 7493 section 2.3, says MUST), may not differ only in case from another
// name of the same object, nor from a property the schema declares there;
// and the body is one JSON value, nothing after it. The body was read under
// the sandbox's body limit; it is walked token by token, never decoded
// whole again. It returns a problem for every name refused, at the JSON
// pointer of the member; a body that is not JSON is one problem at "body".
func checkNames(body []byte, schema *openapi3.Schema, cache *nameCache) []gen.Problem {
	var schemas []*openapi3.Schema
	if schema != nil {
		schemas = []*openapi3.Schema{schema}
	}
	w := &nameWalker{cache: cache}
	if json.Valid(body) {
		// The common case, walked without encoding/json's Decoder, whose
		// Token costs allocations and an error value per scalar.
		w.dec = &validTokens{b: body}
	} else {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		w.dec = dec
	}
	if err := w.value(schemas); err != nil {
		return append(w.problems, gen.Problem{Location: "body", Message: "not valid JSON"})
	}
	if _, err := w.dec.Token(); !errors.Is(err, io.EOF) {
		w.problems = append(w.problems, gen.Problem{Location: "body", Message: "must be a single JSON value, with nothing after it"})
	}
	return w.problems
}

// tokens is what nameWalker reads a body with: a json.Decoder, or
// validTokens for a body json.Valid accepts.
type tokens interface {
	// Token returns the next token: a json.Delim, a string (a name or a
	// string value) or another value; io.EOF after the last.
	Token() (json.Token, error)
	// More reports whether the array or object being read has another
	// element.
	More() bool
}

// nameWalker walks a JSON value's tokens, checking the names of its objects
// against each other and against the schemas the value must match.
type nameWalker struct {
	dec      tokens
	cache    *nameCache    // the names of each schema; nil keeps none
	path     []string      // where the walk is, from the body's root
	problems []gen.Problem // the names refused so far
}

// value walks the next value, which must match schemas (none: unknown).
func (w *nameWalker) value(schemas []*openapi3.Schema) error {
	tok, err := w.dec.Token()
	if err != nil {
		return w.malformed(err)
	}
	switch tok {
	case json.Delim('{'):
		return w.object(schemas)
	case json.Delim('['):
		return w.array(schemas)
	}
	return nil
}

// object walks an object's members, after its '{'.
func (w *nameWalker) object(schemas []*openapi3.Schema) error {
	names := w.cache.namesOf(schemas)
	props, declared := names.props, names.declared
	seen := map[string]string{} // folded name → the name as sent
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return w.malformed(err)
		}
		name, _ := tok.(string)
		folded := foldName(name)
		if prev, dup := seen[folded]; dup {
			if prev == name {
				w.refuse(name, "appears twice")
			} else {
				w.refuse(name, "differs only in case from the name "+shortName(prev))
			}
		} else {
			seen[folded] = name
			if p, ok := declared[folded]; ok && p != name {
				w.refuse(name, "differs only in case from the property "+strconv.Quote(p))
			}
		}
		sub, ok := props[name]
		if !ok {
			sub = names.additional
		}
		w.path = append(w.path, name)
		if err := w.value(sub); err != nil {
			return err
		}
		w.path = w.path[:len(w.path)-1]
	}
	if _, err := w.dec.Token(); err != nil { // '}'
		return w.malformed(err)
	}
	return nil
}

// array walks an array's items, after its '['.
func (w *nameWalker) array(schemas []*openapi3.Schema) error {
	items := w.cache.namesOf(schemas).items
	for i := 0; w.dec.More(); i++ {
		w.path = append(w.path, strconv.Itoa(i))
		if err := w.value(items); err != nil {
			return err
		}
		w.path = w.path[:len(w.path)-1]
	}
	if _, err := w.dec.Token(); err != nil { // ']'
		return w.malformed(err)
	}
	return nil
}

// refuse records a problem with the member name of the object where the
// walk is.
func (w *nameWalker) refuse(name, message string) {
	w.problems = append(w.problems, gen.Problem{Location: pointer(append(append([]string{"body"}, w.path...), name)), Message: message})
}

// malformed is the error for a body that is not JSON; the validator
// refuses those already.
func (w *nameWalker) malformed(err error) error {
	return fmt.Errorf("not valid JSON: %w", err)
}

// maxSchemaDepth bounds the walk through allOf, anyOf and oneOf.
const maxSchemaDepth = 16

// flatten returns schemas and, recursively, the schemas of their allOf,
// anyOf and oneOf: every schema whose properties a value may be read with.
func flatten(schemas []*openapi3.Schema) []*openapi3.Schema {
	var out []*openapi3.Schema
	var add func(s *openapi3.Schema, depth int)
	add = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > maxSchemaDepth || slices.Contains(out, s) {
			return
		}
		out = append(out, s)
		for _, refs := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, r := range refs {
				add(r.Value, depth+1)
			}
		}
	}
	for _, s := range schemas {
		add(s, 0)
	}
	return out
}

// declaredProperties returns the properties schemas declare, each with the
// schemas its value must match.
func declaredProperties(schemas []*openapi3.Schema) map[string][]*openapi3.Schema {
	props := map[string][]*openapi3.Schema{}
	for _, s := range flatten(schemas) {
		for name, ref := range s.Properties {
			if ref != nil && ref.Value != nil {
				props[name] = append(props[name], ref.Value)
			}
		}
	}
	return props
}

// additionalProperties returns the schemas of the members schemas do not
// declare, when they give one.
func additionalProperties(schemas []*openapi3.Schema) []*openapi3.Schema {
	var out []*openapi3.Schema
	for _, s := range flatten(schemas) {
		if ap := s.AdditionalProperties.Schema; ap != nil && ap.Value != nil {
			out = append(out, ap.Value)
		}
	}
	return out
}

// foldName folds a name as encoding/json does to match it to a field: each
// rune becomes the smallest of its Unicode simple folding orbit, so that
// foldName(a) == foldName(b) exactly when strings.EqualFold(a, b).
func foldName(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	for _, r := range name {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b.WriteRune(least)
	}
	return b.String()
}

// maxNameInMessage is how much of a name an error message quotes.
const maxNameInMessage = 40

// shortName quotes a name for a message, cut to maxNameInMessage runes.
func shortName(name string) string {
	if utf8.RuneCountInString(name) <= maxNameInMessage {
		return strconv.Quote(name)
	}
	return strconv.Quote(string([]rune(name)[:maxNameInMessage])) + "…"
}
