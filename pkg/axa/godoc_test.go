package axa_test

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// What go doc (and pkg.go.dev) shows of this package, read from its
// sources and, for its aliases of the generated models, from gen's: what a
// Go reviewer reads. The checks below keep it so as the spec grows, for
// they look at whatever the generators wrote.

// surface is the exported identifiers and the comments of pkg/axa.
type surface struct {
	// names are the exported identifiers a caller writes, with where each
	// is declared: the package's constants, variables, functions, types,
	// methods and fields, and the fields and methods of the generated
	// types the package re-exports as aliases.
	names map[string]string
	// comments are every comment of the package's files, by file.
	comments map[string][]string
	// docs are the doc comments of the package's exported declarations.
	docs map[string]string
}

// readSurface parses the package's files (not its tests) and gen's.
func readSurface(t *testing.T) *surface {
	t.Helper()
	fset := token.NewFileSet()
	parse := func(dir string) []*ast.File {
		paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		var files []*ast.File
		for _, p := range paths {
			if strings.HasSuffix(p, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, p, nil, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		return files
	}
	axaFiles, genFiles := parse("."), parse(filepath.Join("..", "..", "gen"))
	pkg, err := doc.NewFromFiles(fset, axaFiles, "github.com/axa-assistance-go/axa/pkg/axa", doc.PreserveAST)
	if err != nil {
		t.Fatal(err)
	}
	genTypes := map[string]*ast.TypeSpec{}
	genMethods := map[string][]string{}
	for _, f := range genFiles {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, s := range d.Specs {
					if ts, ok := s.(*ast.TypeSpec); ok {
						genTypes[ts.Name.Name] = ts
					}
				}
			case *ast.FuncDecl:
				if d.Recv != nil && d.Name.IsExported() {
					recv := d.Recv.List[0].Type
					if st, ok := recv.(*ast.StarExpr); ok {
						recv = st.X
					}
					if id, ok := recv.(*ast.Ident); ok {
						genMethods[id.Name] = append(genMethods[id.Name], d.Name.Name)
					}
				}
			}
		}
	}
	s := &surface{names: map[string]string{}, comments: map[string][]string{}, docs: map[string]string{}}
	add := func(name, where string) {
		if token.IsExported(name) {
			s.names[where] = name
		}
	}
	var fields func(where string, e ast.Expr)
	fields = func(where string, e ast.Expr) {
		switch e := e.(type) {
		case *ast.StructType:
			for _, f := range e.Fields.List {
				for _, n := range f.Names {
					add(n.Name, where+"."+n.Name)
				}
			}
		case *ast.InterfaceType:
			for _, m := range e.Methods.List {
				for _, n := range m.Names {
					add(n.Name, where+"."+n.Name)
				}
			}
		case *ast.SelectorExpr: // an alias of gen's type: its fields and methods
			if x, ok := e.X.(*ast.Ident); ok && x.Name == "gen" {
				name := e.Sel.Name
				for range 10 {
					ts := genTypes[name]
					if ts == nil {
						break
					}
					for _, m := range genMethods[name] {
						add(m, where+"."+m)
					}
					if id, ok := ts.Type.(*ast.Ident); ok && ts.Assign.IsValid() {
						name = id.Name
						continue
					}
					fields(where, ts.Type)
					break
				}
			}
		}
	}
	values := func(vs []*doc.Value) {
		for _, v := range vs {
			for _, n := range v.Names {
				add(n, n)
				s.docs[n] = v.Doc
			}
		}
	}
	values(pkg.Consts)
	values(pkg.Vars)
	for _, f := range pkg.Funcs {
		add(f.Name, f.Name)
		s.docs[f.Name] = f.Doc
	}
	for _, typ := range pkg.Types {
		add(typ.Name, typ.Name)
		s.docs[typ.Name] = typ.Doc
		values(typ.Consts)
		values(typ.Vars)
		for _, f := range append(slices.Clone(typ.Funcs), typ.Methods...) {
			where := f.Name
			if f.Recv != "" {
				where = typ.Name + "." + f.Name
			}
			add(f.Name, where)
			s.docs[where] = f.Doc
		}
		for _, spec := range typ.Decl.Specs {
			if ts, ok := spec.(*ast.TypeSpec); ok && ts.Name.Name == typ.Name {
				fields(typ.Name, ts.Type)
			}
		}
	}
	s.docs["package"] = pkg.Doc
	for _, f := range axaFiles {
		name := filepath.Base(fset.Position(f.Package).Filename)
		for _, g := range f.Comments {
			s.comments[name] = append(s.comments[name], g.Text())
		}
	}
	return s
}

