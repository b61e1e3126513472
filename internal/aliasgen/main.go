// Command aliasgen re-exports the models of a generated package: for every
// exported type and constant declared in the given files it writes a type
// alias or a constant in another package, so that callers of the SDK use
// axa.Country rather than gen.Country and both name the same type.
//
// Each type is a declaration of its own, with a doc comment written for the
// SDK's reader:
//
//   - the model's description, its Markdown turned into Go doc text (a code
//     span that names a re-exported type or an operation becomes a doc link,
//     [Money] or [Client.GetPolicy]; any other, plain text), without the
//     "Example:" paragraphs oapi-codegen adds;
//   - for a struct, the model's fields: Go name, Go type (as the SDK names
//     it: Date, UUID and Email, not openapi_types.Date), JSON name (and
//     whether it is optional) and the field's documentation. go doc and
//     pkg.go.dev show an alias's own comment, not its target's fields, so
//     without this list the SDK's models would show no fields;
//   - for an enumeration, its values, which follow the type in a const
//     block of their own, typed, so that go doc lists them under it;
//   - for a oneOf or anyOf, its variants and the methods that read them.
//
// Left out, because the SDK's methods name what they resolve to and they
// would only be noise next to it (they stay in gen): the aliases
// oapi-codegen makes for request bodies (CreatePolicyJSONRequestBody, and
// every "defines body for" alias of another media type), the multipart
// bodies' structs, which the SDK's Form types replace, the aliases of path
// parameters (CountryIDPath: the types the generated client, given with
// -client, takes path parameters as), unless a model's field names them;
// and the aliases of the renamed error body (one per error response).
//
// Usage:
//
//	go run ./internal/aliasgen -import github.com/axa-assistance-go/axa/gen \
//	    -package axa -rename Error=ErrorBody -client gen/client.gen.go \
//	    -o models.gen.go gen/types.gen.go
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/axa-assistance-go/axa/internal/atomicfile"
	"github.com/axa-assistance-go/axa/internal/doctext"
)

func main() {
	importPath := flag.String("import", "", "import path of the generated package")
	pkg := flag.String("package", "", "package of the file to write")
	rename := flag.String("rename", "", "comma-separated Old=New names")
	client := flag.String("client", "", "the generated client's file, whose path parameter types are left out")
	out := flag.String("o", "", "file to write")
	flag.Parse()
	if err := run(options{importPath: *importPath, pkg: *pkg, rename: *rename, client: *client, out: *out}, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "aliasgen:", err)
		os.Exit(1)
	}
}

// options are aliasgen's flags.
type options struct {
	importPath, pkg, rename, client, out string
}

func run(o options, files []string) error {
	if o.importPath == "" || o.pkg == "" || o.out == "" || len(files) == 0 {
		return fmt.Errorf("need -import, -package, -o and at least one file")
	}
	renames := map[string]string{}
	for _, kv := range strings.Split(o.rename, ",") {
		if old, name, ok := strings.Cut(kv, "="); ok {
			renames[old] = name
		}
	}
	reexported, err := reexportedRuntimeTypes(filepath.Dir(o.out), filepath.Base(o.out))
	if err != nil {
		return err
	}
	src, err := generate(config{importPath: o.importPath, pkg: o.pkg, renames: renames, client: o.client, reexported: reexported}, files)
	if err != nil {
		return err
	}
	return atomicfile.Write(o.out, src, 0o644)
}

// runtimeTypes is the import path of oapi-codegen's runtime types (Date,
// UUID, Email, File), which the SDK re-exports by hand.
const runtimeTypes = "github.com/oapi-codegen/runtime/types"

// reexportedRuntimeTypes reads the Go files of dir (but skip, the file
// being written, and tests) for the aliases of oapi-codegen's runtime types
// the package declares (type UUID = openapitypes.UUID): the field lists
// name a field's type by that alias, which the SDK's reader can write.
func reexportedRuntimeTypes(dir, skip string) (map[string]string, error) {
	out := map[string]string{}
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	for _, file := range files {
		if filepath.Base(file) == skip || strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		local := importName(f, runtimeTypes)
		if local == "" {
			continue
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				if sel, ok := ts.Type.(*ast.SelectorExpr); ok && ts.Assign.IsValid() && ts.Name.IsExported() {
					if x, ok := sel.X.(*ast.Ident); ok && x.Name == local {
						out[sel.Sel.Name] = ts.Name.Name
					}
				}
			}
		}
	}
	return out, nil
}

