package validate

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/getkin/kin-openapi/openapi3"
)

// fastParams is the precompiled check of the parameters of one operation
// without a body, made from the spec at start-up (newFastParams): a request
// each of whose parameters it finds plainly valid is one kin-openapi's
// ValidateRequest would pass without a problem, so the validator passes
// it on without calling kin-openapi. On anything else (a value it finds
// wrong, or one it is not sure of: sent twice, empty, not in its
// canonical form) it answers false, and the validator asks kin-openapi,
// whose problems are the answer as before: the fast path decides only
// "valid", never what is wrong, so the problems a client sees are
// kin-openapi's, always.
type fastParams struct {
	params []fastParam
	query  bool // some parameter is in the query: parse it once
}

// fastParam is the check of one parameter.
type fastParam struct {
	in       string // path, query or header
	name     string // as kin-openapi looks it up: canonical for a header
	required bool
	value    fastValue
}

// fastValue checks a parameter's value, as sent, against a schema of one
// primitive type and the constraints kin-openapi checks of it.
type fastValue struct {
	typ string // string, integer, number or boolean
	// strings
	minLength uint64
	maxLength *uint64
	pattern   *regexp.Regexp
	enum      []string
	format    openapi3.FormatValidator[string] // nil: no format, or one kin-openapi does not check
	// integers and numbers
	bits     int // of an integer: 32 for format int32, else 64
	min, max *float64
}

// newFastParams returns the fast check of an operation's parameters (the
// path item's and the operation's, as kin-openapi merges them), nil when a
// parameter's schema is one the fast path does not fully understand: that
// operation is always validated by kin-openapi. The validator uses it for
// the operations without a body only: kin-openapi checks the parameters of
// the others with their body (a check of the body alone could leave the
// parameters to it).
func newFastParams(item *openapi3.PathItem, op *openapi3.Operation) *fastParams {
	var all []*openapi3.Parameter
	for _, ref := range item.Parameters {
		if p := ref.Value; p != nil && op.Parameters.GetByInAndName(p.In, p.Name) == nil {
			all = append(all, p)
		}
	}
	for _, ref := range op.Parameters {
		if ref.Value == nil {
			return nil
		}
		all = append(all, ref.Value)
	}
	fp := &fastParams{}
	for _, p := range all {
		f, ok := newFastParam(p)
		if !ok {
			return nil
		}
		fp.params = append(fp.params, f)
		fp.query = fp.query || f.in == openapi3.ParameterInQuery
	}
	return fp
}

// newFastParam returns the check of p; false when the fast path does not
// cover p: a content parameter, a cookie, a style other than the default,
// allowEmptyValue, or a schema that is not one primitive type with no more
// than type, format, enum, pattern, minLength, maxLength, minimum and
// maximum (and the annotations that check nothing).
func newFastParam(p *openapi3.Parameter) (fastParam, bool) {
	if p.Content != nil || p.Schema == nil || p.Schema.Value == nil || p.AllowEmptyValue {
		return fastParam{}, false
	}
	name := p.Name
	switch p.In {
	case openapi3.ParameterInPath, openapi3.ParameterInHeader:
		if p.Style != "" && p.Style != openapi3.SerializationSimple {
			return fastParam{}, false
		}
		if p.In == openapi3.ParameterInHeader {
			name = http.CanonicalHeaderKey(name)
		}
	case openapi3.ParameterInQuery:
		if p.Style != "" && p.Style != openapi3.SerializationForm {
			return fastParam{}, false
		}
	default:
		return fastParam{}, false
	}
	v, ok := newFastValue(p.Schema.Value)
	if !ok {
		return fastParam{}, false
	}
	return fastParam{in: p.In, name: name, required: p.Required, value: v}, true
}

