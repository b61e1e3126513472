//go:build !axa_thin

package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/internal/schemaerr"
)

// The local check of a request against the spec: every command checks
// what it is about to send (its parameters and its JSON body) against
// what the spec says of them (types, enums, patterns, formats, lengths,
// bounds, required fields) before it starts anything, so that a value the
// API would refuse is a usage error (exit 2) that names the flag or the
// field and says what is wanted, with no network round trip. The spec is
// the embedded api/openapi.yaml, loaded by the first command that checks
// (gen carries the parameters' types, formats and enums, not their
// patterns, lengths or the body's schema); the SDK never loads it.

// localSpec is the spec, loaded for the local checks.
type localSpec struct {
	// doc is the spec itself (axa mcp reads its schemas and routes its
	// answers with it).
	doc *openapi3.T
	ops map[string]localOp
	// hints say, for a component schema (CountryId), where its values
	// are listed (`axa countries`).
	hints map[*openapi3.Schema]string
	// policyNumber is the pattern of a policy number (the spec's
	// Policy.policy_number), nil if the spec has none.
	policyNumber *regexp.Regexp
}

// localOp is what the spec says of one operation's request.
type localOp struct {
	op     *openapi3.Operation
	params openapi3.Parameters
	body   *openapi3.Schema // the JSON body's, nil for none
}

// componentHints returns, for the component schemas whose values a
// command lists, how to say such a value shortly and where to find them.
func componentHints() map[string]string {
	return map[string]string{
		"CountryId":      "a two-letter country code such as fr (see `axa countries`)",
		"SpecialityId":   "a speciality id such as cardiology (see `axa providers specialities`)",
		"ProviderKindId": "(see `axa providers kinds`)",
	}
}

// loadLocalSpec parses the embedded spec (it is validated by the contract
// tests, not here: a command pays only the parse) and indexes its
// operations.
func loadLocalSpec() (*localSpec, error) {
	api.RegisterFormats()
	doc, err := openapi3.NewLoader().LoadFromData(api.Spec())
	if err != nil {
		return nil, fmt.Errorf("the embedded spec: %w", err)
	}
	s := &localSpec{doc: doc, ops: map[string]localOp{}, hints: map[*openapi3.Schema]string{}}
	for name, hint := range componentHints() {
		if ref := doc.Components.Schemas[name]; ref != nil && ref.Value != nil {
			s.hints[ref.Value] = hint
		}
	}
	if ref := doc.Components.Schemas["Policy"]; ref != nil && ref.Value != nil {
		if prop := ref.Value.Properties["policy_number"]; prop != nil && prop.Value != nil && prop.Value.Pattern != "" {
			re, err := regexp.Compile(prop.Value.Pattern)
			if err != nil {
				return nil, fmt.Errorf("the embedded spec: the pattern of a policy number: %w", err)
			}
			s.policyNumber = re
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			lo := localOp{op: op}
			for _, list := range []openapi3.Parameters{item.Parameters, op.Parameters} {
				for _, p := range list {
					if p.Value != nil {
						lo.params = append(lo.params, p)
					}
				}
			}
			if rb := op.RequestBody; rb != nil && rb.Value != nil {
				if mt := rb.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
					lo.body = mt.Schema.Value
				}
			}
			s.ops[op.OperationID] = lo
		}
	}
	return s, nil
}

// localSpec returns the spec for the local checks, loaded on first use.
func (f *Factory) localSpec() (*localSpec, error) {
	if f.spec == nil {
		s, err := loadLocalSpec()
		if err != nil {
			return nil, err
		}
		f.spec = s
	}
	return f.spec, nil
}

// localProblem is one thing the spec refuses in a request: where, as the
// spec says it (path/country_id, body/policy_holder/email), the value
// refused (nil when missing or not worth quoting), and what is wanted.
type localProblem struct {
	loc     string
	value   any
	message string
}

// check returns the problems of a request of operation op: params by the
// spec's names (a header's in any case), body the decoded JSON (nil for
// none). A required parameter without a value is a problem, except an
// Idempotency-Key, which the SDK makes.
func (s *localSpec) check(op string, params map[string][]string, body any) []localProblem {
	lo, ok := s.ops[op]
	if !ok {
		return nil
	}
	var out []localProblem
	for _, ref := range lo.params {
		p := ref.Value
		values, given := params[p.Name]
		if p.In == openapi3.ParameterInHeader {
			for k, v := range params {
				if strings.EqualFold(k, p.Name) {
					values, given = v, true
				}
			}
		}
		loc := p.In + "/" + p.Name
		if !given || len(values) == 0 {
			if p.Required && !strings.EqualFold(p.Name, "Idempotency-Key") {
				out = append(out, localProblem{loc: loc, message: "missing"})
			}
			continue
		}
		if p.Schema == nil || p.Schema.Value == nil {
			continue
		}
		schema := p.Schema.Value
		if !schema.Type.Is(openapi3.TypeArray) {
			v, prob := paramJSON(schema, values[0])
			if prob != "" {
				out = append(out, localProblem{loc: loc, value: values[0], message: prob})
				continue
			}
			out = append(out, s.schemaProblems(schema, v, []string{p.In, p.Name})...)
			continue
		}
		var items []any
		for _, raw := range values {
			if p.Explode != nil && !*p.Explode { // one comma-separated value
				for part := range strings.SplitSeq(raw, ",") {
					items = append(items, part)
				}
				continue
			}
			items = append(items, raw)
		}
		var arr []any
		bad := false
		for i, it := range items {
			if schema.Items == nil || schema.Items.Value == nil {
				arr = append(arr, it)
				continue
			}
			v, prob := paramJSON(schema.Items.Value, it.(string))
			if prob != "" {
				out = append(out, localProblem{loc: loc + "/" + strconv.Itoa(i), value: it, message: prob})
				bad = true
				continue
			}
			arr = append(arr, v)
		}
		if !bad {
			out = append(out, s.schemaProblems(schema, arr, []string{p.In, p.Name})...)
		}
	}
	if body != nil && lo.body != nil {
		out = append(out, s.schemaProblems(lo.body, body, []string{"body"})...)
	}
	return out
}