// importName returns the name file f gives the package of importPath, or
// "" when f does not import it.
func importName(f *ast.File, importPath string) string {
	for _, imp := range f.Imports {
		if p, err := strconv.Unquote(imp.Path.Value); err == nil && p == importPath {
			if imp.Name != nil {
				return imp.Name.Name
			}
			return path.Base(p)
		}
	}
	return ""
}

// config is what generate needs besides the files.
type config struct {
	importPath, pkg string
	renames         map[string]string
	// client is the generated client's file; "" for none.
	client string
	// reexported maps a runtime type (UUID) to the name the SDK gives it.
	reexported map[string]string
}

type decl struct {
	name, alias, doc string
	fields           []field // of a struct type
	union            *union  // of a oneOf/anyOf model
	consts           []enumValue
	// target is the printed type an alias stands for ("string",
	// "[]Country"), targetName the generated type it names, if one.
	target, targetName string
	isAlias            bool
	// usedBy lists the parameters (their names in the spec) whose type
	// it is.
	usedBy []string
}

// enumValue is one constant of an enumeration.
type enumValue struct {
	name, alias, value string
}

// union is what a model of a oneOf or anyOf holds: its variants (the types
// of its As methods) and the property that tells them apart, if any.
type union struct {
	variants      []string
	discriminator string
}

// field is one exported field of a struct model.
type field struct {
	name, typ, json, doc string
	optional             bool
}

// source is what generate reads from the generated package.
type source struct {
	fset     *token.FileSet
	types    map[string]*ast.TypeSpec
	docs     map[string]*ast.CommentGroup
	order    []string
	consts   map[string][]enumValue // typed constants, by type
	untyped  []enumValue
	unions   map[string]*union
	runtime  string          // the files' name of the runtime types' package
	methods  map[string]bool // the generated client's methods
	pathArgs map[string]bool // the types its methods take path parameters as
}

func generate(cfg config, files []string) ([]byte, error) {
	src := &source{fset: token.NewFileSet(), types: map[string]*ast.TypeSpec{}, docs: map[string]*ast.CommentGroup{},
		consts: map[string][]enumValue{}, unions: map[string]*union{}, methods: map[string]bool{}, pathArgs: map[string]bool{}}
	for _, file := range files {
		if err := src.read(file, cfg.renames); err != nil {
			return nil, err
		}
	}
	if cfg.client != "" {
		if err := src.readClient(cfg.client); err != nil {
			return nil, err
		}
	}
	qual := path.Base(cfg.importPath)
	left := src.leftOut(cfg.renames)
	kept := map[string]string{} // generated name -> SDK name
	for _, name := range src.order {
		if !left[name] {
			kept[name] = nameFor(name, cfg.renames)
		}
	}
	link := func(code string) string {
		if n, ok := kept[code]; ok {
			return n
		}
		for m := range src.methods {
			if strings.EqualFold(m, code) {
				return "Client." + m
			}
		}
		return ""
	}
	usedBy := src.parameterTypes()
	var decls []decl
	for _, name := range src.order {
		if left[name] {
			continue
		}
		ts := src.types[name]
		d := decl{name: name, alias: kept[name], isAlias: ts.Assign.IsValid(), usedBy: usedBy[name]}
		d.doc = src.description(name, link)
		if st, ok := ts.Type.(*ast.StructType); ok && !d.isAlias {
			var err error
			if d.fields, err = src.fieldsOf(st, cfg, link); err != nil {
				return nil, err
			}
		}
		if d.isAlias {
			d.target = src.print(ts.Type, cfg)
			if id, ok := ts.Type.(*ast.Ident); ok && src.types[id.Name] != nil {
				d.targetName = kept[id.Name]
			}
		}
		if u := src.unions[name]; u != nil && len(u.variants) > 0 {
			for j, v := range u.variants {
				u.variants[j] = nameFor(v, cfg.renames)
			}
			d.union = u
		}
		for _, c := range src.consts[name] {
			c.alias = nameFor(c.name, cfg.renames)
			d.consts = append(d.consts, c)
		}
		decls = append(decls, d)
	}
	slices.SortFunc(decls, func(a, b decl) int { return strings.Compare(a.alias, b.alias) })

	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by internal/aliasgen from %s. DO NOT EDIT.\n\n", strings.Join(files, ", "))
	fmt.Fprintf(&b, "package %s\n\nimport %q\n\n", cfg.pkg, cfg.importPath)
	b.WriteString("// The models of the API, generated from api/openapi.yaml into package gen and\n// re-exported here so that callers need only this package.\n\n")
	for _, d := range decls {
		writeDecl(&b, qual, d)
	}
	if len(src.untyped) > 0 {
		b.WriteString("// The API's other constants.\nconst (\n")
		for _, c := range src.untyped {
			fmt.Fprintf(&b, "\t%s = %s.%s\n", nameFor(c.name, cfg.renames), qual, c.name)
		}
		b.WriteString(")\n")
	}
	return format.Source(b.Bytes())
}

