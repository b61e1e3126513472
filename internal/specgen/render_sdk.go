package main

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/printer"
	"go/token"
	"path/filepath"
	"strings"
	"text/template"
)

// sdkMethod is one generated method of the SDK's Client.
type sdkMethod struct {
	Name      string // the Go name, as oapi-codegen's client names it
	OpConst   string // the gen.Operation... constant
	Doc       []string
	Params    string // the method's parameters after ctx
	Args      string // the arguments of the generated client's call after ctx
	Result    string // the decoded type
	Pointer   bool   // the method returns *Result
	HasReturn bool
}

// goSource is the part of the generated gen package the SDK generator
// reads: the client's methods and the declarations of the models.
type goSource struct {
	methods map[string]*ast.FuncType // ClientInterface, by name
	types   map[string]ast.Expr      // type declarations, by name
	aliases map[string]bool          // which of them are aliases
	fset    *token.FileSet
}

// loadGoSource reads the files of genDir, and the methods of the interface
// named iface in them.
func loadGoSource(genDir, iface string, files ...string) (*goSource, error) {
	src := &goSource{methods: map[string]*ast.FuncType{}, types: map[string]ast.Expr{}, aliases: map[string]bool{}, fset: token.NewFileSet()}
	for _, name := range files {
		f, err := parser.ParseFile(src.fset, filepath.Join(genDir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				src.types[ts.Name.Name] = ts.Type
				src.aliases[ts.Name.Name] = ts.Assign.IsValid()
				if it, ok := ts.Type.(*ast.InterfaceType); ok && ts.Name.Name == iface {
					for _, m := range it.Methods.List {
						if ft, ok := m.Type.(*ast.FuncType); ok && len(m.Names) == 1 {
							src.methods[m.Names[0].Name] = ft
						}
					}
				}
			}
		}
	}
	if len(src.methods) == 0 {
		return nil, fmt.Errorf("no %s in %s", iface, strings.Join(files, ", "))
	}
	return src, nil
}

// method returns the interface's method for an operation id: oapi-codegen
// names it after the id, upper-cased first and with its initialisms
// (getThingId is GetThingID), so the match ignores case.
func (s *goSource) method(id string) (string, *ast.FuncType, bool) {
	for name, ft := range s.methods {
		if strings.EqualFold(name, id) {
			return name, ft, true
		}
	}
	return "", nil, false
}

// expr prints a type expression as pkg/axa names it: the models are
// aliased there under their own names, and openapi_types.X is X.
func (s *goSource) expr(e ast.Expr) string {
	if sel, ok := e.(*ast.SelectorExpr); ok {
		return sel.Sel.Name
	}
	if st, ok := e.(*ast.StarExpr); ok {
		return "*" + s.expr(st.X)
	}
	var b bytes.Buffer
	_ = printer.Fprint(&b, s.fset, e)
	return b.String()
}

// resolve follows aliases of generated names (RequestQuoteJSONRequestBody =
// QuoteRequest, CountryIDPath = CountryID) to the last named model, the one
// a reader knows.
func (s *goSource) resolve(name string) string {
	for range 10 {
		id, ok := s.types[name].(*ast.Ident)
		if !ok || !s.aliases[name] {
			return name
		}
		if _, declared := s.types[id.Name]; !declared {
			return name // an alias of a builtin type
		}
		name = id.Name
	}
	return name
}

// isCollection reports whether a named model is a slice or a map, which the
// SDK returns by value.
func (s *goSource) isCollection(name string) bool {
	for range 10 {
		switch t := s.types[name].(type) {
		case *ast.ArrayType, *ast.MapType:
			return true
		case *ast.Ident:
			name = t.Name
		default:
			return false
		}
	}
	return false
}

// sdkMethods builds the SDK's method of every API operation; the
// authorization server's have none.
func sdkMethods(t *table, src *goSource) ([]sdkMethod, error) {
	var out []sdkMethod
	var errs []error
	for _, o := range t.Operations {
		if o.AuthorizationServer {
			continue // reached through golang.org/x/oauth2, not a method
		}
		name, ft, ok := src.method(o.ID)
		if !ok {
			errs = append(errs, fmt.Errorf("%s: the generated client has no method for it", o.ID))
			continue
		}
		m := sdkMethod{Name: name, OpConst: o.GoName}
		// The method takes the path parameters, the body, then the
		// params (the generated client's order is path, params, body).
		var params, tail, args []string
		for i, f := range ft.Params.List {
			if i == 0 {
				continue // ctx
			}
			if _, variadic := f.Type.(*ast.Ellipsis); variadic {
				continue // request editors
			}
			for _, n := range f.Names {
				typ := src.expr(f.Type)
				switch {
				case n.Name == "params" && strings.HasPrefix(typ, "*"):
					if requiredParams(o) {
						tail = append(tail, "params "+typ[1:])
						args = append(args, "&params")
					} else {
						tail = append(tail, "params "+typ)
						args = append(args, "params")
					}
				case n.Name == "body":
					params = append(params, "body "+src.resolve(typ))
					args = append(args, "body")
				default:
					if !strings.HasPrefix(typ, "*") {
						typ = src.resolve(typ)
					}
					params = append(params, n.Name+" "+typ)
					args = append(args, n.Name)
				}
			}
		}
		params = append(params, tail...)
		m.Params, m.Args = strings.Join(params, ", "), strings.Join(args, ", ")
		result, err := successType(src, name, o.Success)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", o.ID, err))
			continue
		}
		m.Result, m.Pointer = result, !src.isCollection(result)
		m.Doc = methodDoc(o, name, params)
		out = append(out, m)
	}
	return out, errors.Join(errs...)
}

