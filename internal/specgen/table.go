package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
}

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
}

// body is an operation's request body: JSON, or a form for the
// authorization server's operations.
type body struct {
	Required    bool
	ContentType string // jsonType or formType
	Schema      string // the component schema's name, empty when inline
	Description string
}

// oauthTag marks the operations of the authorization server: in the table
// and the matcher, left out of the SDK's methods and the sandbox's
// example answers.
const oauthTag = "oauth"

// The media types of request bodies: the API's, and the authorization
// server's (RFC 6749 section 3.2).
const (
	jsonType = "application/json"
	formType = "application/x-www-form-urlencoded"
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
			np := param{Name: p.Name, In: p.In, Description: oneLine(p.Description), Required: p.Required}
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

	if op.RequestBody != nil && op.RequestBody.Value != nil {
		rb := op.RequestBody.Value
		ct := jsonType
		if o.AuthorizationServer {
			ct = formType
		}
		mt := rb.Content.Get(ct)
		if mt == nil || len(rb.Content) != 1 {
			return fmt.Errorf("a request body without %s content alone", ct)
		}
		b := &body{Required: rb.Required, ContentType: ct, Description: oneLine(rb.Description)}
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
			o.Success = status
			ref := op.Responses.Value(code)
			if ref == nil || ref.Value == nil {
				break
			}
			if mt := ref.Value.Content.Get(jsonType); mt != nil {
				ex, err := exampleOf(mt)
				if err != nil {
					return fmt.Errorf("the example of response %s: %w", code, err)
				}
				o.SuccessExample = ex
			}
			break
		}
	}
	return nil
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
