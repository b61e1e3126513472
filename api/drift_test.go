package api_test

import (
	"context"
	"testing"

	"github.com/axa-assistance-go/axa/internal/gencheck"
)

// TestGeneratedCodeIsUpToDate is the one check that the committed generated
// code is what `go generate ./...` writes: it runs every generation step of
// the module (the //axa:generate lines of gen/, gen/server, pkg/axa,
// pkg/sandbox/resources, wherever a generate.go holds one) in a copy of the
// module in a scratch directory, as go generate's one directive does, and
// fails naming each file that differs (with its first differing line), that
// is missing, or that is generated (*.gen.go, *.golden, a "Code generated"
// header) but written by no step. It runs with every other test, locally and
// in CI, and needs no clean work tree.
func TestGeneratedCodeIsUpToDate(t *testing.T) {
	root, err := gencheck.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	directives, err := gencheck.Directives(root, ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(directives) == 0 {
		t.Fatal("no generation steps (//axa:generate) in the repository")
	}
	scratch := t.TempDir()
	if err := gencheck.Regenerate(context.Background(), root, scratch, directives); err != nil {
		t.Fatal(err)
	}
	drifts, err := gencheck.Compare(root, ".", scratch, directives)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range drifts {
		t.Errorf("generated code drifted from api/openapi.yaml: %s\n\tfix: run `go generate ./...` (or `make generate`) and commit the result", d)
	}
}
