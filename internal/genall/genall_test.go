package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/internal/gencheck"
)

// The module has one go:generate directive, this command's, in
// gen/generate.go: every other generator runs as one of its steps.
func TestTheDriverIsTheOneDirective(t *testing.T) {
	root, err := gencheck.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "bin" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for line := range strings.Lines(string(data)) {
			if strings.HasPrefix(line, "//go:generate ") {
				rel, _ := filepath.Rel(root, p)
				found = append(found, filepath.ToSlash(rel)+": "+strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0] != "gen/generate.go: //go:generate go run ../internal/genall" {
		t.Errorf("go:generate directives: %q, want gen/generate.go's of internal/genall alone", found)
	}
	if steps, err := gencheck.Directives(root, "."); err != nil || len(steps) == 0 {
		t.Errorf("steps: %d, %v", len(steps), err)
	}
}

// copyModule copies the module (not .git, hidden directories or ./bin)
// into dst.
func copyModule(t *testing.T, root, dst string) {
	t.Helper()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && (strings.HasPrefix(d.Name(), ".") || p == filepath.Join(root, "bin")) {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o750)
		}
		if !d.Type().IsRegular() || d.Name() == ".git" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// hashTree returns the SHA-256 of every file under root, by path.
func hashTree(t *testing.T, root string) map[string][32]byte {
	t.Helper()
	out := map[string][32]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out[p] = sha256.Sum256(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A spec that a generator refuses, late in the run (the SDK's generator
// refuses a cookie parameter, after oapi-codegen has generated the models
// and the client from it): go generate ./... fails, names the operation,
// the construct and what to do, and every file of the tree is
// byte-identical to what it was.
func TestARefusedSpecChangesNoFile(t *testing.T) {
	if testing.Short() {
		t.Skip("copies the module and runs go generate in the copy")
	}
	root, err := gencheck.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	copyModule(t, root, dst)
	specPath := filepath.Join(dst, "api", "openapi.yaml")
	spec, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	const op, params = "      operationId: getCountry\n", "      parameters:\n"
	i := bytes.Index(spec, []byte(op))
	j := bytes.Index(spec[max(i, 0):], []byte(params))
	if i < 0 || j < 0 {
		t.Fatal("getCountry or its parameters are gone from the spec: update this test")
	}
	at := i + j + len(params)
	cookie := "        - name: axa_session\n          in: cookie\n          required: false\n" +
		"          description: A session cookie.\n          schema:\n            type: string\n            example: abc\n"
	spec = append(spec[:at:at], append([]byte(cookie), spec[at:]...)...)
	if err := os.WriteFile(specPath, spec, 0o600); err != nil {
		t.Fatal(err)
	}

	before := hashTree(t, dst)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "generate", "./...")
	cmd.Dir = dst
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("go generate accepted a cookie parameter:\n%s", out)
	}
	for _, want := range []string{
		"getCountry", "cookie parameter axa_session", "send it as a header parameter instead", // the operation, the construct, what to do
		"gen/generate.go:", "go generate changed no file of the tree", "CONTRIBUTING.md",
	} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("go generate's error does not say %q:\n%s", want, out)
		}
	}
	after := hashTree(t, dst)
	for p, h := range after {
		if before[p] != h {
			rel, _ := filepath.Rel(dst, p)
			t.Errorf("the refused go generate changed %s", rel)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			rel, _ := filepath.Rel(dst, p)
			t.Errorf("the refused go generate removed %s", rel)
		}
	}
}