// paramJSON is the JSON value of a parameter's text, as its schema types
// it, or why it is none.
func paramJSON(schema *openapi3.Schema, text string) (any, string) {
	switch {
	case schema.Type.Is(openapi3.TypeInteger):
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return nil, "want a whole number"
		}
		return float64(n), ""
	case schema.Type.Is(openapi3.TypeNumber):
		n, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
			return nil, "want a number"
		}
		return n, ""
	case schema.Type.Is(openapi3.TypeBoolean):
		b, err := strconv.ParseBool(text)
		if err != nil {
			return nil, "want true or false"
		}
		return b, ""
	}
	return text, ""
}

// schemaProblems returns the problems of value against schema, at the
// location segments where.
func (s *localSpec) schemaProblems(schema *openapi3.Schema, value any, where []string) []localProblem {
	err := schema.VisitJSON(value, openapi3.MultiErrors(), openapi3.VisitAsRequest())
	if err == nil {
		return nil
	}
	errs := schemaerr.Collect(err)
	var out []localProblem
	for _, se := range errs {
		path := se.JSONPointer()
		p := localProblem{loc: strings.Join(append(slices.Clone(where), path...), "/"), message: s.message(se)}
		if p.message == "" {
			continue // not refused: see message
		}
		if se.SchemaField != "required" {
			p.value = se.Value
		}
		out = append(out, p)
	}
	return out
}

// message says what a value that fails its schema should be, in the
// CLI's words ("want ..."), with where to find the allowed values; ""
// for what the API accepts (a property the schema does not name).
func (s *localSpec) message(se *openapi3.SchemaError) string {
	sc := se.Schema
	if sc == nil {
		return se.Reason
	}
	hint := s.hints[sc]
	switch se.SchemaField {
	case "required":
		return "missing"
	case "properties":
		return "" // an unknown property: the spec does not forbid it
	case "enum":
		values := make([]string, len(sc.Enum))
		for i, v := range sc.Enum {
			values[i] = fmt.Sprint(v)
		}
		msg := "want one of " + strings.Join(values, ", ")
		if i := strings.Index(hint, "(see "); i >= 0 {
			msg += " " + hint[i:]
		}
		return msg
	case "pattern", "format":
		return "want " + describe(sc, hint)
	case "minLength":
		if sc.MinLength == 1 {
			return "empty"
		}
		return fmt.Sprintf("too short: want at least %d characters", sc.MinLength)
	case "maxLength":
		if sc.MaxLength != nil {
			return fmt.Sprintf("too long: want at most %d characters", *sc.MaxLength)
		}
	case "minItems":
		return fmt.Sprintf("want at least %d", sc.MinItems)
	case "maxItems":
		if sc.MaxItems != nil {
			return fmt.Sprintf("too many: want at most %d", *sc.MaxItems)
		}
	case "uniqueItems":
		return "names a value twice: give each once"
	case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
		return "want " + bounds(sc)
	case "type":
		if len(sc.Type.Slice()) > 0 {
			t := sc.Type.Slice()[0]
			switch t {
			case "object", "array", "integer":
				return "want " + article(t) + " " + t
			case "number", "string", "boolean":
				return "want a " + t
			}
		}
	case "nullable":
		return "want a value, not null"
	}
	reason, _, _ := strings.Cut(se.Reason, "\n")
	return reason
}

