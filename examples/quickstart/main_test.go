package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/internal/testutil"
)

// readme is the README, from this package's directory.
const readme = "../../README.md"

// readmeOutput returns what the README says the Quickstart prints: the
// block without an info string after its Go block.
func readmeOutput(t *testing.T) string {
	t.Helper()
	afterGo := false
	for _, b := range testutil.CodeBlocks(t, readme) {
		if b.Section != "Quickstart" {
			continue
		}
		if b.Info == "go" {
			afterGo = true
		} else if afterGo && b.Info == "" {
			return b.Text
		}
	}
	t.Fatal(`README's Quickstart has no output block (a block without an info string after its Go block)`)
	return ""
}

// cleanEnv is the test's environment without the AXA_* variables, which
// would point the client elsewhere, nor GOFLAGS, plus extra.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AXA_") && !strings.HasPrefix(kv, "GOFLAGS=") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// run runs name with args in dir and returns its standard output; it fails
// t, with both outputs, when the command fails.
func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.Dir, cmd.Env = dir, env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", name, strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String()
}

// The README's Quickstart (this program, TestReadmeQuickstartIsTheExample
// in internal/contract checks) prints exactly what the README says it
// prints, offline, with no AXA_* variable set.
func TestQuickstartPrintsWhatReadmeSays(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program")
	}
	want := readmeOutput(t)
	bin := filepath.Join(t.TempDir(), "quickstart")
	run(t, ".", cleanEnv(), "go", "build", "-o", bin, ".")
	if got := run(t, t.TempDir(), cleanEnv(), bin); got != want {
		t.Errorf("the Quickstart printed:\n%s\nthe README says:\n%s", got, want)
	}
}

// The README's install from a clone, both ways (a workspace, a replace
// line), in a new module holding the Quickstart, which then runs and prints
// what the README says. The README's commands run as written, from the new
// module's directory, except for the clone: ../axa is a link to this
// repository (the test does not reach GitHub). The new module is made with
// go mod init, which the README leaves to the reader ("your module"). The
// modules come from the local module cache when it has them, else from
// GOPROXY.
func TestReadmeInstallFromAClone(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program in new modules")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	var block []string
	for _, b := range testutil.CodeBlocks(t, readme) {
		if b.Section == "Install" && strings.Contains(b.Text, "git clone") {
			for line := range strings.Lines(b.Text) {
				if cmd, _, _ := strings.Cut(line, "#"); strings.TrimSpace(cmd) != "" {
					block = append(block, strings.TrimSpace(cmd))
				}
			}
		}
	}
	if len(block) == 0 {
		t.Fatal(`README's "Install" has no block with a git clone`)
	}
	// The flows: the workspace is the go work lines, the replace line the
	// go mod lines; the clone is done once for both.
	flows := map[string][]string{}
	for _, cmd := range block {
		switch {
		case strings.HasPrefix(cmd, "git clone ") && strings.HasSuffix(cmd, " ../axa"):
		case strings.HasPrefix(cmd, "go work "):
			flows["workspace"] = append(flows["workspace"], cmd)
		case strings.HasPrefix(cmd, "go mod "):
			flows["replace"] = append(flows["replace"], cmd)
		default:
			t.Fatalf("README's install block has %q, which this test does not know how to run", cmd)
		}
	}
	if len(flows) != 2 {
		t.Fatalf("README's install block gives %d ways, want a workspace and a replace line: %q", len(flows), block)
	}
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	want := readmeOutput(t)
	cache := strings.TrimSpace(run(t, ".", cleanEnv(), "go", "env", "GOMODCACHE"))
	cacheProxy := "file://" + filepath.ToSlash(filepath.Join(cache, "cache", "download"))
	proxy := strings.TrimSpace(run(t, ".", cleanEnv(), "go", "env", "GOPROXY"))
	for name, cmds := range flows {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := os.Symlink(root, filepath.Join(dir, "axa")); err != nil {
				t.Fatal(err)
			}
			app := filepath.Join(dir, "app")
			if err := os.Mkdir(app, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(app, "main.go"), src, 0o600); err != nil {
				t.Fatal(err)
			}
			gowork := "GOWORK=off"
			if name == "workspace" {
				gowork = "GOWORK=" // found in the module's directory, as go work init writes it
			}
			env := cleanEnv(gowork, "GOFLAGS=-buildvcs=false -trimpath", "GOTOOLCHAIN=local", "GOSUMDB=off", "GOPROXY="+cacheProxy)
			if proxy != "off" {
				env = cleanEnv(gowork, "GOFLAGS=-buildvcs=false -trimpath", "GOTOOLCHAIN=local", "GOSUMDB=off", "GOPROXY="+cacheProxy+","+proxy)
			}
			run(t, app, env, "go", "mod", "init", "example.com/app")
			for _, cmd := range cmds {
				args := strings.Fields(cmd)
				run(t, app, env, args[0], args[1:]...)
			}
			if got := run(t, app, env, "go", "run", "."); got != want {
				t.Errorf("after %q the Quickstart printed:\n%s\nthe README says:\n%s", cmds, got, want)
			}
		})
	}
}
