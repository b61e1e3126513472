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
	"reflect"
	"strconv"
	"strings"
	"text/template"
	"unicode"

	"github.com/axa-assistance-go/axa/internal/doctext"
)

// sdkMethod is one generated method of the SDK's Client.
type sdkMethod struct {
	Name    string // the Go name, as oapi-codegen's client names it
	OpConst string // the gen.Operation... constant
	Doc     []string
	Params  string // the method's parameters after ctx
	Returns string // the method's results
	Body    string // the method's statements
}

// sdkForm is the SDK's type of a multipart request body: the generated
// model's fields, a FilePart for each of its files.
type sdkForm struct {
	Name   string
	Doc    []string
	Fields []sdkField
}

type sdkField struct {
	Name, Type, Tag string
	Doc             []string
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
		f, err := parser.ParseFile(src.fset, filepath.Join(genDir, name), nil, parser.SkipObjectResolution|parser.ParseComments)
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
		if sel, ok := s.types[name].(*ast.SelectorExpr); ok && s.aliases[name] {
			return sel.Sel.Name // openapi_types.UUID is axa.UUID
		}
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

// sdkMethods builds the SDK's method of every API operation (the
// authorization server's have none), the types of their multipart bodies,
// and an iterator for each paginated list.
func sdkMethods(t *table, src *goSource) ([]sdkMethod, []sdkForm, error) {
	var (
		out   []sdkMethod
		forms []sdkForm
		errs  []error
	)
	link := src.docLinks(t)
	for _, o := range t.Operations {
		if o.AuthorizationServer {
			continue // reached through golang.org/x/oauth2, not a method
		}
		m, form, err := sdkMethodOf(o, src, link)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s (%s %s): %w", o.ID, o.Method, o.Path, err))
			continue
		}
		out = append(out, m)
		if form != nil {
			forms = append(forms, *form)
		}
		if o.Pagination != nil {
			it, err := iteratorOf(o, m, src)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s (%s %s): %w", o.ID, o.Method, o.Path, err))
				continue
			}
			out = append(out, it)
		}
	}
	return out, forms, errors.Join(errs...)
}

