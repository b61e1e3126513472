package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/axa-assistance-go/axa/internal/specenv"
)

// table is what the generated files declare.
type table struct {
	SpecVersion string
	Scopes      []scope
	Operations  []operation
	// Environments are the spec's servers with their authorization servers.
	Environments []specenv.Environment
	// TokenPath, AuthorizePath and RevocationPath are the paths of the
	// local sandbox's (the loopback environment's) authorization server
	// endpoints: where the operations tagged oauth are served.
	TokenPath, AuthorizePath, RevocationPath string
}

type scope struct {
	GoName      string
	Value       string
	Description string
}

type operation struct {
	GoName string
	ID     string
	Method string
	Path   string
	// Security is nil when the operation needs no authentication.
	Security []requirement
	// AuthorizationServer reports that the operation is the authorization
	// server's (tag oauthTag), not the API's.
	AuthorizationServer bool

	Summary, Description string
	Tags                 []string
	Params               []param
	// Body is the JSON request body, nil without one.
	Body *body
	// Success is the first 2xx status the operation answers, with its
	// JSON example (compact), empty when the spec gives none.
	Success        int
	SuccessExample string
	// Successes are every 2xx answer the spec documents, in status order.
	Successes []success
	// Deprecated is the operation's deprecated flag; DeprecatedReason its
	// x-deprecated-reason, empty without one.
	Deprecated       bool
	DeprecatedReason string
	// Pagination says how the operation pages its answer, nil when it
	// does not (see paginationOf).
	Pagination *pagination
}

// success is one 2xx answer of an operation.
type success struct {
	Status int
	// Kind is what the answer carries: kindJSON, kindNone (no content) or
	// kindBinary (any other media type, streamed).
	Kind string
	// ContentType is the media type: application/json (or a +json
	// type), the binary one (the first the spec lists), empty for none.
	ContentType string
	// Schema is the component schema of a JSON answer, empty when inline.
	Schema string
	// Example is its example, compact JSON, for a JSON answer.
	Example string
}

// pagination is a cursor-paginated list: the query parameter that takes
// the cursor, the array property of the answer that holds a page's items,
// the string property that holds the next page's cursor (empty or absent
// on the last page).
type pagination struct {
	Cursor, Items, Next string
}

// The kinds of bodies and answers.
const (
	kindJSON      = "json"      // application/json, or a +json type
	kindNone      = "none"      // no content
	kindBinary    = "binary"    // any other media type, as bytes
	kindMultipart = "multipart" // multipart/form-data
	kindForm      = "form"      // application/x-www-form-urlencoded
)

// param is one parameter of an operation, path item parameters included.
type param struct {
	Name, In, Description string
	Required              bool
	// Type is the JSON schema type ("string", "integer", "number",
	// "boolean", "array"); Items the type of an array's elements.
	Type, Format, Items string
	Enum                []string
	Default             string
	// CommaSeparated is an array in the query whose values go in one
	// comma-separated value (style form, explode false), not repeated.
	CommaSeparated bool
	// Deprecated is the parameter's deprecated flag.
	Deprecated bool
}

// body is an operation's request body.
type body struct {
	Required bool
	// ContentType is the media type sent: the first of the spec's in the
	// order application/json, a +json type, multipart/form-data, a form,
	// any other; Kind says which of those it is (kindJSON, kindMultipart,
	// kindForm, kindBinary).
	ContentType, Kind string
	Schema            string // the component schema's name, empty when inline
	Description       string
}

// oauthTag marks the operations of the authorization server: in the table
// and the matcher, left out of the SDK's methods and the sandbox's
// example answers.
const oauthTag = "oauth"

// The media types of request bodies: the API's, and the authorization
// server's (RFC 6749 section 3.2).
const (
	jsonType      = "application/json"
	formType      = "application/x-www-form-urlencoded"
	multipartType = "multipart/form-data"
)

// requirement is one security requirement object: all of its schemes, each
// with all of its scopes.
type requirement []schemeScopes

type schemeScopes struct {
	Scheme string
	Scopes []scope
}

