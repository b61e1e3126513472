package validate

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/gen/server"
	"github.com/axa-assistance-go/axa/internal/schemaerr"
	"github.com/axa-assistance-go/axa/internal/specmedia"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
)

// problemsOf turns what kin-openapi's ValidateRequest returned in its
// multi-error mode into the spec's Problems, one per failure: where (the
// parameter, or body and the JSON pointer of the value) and a short why,
// never the schema or the value. ok is false when err holds a failure
// that is not about a parameter or the body.
func problemsOf(err error) (problems []gen.Problem, ok bool) {
	ok = true
	var walk func(err error)
	walk = func(err error) {
		// Not errors.As: a MultiError answers As with its first
		// element, and a RequestError wraps the MultiError of its schema.
		if me, isMulti := err.(openapi3.MultiError); isMulti { //nolint:errorlint // see above
			for _, e := range me {
				walk(e)
			}
			return
		}
		var re *openapi3filter.RequestError
		if !errors.As(err, &re) {
			ok = false
			return
		}
		problems = append(problems, requestProblems(re)...)
	}
	if err != nil {
		walk(err)
	}
	return problems, ok
}

// requestProblems are the problems of one parameter or of the body.
func requestProblems(re *openapi3filter.RequestError) []gen.Problem {
	var where []string
	switch {
	case re.Parameter != nil:
		where = []string{re.Parameter.In, re.Parameter.Name}
	case re.RequestBody != nil:
		where = []string{"body"}
	default:
		where = []string{"request"}
	}
	if re.RequestBody != nil && re.Err == nil && strings.HasPrefix(re.Reason, "header Content-Type") {
		types := make([]string, 0, len(re.RequestBody.Content))
		for t := range re.RequestBody.Content {
			types = append(types, t)
		}
		slices.Sort(types)
		return []gen.Problem{{Location: "header/Content-Type", Message: "must be " + strings.Join(types, " or ")}}
	}
	schemaErrs := schemaerr.Collect(re.Err)
	if len(schemaErrs) > 0 {
		out := make([]gen.Problem, 0, len(schemaErrs))
		for _, se := range schemaErrs {
			out = append(out, gen.Problem{Location: pointer(append(slices.Clone(where), se.JSONPointer()...)), Message: schemaMessage(se)})
		}
		return out
	}
	if re.RequestBody != nil && re.Reason == "failed to decode request body" {
		// A part of a multipart body that does not read as its schema
		// says is at the part's name.
		var pe *openapi3filter.ParseError
		if errors.As(re.Err, &pe) {
			for _, seg := range pe.Path() {
				where = append(where, fmt.Sprint(seg))
			}
		}
	}
	return []gen.Problem{{Location: pointer(where), Message: requestMessage(re)}}
}

// requestMessage says why a parameter or body failed, when no schema
// error says it.
func requestMessage(re *openapi3filter.RequestError) string {
	var pe *openapi3filter.ParseError
	switch {
	case errors.Is(re.Err, openapi3filter.ErrInvalidRequired):
		return "required"
	case errors.Is(re.Err, openapi3filter.ErrInvalidEmptyValue):
		return "must not be empty"
	case re.RequestBody != nil && re.Reason == "failed to decode request body":
		return undecodable(re)
	case errors.As(re.Err, &pe):
		return parseMessage(pe)
	}
	reason := re.Reason
	if reason == "" && re.Err != nil {
		reason = re.Err.Error()
	}
	return cleanReason(reason)
}

// parseMessage says what a value kin-openapi could not parse must be.
func parseMessage(pe *openapi3filter.ParseError) string {
	for p := pe; p != nil; {
		if kind, ok := strings.CutPrefix(p.Reason, "an invalid "); ok {
			return "must be " + article(kind) + " " + kind
		}
		var next *openapi3filter.ParseError
		if !errors.As(p.Cause, &next) {
			break
		}
		p = next
	}
	return "is not in the expected format"
}

// undecodable says why a body could not be read as its media type.
func undecodable(re *openapi3filter.RequestError) string {
	ct := ""
	if re.Input != nil && re.Input.Request != nil {
		ct = re.Input.Request.Header.Get("Content-Type")
	}
	switch kind := specmedia.Kind(ct); kind {
	case gen.KindJSON, gen.KindNone:
		return "not valid JSON"
	case gen.KindMultipart:
		var pe *openapi3filter.ParseError
		if errors.As(re.Err, &pe) && len(pe.Path()) > 0 {
			return parseMessage(pe) // a part of the form
		}
		return "not a valid multipart/form-data body"
	}
	return "cannot be read as " + specmedia.Base(ct)
}