// sdkMethodOf builds the method of operation o over the generated client's
// method for it: the one that takes its body typed (JSON, a +json type, a
// form), else the one that takes a reader (multipart, any other type), else
// the one without a body.
func sdkMethodOf(o operation, src *goSource, link func(string) string) (sdkMethod, *sdkForm, error) {
	name, ft, ok := src.clientMethod(o)
	if !ok {
		return sdkMethod{}, nil, errors.New("the generated client has no method for it")
	}
	// The method's name is the generated client's without its body
	// suffix (UpdateClaim of UpdateClaimWithApplicationMergePatchPlusJSONBody):
	// the operationId with oapi-codegen's initialisms, of the same length.
	base := name[:len(o.ID)]
	m := sdkMethod{Name: base, OpConst: o.GoName}
	var (
		form         *sdkForm
		params, tail []string
		args         []string
		prelude      []string
		editor       bool // the call takes the editor of a reader body
	)
	for i, f := range ft.Params.List {
		if i == 0 {
			continue // ctx
		}
		if _, variadic := f.Type.(*ast.Ellipsis); variadic {
			continue // request editors
		}
		for _, n := range f.Names {
			typ := src.expr(f.Type)
			if isIOReader(f.Type) {
				typ = "io.Reader"
			}
			switch {
			case n.Name == "params" && strings.HasPrefix(typ, "*"):
				// Always a pointer, nil for none; an operation with a
				// required parameter the caller must give refuses nil.
				tail = append(tail, "params "+typ)
				args = append(args, "params")
				if required := requiredParams(o); len(required) > 0 {
					quoted := make([]string, len(required))
					for i, r := range required {
						quoted[i] = strconv.Quote(r)
					}
					prelude = append(prelude, "if params == nil {", "\treturn %ZERO%missingParams(gen."+o.GoName+", "+strings.Join(quoted, ", ")+")", "}")
				}
			case n.Name == "contentType":
				// The body is a reader: a multipart form the SDK encodes,
				// or the caller's bytes of the declared media type.
				switch {
				case o.Body.Kind == kindMultipart:
					formName, fields, err := src.multipartForm(base, o)
					if err != nil {
						return sdkMethod{}, nil, err
					}
					for i := range fields {
						fields[i].Doc = wrap(doctext.FromMarkdown(strings.Join(fields[i].Doc, " "), link), 72)
					}
					form = &sdkForm{Name: formName, Fields: fields, Doc: wrap(fmt.Sprintf(
						"%s is the multipart/form-data body of %s: each field a part, each FilePart a file streamed as the request is sent.", formName, base), 76)}
					params = append(params, "body "+formName)
					prelude = append(prelude, "contentType, reader, edit, err := encodeMultipart(body)", "if err != nil {", "\treturn %ZERO%callError(string(gen."+o.GoName+"), err)", "}")
					args = append(args, "contentType", "reader")
					editor = true
				case strings.Contains(o.Body.ContentType, "*"):
					params = append(params, "contentType string")
					args = append(args, "contentType")
				default:
					args = append(args, strconv.Quote(o.Body.ContentType))
				}
			case n.Name == "body" && typ == "io.Reader":
				if o.Body.Kind == kindMultipart {
					continue // added with the content type
				}
				params = append(params, "body io.Reader")
				prelude = append(prelude, "reader, edit := readerBody(body)")
				args = append(args, "reader")
				editor = true
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
	m.Params = strings.Join(params, ", ")
	if editor {
		args = append(args, "edit")
	}
	send := fmt.Sprintf("func(ctx context.Context) (*http.Response, error) {\n\t\treturn c.gen.%s(ctx%s)\n\t}", name, prefixed(strings.Join(args, ", ")))
	kind, result, pointer, empty, err := answerOf(o, src, base)
	if err != nil {
		return sdkMethod{}, nil, err
	}
	opArg := "gen." + o.GoName
	var stmt, zero string
	switch kind {
	case kindNone:
		m.Returns = "error"
		stmt = fmt.Sprintf("return callNoContent(ctx, %s, opts, %s)", opArg, send)
	case kindBinary:
		m.Returns = "(*Stream, error)"
		zero = "nil, "
		stmt = fmt.Sprintf("return callStream(ctx, %s, opts, %s)", opArg, send)
	default:
		call := fmt.Sprintf("call[%s](ctx, %s, opts, %s)", result, opArg, send)
		switch {
		case len(empty) > 0 && pointer:
			m.Returns = "(*" + result + ", error)"
			zero = "nil, "
			stmt = fmt.Sprintf("return callOrEmpty[%s](ctx, %s, %s, opts, %s)", result, opArg, intSlice(empty), send)
		case len(empty) > 0:
			m.Returns = "(" + result + ", error)"
			zero = "nil, "
			stmt = fmt.Sprintf("v, err := callOrEmpty[%s](ctx, %s, %s, opts, %s)\n\treturn deref(v), err", result, opArg, intSlice(empty), send)
		case pointer:
			m.Returns = "(*" + result + ", error)"
			zero = "nil, "
			stmt = "return ptr(" + call + ")"
		default:
			m.Returns = "(" + result + ", error)"
			zero = "nil, "
			stmt = "return " + call
		}
	}
	for i, l := range prelude {
		prelude[i] = strings.ReplaceAll(l, "%ZERO%", zero)
	}
	m.Body = strings.Join(append(prelude, stmt), "\n\t")
	m.Doc = methodDoc(o, base, params, kind, link)
	return m, form, nil
}

// isIOReader reports whether e is io.Reader.
func isIOReader(e ast.Expr) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == "io" && sel.Sel.Name == "Reader"
}

// prefixed returns ", "+s, or nothing for an empty s.
func prefixed(s string) string {
	if s == "" {
		return ""
	}
	return ", " + s
}

// intSlice writes a []int literal.
func intSlice(v []int) string {
	parts := make([]string, len(v))
	for i, n := range v {
		parts[i] = strconv.Itoa(n)
	}
	return "[]int{" + strings.Join(parts, ", ") + "}"
}

// clientMethod returns the generated client's method for operation o and
// its signature: for a body oapi-codegen writes one method per media type
// (X for JSON, XWith<Type>Body for a +json type or a form) and XWithBody,
// which takes a reader of any type.
func (s *goSource) clientMethod(o operation) (string, *ast.FuncType, bool) {
	if o.Body == nil || o.Body.ContentType == jsonType {
		return s.method(o.ID)
	}
	if o.Body.Kind == kindJSON || o.Body.Kind == kindForm {
		for name, ft := range s.methods {
			if len(name) > len(o.ID) && strings.EqualFold(name[:len(o.ID)], o.ID) && strings.HasPrefix(name[len(o.ID):], "With") &&
				strings.HasSuffix(name, "Body") && name[len(o.ID):] != "WithBody" && bodySuffixFor(o.Body.ContentType, name[len(o.ID):]) {
				return name, ft, true
			}
		}
	}
	return s.method(o.ID + "WithBody")
}

// bodySuffixFor reports whether oapi-codegen's method suffix names media
// type ct: WithApplicationMergePatchPlusJSONBody for
// application/merge-patch+json, WithFormdataBody for a form.
func bodySuffixFor(ct, suffix string) bool {
	if ct == formType {
		return suffix == "WithFormdataBody"
	}
	var b strings.Builder
	for _, r := range ct {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return strings.EqualFold(strings.ReplaceAll(strings.ToLower(suffix), "plus", ""), "with"+strings.ReplaceAll(b.String(), "plus", "")+"body")
}

// answerOf says what the method of o returns: nothing (kindNone), a stream
// (kindBinary) or the decoded JSON type, by pointer unless a collection;
// empty lists the success statuses without content of an operation that
// also answers JSON (the method returns nil for them). Two JSON answers of
// different types, or binary and JSON answers, are refused: a method
// returns one kind of value.
func answerOf(o operation, src *goSource, name string) (kind, result string, pointer bool, empty []int, _ error) {
	kinds := map[string]bool{}
	for _, s := range o.Successes {
		kinds[s.Kind] = true
	}
	switch {
	case len(o.Successes) == 0:
		return "", "", false, nil, errors.New("no 2xx answer: document the success, as content or as an answer without content (204)")
	case kinds[kindBinary] && kinds[kindJSON]:
		return "", "", false, nil, errors.New("both JSON and non-JSON success answers: a method returns one kind of value; document one media type, or split the operation")
	case kinds[kindBinary]:
		return kindBinary, "", false, nil, nil
	case !kinds[kindJSON]:
		return kindNone, "", false, nil, nil
	}
	for _, s := range o.Successes {
		if s.Kind == kindNone {
			empty = append(empty, s.Status)
			continue
		}
		t, err := successType(src, name, s.Status)
		if err != nil {
			return "", "", false, nil, err
		}
		if result != "" && t != result {
			return "", "", false, nil, fmt.Errorf("success answers of two JSON types, %s and %s: a method returns one type; give them one schema, or a oneOf", result, t)
		}
		result = t
	}
	return kindJSON, result, !src.isCollection(result), empty, nil
}

// multipartForm returns the SDK type of o's multipart body, named after
// the method: the generated model's fields, with a FilePart for each
// openapi_types.File.
func (s *goSource) multipartForm(method string, o operation) (string, []sdkField, error) {
	model := method + "MultipartBody"
	st, ok := s.types[model].(*ast.StructType)
	if !ok {
		return "", nil, fmt.Errorf("multipart/form-data body: want an object schema (the generated model %s is not a struct)", model)
	}
	name := method + "Form"
	if _, taken := s.types[name]; taken {
		return "", nil, fmt.Errorf("multipart/form-data body: its SDK type %s would hide the model of that name", name)
	}
	var fields []sdkField
	for _, f := range st.Fields.List {
		if len(f.Names) != 1 || f.Tag == nil {
			continue
		}
		typ := s.expr(f.Type)
		switch typ {
		case "File":
			typ = "FilePart"
		case "*File":
			typ = "*FilePart"
		case "[]File":
			typ = "[]FilePart"
		}
		var doc []string
		if f.Doc != nil {
			doc = wrap(strings.TrimSpace(f.Doc.Text()), 72)
		}
		fields = append(fields, sdkField{Name: f.Names[0].Name, Type: typ, Tag: f.Tag.Value, Doc: doc})
	}
	return name, fields, nil
}

// requiredParams returns the names of an operation's required query and
// header parameters that the caller must give (the Idempotency-Key, which
// the client makes, aside): its method refuses nil params then.
func requiredParams(o operation) []string {
	var names []string
	for _, p := range o.Params {
		if p.Required && p.In != "path" && p.Name != "Idempotency-Key" {
			names = append(names, p.Name)
		}
	}
	return names
}

// docLinks returns what a Markdown code span of the spec links to in the
// SDK's doc comments: an operation's id its method ([Client.GetPolicy]), a
// model's name the model ([Money]); "" for anything else, which stays
// plain text.
func (s *goSource) docLinks(t *table) func(string) string {
	methods := map[string]string{}
	for _, o := range t.Operations {
		if o.AuthorizationServer {
			continue
		}
		if name, _, ok := s.clientMethod(o); ok && len(name) >= len(o.ID) {
			methods[o.ID] = "Client." + name[:len(o.ID)]
		}
	}
	return func(code string) string {
		if m, ok := methods[code]; ok {
			return m
		}
		if _, ok := s.types[code]; ok && token.IsExported(code) && !strings.HasSuffix(code, "RequestBody") && !strings.HasSuffix(code, "Path") {
			return code
		}
		return ""
	}
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
	return "", fmt.Errorf("no JSON model of the answer %d in the generated client (%sResponse.JSON%d)", status, name, status)
}

// methodDoc writes a method's doc comment from the spec: what the
// operation does, then how the method sends and answers it, then its
// deprecation.
func methodDoc(o operation, name string, params []string, kind string, link func(string) string) []string {
	summary := strings.TrimSuffix(doctext.FromMarkdown(o.Summary, link), ".")
	if summary == "" {
		summary = "see the API reference"
	}
	doc := []string{fmt.Sprintf("%s calls %s (%s %s): %s.", name, o.ID, o.Method, o.Path, summary)}
	if o.Description != "" {
		doc = append(doc, "")
		doc = append(doc, wrap(doctext.FromMarkdown(o.Description, link), 76)...)
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
			if required := requiredParams(o); len(required) > 0 {
				notes = append(notes, fmt.Sprintf("params may not be nil: it holds %s, which the API requires (nil fails the call before anything is sent, with an [*InvalidRequestError] matching [ErrValidation]).", strings.Join(required, " and ")))
			} else {
				notes = append(notes, "params may be nil.")
			}
		}
	}
	var deprecated []string
	for _, p := range o.Params {
		if p.Name == "Idempotency-Key" {
			notes = append(notes, "Its Idempotency-Key is params' IdempotencyKey; nil params or an empty key get a random one, sent unchanged on every attempt: to be safe across restarts of your process, derive the key from your own id for the request.")
		}
		if p.Deprecated {
			deprecated = append(deprecated, p.Name)
		}
	}
	if len(deprecated) > 0 {
		notes = append(notes, fmt.Sprintf("The API deprecates the parameter %s.", strings.Join(deprecated, ", ")))
	}
	if b := o.Body; b != nil {
		switch {
		case b.Kind == kindMultipart:
			notes = append(notes, "body is sent as multipart/form-data, its files streamed; a retry sends it again only when the Content of every FilePart is an io.Seeker (an *os.File, a *bytes.Reader), from where it was; otherwise the call is not retried once sent.")
		case b.Kind == kindBinary:
			notes = append(notes, fmt.Sprintf("body is sent as %s, streamed; a retry sends it again only when it is an io.Seeker (an *os.File, a *bytes.Reader), from where it was; otherwise the call is not retried once sent.", b.ContentType))
		case b.ContentType != jsonType && b.ContentType != "":
			notes = append(notes, fmt.Sprintf("body is sent as %s.", b.ContentType))
		}
	}
	var statuses, empty []string
	for _, s := range o.Successes {
		statuses = append(statuses, strconv.Itoa(s.Status))
		if s.Kind == kindNone {
			empty = append(empty, strconv.Itoa(s.Status))
		}
	}
	switch kind {
	case kindNone:
		notes = append(notes, "The API answers without content: it returns only an error.")
	case kindBinary:
		notes = append(notes, fmt.Sprintf("It returns the answer (%s) as a [Stream]: read it, then close it. It is streamed, never held whole in memory; retries happen before it is returned, never while it is read, whose time the call's deadline bounds.", o.Successes[0].ContentType))
	default:
		if len(empty) > 0 {
			notes = append(notes, fmt.Sprintf("An answer %s has no content: it returns nil then.", strings.Join(empty, " or ")))
		}
	}
	if len(statuses) > 1 {
		notes = append(notes, fmt.Sprintf("The API answers %s: WithResponseInto tells which.", strings.Join(statuses, " or ")))
	}
	notes = append(notes, "opts ([RequestOption]) tune this call alone: timeout, retries, headers the operation does not declare, and [WithResponseInto] for the status, headers and request id of the answer.")
	doc = append(doc, wrap(strings.Join(notes, " "), 76)...)
	if o.Deprecated {
		reason := "the API deprecates this operation."
		if o.DeprecatedReason != "" {
			reason = "the API deprecates this operation: " + strings.TrimSuffix(doctext.FromMarkdown(o.DeprecatedReason, link), ".") + "."
		}
		doc = append(doc, "")
		doc = append(doc, wrap("Deprecated: "+reason, 76)...)
	}
	return doc
}

// iteratorOf builds the iterator of a paginated list: a method named as
// m with All appended, taking m's parameters, yielding every item of every
// page.
func iteratorOf(o operation, m sdkMethod, src *goSource) (sdkMethod, error) {
	page := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(m.Returns, "("), "*"), ", error)")
	pageStruct, ok := src.types[src.resolve(page)].(*ast.StructType)
	if !ok {
		return sdkMethod{}, fmt.Errorf("%s: the answer %s is not an object", paginationExtension, page)
	}
	itemsField, itemsType, ok := src.fieldByJSON(pageStruct, o.Pagination.Items)
	if !ok || !strings.HasPrefix(strings.TrimPrefix(itemsType, "*"), "[]") {
		return sdkMethod{}, fmt.Errorf("%s: %s has no array field %q", paginationExtension, page, o.Pagination.Items)
	}
	nextField, nextType, ok := src.fieldByJSON(pageStruct, o.Pagination.Next)
	if !ok || strings.TrimPrefix(nextType, "*") != "string" {
		return sdkMethod{}, fmt.Errorf("%s: %s has no string field %q", paginationExtension, page, o.Pagination.Next)
	}
	var paramsType string
	var names []string
	for _, p := range strings.Split(m.Params, ", ") {
		n, t, _ := strings.Cut(p, " ")
		names = append(names, n)
		if n == "params" {
			paramsType = strings.TrimPrefix(t, "*")
		}
	}
	paramsStruct, ok := src.types[paramsType].(*ast.StructType)
	if !ok {
		return sdkMethod{}, fmt.Errorf("%s: the operation has no query parameters", paginationExtension)
	}
	cursorField, cursorType, ok := src.fieldByJSON(paramsStruct, o.Pagination.Cursor)
	if !ok || strings.TrimPrefix(cursorType, "*") != "string" {
		return sdkMethod{}, fmt.Errorf("%s: the cursor %q is not a string query parameter", paginationExtension, o.Pagination.Cursor)
	}
	item := strings.TrimPrefix(strings.TrimPrefix(itemsType, "*"), "[]")
	// The first page is asked with the caller's params (a copy; nil
	// stays nil, which the method refuses when a parameter is required),
	// the next ones with a copy carrying the cursor.
	var b strings.Builder
	b.WriteString("var base *" + paramsType + "\n\tif params != nil {\n\t\tv := *params\n\t\tbase = &v\n\t}\n\t")
	fmt.Fprintf(&b, "return paginate(ctx, func(ctx context.Context, cursor string) ([]%s, string, error) {\n\t\tq := base\n\t\tif cursor != \"\" {\n\t\t\tvar v %s\n\t\t\tif base != nil {\n\t\t\t\tv = *base\n\t\t\t}\n\t\t\t", item, paramsType)
	if strings.HasPrefix(cursorType, "*") {
		fmt.Fprintf(&b, "v.%s = &cursor", cursorField)
	} else {
		fmt.Fprintf(&b, "v.%s = cursor", cursorField)
	}
	b.WriteString("\n\t\t\tq = &v\n\t\t}\n\t\t")
	args := make([]string, len(names))
	for i, n := range names {
		args[i] = n
		if n == "params" {
			args[i] = "q"
		}
	}
	fmt.Fprintf(&b, "page, err := c.%s(ctx, %s, opts...)\n\t\tif err != nil {\n\t\t\treturn nil, \"\", err\n\t\t}\n\t\t", m.Name, strings.Join(args, ", "))
	items, next := "page."+itemsField, "page."+nextField
	if strings.HasPrefix(itemsType, "*") {
		items = "deref(" + items + ")"
	}
	if strings.HasPrefix(nextType, "*") {
		next = "deref(" + next + ")"
	}
	fmt.Fprintf(&b, "return %s, %s, nil\n\t})", items, next)
	doc := []string{fmt.Sprintf("%sAll calls [Client.%s] page after page and yields every item of every page, in order: a page's %s, then the next page's, asked with the %s of the answer as %s, until it is empty.", m.Name, m.Name, o.Pagination.Items, o.Pagination.Next, o.Pagination.Cursor)}
	doc = wrap(strings.Join(doc, " ")+" It sends one request per page, as the items are asked for; it stops at the first error, which it yields with a zero item, when ctx ends, when the loop breaks, and on a cursor the API gave before (a loop). params and opts are those of "+m.Name+"; params' cursor, if set, is where it starts.", 76)
	if o.Deprecated {
		doc = append(doc, "", "Deprecated: the API deprecates this operation.")
	}
	return sdkMethod{Name: m.Name + "All", OpConst: m.OpConst, Doc: doc, Params: m.Params,
		Returns: "iter.Seq2[" + item + ", error]", Body: b.String()}, nil
}

