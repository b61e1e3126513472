package contract_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/internal/testutil"
)

// firstScreen is how many lines of README.md a reader sees first: what
// they need before anything else starts there.
const firstScreen = 40

// quickstartFile is the program the README's Quickstart shows.
const quickstartFile = "examples/quickstart/main.go"

// readmeBlocks returns README.md's code blocks.
func readmeBlocks(t *testing.T) []testutil.CodeBlock {
	t.Helper()
	return testutil.CodeBlocks(t, filepath.Join(repoRoot, "README.md"))
}

// commandLines returns the commands of a shell block: its lines without
// their comments, blank lines left out.
func commandLines(text string) []string {
	var out []string
	for line := range strings.Lines(text) {
		cmd, _, _ := strings.Cut(line, "#")
		if cmd = strings.TrimSpace(cmd); cmd != "" {
			out = append(out, cmd)
		}
	}
	return out
}

// TestReadmeFirstScreen keeps what a new user needs on the README's first
// screen: the set-up commands first (run it, test it, then the quick
// loop), the install (go get, and from a clone with a workspace or a
// replace line while no version is tagged), the Quickstart's program and a
// link to CONTRIBUTING.md.
func TestReadmeFirstScreen(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(readme), "\n")
	screen := strings.Join(lines[:min(firstScreen, len(lines))], "\n")
	var blocks []testutil.CodeBlock
	for _, b := range readmeBlocks(t) {
		if b.Line <= firstScreen {
			blocks = append(blocks, b)
		}
	}
	if len(blocks) == 0 || blocks[0].Info != "sh" {
		t.Fatalf("the first screen (%d lines) does not start with a sh block: %+v", firstScreen, blocks)
	}
	wantFirst := []string{"go run ./cmd/axa countries", "make check", "make test-short"}
	if got := commandLines(blocks[0].Text); !slices.Equal(got, wantFirst) {
		t.Errorf("README's first commands are %q, want %q (run it, test it, the quick loop)", got, wantFirst)
	}
	for _, want := range []string{"run it", "test it", "quick loop"} {
		if !strings.Contains(blocks[0].Text, want) {
			t.Errorf("README's first block does not say %q:\n%s", want, blocks[0].Text)
		}
	}
	if !strings.Contains(screen, "(CONTRIBUTING.md)") {
		t.Errorf("README's first screen does not link CONTRIBUTING.md")
	}

	// Each wanted block: its section, its info string, and what it holds.
	wants := []struct{ section, info, holds string }{
		{"Install", "sh", "go get github.com/axa-assistance-go/axa/pkg/axa"},
		{"Install", "sh", "go work init . ../axa"},
		{"Install", "sh", "go mod edit -replace github.com/axa-assistance-go/axa=../axa"},
		{"Quickstart", "go", "func main() {"},
	}
	for _, w := range wants {
		found := slices.ContainsFunc(blocks, func(b testutil.CodeBlock) bool {
			return b.Section == w.section && b.Info == w.info && strings.Contains(b.Text, w.holds)
		})
		if !found {
			t.Errorf("README's first %d lines have no %s block under %q holding %q", firstScreen, w.info, w.section, w.holds)
		}
	}
}

// TestReadmeQuickstartIsTheExample: the Quickstart's Go block is
// examples/quickstart/main.go from its func main on, byte for byte, so
// that what the README shows is a program that compiles, and runs in
// examples/quickstart's test, which checks that it prints what the README
// says.
func TestReadmeQuickstartIsTheExample(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(repoRoot, quickstartFile))
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(src), "\nfunc main() {\n")
	if i < 0 {
		t.Fatalf("%s has no func main", quickstartFile)
	}
	want := string(src[i+1:])
	var got []string
	for _, b := range readmeBlocks(t) {
		if b.Section == "Quickstart" && b.Info == "go" {
			got = append(got, b.Text)
		}
	}
	if len(got) != 1 {
		t.Fatalf("README's Quickstart has %d Go blocks, want 1", len(got))
	}
	if got[0] != want {
		t.Errorf("README's Quickstart is not %s from func main on:\n%s\nwant:\n%s\n(first difference at line %d)",
			quickstartFile, got[0], want, firstDifferentLine(got[0], want))
	}
}

// firstDifferentLine returns the 1-based number of the first line at which
// a and b differ.
func firstDifferentLine(a, b string) int {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return i + 1
		}
	}
	return min(len(al), len(bl)) + 1
}

// goDecls are the exported declarations of the Go packages the README
// names, read from their sources as go doc reads them.
type goDecls struct {
	// pkg maps a package's name (axa, sandbox) to its exported top-level
	// names.
	pkg map[string]map[string]bool
	// members maps a type's name to its fields and methods, the types of
	// every package read merged by name (axa.Money is gen.Money).
	members map[string]map[string]bool
}

