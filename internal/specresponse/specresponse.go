// Package specresponse validates one answer of the API against the spec with
// kin-openapi and says where it breaks it, as structured failures: the
// status, a header, or a JSON pointer into the body, each with what the spec
// expects there and what came. axatest's CheckResponse and the conformance
// run both validate through it, so that they agree on what conforms.
package specresponse

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/specmedia"
)

// Failure is one way an answer breaks the spec.
type Failure struct {
	// Pointer is where: "status", "header/Name", a JSON pointer into the
	// body ("/premium/amount"), or "body" for the body as a whole.
	Pointer string
	// Expected is what the spec asks for there ("type string", "required
	// property", "one of: low, moderate", "one of the statuses 200, 401");
	// Got is what came, shortened, with the value of every member named as
	// a secret (access_token, refresh_token, client_secret, ...) Redacted.
	Expected, Got string
	// Reason is kin-openapi's reason, in a few words; it never holds the
	// value itself.
	Reason string
}

// String returns the failure on one line.
func (f Failure) String() string {
	s := f.Pointer + ": " + f.Reason
	if f.Expected != "" {
		s += "; expected " + f.Expected
	}
	if f.Got != "" {
		s += ", got " + f.Got
	}
	return s
}

// Error is an answer that breaks the spec: its failures, at least one.
type Error struct {
	// Operation is the operationId of the answered operation.
	Operation string
	// Failures are where and how, in the order kin-openapi found them.
	Failures []Failure
}

// Error implements error: the first failure, and how many others.
func (e *Error) Error() string {
	if len(e.Failures) == 0 {
		return "response does not match the spec"
	}
	s := e.Failures[0].String()
	if n := len(e.Failures) - 1; n > 0 {
		s += fmt.Sprintf(" (and %d more)", n)
	}
	return s
}

// maxGot bounds the length of Failure.Got, in bytes.
const maxGot = 120

// Check validates one answer to req against the spec routed by router: the
// status must be documented, the headers the spec declares must be present
// when required and match their schemas, and the body must match its
// media type's schema. A success the spec documents without content must
// come without a body; an answer of a binary media type (a PDF, an image:
// anything but JSON) is checked for its media type, and for the signature
// of a PDF, PNG, GIF, JPEG or ZIP document. An answer that breaks the spec
// is an *Error; an error of another type means the request itself has no
// route.
func Check(router routers.Router, req *http.Request, status int, header http.Header, body []byte) error {
	// Route on the path alone, whatever host the request went to.
	req = req.Clone(req.Context())
	req.URL = &url.URL{Path: req.URL.Path, RawPath: req.URL.RawPath, RawQuery: req.URL.RawQuery}
	req.Host = ""
	route, params, err := router.FindRoute(req)
	if err != nil {
		return fmt.Errorf("specresponse: %s %s: %w", req.Method, req.URL.Path, err)
	}
	// The answer's binary media types (an HTML page, a PDF) are read as
	// bytes; kin-openapi has no decoder for most and would refuse them.
	specmedia.RegisterDecoders(route.Operation)
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status:  status,
		Header:  header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	verr := openapi3filter.ValidateResponse(context.Background(), in)
	var fs []Failure
	if verr != nil {
		fs = failures(route.Operation, status, header, verr)
	}
	if req.Method != http.MethodHead {
		fs = append(fs, contentFailures(route.Operation, status, header, body)...)
	}
	if len(fs) == 0 {
		return nil
	}
	return &Error{Operation: route.Operation.OperationID, Failures: fs}
}

// maxSignatureShown bounds the bytes of a binary body a failure shows.
const maxSignatureShown = 16