// fieldByJSON returns the Go name and type of the struct's field whose JSON
// name is name.
func (s *goSource) fieldByJSON(st *ast.StructType, name string) (string, string, bool) {
	for _, f := range st.Fields.List {
		if f.Tag == nil || len(f.Names) != 1 {
			continue
		}
		tag, err := strconv.Unquote(f.Tag.Value)
		if err != nil {
			continue
		}
		for _, key := range []string{"json", "form"} {
			v, _, _ := strings.Cut(reflect.StructTag(tag).Get(key), ",")
			if v == name {
				return f.Names[0].Name, s.expr(f.Type), true
			}
		}
	}
	return "", "", false
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
	{{- if .UsesIO}}
	"io"
	{{- end}}
	{{- if .UsesIter}}
	"iter"
	{{- end}}
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
{{range .Forms}}
{{range .Doc}}//{{if .}} {{.}}{{end}}
{{end -}}
type {{.Name}} struct {
{{- range .Fields}}
{{- range .Doc}}
	//{{if .}} {{.}}{{end}}
{{- end}}
	{{.Name}} {{.Type}} {{.Tag}}
{{- end}}
}
{{end}}
{{- range .Methods}}
{{range .Doc}}//{{if .}} {{.}}{{end}}
{{end -}}
func (c *Client) {{.Name}}(ctx context.Context{{if .Params}}, {{.Params}}{{end}}, opts ...RequestOption) {{.Returns}} {
	{{.Body}}
}
{{end}}`))

// renderSDK writes the SDK's per-operation methods, gofmt-ed.
func renderSDK(pkg string, t *table, genDir string) ([]byte, error) {
	src, err := loadGoSource(genDir, "ClientInterface", "client.gen.go", "types.gen.go")
	if err != nil {
		return nil, err
	}
	methods, forms, err := sdkMethods(t, src)
	if err != nil {
		return nil, err
	}
	usesIO, usesIter := false, false
	for _, m := range methods {
		usesIO = usesIO || strings.Contains(m.Params, "io.Reader")
		usesIter = usesIter || strings.HasPrefix(m.Returns, "iter.")
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
		Package          string
		Methods          []sdkMethod
		Forms            []sdkForm
		Envs             []env
		UsesIO, UsesIter bool
	}{pkg, methods, forms, envs, usesIO, usesIter}); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	out, err := format.Source(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("format generated code: %w\n%s", err, buf.Bytes())
	}
	return out, nil
}