// read parses one generated file into src.
func (src *source) read(file string, renames map[string]string) error {
	f, err := parser.ParseFile(src.fset, file, nil, parser.ParseComments)
	if err != nil {
		return err
	}
	if n := importName(f, runtimeTypes); n != "" {
		src.runtime = n
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			unionMethod(fd, src.unions)
			continue
		}
		gd, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, spec := range gd.Specs {
			switch s := spec.(type) {
			case *ast.TypeSpec:
				if !s.Name.IsExported() {
					continue
				}
				if id, ok := s.Type.(*ast.Ident); ok && s.Assign.IsValid() && renames[id.Name] != "" {
					continue // an alias of a renamed type, e.g. NotFound = Error
				}
				src.types[s.Name.Name] = s
				src.docs[s.Name.Name] = s.Doc
				if s.Doc == nil {
					src.docs[s.Name.Name] = gd.Doc
				}
				src.order = append(src.order, s.Name.Name)
			case *ast.ValueSpec:
				if gd.Tok != token.CONST {
					continue
				}
				for i, n := range s.Names {
					if !n.IsExported() {
						continue
					}
					v := enumValue{name: n.Name}
					if i < len(s.Values) {
						if lit, ok := s.Values[i].(*ast.BasicLit); ok {
							v.value = lit.Value
						}
					}
					if id, ok := s.Type.(*ast.Ident); ok {
						src.consts[id.Name] = append(src.consts[id.Name], v)
					} else {
						src.untyped = append(src.untyped, v)
					}
				}
			}
		}
	}
	return nil
}

// readClient reads the generated client's interface: its methods (which
// operations' ids doc links may name) and the types its methods take path
// parameters as (every parameter but the context, params, the body, its
// content type and the request editors).
func (src *source) readClient(file string) error {
	f, err := parser.ParseFile(src.fset, file, nil, parser.SkipObjectResolution)
	if err != nil {
		return err
	}
	found := false
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, spec := range gd.Specs {
			ts := spec.(*ast.TypeSpec)
			it, ok := ts.Type.(*ast.InterfaceType)
			if !ok || ts.Name.Name != "ClientInterface" {
				continue
			}
			found = true
			for _, m := range it.Methods.List {
				ft, ok := m.Type.(*ast.FuncType)
				if !ok || len(m.Names) != 1 {
					continue
				}
				src.methods[m.Names[0].Name] = true
				for i, p := range ft.Params.List {
					if i == 0 {
						continue // ctx
					}
					id, ok := p.Type.(*ast.Ident)
					if !ok {
						continue
					}
					for _, n := range p.Names {
						switch n.Name {
						case "params", "body", "contentType", "reqEditors":
						default:
							src.pathArgs[id.Name] = true
						}
					}
				}
			}
		}
	}
	if !found {
		return fmt.Errorf("%s: no ClientInterface", file)
	}
	return nil
}