// describe says what a value of a schema with a pattern or a format is:
// the CLI's hint for a component it lists (a country code), else from
// the format, else from the spec's description, its example and its
// pattern.
func describe(sc *openapi3.Schema, hint string) string {
	if hint != "" && !strings.HasPrefix(hint, "(") {
		return hint
	}
	switch sc.Format {
	case "date":
		return "a date like 2026-12-20"
	case "date-time":
		return "a date and time like 2026-12-20T09:30:00Z"
	case "email":
		return "an e-mail address like camille.martin@example.com"
	case "uuid":
		return "an id like 9d5b2c1e-4f3a-4b6d-8e7f-0a1b2c3d4e5f (a UUID)"
	case "uri":
		return "an absolute URL like https://example.com/"
	}
	what := "a value matching " + sc.Pattern
	if d := strings.TrimSuffix(strings.TrimSpace(sc.Description), "."); d != "" && !strings.Contains(d, "\n") && len(d) < 120 {
		what = firstSentence(strings.ReplaceAll(d, "`", "")) + " (" + sc.Pattern + ")"
	}
	if sc.Example != nil {
		what += ", e.g. " + fmt.Sprint(sc.Example)
	}
	return what
}

// bounds says the range of a number's schema: "a number from -90 to 90".
func bounds(sc *openapi3.Schema) string {
	what := "a number"
	if sc.Type.Is(openapi3.TypeInteger) {
		what = "a whole number"
	}
	num := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	switch {
	case sc.Min != nil && sc.Max != nil:
		return fmt.Sprintf("%s from %s to %s", what, num(*sc.Min), num(*sc.Max))
	case sc.Min != nil:
		return fmt.Sprintf("%s of at least %s", what, num(*sc.Min))
	case sc.Max != nil:
		return fmt.Sprintf("%s of at most %s", what, num(*sc.Max))
	}
	return what
}

// article is the indefinite article of a noun.
func article(noun string) string {
	if noun != "" && strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an"
	}
	return "a"
}

// localError is the usage error of the problems of a request (nil for
// none): each named by name, "--from \"japan\": want ...", those it does
// not name (the fields of a --file) said as fields after prefix (what
// they are in, e.g. "--file holder.json: ") with their count: "--file
// holder.json: 2 problems: policy_holder.email: missing; travellers:
// want at least 1".
func localError(prefix string, problems []localProblem, name localNamer) error {
	if len(problems) == 0 {
		return nil
	}
	problems = slices.Clone(problems)
	slices.SortStableFunc(problems, func(a, b localProblem) int { return strings.Compare(a.loc, b.loc) })
	var named, fields []string
	for _, p := range problems {
		n, ok := name(p.loc)
		if !ok {
			n = fieldPath(p.loc)
		}
		item := n
		if v := quoteValue(p.value); v != "" {
			item += " " + v
		}
		item += ": " + p.message
		if ok {
			named = append(named, item)
		} else {
			fields = append(fields, item)
		}
	}
	slices.Sort(named)
	named = slices.Compact(named)
	fields = slices.Compact(fields)
	parts := named
	if len(fields) > 0 {
		count := ""
		if len(fields) > 1 {
			count = fmt.Sprintf("%d problems: ", len(fields))
		}
		parts = append(parts, prefix+count+strings.Join(fields, "; "))
	}
	return &usageError{err: errors.New(strings.Join(parts, "; ")), said: true}
}

// fieldPath writes a spec location as a field of the request:
// body/travellers/0/birth_date is travellers[0].birth_date, path/country_id
// is country_id.
func fieldPath(loc string) string {
	segs := strings.Split(loc, "/")
	if len(segs) > 1 {
		segs = segs[1:] // body, path, query, header
	}
	var b strings.Builder
	for i, s := range segs {
		if _, err := strconv.Atoi(s); err == nil && i > 0 {
			b.WriteString("[" + s + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}

// quoteValue is a refused value as the problem quotes it: a string or a
// number, short; nothing for an object, an array or a long value.
func quoteValue(v any) string {
	switch x := v.(type) {
	case string:
		if len(x) > 64 {
			return ""
		}
		return strconv.Quote(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// checkLocal checks a request of operation op that a command is about to
// send: params by the spec's names, body as decoded JSON (nil for none).
// --lang is checked as the Accept-Language of an operation that takes
// one. The error names each problem as name does, after prefix.
func (f *Factory) checkLocal(op string, params map[string][]string, body any, prefix string, name localNamer) error {
	return f.checkLocalOnly(op, params, body, prefix, name, false)
}

// checkLocalOnly is checkLocal, but with namedOnly only the problems that
// name names are said: those of the flags, before the rest of the request
// is asked for.
func (f *Factory) checkLocalOnly(op string, params map[string][]string, body any, prefix string, name localNamer, namedOnly bool) error {
	s, err := f.localSpec()
	if err != nil {
		return err
	}
	if f.lang != "" {
		params = maps.Clone(params)
		if params == nil {
			params = map[string][]string{}
		}
		if _, ok := params["Accept-Language"]; !ok {
			params["Accept-Language"] = []string{f.lang}
		}
	}
	namer := func(loc string) (string, bool) {
		if name != nil {
			if n, ok := name(loc); ok {
				return n, true
			}
		}
		return "--lang", loc == "header/Accept-Language"
	}
	problems := s.check(op, params, body)
	if namedOnly {
		problems = slices.DeleteFunc(problems, func(p localProblem) bool { _, ok := namer(p.loc); return !ok })
	}
	return localError(prefix, problems, namer)
}
