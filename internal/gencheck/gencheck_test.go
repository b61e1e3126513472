package gencheck_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/internal/gencheck"
)

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDirectivesNeedAnOutput(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "gen/generate.go"), "package gen\n\n//go:generate go run ./x -o a.gen.go in.yaml\n")
	write(t, filepath.Join(root, "gen/sub/generate.go"), "package sub\n\n//go:generate go run ./y\n")
	if _, err := gencheck.Directives(root, "gen"); err == nil || !strings.Contains(err.Error(), "no -o") {
		t.Fatalf("want an error for a directive without -o, got %v", err)
	}
	write(t, filepath.Join(root, "gen/sub/generate.go"), "package sub\n\n//go:generate go run ./y -o b.gen.go\n")
	write(t, filepath.Join(root, "gen/sub/other.go"), "package sub\n\n//go:generate go run ./z -o c.gen.go\n")
	if _, err := gencheck.Directives(root, "gen"); err == nil || !strings.Contains(err.Error(), "other.go") {
		t.Fatalf("want an error for a directive outside generate.go, got %v", err)
	}
	if err := os.Remove(filepath.Join(root, "gen/sub/other.go")); err != nil {
		t.Fatal(err)
	}
	ds, err := gencheck.Directives(root, "gen")
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 || ds[0].Dir != "gen" || ds[0].Output != "a.gen.go" || ds[1].Dir != "gen/sub" || ds[1].Output != "b.gen.go" {
		t.Fatalf("directives = %+v", ds)
	}
}

func TestCompareNamesEachKindOfDrift(t *testing.T) {
	root, scratch := t.TempDir(), t.TempDir()
	ds := []gencheck.Directive{
		{Dir: "gen", Output: "same.gen.go"},
		{Dir: "gen", Output: "changed.gen.go"},
		{Dir: "gen", Output: "missing.gen.go"},
	}
	write(t, filepath.Join(root, "gen/same.gen.go"), "a\nb\n")
	write(t, filepath.Join(scratch, "gen/same.gen.go"), "a\nb\n")
	write(t, filepath.Join(root, "gen/changed.gen.go"), "a\nold\nc\n")
	write(t, filepath.Join(scratch, "gen/changed.gen.go"), "a\nnew\nc\n")
	write(t, filepath.Join(scratch, "gen/missing.gen.go"), "x\n")
	write(t, filepath.Join(root, "gen/stale.gen.go"), "y\n")

	drifts, err := gencheck.Compare(root, "gen", scratch, ds)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, d := range drifts {
		got[d.File] = d.Reason
	}
	if len(got) != 3 {
		t.Fatalf("drifts = %v", drifts)
	}
	if r := got["gen/changed.gen.go"]; !strings.Contains(r, "line 2") || !strings.Contains(r, "old") || !strings.Contains(r, "new") {
		t.Errorf("changed file reason = %q", r)
	}
	if r := got["gen/missing.gen.go"]; !strings.Contains(r, "missing") {
		t.Errorf("missing file reason = %q", r)
	}
	if r := got["gen/stale.gen.go"]; !strings.Contains(r, "no go:generate directive") {
		t.Errorf("stale file reason = %q", r)
	}
}

// copyTree copies the files the generators need into a scratch module.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	for _, rel := range []string{"go.mod", "go.sum", "tools.go", "api", "gen", "internal/specgen"} {
		src := filepath.Join(from, rel)
		err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			r, err := filepath.Rel(from, path)
			if err != nil {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			write(t, filepath.Join(to, r), string(data))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// The scenario of the issue: one response field renamed in the spec, code
// not regenerated. The check must fail and name the file that drifted.
func TestChangedResponseFieldIsReportedAsDrift(t *testing.T) {
	root, err := gencheck.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	tree := t.TempDir()
	copyTree(t, root, tree)

	specPath := filepath.Join(tree, "api/openapi.yaml")
	spec, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	const field = "        distance_in_meters:\n          type: number\n"
	if !bytes.Contains(spec, []byte(field)) {
		t.Fatal("the field this test renames is no longer in the spec; pick another")
	}
	spec = bytes.Replace(spec, []byte(field), []byte("        distance_in_metres:\n          type: number\n"), 1)
	write(t, specPath, string(spec))

	ds, err := gencheck.Directives(tree, "gen")
	if err != nil {
		t.Fatal(err)
	}
	scratch := t.TempDir()
	if err := gencheck.Regenerate(context.Background(), tree, scratch, ds); err != nil {
		t.Fatal(err)
	}
	drifts, err := gencheck.Compare(tree, "gen", scratch, ds)
	if err != nil {
		t.Fatal(err)
	}
	var types bool
	for _, d := range drifts {
		if d.File == "gen/types.gen.go" && strings.Contains(d.Reason, "DistanceInMet") {
			types = true
		}
	}
	if !types {
		t.Fatalf("a renamed response field was not reported as drift in gen/types.gen.go: %v", drifts)
	}
}