// schemaMessage says, shortly, why a value fails its schema.
func schemaMessage(se *openapi3.SchemaError) string {
	s := se.Schema
	if s == nil {
		return cleanReason(se.Reason)
	}
	switch se.SchemaField {
	case "required":
		return "required"
	case "enum":
		if len(s.Enum) > maxEnumInMessage {
			return fmt.Sprintf("must be one of the %d values the API lists", len(s.Enum))
		}
		values := make([]string, len(s.Enum))
		for i, v := range s.Enum {
			values[i] = fmt.Sprint(v)
		}
		return "must be one of " + strings.Join(values, ", ")
	case "minItems":
		return fmt.Sprintf("must be at least %d %s", s.MinItems, plural(s.MinItems, "item"))
	case "maxItems":
		if s.MaxItems != nil {
			return fmt.Sprintf("must be at most %d %s", *s.MaxItems, plural(*s.MaxItems, "item"))
		}
	case "minLength":
		return fmt.Sprintf("must be at least %d %s", s.MinLength, plural(s.MinLength, "character"))
	case "maxLength":
		if s.MaxLength != nil {
			return fmt.Sprintf("must be at most %d %s", *s.MaxLength, plural(*s.MaxLength, "character"))
		}
	case "format":
		return "must be a valid " + s.Format
	case "pattern":
		if len(s.Pattern) <= maxPatternInMessage {
			return "must match the pattern " + s.Pattern
		}
		return "is not in the expected format"
	case "uniqueItems":
		return "must not repeat an item"
	case "nullable":
		return "must not be null"
	}
	return cleanReason(se.Reason)
}

// maxEnumInMessage is how many allowed values a message lists; a
// pattern longer than maxPatternInMessage bytes is not quoted.
const (
	maxEnumInMessage    = 12
	maxPatternInMessage = 40
)

// cleanReason is the first line of one of kin-openapi's reasons, without
// the subject it starts with ("value must be a string": "must be a
// string").
func cleanReason(reason string) string {
	reason, _, _ = strings.Cut(reason, "\n")
	for _, subject := range []string{"value ", "number ", "string ", "property "} {
		if rest, ok := strings.CutPrefix(reason, subject); ok && strings.HasPrefix(rest, "must ") {
			reason = rest
			break
		}
	}
	if reason == "" {
		return "does not match the API's contract"
	}
	return reason
}

// plural is noun for n of them.
func plural(n uint64, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}

// article is the indefinite article of a noun.
func article(noun string) string {
	if noun != "" && strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an"
	}
	return "a"
}

// maxSegment is how many runes of a name a location keeps.
const maxSegment = 64

// pointer joins a location's segments: the first ("body", "query", ...)
// as it is, the others escaped as in a JSON pointer (RFC 6901: "~0" for
// "~", "~1" for "/"). A name longer than maxSegment runes is cut there
// and marked "…": the location of a 5,000-character name is not worth
// 5,000 characters.
func pointer(segments []string) string {
	var b strings.Builder
	for i, s := range segments {
		if i > 0 {
			b.WriteByte('/')
			if utf8.RuneCountInString(s) > maxSegment {
				s = string([]rune(s)[:maxSegment]) + "…"
			}
			s = strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
		}
		b.WriteString(s)
	}
	return b.String()
}

// locationOrder is where a location's problems come: parameters first, in
// the order a request is written, then the body.
var locationOrder = map[string]int{"path": 0, "query": 1, "header": 2, "cookie": 3, "body": 4}

// sortProblems orders problems by location (its first segment as
// locationOrder says, array indexes as numbers) and drops repeated ones.
func sortProblems(problems []gen.Problem) []gen.Problem {
	slices.SortStableFunc(problems, func(a, b gen.Problem) int {
		as, bs := strings.Split(a.Location, "/"), strings.Split(b.Location, "/")
		if c := cmp.Compare(rank(as[0]), rank(bs[0])); c != 0 {
			return c
		}
		for i := 0; i < len(as) && i < len(bs); i++ {
			an, aErr := strconv.Atoi(as[i])
			bn, bErr := strconv.Atoi(bs[i])
			if aErr == nil && bErr == nil {
				if c := cmp.Compare(an, bn); c != 0 {
					return c
				}
				continue
			}
			if c := strings.Compare(as[i], bs[i]); c != 0 {
				return c
			}
		}
		return cmp.Compare(len(as), len(bs))
	})
	return slices.Compact(problems)
}

// rank is a location's first segment's place in locationOrder, unknown
// ones last.
func rank(first string) int {
	if r, ok := locationOrder[first]; ok {
		return r
	}
	return len(locationOrder)
}

// bindProblem is the problem of a parameter the generated router could not
// bind, where the spec puts it for the request's operation (reqctx); false
// when err is not about a parameter of it.
func bindProblem(r *http.Request, err error) (gen.Problem, bool) {
	var (
		name, message string
		invalid       *server.InvalidParamFormatError
		unmarshaling  *server.UnmarshalingParamError
		required      *server.RequiredParamError
		header        *server.RequiredHeaderError
		tooMany       *server.TooManyValuesForParamError
	)
	switch {
	case errors.As(err, &required):
		name, message = required.ParamName, "required"
	case errors.As(err, &header):
		name, message = header.ParamName, "required"
	case errors.As(err, &tooMany):
		name, message = tooMany.ParamName, "must be sent once"
	case errors.As(err, &invalid):
		name, message = invalid.ParamName, "is not in the expected format"
	case errors.As(err, &unmarshaling):
		name, message = unmarshaling.ParamName, "is not in the expected format"
	default:
		return gen.Problem{}, false
	}
	doc, ok := gen.LookupOperationDoc(reqctx.Operation(r.Context()))
	if !ok {
		return gen.Problem{}, false
	}
	for _, p := range doc.Parameters {
		if p.Name == name || p.In == "header" && strings.EqualFold(p.Name, name) {
			return gen.Problem{Location: pointer([]string{p.In, p.Name}), Message: message}, true
		}
	}
	return gen.Problem{}, false
}