// initialisms returns oapi-codegen's initialisms (its initialismsList, read
// from the source of the version go.mod pins) and ours (the
// additional-initialisms of gen's configurations, which must all list the
// same).
func initialisms(t *testing.T) []string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	out, err := exec.CommandContext(t.Context(), goBin, "list", "-m", "-f", "{{.Dir}}", "github.com/oapi-codegen/oapi-codegen/v2").Output()
	if err != nil {
		t.Fatalf("go list -m oapi-codegen: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "pkg", "codegen", "utils.go"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)var initialismsList = \[\]string\{(.*?)\}`).FindSubmatch(src)
	if m == nil {
		t.Fatal("oapi-codegen's utils.go has no initialismsList")
	}
	var list []string
	for _, q := range regexp.MustCompile(`"[^"]*"`).FindAll(m[1], -1) {
		s, _ := strconv.Unquote(string(q))
		list = append(list, s)
	}
	if len(list) < 20 {
		t.Fatalf("oapi-codegen's initialismsList has %d entries: %q", len(list), list)
	}
	cfgs, err := filepath.Glob(filepath.Join("..", "..", "gen", "*", "*.cfg.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	top, _ := filepath.Glob(filepath.Join("..", "..", "gen", "*.cfg.yaml"))
	var ours []string
	for i, cfg := range append(top, cfgs...) {
		b, err := os.ReadFile(cfg)
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`(?m)^\s*additional-initialisms:\s*\[(.*)\]`).FindSubmatch(b)
		if m == nil {
			t.Fatalf("%s names no additional-initialisms", cfg)
		}
		var these []string
		for _, s := range strings.Split(string(m[1]), ",") {
			these = append(these, strings.Trim(strings.TrimSpace(s), `"'`))
		}
		if i > 0 && !slices.Equal(these, ours) {
			t.Errorf("%s's additional-initialisms %q differ from %q: every configuration names the same", cfg, these, ours)
		}
		ours = these
	}
	return append(list, ours...)
}

// mixedCase returns the initialism an identifier spells in mixed case as
// a word of its own ("Axa" in AxaAlert, "Ids" in CountryIds), or "".
func mixedCase(ident string, initialisms []string) string {
	for _, in := range initialisms {
		lower := strings.ToLower(in)
		mixed := strings.ToUpper(lower[:1]) + lower[1:]
		if mixed == in {
			continue // not an initialism in upper case
		}
		for i := 0; ; {
			j := strings.Index(ident[i:], mixed)
			if j < 0 {
				break
			}
			end := i + j + len(mixed)
			// A word of its own: what follows starts another word (or
			// nothing does), so that Idempotency is not "Id".
			if end == len(ident) || !unicode.IsLower(rune(ident[end])) {
				return mixed
			}
			i = end
		}
	}
	return ""
}

// No exported identifier of the package, the fields and methods of its
// re-exported models included, spells an initialism in mixed case (issue
// 21): AxaAlert beside AXAPreferred, CountryIds beside CountryID,
// WhoBulletin. The initialisms are oapi-codegen's and the ones gen's
// configurations add (additional-initialisms), which is where a new one
// goes when the spec brings it.
func TestNoMixedCaseInitialisms(t *testing.T) {
	s := readSurface(t)
	list := initialisms(t)
	if got := mixedCase("CountryIds", list); got != "Ids" {
		t.Fatalf("the check misses CountryIds (%q): the initialisms are %q", got, list)
	}
	if got := mixedCase("IdempotencyKey", list); got != "" {
		t.Fatalf("the check flags IdempotencyKey (%q)", got)
	}
	for _, where := range slices.Sorted(func(yield func(string) bool) {
		for w := range s.names {
			if !yield(w) {
				return
			}
		}
	}) {
		if in := mixedCase(s.names[where], list); in != "" {
			t.Errorf("%s spells the initialism %s as %q: add it to additional-initialisms in gen/*.cfg.yaml (or give the spec's name an x-go-name)", where, strings.ToUpper(in), in)
		}
	}
	if len(s.names) < 300 {
		t.Errorf("only %d exported names found: the surface is not read whole", len(s.names))
	}
}

// No generator leftover is exported (issue 21): the aliases oapi-codegen
// makes for request bodies ("defines body for", whatever the media type),
// the multipart bodies they name, and the types the generated client takes
// path parameters as stay in gen, for the SDK's methods name the types they
// resolve to.
func TestNoGeneratorLeftoversExported(t *testing.T) {
	fset := token.NewFileSet()
	parse := func(name string) *ast.File {
		f, err := parser.ParseFile(fset, filepath.Join("..", "..", name), nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	leftovers := map[string]string{}
	for _, d := range parse("gen/types.gen.go").Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, spec := range gd.Specs {
			ts := spec.(*ast.TypeSpec)
			doc := ts.Doc.Text() + gd.Doc.Text()
			if ts.Assign.IsValid() && strings.HasPrefix(doc, ts.Name.Name+" defines body for") {
				leftovers[ts.Name.Name] = "a request body's alias"
				if id, ok := ts.Type.(*ast.Ident); ok && strings.Contains(doc, "multipart/form-data") {
					leftovers[id.Name] = "a multipart body, which the SDK's Form type replaces"
				}
			}
		}
	}
	ast.Inspect(parse("gen/client.gen.go"), func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok || ts.Name.Name != "ClientInterface" {
			return true
		}
		for _, m := range ts.Type.(*ast.InterfaceType).Methods.List {
			for i, p := range m.Type.(*ast.FuncType).Params.List {
				if id, ok := p.Type.(*ast.Ident); ok && i > 0 && token.IsExported(id.Name) && !slices.ContainsFunc(p.Names, func(n *ast.Ident) bool { return n.Name == "params" || n.Name == "body" }) {
					leftovers[id.Name] = "a path parameter's type"
				}
			}
		}
		return false
	})
	if len(leftovers) == 0 {
		t.Fatal("gen has no request body alias nor path parameter type: the check checks nothing")
	}
	// What the package re-exports: type X = gen.Y.
	for _, d := range parse("pkg/axa/models.gen.go").Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, spec := range gd.Specs {
			ts := spec.(*ast.TypeSpec)
			if sel, ok := ts.Type.(*ast.SelectorExpr); ok {
				if why, left := leftovers[sel.Sel.Name]; left {
					t.Errorf("%s (gen.%s, %s) is exported: the SDK's methods name what it resolves to", ts.Name.Name, sel.Sel.Name, why)
				}
			}
		}
	}
}

// The package's comments are Go doc comments (issue 21): no Markdown code
// span (a backtick), no "Example:" paragraph of oapi-codegen, no note for
// the spec's authors ("our design" and the listing the spec was modelled
// on go in the spec's x-design-note), no runtime type named by its package
// (openapi_types.Date) where the package's alias (Date) will do.
func TestCommentsAreGoDocForTheSDKsReaders(t *testing.T) {
	s := readSurface(t)
	for file, comments := range s.comments {
		for _, c := range comments {
			for _, bad := range []string{"`", "Example:", "our design", "2018 listing", "openapi_types."} {
				if strings.Contains(c, bad) {
					t.Errorf("%s: a comment holds %q:\n%s", file, bad, c)
				}
			}
		}
	}
	if len(s.comments["operations.gen.go"]) == 0 || len(s.comments["models.gen.go"]) == 0 {
		t.Error("the generated files' comments were not read")
	}
}

// Each enumeration's doc names its values, which go doc lists under it
// (issue 21): every constant of the package typed with a model is
// associated with its type, and named in the type's doc.
func TestEnumValuesAreListedUnderTheirType(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "models.gen.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := doc.NewFromFiles(fset, []*ast.File{f}, "github.com/axa-assistance-go/axa/pkg/axa")
	if err != nil {
		t.Fatal(err)
	}
	if len(pkg.Consts) != 0 {
		t.Errorf("constants not under a type: %v", pkg.Consts[0].Names)
	}
	enums := 0
	for _, typ := range pkg.Types {
		for _, v := range typ.Consts {
			enums++
			for _, n := range v.Names {
				if !strings.Contains(typ.Doc, n) {
					t.Errorf("%s's doc does not name its value %s:\n%s", typ.Name, n, typ.Doc)
				}
			}
		}
	}
	if enums == 0 {
		t.Error("no enumeration found")
	}
}