// leftOut returns the generated types the SDK does not re-export: the
// request bodies' aliases ("defines body for"), the multipart bodies they
// name, the path parameters' aliases; none that a kept struct's field or
// alias names.
func (src *source) leftOut(renames map[string]string) map[string]bool {
	left := map[string]bool{}
	for _, name := range src.order {
		ts := src.types[name]
		doc := strings.TrimPrefix(src.docs[name].Text(), name+" ")
		switch {
		case strings.HasPrefix(doc, "defines body for"):
			// An alias for JSON bodies, a defined type for multipart ones.
			left[name] = true
			if id, ok := ts.Type.(*ast.Ident); ok && strings.Contains(doc, "multipart/form-data") {
				left[id.Name] = true
			}
		case src.pathArgs[name] && ts.Assign.IsValid():
			left[name] = true
		}
	}
	// Keep what a kept declaration still names.
	for changed := true; changed; {
		changed = false
		for _, name := range src.order {
			if left[name] {
				continue
			}
			ast.Inspect(src.types[name].Type, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok && left[id.Name] {
					delete(left, id.Name)
					changed = true
				}
				return true
			})
		}
	}
	return left
}

// parameterTypes maps a type to the parameters (their names in the spec)
// that the generated parameter structs ("defines parameters for") declare
// of that type.
func (src *source) parameterTypes() map[string][]string {
	out := map[string][]string{}
	for _, name := range src.order {
		st, ok := src.types[name].Type.(*ast.StructType)
		if !ok || !strings.HasPrefix(strings.TrimPrefix(src.docs[name].Text(), name+" "), "defines parameters for") {
			continue
		}
		for _, f := range st.Fields.List {
			t := f.Type
			if star, ok := t.(*ast.StarExpr); ok {
				t = star.X
			}
			id, ok := t.(*ast.Ident)
			if !ok || f.Tag == nil {
				continue
			}
			tag, err := strconv.Unquote(f.Tag.Value)
			if err != nil {
				continue
			}
			if p, _, _ := strings.Cut(reflect.StructTag(tag).Get("json"), ","); p != "" && !slices.Contains(out[id.Name], p) {
				out[id.Name] = append(out[id.Name], p)
			}
		}
	}
	return out
}

// description returns the doc text of a generated type: its comment
// without the leading name and the "Example:" paragraphs, on one line, its
// Markdown made Go doc text; oapi-codegen's "defines parameters for X."
// becomes "the parameters of [Client.X]".
func (src *source) description(name string, link func(string) string) string {
	text := fieldDoc(src.docs[name])
	text = strings.TrimPrefix(text, name+" ")
	if text == name {
		text = ""
	}
	if op, ok := strings.CutPrefix(text, "defines parameters for "); ok {
		op = strings.TrimSuffix(op, ".")
		if l := link(op); l != "" {
			return "The parameters of [" + l + "]."
		}
		return "The parameters of " + op + "."
	}
	return doctext.FromMarkdown(text, link)
}

// print prints a type expression as the SDK names it: the runtime types
// by the SDK's aliases, the renamed types by their new names.
func (src *source) print(e ast.Expr, cfg config) string {
	e = rewrite(e, cfg, src.runtime)
	var typ bytes.Buffer
	_ = printer.Fprint(&typ, src.fset, e)
	return typ.String()
}

// writeDecl writes one type's declaration, and its constants after it.
func writeDecl(b *bytes.Buffer, qual string, d decl) {
	var intro string
	switch {
	case d.targetName != "":
		intro = fmt.Sprintf("%s is %s.%s, the same type as [%s]", d.alias, qual, d.name, d.targetName)
	case d.isAlias:
		intro = fmt.Sprintf("%s is %s.%s (%s)", d.alias, qual, d.name, d.target)
	default:
		intro = fmt.Sprintf("%s is %s.%s", d.alias, qual, d.name)
	}
	switch {
	case d.doc != "":
		intro += ": " + d.doc
	case len(d.usedBy) > 0:
		intro += ": the type of the parameter " + strings.Join(d.usedBy, ", ") + "."
	default:
		intro += "."
	}
	if !strings.HasSuffix(intro, ".") {
		intro += "."
	}
	writeComment(b, intro)
	if len(d.consts) > 0 {
		var values []string
		for _, c := range d.consts {
			values = append(values, fmt.Sprintf("[%s] (%s)", c.alias, c.value))
		}
		b.WriteString("//\n")
		writeComment(b, "Its values, the constants below: "+joinAnd(values)+". A value a newer API sends decodes as well: its Valid method reports whether a value is one of these.")
	}
	writeFields(b, d.fields)
	writeUnion(b, d.union)
	fmt.Fprintf(b, "type %s = %s.%s\n\n", d.alias, qual, d.name)
	if len(d.consts) > 0 {
		fmt.Fprintf(b, "// The values of [%s].\nconst (\n", d.alias)
		for _, c := range d.consts {
			fmt.Fprintf(b, "\t%s %s = %s.%s\n", c.alias, d.alias, qual, c.name)
		}
		b.WriteString(")\n\n")
	}
}