// contentFailures checks what kin-openapi does not: a success documented
// without content that carries a body, and a binary answer whose bytes
// are not a document of its media type (specmedia.Signature).
func contentFailures(op *openapi3.Operation, status int, header http.Header, body []byte) []Failure {
	ref := op.Responses.Status(status)
	if ref == nil || ref.Value == nil {
		return nil
	}
	content := ref.Value.Content
	if len(content) == 0 {
		if status >= 200 && status < 300 && len(body) > 0 {
			return []Failure{{Pointer: "body", Reason: "a body where the spec documents none", Expected: "no content",
				Got: fmt.Sprintf("%d bytes", len(body))}}
		}
		return nil
	}
	ct := header.Get("Content-Type")
	if content.Get(ct) == nil || specmedia.Kind(ct) != gen.KindBinary {
		return nil
	}
	if want, ok := specmedia.Signature(ct, body); !ok {
		shown := body[:min(len(body), maxSignatureShown)]
		return []Failure{{Pointer: "body", Reason: "not a document of its media type " + specmedia.Base(ct), Expected: want,
			Got: shorten(strconv.QuoteToASCII(string(shown)))}}
	}
	return nil
}

var headerReason = regexp.MustCompile(`^(?:response header|unable to decode header) "([^"]+)"`)

// failures turns kin-openapi's error into failures.
func failures(op *openapi3.Operation, status int, header http.Header, err error) []Failure {
	var re *openapi3filter.ResponseError
	if !errors.As(err, &re) {
		return []Failure{{Pointer: "body", Reason: firstLine(err.Error())}}
	}
	switch {
	case re.Reason == "status is not supported":
		return []Failure{{Pointer: "status", Reason: "status not documented",
			Expected: "one of the statuses " + strings.Join(Statuses(op), ", "), Got: strconv.Itoa(status)}}
	case strings.Contains(re.Reason, "response header Content-Type has unexpected value"):
		return []Failure{{Pointer: "header/Content-Type", Reason: "media type not documented",
			Expected: strings.Join(mediaTypes(op, status), ", "), Got: shorten(header.Get("Content-Type"))}}
	case strings.HasPrefix(re.Reason, "response header"), strings.HasPrefix(re.Reason, "unable to decode header"):
		name := ""
		if m := headerReason.FindStringSubmatch(re.Reason); m != nil {
			name = m[1]
		}
		f := Failure{Pointer: "header/" + name, Reason: re.Reason}
		if strings.HasSuffix(re.Reason, "missing") {
			f.Reason, f.Expected, f.Got = "required header missing", "present (required)", "absent"
			return []Failure{f}
		}
		if out := schemaFailures(re.Err, f.Pointer); len(out) > 0 {
			for i := range out {
				out[i].Got = shorten(header.Get(name))
			}
			return out
		}
		f.Got = shorten(header.Get(name))
		return []Failure{f}
	case re.Reason == "failed to decode response body":
		return []Failure{{Pointer: "body", Reason: "body cannot be decoded", Expected: header.Get("Content-Type"), Got: firstLine(errText(re.Err))}}
	}
	if out := schemaFailures(re.Err, ""); len(out) > 0 {
		return out
	}
	return []Failure{{Pointer: "body", Reason: firstLine(re.Reason)}}
}

// schemaFailures lists the schema errors in err (one, or a MultiError of
// them), under prefix: "" for the body, "header/Name" for a header.
func schemaFailures(err error, prefix string) []Failure {
	var out []Failure
	var walk func(error)
	walk = func(err error) {
		var me openapi3.MultiError
		if errors.As(err, &me) {
			for _, e := range me {
				walk(e)
			}
			return
		}
		var se *openapi3.SchemaError
		if !errors.As(err, &se) {
			if err != nil {
				out = append(out, Failure{Pointer: orBody(prefix), Reason: firstLine(err.Error())})
			}
			return
		}
		out = append(out, schemaFailure(se, prefix))
	}
	walk(err)
	return out
}

