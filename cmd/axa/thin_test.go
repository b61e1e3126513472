//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The thin axa (built with the axa_thin tag, see internal/cli/thin.go)
// links none of the packages whose start-up issue 24 measured: not the
// sandbox, not kin-openapi and its JSON Schema compiler, not the
// conformance run, not the MCP server, not YAML.
func TestThinAxaLinksNoHeavyPackage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", "-tags", "axa_thin", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if !contains(deps, "github.com/axa-assistance-go/axa/pkg/axa") {
		t.Fatalf("the thin axa does not link the SDK: %v", deps)
	}
	for _, heavy := range []string{
		"github.com/axa-assistance-go/axa/pkg/sandbox", "github.com/axa-assistance-go/axa/pkg/conformance",
		"github.com/getkin/kin-openapi/openapi3", "github.com/santhosh-tekuri/jsonschema/v6",
		"github.com/modelcontextprotocol/go-sdk/mcp", "go.yaml.in/yaml/v4", "golang.org/x/text/language/display",
	} {
		if contains(deps, heavy) {
			t.Errorf("the thin axa links %s", heavy)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// The thin axa lists the same commands as the full one (axa --help), runs
// `axa countries` itself against the shared sandbox,
// which it starts as the full axa next to it (axa-full); it hands that
// binary a command that checks its input against the spec (axa countries
// japan: the same usage error, exit 2) and the commands it does not link
// (axa sandbox --help), and stops the sandbox itself (axa sandbox stop);
// without axa-full, such a command says how to get it.
func TestThinAxaHandsTheRestToTheFullOne(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binaries")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "axa")
	for _, b := range [][]string{{"-tags", "axa_thin", "-o", bin}, {"-o", filepath.Join(tmp, "axa-full")}} {
		if out, err := exec.Command("go", append(append([]string{"build"}, b...), ".")...).CombinedOutput(); err != nil {
			t.Fatalf("go build %v: %v\n%s", b, err, out)
		}
	}
	stateDir := filepath.Join(tmp, "state")
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + tmp, "AXA_STATE_DIR=" + stateDir}
	axa := func(args ...string) (string, string, int) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatalf("axa %s: %v", strings.Join(args, " "), err)
		}
		return out.String(), errOut.String(), cmd.ProcessState.ExitCode()
	}
	t.Cleanup(func() { axa("sandbox", "stop") })

	// The same commands, said the same way (the thin one's stubs repeat
	// the full one's short lines).
	full := exec.Command(filepath.Join(tmp, "axa-full"), "--help")
	full.Env = env
	fullHelp, err := full.Output()
	if err != nil {
		t.Fatalf("axa-full --help: %v", err)
	}
	if out, _, code := axa("--help"); code != 0 || out != strings.ReplaceAll(string(fullHelp), "axa-full", "axa") {
		t.Errorf("axa --help: exit %d, and it differs from the full axa's:\n%s\nfull:\n%s", code, out, fullHelp)
	}

	out, errOut, code := axa("countries")
	if code != 0 || !strings.Contains(out, "fr ") || !strings.Contains(errOut, "started the embedded sandbox") {
		t.Fatalf("axa countries: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if _, errOut, code := axa("countries", "japan"); code != 2 || !strings.Contains(errOut, "want a two-letter country code") {
		t.Errorf("axa countries japan: exit %d, stderr %q; want 2 and the local check's error", code, errOut)
	}
	if out, _, code := axa("countries", "fr"); code != 0 || !strings.Contains(out, "France") {
		t.Errorf("axa countries fr: exit %d, stdout %q", code, out)
	}
	if out, _, code := axa("sandbox", "--help"); code != 0 || !strings.Contains(out, "--rate-limit") {
		t.Errorf("axa sandbox --help: exit %d, stdout %q; want the full axa's help", code, out)
	}
	if out, errOut, code := axa("sandbox", "stop"); code != 0 || !strings.Contains(out, "stopped the background sandbox") {
		t.Errorf("axa sandbox stop: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}

	if err := os.Remove(filepath.Join(tmp, "axa-full")); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := axa("conform"); code != 2 || !strings.Contains(errOut, "axa-full") {
		t.Errorf("axa conform without axa-full: exit %d, stderr %q; want 2, naming axa-full", code, errOut)
	}
}