// newFastValue returns the check of a value of schema s; false when s
// constrains more than the fast path checks.
func newFastValue(s *openapi3.Schema) (fastValue, bool) {
	types := s.Type.Slice()
	if len(types) != 1 {
		return fastValue{}, false
	}
	// What is left of s once the constraints checked here, and the
	// annotations, are taken away must check nothing at all.
	rest := *s
	rest.Extensions, rest.Type, rest.Format, rest.Enum, rest.Pattern = nil, nil, "", nil, ""
	rest.MinLength, rest.MaxLength, rest.Min, rest.Max = 0, nil, nil, nil
	rest.Default, rest.Example, rest.Title, rest.Description, rest.Deprecated = nil, nil, "", "", false
	rest.ExternalDocs = nil
	if !rest.IsEmpty() {
		return fastValue{}, false
	}
	v := fastValue{typ: types[0], min: s.Min, max: s.Max}
	switch v.typ {
	case openapi3.TypeString:
		if s.Min != nil || s.Max != nil {
			return fastValue{}, false
		}
		v.minLength, v.maxLength = s.MinLength, s.MaxLength
		for _, e := range s.Enum {
			str, ok := e.(string)
			if !ok {
				return fastValue{}, false
			}
			v.enum = append(v.enum, str)
		}
		if s.Pattern != "" {
			// kin-openapi rewrites \uXXXX for Go first; such a pattern is
			// left to it.
			if strings.Contains(s.Pattern, `\u`) {
				return fastValue{}, false
			}
			re, err := regexp.Compile(s.Pattern)
			if err != nil {
				return fastValue{}, false
			}
			v.pattern = re
		}
		if s.Format != "" {
			// kin-openapi checks a format it has a validator for, and
			// ignores the others.
			v.format = openapi3.SchemaStringFormats[s.Format]
		}
		return v, true
	case openapi3.TypeInteger:
		// The integer formats kin-openapi checks are int32's and int64's
		// ranges, which the parse checks.
		v.bits = 64
		switch s.Format {
		case "int32":
			v.bits = 32
		case "", "int64":
		default:
			if _, checked := openapi3.SchemaIntegerFormats[s.Format]; checked {
				return fastValue{}, false
			}
		}
	case openapi3.TypeNumber:
		if _, checked := openapi3.SchemaNumberFormats[s.Format]; checked && s.Format != "" {
			return fastValue{}, false
		}
	case openapi3.TypeBoolean:
		if s.Min != nil || s.Max != nil {
			return fastValue{}, false
		}
	default:
		return fastValue{}, false
	}
	if len(s.Enum) > 0 || s.Pattern != "" || s.MinLength != 0 || s.MaxLength != nil {
		return fastValue{}, false
	}
	return v, true
}

// valid reports whether every parameter of r is plainly valid: present
// once and non-empty, or absent and not required, with a value that its
// schema accepts. pathParams are the path's values, unescaped. False
// means "ask kin-openapi", not "invalid".
func (fp *fastParams) valid(r *http.Request, pathParams map[string]string) bool {
	var query url.Values
	if fp.query && r.URL.RawQuery != "" {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return false
		}
		query = q
	}
	for i := range fp.params {
		p := &fp.params[i]
		var values []string
		switch p.in {
		case openapi3.ParameterInPath:
			if v, ok := pathParams[p.name]; ok {
				values = []string{v}
			}
		case openapi3.ParameterInQuery:
			values = query[p.name]
		case openapi3.ParameterInHeader:
			values = r.Header[p.name]
		}
		switch {
		case len(values) == 0:
			if p.required {
				return false
			}
		case len(values) > 1 || values[0] == "":
			return false
		case !p.value.valid(values[0]):
			return false
		}
	}
	return true
}

// valid reports whether raw, a parameter's value as sent, is plainly
// valid: kin-openapi parses it as the schema's type and finds no problem.
func (v *fastValue) valid(raw string) bool {
	switch v.typ {
	case openapi3.TypeString:
		return v.validString(raw)
	case openapi3.TypeInteger:
		n, err := strconv.ParseInt(raw, 10, v.bits)
		return err == nil && v.inRange(float64(n))
	case openapi3.TypeNumber:
		// kin-openapi's own filter: no hexadecimal, underscores,
		// infinities or NaN.
		if strings.ContainsFunc(raw, func(r rune) bool { return !strings.ContainsRune("+-.0123456789eE", r) }) {
			return false
		}
		f, err := strconv.ParseFloat(raw, 64)
		return err == nil && v.inRange(f)
	case openapi3.TypeBoolean:
		_, err := strconv.ParseBool(raw)
		return err == nil
	}
	return false
}

// validString checks a string's enum, length, pattern and format.
func (v *fastValue) validString(s string) bool {
	if len(v.enum) > 0 {
		found := false
		for _, e := range v.enum {
			if e == s {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if v.minLength != 0 || v.maxLength != nil {
		// As kin-openapi counts: UTF-16 code units.
		var n uint64
		for _, r := range s {
			if utf16.IsSurrogate(r) {
				n += 2
			} else {
				n++
			}
		}
		if n < v.minLength || v.maxLength != nil && n > *v.maxLength {
			return false
		}
	}
	if v.pattern != nil && !v.pattern.MatchString(s) {
		return false
	}
	return v.format == nil || v.format.Validate(s) == nil
}

// inRange checks a number against minimum and maximum.
func (v *fastValue) inRange(f float64) bool {
	return (v.min == nil || *v.min <= f) && (v.max == nil || f <= *v.max)
}
