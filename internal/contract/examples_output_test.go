package contract_test

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryExampleChecksItsOutput: an Example function without an
// "// Output:" comment is compiled but never run, so what it shows a reader
// could be false without a test failing. Every Example of the module has
// one.
func TestEveryExampleChecksItsOutput(t *testing.T) {
	fset := token.NewFileSet()
	examples := 0
	err := filepath.WalkDir(repoRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "bin" || strings.HasPrefix(d.Name(), ".")) && path != repoRoot {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		for _, ex := range doc.Examples([]*ast.File{f}...) {
			examples++
			if ex.Output == "" && !ex.EmptyOutput {
				t.Errorf("%s: Example%s has no // Output: comment, so go test never runs it", path, ex.Name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if examples == 0 {
		t.Fatal("found no Example function: the walk is broken")
	}
}

// TestEveryExampleProgramHasATest: a program of examples/ that no test
// runs could stop working, or print other than its doc comment and the
// README say, without a test failing. Every one has a test beside it
// (examples/otel, a module of its own, is run by make examples-otel).
func TestEveryExampleProgramHasATest(t *testing.T) {
	mains, err := filepath.Glob(filepath.Join(repoRoot, "examples", "*", "main.go"))
	if err != nil || len(mains) < 2 {
		t.Fatalf("found %d example programs (%v): the glob is broken", len(mains), err)
	}
	for _, m := range mains {
		tests, err := filepath.Glob(filepath.Join(filepath.Dir(m), "*_test.go"))
		if err != nil {
			t.Fatal(err)
		}
		if len(tests) == 0 {
			t.Errorf("%s has no test: run it and check its output", filepath.Dir(m))
		}
	}
}