func loadSpec(path string) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	// Examples and formats are checked by the contract tests; the generator
	// only needs a structurally valid document.
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("validate %s: %w", path, err)
	}
	return doc, nil
}

// buildTable extracts the scope table from a loaded document. It fails on an
// operation without an operationId, on a scope that no flow of its scheme
// declares and on names that would collide in Go.
func buildTable(doc *openapi3.T) (*table, error) {
	t := &table{}
	if doc.Info != nil {
		t.SpecVersion = doc.Info.Version
	}

	declared := map[string]map[string]string{} // scheme → scope → description
	if doc.Components != nil {
		names := make([]string, 0, len(doc.Components.SecuritySchemes))
		for name := range doc.Components.SecuritySchemes {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			ref := doc.Components.SecuritySchemes[name]
			scopes := map[string]string{}
			declared[name] = scopes
			if ref.Value == nil || ref.Value.Flows == nil {
				continue
			}
			f := ref.Value.Flows
			for _, flow := range []*openapi3.OAuthFlow{f.ClientCredentials, f.Password, f.AuthorizationCode, f.Implicit} {
				if flow == nil {
					continue
				}
				for s, desc := range flow.Scopes {
					// Flows are visited in a fixed order: the first
					// non-empty description wins, the same on every run.
					if scopes[s] == "" {
						scopes[s] = desc
					}
				}
			}
		}
	}

	byValue := map[string]scope{}
	goNames := map[string]string{}
	schemeNames := make([]string, 0, len(declared))
	for name := range declared {
		schemeNames = append(schemeNames, name)
	}
	slices.Sort(schemeNames)
	for _, name := range schemeNames {
		scopes := declared[name]
		values := make([]string, 0, len(scopes))
		for v := range scopes {
			values = append(values, v)
		}
		slices.Sort(values)
		for _, value := range values {
			desc := scopes[value]
			if _, ok := byValue[value]; ok {
				continue
			}
			name := "Scope" + goIdentifier(strings.TrimPrefix(value, "urn:axa.assistance."))
			if other, clash := goNames[name]; clash {
				return nil, fmt.Errorf("scopes %q and %q both map to Go name %s", other, value, name)
			}
			goNames[name] = value
			byValue[value] = scope{GoName: name, Value: value, Description: oneLine(desc)}
		}
	}
	for _, s := range byValue {
		t.Scopes = append(t.Scopes, s)
	}
	slices.SortFunc(t.Scopes, func(a, b scope) int { return strings.Compare(a.Value, b.Value) })

	var errs []error
	opNames := map[string]string{}
	if doc.Paths != nil {
		for _, path := range doc.Paths.InMatchingOrder() {
			item := doc.Paths.Value(path)
			for method, op := range item.Operations() {
				where := method + " " + path
				if op.OperationID == "" {
					errs = append(errs, fmt.Errorf("%s has no operationId", where))
					continue
				}
				name := "Operation" + goIdentifier(op.OperationID)
				if other, clash := opNames[name]; clash {
					errs = append(errs, fmt.Errorf("operationIds %q and %q both map to Go name %s", other, op.OperationID, name))
					continue
				}
				opNames[name] = op.OperationID

				reqs := doc.Security
				if op.Security != nil {
					reqs = *op.Security
				}
				o := operation{GoName: name, ID: op.OperationID, Method: method, Path: path,
					Summary: oneLine(op.Summary), Description: strings.TrimSpace(op.Description), Tags: slices.Clone(op.Tags),
					AuthorizationServer: slices.Contains(op.Tags, oauthTag)}
				if err := describe(&o, item, op); err != nil {
					errs = append(errs, fmt.Errorf("%s (%s): %w", op.OperationID, where, err))
				}
				for _, req := range reqs {
					var r requirement
					schemes := make([]string, 0, len(req))
					for s := range req {
						schemes = append(schemes, s)
					}
					slices.Sort(schemes)
					for _, s := range schemes {
						known, ok := declared[s]
						if !ok {
							errs = append(errs, fmt.Errorf("%s (%s) names undeclared security scheme %q", op.OperationID, where, s))
							continue
						}
						ss := schemeScopes{Scheme: s}
						for _, v := range req[s] {
							if _, ok := known[v]; !ok {
								errs = append(errs, fmt.Errorf("%s (%s) needs scope %q, which security scheme %q does not declare", op.OperationID, where, v, s))
								continue
							}
							ss.Scopes = append(ss.Scopes, byValue[v])
						}
						r = append(r, ss)
					}
					o.Security = append(o.Security, r)
				}
				t.Operations = append(t.Operations, o)
			}
		}
	}
	envs, probs := specenv.Parse(doc)
	for _, p := range probs {
		errs = append(errs, fmt.Errorf("%s", p))
	}
	t.Environments = envs
	if local, ok := specenv.Local(envs); ok {
		t.TokenPath, t.AuthorizePath, t.RevocationPath = local.Path(local.TokenEndpoint), local.Path(local.AuthorizationEndpoint), local.Path(local.RevocationEndpoint)
	} else if len(probs) == 0 {
		errs = append(errs, errors.New("servers: want exactly one environment on loopback, the local sandbox, whose authorization server serves the oauth operations"))
	}
	if t.TokenPath == "" && len(errs) == 0 {
		errs = append(errs, errors.New("servers: the local sandbox's environment names no token_endpoint"))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	slices.SortFunc(t.Operations, func(a, b operation) int { return strings.Compare(a.ID, b.ID) })
	return t, nil
}

// goIdentifier turns "travel.countries.read_only" or "getVersion" into an
// exported Go identifier: "TravelCountriesReadOnly", "GetVersion".
func goIdentifier(s string) string {
	var b strings.Builder
	upper := true
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			upper = true
			continue
		}
		if upper {
			r = unicode.ToUpper(r)
			upper = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// describe fills what an operation takes and answers: its parameters (the
// path item's first, an operation's own replacing one of the same name and
// place), its JSON body and its first success with its example.
func describe(o *operation, item *openapi3.PathItem, op *openapi3.Operation) error {
	var params []param
	for _, list := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, ref := range list {
			p := ref.Value
			if p == nil {
				continue
			}
			np := param{Name: p.Name, In: p.In, Description: oneLine(p.Description), Required: p.Required, Deprecated: p.Deprecated}
			if p.In == openapi3.ParameterInCookie {
				return fmt.Errorf("%s: cookie parameter %s: the SDK sends path, query and header parameters only; send it as a header parameter instead", o.ID, p.Name)
			}
			if p.Schema != nil && p.Schema.Value != nil {
				sc := p.Schema.Value
				np.Type = schemaType(sc)
				np.Format = sc.Format
				if sc.Items != nil && sc.Items.Value != nil {
					np.Items = schemaType(sc.Items.Value)
					if np.Enum == nil {
						np.Enum = enumStrings(sc.Items.Value.Enum)
					}
				}
				if e := enumStrings(sc.Enum); e != nil {
					np.Enum = e
				}
				if sc.Default != nil {
					np.Default = fmt.Sprint(sc.Default)
				}
				if np.Description == "" {
					np.Description = oneLine(sc.Description)
				}
			}
			if np.Type == "array" && np.In == openapi3.ParameterInQuery {
				// Query arrays are sent in the form style: repeated
				// (explode, the default) or comma-separated.
				if p.Style != "" && p.Style != openapi3.SerializationForm {
					return fmt.Errorf("%s: query parameter %s: style %q: only the form style of an array is sent by the SDK's Invoke and the CLI", o.ID, p.Name, p.Style)
				}
				np.CommaSeparated = p.Explode != nil && !*p.Explode
			}
			params = slices.DeleteFunc(params, func(q param) bool { return q.Name == np.Name && q.In == np.In })
			params = append(params, np)
		}
	}
	o.Params = params

	o.Deprecated = op.Deprecated
	if r, ok := op.Extensions["x-deprecated-reason"].(string); ok {
		o.DeprecatedReason = oneLine(r)
	}

	if op.RequestBody != nil && op.RequestBody.Value != nil {
		rb := op.RequestBody.Value
		ct := requestType(rb.Content)
		if ct == "" {
			return errors.New("a request body without content: give it a media type, or no requestBody")
		}
		if o.AuthorizationServer && ct != formType {
			return fmt.Errorf("a request body of %s: the authorization server's operations take %s", ct, formType)
		}
		mt := rb.Content.Get(ct)
		b := &body{Required: rb.Required, ContentType: ct, Kind: mediaKind(ct), Description: oneLine(rb.Description)}
		if mt.Schema != nil {
			b.Schema = schemaName(mt.Schema.Ref)
		}
		o.Body = b
	}

	if op.Responses != nil {
		codes := make([]string, 0, op.Responses.Len())
		for code := range op.Responses.Map() {
			codes = append(codes, code)
		}
		slices.Sort(codes)
		for _, code := range codes {
			if len(code) != 3 || code[0] != '2' {
				continue
			}
			status := 0
			if _, err := fmt.Sscanf(code, "%d", &status); err != nil {
				continue
			}
			s := success{Status: status, Kind: kindNone}
			if ref := op.Responses.Value(code); ref != nil && ref.Value != nil {
				if ct := responseType(ref.Value.Content); ct != "" {
					s.ContentType, s.Kind = ct, mediaKind(ct)
					if s.Kind != kindJSON {
						s.Kind = kindBinary
					}
					mt := ref.Value.Content.Get(ct)
					if s.Kind == kindJSON && mt != nil {
						ex, err := exampleOf(mt)
						if err != nil {
							return fmt.Errorf("the example of response %s: %w", code, err)
						}
						s.Example = ex
						if mt.Schema != nil {
							s.Schema = schemaName(mt.Schema.Ref)
						}
					}
				}
			}
			o.Successes = append(o.Successes, s)
		}
		if len(o.Successes) > 0 {
			o.Success, o.SuccessExample = o.Successes[0].Status, o.Successes[0].Example
		}
	}
	p, err := paginationOf(o, op)
	if err != nil {
		return err
	}
	o.Pagination = p
	return nil
}

// mediaKind says what kind of body a media type is.
func mediaKind(ct string) string {
	switch {
	case ct == jsonType || strings.HasSuffix(ct, "+json"):
		return kindJSON
	case ct == multipartType:
		return kindMultipart
	case ct == formType:
		return kindForm
	}
	return kindBinary
}

// requestType returns the media type of a request body the SDK sends: the
// first of application/json, a +json type, multipart/form-data, a form,
// then any other in name order; empty when there is none.
func requestType(content openapi3.Content) string {
	types := slices.Sorted(maps.Keys(content))
	for _, want := range []func(string) bool{
		func(ct string) bool { return ct == jsonType },
		func(ct string) bool { return strings.HasSuffix(ct, "+json") },
		func(ct string) bool { return ct == multipartType },
		func(ct string) bool { return ct == formType },
		func(string) bool { return true },
	} {
		for _, ct := range types {
			if want(ct) {
				return ct
			}
		}
	}
	return ""
}

// responseType returns the media type of an answer the SDK reads: JSON
// (application/json, then a +json type) before any other; empty for none.
func responseType(content openapi3.Content) string {
	types := slices.Sorted(maps.Keys(content))
	for _, ct := range types {
		if ct == jsonType {
			return ct
		}
	}
	for _, ct := range types {
		if strings.HasSuffix(ct, "+json") {
			return ct
		}
	}
	if len(types) > 0 {
		return types[0]
	}
	return ""
}

// paginationExtension declares how an operation pages its answer:
// {cursor: the query parameter, items: the answer's array property, next:
// its next-cursor property}.
const paginationExtension = "x-pagination"

// paginationOf returns how o pages its answer: as its x-pagination says,
// else recognised from its shape (a query parameter cursor or page_token,
// and a JSON object answer with one array property and a string
// next_cursor or next_page_token), nil when it does not page. A declared
// pagination that does not fit the operation is an error.
func paginationOf(o *operation, op *openapi3.Operation) (*pagination, error) {
	var first *openapi3.Schema
	if len(o.Successes) > 0 && o.Successes[0].Kind == kindJSON {
		if ref := op.Responses.Value(strconv.Itoa(o.Successes[0].Status)); ref != nil && ref.Value != nil {
			if mt := ref.Value.Content.Get(o.Successes[0].ContentType); mt != nil && mt.Schema != nil {
				first = mt.Schema.Value
			}
		}
	}
	queryParam := func(name string) bool {
		return slices.ContainsFunc(o.Params, func(p param) bool { return p.Name == name && p.In == openapi3.ParameterInQuery })
	}
	prop := func(name, typ string) bool {
		if first == nil || first.Properties[name] == nil || first.Properties[name].Value == nil {
			return false
		}
		return schemaType(first.Properties[name].Value) == typ
	}
	if raw, ok := op.Extensions[paginationExtension]; ok {
		m, _ := raw.(map[string]any)
		p := &pagination{}
		p.Cursor, _ = m["cursor"].(string)
		p.Items, _ = m["items"].(string)
		p.Next, _ = m["next"].(string)
		switch {
		case p.Cursor == "" || p.Items == "" || p.Next == "":
			return nil, fmt.Errorf("%s: want {cursor: a query parameter, items: an array property, next: a string property}", paginationExtension)
		case !queryParam(p.Cursor):
			return nil, fmt.Errorf("%s: cursor %q is not a query parameter of the operation", paginationExtension, p.Cursor)
		case !prop(p.Items, "array"):
			return nil, fmt.Errorf("%s: items %q is not an array property of the first success's JSON object", paginationExtension, p.Items)
		case !prop(p.Next, "string"):
			return nil, fmt.Errorf("%s: next %q is not a string property of the first success's JSON object", paginationExtension, p.Next)
		}
		return p, nil
	}
	if first == nil {
		return nil, nil
	}
	var arrays []string
	for name, ref := range first.Properties {
		if ref != nil && ref.Value != nil && schemaType(ref.Value) == "array" {
			arrays = append(arrays, name)
		}
	}
	if len(arrays) != 1 {
		return nil, nil
	}
	for _, c := range []struct{ cursor, next string }{{"cursor", "next_cursor"}, {"page_token", "next_page_token"}} {
		if queryParam(c.cursor) && prop(c.next, "string") {
			return &pagination{Cursor: c.cursor, Items: arrays[0], Next: c.next}, nil
		}
	}
	return nil, nil
}

// exampleOf returns a media type's example as compact JSON: its example,
// else its first named example, else its schema's example.
func exampleOf(mt *openapi3.MediaType) (string, error) {
	var v any
	switch {
	case mt.Example != nil:
		v = mt.Example
	case len(mt.Examples) > 0:
		names := make([]string, 0, len(mt.Examples))
		for n := range mt.Examples {
			names = append(names, n)
		}
		slices.Sort(names)
		if ex := mt.Examples[names[0]]; ex != nil && ex.Value != nil {
			v = ex.Value.Value
		}
	case mt.Schema != nil && mt.Schema.Value != nil && mt.Schema.Value.Example != nil:
		v = mt.Schema.Value.Example
	}
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// schemaType returns the one JSON type of a schema, empty when it has none
// or several.
func schemaType(s *openapi3.Schema) string {
	if s.Type == nil || len(s.Type.Slice()) != 1 {
		return ""
	}
	return s.Type.Slice()[0]
}

// enumStrings returns an enum's values as text, nil without one.
func enumStrings(values []any) []string {
	if len(values) == 0 {
		return nil
	}
	out := make([]string, 0, len(values))
	for _, v := range values {
		out = append(out, fmt.Sprint(v))
	}
	return out
}

// schemaName returns the component schema a $ref names, empty for another
// reference or none.
func schemaName(ref string) string {
	name, ok := strings.CutPrefix(ref, "#/components/schemas/")
	if !ok {
		return ""
	}
	return name
}