// readDecls reads the exported declarations of the packages in dirs,
// paths from the module's root, each named by its last element.
func readDecls(t *testing.T, dirs ...string) goDecls {
	t.Helper()
	d := goDecls{pkg: map[string]map[string]bool{}, members: map[string]map[string]bool{}}
	member := func(typ, name string) {
		if d.members[typ] == nil {
			d.members[typ] = map[string]bool{}
		}
		d.members[typ][name] = true
	}
	fset := token.NewFileSet()
	for _, dir := range dirs {
		names := map[string]bool{}
		d.pkg[filepath.Base(dir)] = names
		files, err := filepath.Glob(filepath.Join(repoRoot, dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go file in %s: %v", dir, err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			for _, decl := range f.Decls {
				switch decl := decl.(type) {
				case *ast.FuncDecl:
					if decl.Recv == nil {
						names[decl.Name.Name] = true
						continue
					}
					member(receiverType(decl.Recv.List[0].Type), decl.Name.Name)
				case *ast.GenDecl:
					for _, spec := range decl.Specs {
						switch spec := spec.(type) {
						case *ast.TypeSpec:
							names[spec.Name.Name] = true
							if st, ok := spec.Type.(*ast.StructType); ok {
								for _, field := range st.Fields.List {
									for _, n := range field.Names {
										member(spec.Name.Name, n.Name)
									}
									if len(field.Names) == 0 {
										member(spec.Name.Name, receiverType(field.Type))
									}
								}
							}
						case *ast.ValueSpec:
							for _, n := range spec.Names {
								names[n.Name] = true
							}
						}
					}
				}
			}
		}
	}
	return d
}

// receiverType returns the name of the type of a receiver or an embedded
// field: T of T, *T, T[P], pkg.T.
func receiverType(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return receiverType(e.X)
	case *ast.IndexExpr:
		return receiverType(e.X)
	case *ast.IndexListExpr:
		return receiverType(e.X)
	case *ast.SelectorExpr:
		return e.Sel.Name
	case *ast.Ident:
		return e.Name
	}
	return ""
}

// TestReadmeNamesOnlyWhatExists: every Go name the README gives is
// declared, so that a rename or a removal (WithIdempotencyKey) cannot
// leave the README teaching what no longer compiles. It checks a name
// qualified by a package the module declares (axa.WithSandbox,
// sandbox.WithFault, gen.MatchOperation; axaotel.WithTracing, of the
// module's OpenTelemetry module), a method or field of the
// variables the README uses for a client, an axatest.Env, a sandbox and
// its server (client.ListPoliciesAll, env.NewClient, sb.Start,
// srv.URL), a member of a type the module declares (TokenOptions.
// MaxRetryAfter, Money.Amount), and every bare With..., Err... and
// Default... name, which must be declared by one of those packages.
func TestReadmeNamesOnlyWhatExists(t *testing.T) {
	d := readDecls(t, "pkg/axa", "gen", "pkg/sandbox", "pkg/sandbox/resources", "pkg/axatest", "pkg/conformance", "pkg/axaotel")
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	checked := 0
	report := func(what, name string, ok bool) {
		checked++
		if !ok {
			t.Errorf("README.md names %s %s, which is not declared", what, name)
		}
	}
	for _, m := range regexp.MustCompile(`\b(axa|gen|sandbox|resources|axatest|conformance|axaotel)\.([A-Z]\w*)`).FindAllStringSubmatch(text, -1) {
		report("the package member", m[0], d.pkg[m[1]][m[2]])
	}
	vars := map[string]string{"client": "Client", "env": "Env", "sb": "Sandbox", "srv": "Server"}
	for _, m := range regexp.MustCompile(`\b(client|env|sb|srv)\.([A-Z]\w*)`).FindAllStringSubmatch(text, -1) {
		report("the "+vars[m[1]]+" member", m[0], d.members[vars[m[1]]][m[2]])
	}
	for _, m := range regexp.MustCompile(`(?:^|[^\w.*])([A-Z]\w*)\.([A-Z]\w*)`).FindAllStringSubmatch(text, -1) {
		if members, ok := d.members[m[1]]; ok {
			report("the member", m[1]+"."+m[2], members[m[2]])
		}
	}
	for _, m := range regexp.MustCompile(`(?:^|[^\w.])((?:With|Err|Default)[A-Z]\w*)`).FindAllStringSubmatch(text, -1) {
		declared := false
		for _, names := range d.pkg {
			declared = declared || names[m[1]]
		}
		report("the name", m[1], declared)
	}
	if checked < 50 {
		t.Errorf("checked only %d names: the patterns no longer match the README", checked)
	}
}