// requiredParams reports whether an operation has a required query or
// header parameter that the caller must give (the Idempotency-Key, which
// the client makes, aside): its params are then taken by value.
func requiredParams(o operation) bool {
	for _, p := range o.Params {
		if p.Required && p.In != "path" && p.Name != "Idempotency-Key" {
			return true
		}
	}
	return false
}

// successType returns the model of the success response, from the generated
// response wrapper's JSON<status> field.
func successType(src *goSource, name string, status int) (string, error) {
	st, ok := src.types[name+"Response"].(*ast.StructType)
	if !ok {
		return "", fmt.Errorf("the generated client has no %sResponse", name)
	}
	field := fmt.Sprintf("JSON%d", status)
	for _, f := range st.Fields.List {
		if len(f.Names) == 1 && f.Names[0].Name == field {
			return strings.TrimPrefix(src.expr(f.Type), "*"), nil
		}
	}
	return "", fmt.Errorf("no application/json response for status %d: the SDK decodes JSON responses only", status)
}

// methodDoc writes a method's doc comment from the spec.
func methodDoc(o operation, name string, params []string) []string {
	summary := strings.TrimSuffix(o.Summary, ".")
	if summary == "" {
		summary = "see the API reference"
	}
	doc := []string{fmt.Sprintf("%s calls %s (%s %s): %s.", name, o.ID, o.Method, o.Path, summary)}
	if o.Description != "" {
		doc = append(doc, "")
		doc = append(doc, wrap(o.Description, 76)...)
	}
	doc = append(doc, "")
	var notes []string
	if len(o.Security) == 0 {
		notes = append(notes, "It needs no token.")
	} else {
		var scopes []string
		for _, ss := range o.Security[0] {
			for _, sc := range ss.Scopes {
				scopes = append(scopes, sc.Value)
			}
		}
		notes = append(notes, fmt.Sprintf("The client sends it with a token of scope %s.", strings.Join(scopes, " ")))
	}
	for _, p := range params {
		if strings.HasPrefix(p, "params *") {
			notes = append(notes, "params may be nil.")
		}
	}
	for _, p := range o.Params {
		if p.Name == "Idempotency-Key" {
			notes = append(notes, "An empty IdempotencyKey gets a random one, sent unchanged on every attempt; to be safe across restarts of your process, derive it from your own id for the request.")
		}
	}
	notes = append(notes, "opts ([RequestOption]) tune this call alone: timeout, headers, retries, Idempotency-Key, and WithResponseInto for the status, headers and request id of the answer.")
	return append(doc, wrap(strings.Join(notes, " "), 76)...)
}

// wrap re-flows text into lines of at most width characters, keeping blank
// lines between paragraphs.
func wrap(text string, width int) []string {
	var out []string
	for i, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		if i > 0 {
			out = append(out, "")
		}
		line := ""
		for _, w := range strings.Fields(para) {
			if line != "" && len(line)+1+len(w) > width {
				out = append(out, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		if line != "" {
			out = append(out, line)
		}
	}
	return out
}

var sdkTemplate = template.Must(template.New("sdk").Parse(`// Code generated by internal/specgen from api/openapi.yaml. DO NOT EDIT.

package {{.Package}}

import (
	"context"
	"net/http"

	"github.com/axa-assistance-go/axa/gen"
)

// The environments of the API, for [WithEnvironment]; AXA_ENV takes their
// names.
const (
{{- range .Envs}}
{{- range .Doc}}
	//{{if .}} {{.}}{{end}}
{{- end}}
	{{.GoName}} Environment = {{printf "%q" .Name}}
{{- end}}
)
{{range .Methods}}
{{range .Doc}}//{{if .}} {{.}}{{end}}
{{end -}}
func (c *Client) {{.Name}}(ctx context.Context{{if .Params}}, {{.Params}}{{end}}, opts ...RequestOption) ({{if .Pointer}}*{{end}}{{.Result}}, error) {
	{{if .Pointer}}return ptr(call[{{.Result}}](ctx, gen.{{.OpConst}}, opts, func(ctx context.Context) (*http.Response, error) {
		return c.gen.{{.Name}}(ctx{{if .Args}}, {{.Args}}{{end}})
	})){{else}}return call[{{.Result}}](ctx, gen.{{.OpConst}}, opts, func(ctx context.Context) (*http.Response, error) {
		return c.gen.{{.Name}}(ctx{{if .Args}}, {{.Args}}{{end}})
	}){{end}}
}
{{end}}`))

// renderSDK writes the SDK's per-operation methods, gofmt-ed.
func renderSDK(pkg string, t *table, genDir string) ([]byte, error) {
	src, err := loadGoSource(genDir, "ClientInterface", "client.gen.go", "types.gen.go")
	if err != nil {
		return nil, err
	}
	methods, err := sdkMethods(t, src)
	if err != nil {
		return nil, err
	}
	type env struct {
		GoName, Name string
		Doc          []string
	}
	var envs []env
	for _, e := range t.Environments {
		g := "Environment" + goIdentifier(e.Name)
		envs = append(envs, env{GoName: g, Name: e.Name, Doc: wrap(fmt.Sprintf("%s is the environment %q: %s", g, e.Name, e.Description), 72)})
	}
	var buf bytes.Buffer
	if err := sdkTemplate.Execute(&buf, struct {
		Package string
		Methods []sdkMethod
		Envs    []env
	}{pkg, methods, envs}); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	out, err := format.Source(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("format generated code: %w\n%s", err, buf.Bytes())
	}
	return out, nil
}
