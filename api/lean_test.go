package api_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/internal/gencheck"
)

func TestSDKFacingPackagesStayLean(t *testing.T) {
	// The packages an importer of the SDK compiles.
	sdkFacing := []string{"./gen", "./pkg/axa"}
	// Module path fragments that must never reach them: the spec tooling,
	// YAML, JWT and CLI libraries belong to the sandbox, the CLI and the tests.
	forbiddenInSDK := []string{
		"github.com/getkin/kin-openapi",
		"yaml",
		"jwt",
		"go-jose",
		"github.com/spf13/cobra",
		"github.com/oapi-codegen/oapi-codegen",
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