// joinAnd joins items as a sentence does: "a, b and c".
func joinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// writeComment writes text as comment lines of at most 78 columns.
func writeComment(b *bytes.Buffer, text string) {
	line := "//"
	for _, w := range strings.Fields(text) {
		if len(line) > 2 && len(line)+1+len(w) > 78 {
			b.WriteString(line + "\n")
			line = "//"
		}
		line += " " + w
	}
	b.WriteString(line + "\n")
}

// unionMethod records fd when it is a method of oapi-codegen's union types:
// AsX (a variant X), Discriminator (its property, read from the tag of the
// struct it decodes into).
func unionMethod(fd *ast.FuncDecl, unions map[string]*union) {
	if fd.Recv == nil || len(fd.Recv.List) != 1 || !fd.Name.IsExported() {
		return
	}
	recv := fd.Recv.List[0].Type
	if st, ok := recv.(*ast.StarExpr); ok {
		recv = st.X
	}
	id, ok := recv.(*ast.Ident)
	if !ok {
		return
	}
	u := unions[id.Name]
	if u == nil {
		u = &union{}
		unions[id.Name] = u
	}
	switch {
	case strings.HasPrefix(fd.Name.Name, "As") && fd.Type.Results != nil && len(fd.Type.Results.List) == 2:
		if v, ok := fd.Type.Results.List[0].Type.(*ast.Ident); ok {
			u.variants = append(u.variants, v.Name)
		}
	case fd.Name.Name == "Discriminator" && fd.Body != nil:
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if tag, err := strconv.Unquote(lit.Value); err == nil {
					if name, _, _ := strings.Cut(reflect.StructTag(tag).Get("json"), ","); name != "" {
						u.discriminator = name
					}
				}
			}
			return true
		})
	}
}

// writeUnion writes the doc comment lines of a union model: its variants
// and the methods that read and set them, which go doc does not show for an
// alias.
func writeUnion(b *bytes.Buffer, u *union) {
	if u == nil {
		return
	}
	var as, from []string
	for _, v := range u.variants {
		as = append(as, "As"+v)
		from = append(from, "From"+v)
	}
	text := "It holds one of " + strings.Join(u.variants, ", ") + " (a oneOf or anyOf of the spec)"
	if u.discriminator != "" {
		text += fmt.Sprintf(", told apart by its %q property: Discriminator returns it, ValueByDiscriminator the variant it names", u.discriminator)
	}
	text += ". Read a variant with " + strings.Join(as, ", ") + "; set one with " + strings.Join(from, ", ") + "; MergeX merges one in."
	b.WriteString("//\n")
	writeComment(b, text)
}

// writeFields writes the doc comment lines that list a model's fields, as a
// Go doc comment list.
func writeFields(b *bytes.Buffer, fields []field) {
	if len(fields) == 0 {
		return
	}
	b.WriteString("//\n// Fields:\n")
	for _, f := range fields {
		fmt.Fprintf(b, "//   - %s %s", f.name, f.typ)
		switch {
		case f.json != "" && f.optional:
			fmt.Fprintf(b, " (JSON %q, optional)", f.json)
		case f.json != "":
			fmt.Fprintf(b, " (JSON %q)", f.json)
		case f.optional:
			b.WriteString(" (optional)")
		}
		if f.doc != "" {
			b.WriteString(": " + f.doc)
		}
		b.WriteString("\n")
	}
}

