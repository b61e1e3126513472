package api_test

import (
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/internal/gencheck"
)

func TestSDKFacingPackagesStayLean(t *testing.T) {
	// The packages an importer of the SDK compiles.
	sdkFacing := []string{"./gen", "./pkg/axa"}
	// Module path fragments that must never reach them: the spec tooling,
	// YAML, JWT and CLI libraries belong to the sandbox, the CLI and the
	// tests; OpenTelemetry to pkg/axaotel, a module of its own on the SDK's
	// Observer; the Model Context Protocol SDK to the CLI's axa mcp.
	forbiddenInSDK := []string{
		"github.com/getkin/kin-openapi",
		"yaml",
		"jwt",
		"go-jose",
		"github.com/spf13/cobra",
		"github.com/oapi-codegen/oapi-codegen",
		"go.opentelemetry.io",
		"github.com/modelcontextprotocol",
	}
	root, err := gencheck.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	for _, pkg := range sdkFacing {
		// Read the package's sources here so that go test's cache notices
		// when their imports change (go list runs in a child process).
		files, _ := filepath.Glob(filepath.Join(root, pkg, "*.go"))
		for _, f := range append(files, filepath.Join(root, "go.mod")) {
			if _, err := os.ReadFile(f); err != nil {
				t.Fatal(err)
			}
		}
		cmd := exec.CommandContext(t.Context(), goBin, "list", "-deps", pkg)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, bad := range forbiddenInSDK {
				if strings.Contains(dep, bad) {
					t.Errorf("%s depends on %s: SDK importers must not compile %q", pkg, dep, bad)
				}
			}
		}
	}
}

// An importer pays for the SDK only: `go get` of the module's path or of
// pkg/axa, in a fresh module, adds to that module's go.mod the modules
// whose packages pkg/axa compiles, and nothing else (no code generator,
// however go.mod pins it). The fresh module replaces this one with the
// working tree; the modules come from the local module cache when it has
// them, else from GOPROXY.
func TestImportersGoModListsOnlyWhatTheSDKNeeds(t *testing.T) {
	root, err := gencheck.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	// Read here what decides the answer, so that go test's cache notices
	// a change (the go commands run in child processes).
	for _, f := range []string{"go.mod", "go.sum", "tools.go"} {
		if _, err := os.ReadFile(filepath.Join(root, f)); err != nil {
			t.Fatal(err)
		}
	}
	goCmd := func(dir string, env []string, args ...string) (string, error) {
		cmd := exec.CommandContext(t.Context(), goBin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	mainModule, err := goCmd(root, nil, "list", "-m")
	if err != nil {
		t.Fatalf("go list -m: %v\n%s", err, mainModule)
	}
	mainModule = strings.TrimSpace(mainModule)
	out, err := goCmd(root, nil, "list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}", "./pkg/axa")
	if err != nil {
		t.Fatalf("go list -deps ./pkg/axa: %v\n%s", err, out)
	}
	need := map[string]bool{}
	for _, m := range strings.Fields(out) {
		need[m] = true
	}
	goVersion, err := goCmd(root, nil, "mod", "edit", "-print")
	if err != nil {
		t.Fatalf("go mod edit -print: %v\n%s", err, goVersion)
	}
	for line := range strings.Lines(goVersion) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "go "); ok {
			goVersion = v
			break
		}
	}
	cache, err := goCmd(root, nil, "env", "GOMODCACHE")
	if err != nil {
		t.Fatalf("go env GOMODCACHE: %v\n%s", err, cache)
	}
	cacheProxy := (&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(strings.TrimSpace(cache), "cache", "download"))}).String()
	proxy, _ := goCmd(root, nil, "env", "GOPROXY")

	for _, path := range []string{mainModule, mainModule + "/pkg/axa"} {
		t.Run(path, func(t *testing.T) {
			dir := t.TempDir()
			gomod := "module example.com/importer\n\ngo " + goVersion + "\n\nreplace " + mainModule + " => " + filepath.ToSlash(root) + "\n"
			if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o600); err != nil {
				t.Fatal(err)
			}
			// This module's checksums, so that no checksum database is
			// asked; go.sum never changes go.mod.
			sums, err := os.ReadFile(filepath.Join(root, "go.sum"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "go.sum"), sums, 0o600); err != nil {
				t.Fatal(err)
			}
			// The replaced module answers any version; the zero
			// pseudo-version asks for nothing newer.
			get := []string{"get", path + "@v0.0.0-00010101000000-000000000000"}
			base := []string{"GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS="}
			out, err := goCmd(dir, append(base, "GOPROXY="+cacheProxy), get...)
			if err != nil && strings.TrimSpace(proxy) != "off" {
				out, err = goCmd(dir, append(base, "GOPROXY="+cacheProxy+","+strings.TrimSpace(proxy)), get...)
				if err != nil && networkRefused(out) {
					t.Skipf("the module cache lacks a module this check needs and the network is refused: %s", strings.TrimSpace(out))
				}
			}
			if err != nil {
				t.Fatalf("go %s: %v\n%s", strings.Join(get, " "), err, out)
			}
			edited, err := goCmd(dir, nil, "mod", "edit", "-json")
			if err != nil {
				t.Fatalf("go mod edit -json: %v\n%s", err, edited)
			}
			var mod struct{ Require []struct{ Path string } }
			if err := json.Unmarshal([]byte(edited), &mod); err != nil {
				t.Fatal(err)
			}
			written, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
			var got []string
			for _, r := range mod.Require {
				got = append(got, r.Path)
				if !need[r.Path] {
					t.Errorf("go get %s added %s, which pkg/axa does not compile: an importer must not pay for it", path, r.Path)
				}
			}
			if !slices.Contains(got, mainModule) {
				t.Errorf("go get %s did not add %s", path, mainModule)
			}
			if strings.HasSuffix(path, "/pkg/axa") {
				for m := range need {
					if !slices.Contains(got, m) {
						t.Errorf("go get %s did not add %s, which pkg/axa compiles", path, m)
					}
				}
			}
			if t.Failed() {
				t.Logf("the importer's go.mod:\n%s", written)
			}
		})
	}
}

// networkRefused reports whether the go command's output says it could not
// reach the network.
func networkRefused(out string) bool {
	for _, s := range []string{"dial tcp", "connection refused", "no such host", "network is unreachable", "i/o timeout", "lookup ", "Forbidden"} {
		if strings.Contains(out, s) {
			return true
		}
	}
	return false
}
