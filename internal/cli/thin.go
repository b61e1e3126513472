//go:build axa_thin

package cli

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"

	"github.com/spf13/cobra"
)

// A thin axa: built with the axa_thin tag, the command links the SDK and
// cobra but not the embedded sandbox, the local checks' spec (kin-openapi),
// the conformance run or the MCP server, whose packages' initialisation
// alone (jsonschema/v6 compiles its metaschemas) costs more than the whole
// start of a small Go program. It runs the commands that only call the API
// (axa countries, axa --help) itself and hands the others, and any command
// that must check its input against the spec, to the full axa, which it
// expects next to itself as axa-full (go build -o DIR/axa-full ./cmd/axa);
// the shared sandbox it starts is that binary's too. README shows how to
// build the pair (for scripts that run axa many times) and
// BenchmarkColdStart measures it; `go install` and `go run` build the full
// axa, without the tag.

// errNeedsFull says that the command needs a part the thin axa does not
// link: Run hands the command line to the full one (delegate).
var errNeedsFull = errors.New("this command needs the full axa")

// sandboxOption stands for the embedded sandbox's options, which a thin
// axa never uses (Factory.SandboxOptions).
type sandboxOption struct{}

// mcpTransport stands for what axa mcp serves on (Factory.MCPTransport).
type mcpTransport = any

// ConformFunc stands for the checks of axa conform, which the full axa runs.
type ConformFunc func()

// localSpec stands for the spec of the local checks, which the full axa
// loads.
type localSpec struct{ policyNumber *regexp.Regexp }

// localSpec returns the spec of the local checks if loaded, which a thin
// axa never does: it hands the command to the full axa.
func (f *Factory) localSpec() (*localSpec, error) {
	if f.spec == nil {
		return nil, errNeedsFull
	}
	return f.spec, nil
}

// checkLocal is the local check of a request against the spec: the full
// axa's (localcheck.go).
func (f *Factory) checkLocal(string, map[string][]string, any, string, localNamer) error {
	_, err := f.localSpec()
	return err
}

// checkLocalOnly is the full axa's (localcheck.go).
func (f *Factory) checkLocalOnly(string, map[string][]string, any, string, localNamer, bool) error {
	_, err := f.localSpec()
	return err
}

// startInProcess would start the sandbox in this process: a thin axa
// shares the full one's in the background instead (Main's SpawnSandbox).
func (f *Factory) startInProcess() (string, error) { return "", errNeedsFull }

// fullExecutable returns the path of the full axa: axa-full next to this
// program, else on $PATH.
func fullExecutable() (string, error) {
	name := fullName
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	next := filepath.Join(filepath.Dir(exe), name)
	if fi, err := os.Stat(next); err == nil && fi.Mode().IsRegular() {
		return next, nil
	}
	if path, err := exec.LookPath(fullName); err == nil {
		return path, nil
	}
	return "", usagef("this axa is built without the sandbox, the spec's checks, axa conform and axa mcp (the axa_thin tag): "+
		"it runs them with the full axa, %s, which is neither next to it nor on PATH (go build -o %s ./cmd/axa)", name, next)
}

// sandboxExecutable is the program spawnSelf starts as the shared
// sandbox: the full axa.
func sandboxExecutable() (string, error) { return fullExecutable() }

// delegate runs the command line args with the full axa when err is
// errNeedsFull: nothing was sent yet (the commands check their input
// before they call), so the full axa runs the whole command, in this
// process's place where it can (execFull), with its streams.
func (f *Factory) delegate(err error, args []string) (int, bool) {
	if !errors.Is(err, errNeedsFull) {
		return 0, false
	}
	exe, err := fullExecutable()
	if err != nil {
		fmt.Fprintln(f.Err, oneLine(err, f.redact))
		return ExitCode(err), true
	}
	f.close()
	return execFull(f, exe, args), true
}

// runFull runs the full axa exe with args as a child process, with f's
// streams, and returns its exit code.
func runFull(f *Factory, exe string, args []string) int {
	cmd := exec.Command(exe, args...) //nolint:gosec,noctx // the full axa; it ends on the signals this one gets
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, f.Out, f.Err
	if f.In != nil {
		cmd.Stdin = f.In
	}
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		fmt.Fprintln(f.Err, oneLine(fmt.Errorf("running %s: %w", exe, err), f.redact))
		return ExitError
	}
	return ExitOK
}

// delegated returns a command that the full axa runs, whole.
func delegated(use, short string) *cobra.Command {
	return &cobra.Command{
		Use: use, Short: short, DisableFlagParsing: true, Args: cobra.ArbitraryArgs,
		RunE: func(*cobra.Command, []string) error { return errNeedsFull },
	}
}

// NewCmdSandbox builds `axa sandbox`, which the full axa serves; `axa
// sandbox stop` is this one's.
func NewCmdSandbox(f *Factory) *cobra.Command {
	cmd := delegated("sandbox", "Serve the local sandbox API (OAuth2 server and resources)")
	cmd.AddCommand(newCmdSandboxStop(f))
	return cmd
}

// NewCmdConform builds `axa conform`, which the full axa runs.
func NewCmdConform(*Factory) *cobra.Command {
	return delegated("conform", "Check a server against the API's spec: answers, security, idempotency")
}

// NewCmdMCP builds `axa mcp`, which the full axa runs.
func NewCmdMCP(*Factory) *cobra.Command {
	return delegated("mcp", "Serve the API as tools for AI agents (a Model Context Protocol server)")
}