// fieldsOf returns the exported fields of a struct model, in their order,
// with their types written as the SDK names them and their docs as Go doc
// text.
func (src *source) fieldsOf(st *ast.StructType, cfg config, link func(string) string) ([]field, error) {
	var fields []field
	for _, f := range st.Fields.List {
		_, pointer := f.Type.(*ast.StarExpr)
		base := field{typ: src.print(f.Type, cfg), doc: fieldDoc(f.Doc, f.Comment), optional: pointer}
		if f.Tag != nil {
			tag, err := strconv.Unquote(f.Tag.Value)
			if err != nil {
				return nil, fmt.Errorf("field tag %s: %w", f.Tag.Value, err)
			}
			name, opts, _ := strings.Cut(reflect.StructTag(tag).Get("json"), ",")
			if name == "-" {
				continue
			}
			base.json = name
			base.optional = base.optional || slices.Contains(strings.Split(opts, ","), "omitempty")
		}
		names := f.Names
		if len(names) == 0 { // an embedded field is named by its type
			names = []*ast.Ident{{Name: strings.TrimPrefix(base.typ, "*")}}
		}
		for _, n := range names {
			if !ast.IsExported(n.Name[strings.LastIndex(n.Name, ".")+1:]) {
				continue
			}
			fd := base
			fd.name = n.Name
			if fd.doc == n.Name {
				fd.doc = ""
			}
			fd.doc = doctext.FromMarkdown(strings.TrimPrefix(fd.doc, n.Name+" "), link)
			fields = append(fields, fd)
		}
	}
	return fields, nil
}

// rewrite renames, in a type expression, the types of the generated
// package that the SDK re-exports under another name, and the runtime
// types (of the package the files call runtime) the SDK aliases.
func rewrite(expr ast.Expr, cfg config, runtime string) ast.Expr {
	if sel, ok := expr.(*ast.SelectorExpr); ok {
		if x, ok := sel.X.(*ast.Ident); ok && x.Name == runtime && cfg.reexported[sel.Sel.Name] != "" {
			return ast.NewIdent(cfg.reexported[sel.Sel.Name])
		}
		return expr
	}
	switch e := expr.(type) {
	case *ast.StarExpr:
		return &ast.StarExpr{X: rewrite(e.X, cfg, runtime)}
	case *ast.ArrayType:
		return &ast.ArrayType{Len: e.Len, Elt: rewrite(e.Elt, cfg, runtime)}
	case *ast.MapType:
		return &ast.MapType{Key: rewrite(e.Key, cfg, runtime), Value: rewrite(e.Value, cfg, runtime)}
	case *ast.Ident:
		if name, ok := cfg.renames[e.Name]; ok {
			return ast.NewIdent(name)
		}
	}
	return expr
}

// renameIdents renames, in a type expression, the types of the generated
// package that the SDK re-exports under another name.
func renameIdents(expr ast.Expr, renames map[string]string) {
	ast.Inspect(expr, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			return false // another package's type
		case *ast.Ident:
			if name, ok := renames[n.Name]; ok {
				n.Name = name
			}
		}
		return true
	})
}

// fieldDoc returns a field's documentation on one line, without the
// "Example:" paragraphs oapi-codegen adds. The leading field name that
// oapi-codegen puts there is left for the caller to remove.
func fieldDoc(groups ...*ast.CommentGroup) string {
	for _, g := range groups {
		if g == nil {
			continue
		}
		var kept []string
		for i, para := range strings.Split(g.Text(), "\n\n") {
			text := strings.Join(strings.Fields(para), " ")
			if i == 0 {
				// "Name Example: x": a name without a description.
				if name, rest, ok := strings.Cut(text, " "); ok && strings.HasPrefix(rest, "Example:") {
					text = name
				}
			}
			if text != "" && !strings.HasPrefix(text, "Example:") {
				kept = append(kept, text)
			}
		}
		if len(kept) > 0 {
			return strings.Join(kept, " ")
		}
	}
	return ""
}

func nameFor(name string, renames map[string]string) string {
	if n, ok := renames[name]; ok {
		return n
	}
	return name
}