// schemaFailure is one schema error as a failure.
func schemaFailure(se *openapi3.SchemaError, prefix string) Failure {
	path := se.JSONPointer()
	got := gotOf(redactSecrets(se.Value))
	if len(path) > 0 && secretName(path[len(path)-1]) {
		got = Redacted
	}
	f := Failure{Pointer: orBody(prefix + pointer(path)), Reason: se.Reason, Got: got}
	s := se.Schema
	if s == nil {
		return f
	}
	switch se.SchemaField {
	case "required":
		f.Expected, f.Got = "required property", "absent"
	case "type":
		f.Expected = "type " + strings.Join(s.Type.Slice(), " or ")
		if s.Nullable {
			f.Expected += " or null"
		}
	case "enum":
		vals := make([]string, 0, len(s.Enum))
		for _, v := range s.Enum {
			vals = append(vals, fmt.Sprint(v))
		}
		f.Expected = "one of: " + strings.Join(vals, ", ")
	case "pattern":
		f.Expected = "pattern " + s.Pattern
	case "format":
		f.Expected = "format " + s.Format
	case "additionalProperties":
		f.Expected, f.Got = "no other property", "a property the schema does not have"
	case "minimum", "exclusiveMinimum":
		if s.Min != nil {
			f.Expected = "minimum " + strconv.FormatFloat(*s.Min, 'g', -1, 64)
		}
	case "maximum", "exclusiveMaximum":
		if s.Max != nil {
			f.Expected = "maximum " + strconv.FormatFloat(*s.Max, 'g', -1, 64)
		}
	case "minLength":
		f.Expected = fmt.Sprintf("at least %d characters", s.MinLength)
	case "maxLength":
		if s.MaxLength != nil {
			f.Expected = fmt.Sprintf("at most %d characters", *s.MaxLength)
		}
	case "minItems":
		f.Expected = fmt.Sprintf("at least %d items", s.MinItems)
	case "maxItems":
		if s.MaxItems != nil {
			f.Expected = fmt.Sprintf("at most %d items", *s.MaxItems)
		}
	default:
		f.Expected = se.SchemaField
	}
	return f
}

// Statuses returns the statuses op documents, sorted ("default" last).
func Statuses(op *openapi3.Operation) []string {
	if op == nil || op.Responses == nil {
		return nil
	}
	var out []string
	for code := range op.Responses.Map() {
		out = append(out, code)
	}
	slices.Sort(out)
	return out
}

// mediaTypes returns the media types op documents for status.
func mediaTypes(op *openapi3.Operation, status int) []string {
	r := op.Responses.Status(status)
	if r == nil {
		r = op.Responses.Default()
	}
	if r == nil || r.Value == nil {
		return nil
	}
	out := make([]string, 0, len(r.Value.Content))
	for mt := range r.Value.Content {
		out = append(out, mt)
	}
	slices.Sort(out)
	return out
}

// pointer makes a JSON pointer (RFC 6901) of path.
func pointer(path []string) string {
	var b strings.Builder
	for _, p := range path {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(p))
	}
	return b.String()
}

func orBody(p string) string {
	if p == "" {
		return "body"
	}
	return p
}

// Redacted stands for a secret in Failure.Got.
const Redacted = "[redacted]"

// secretName reports whether a JSON member of that name holds a secret:
// a token (access_token, refresh_token, id_token), a secret, a password,
// an authorization code or its PKCE verifier.
func secretName(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "token") || strings.Contains(n, "secret") || strings.Contains(n, "password") ||
		n == "code" || n == "code_verifier" || n == "assertion"
}

// redactSecrets returns v with the value of every member named as a
// secret (secretName), at any depth, replaced by Redacted: a failure's Got
// shows the value that broke the schema, which may be an object or array
// holding tokens.
func redactSecrets(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			if secretName(k) {
				out[k] = Redacted
			} else {
				out[k] = redactSecrets(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = redactSecrets(e)
		}
		return out
	}
	return v
}

// gotOf shows a value the way JSON writes it, shortened.
func gotOf(v any) string {
	if v == nil {
		return "null"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%T", v)
	}
	return shorten(string(b))
}

func shorten(s string) string {
	if len(s) <= maxGot {
		return s
	}
	cut := maxGot
	for cut > 0 && (s[cut]&0xC0) == 0x80 { // do not cut a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…"
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
