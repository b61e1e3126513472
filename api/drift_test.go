package api_test

import (
	"context"
	"testing"

	"github.com/axa-assistance-go/axa/internal/gencheck"
)

// TestGeneratedCodeIsUpToDate regenerates gen/ (and every other generated
// file) from api/openapi.yaml with the repository's own go:generate directives and fails, naming each file, when
// the committed code differs.
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
		t.Fatal("no go:generate directives in the repository")
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
