//go:build !axa_thin

package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// What the axa command links beyond the SDK and cobra: the embedded
// sandbox, the local checks' spec (kin-openapi), the conformance run and
// the MCP server. A binary built with the axa_thin tag links none of them
// and hands the commands that need them to the full one (thin.go).

// sandboxOption is an option of the embedded sandbox (Factory.SandboxOptions).
type sandboxOption = sandbox.Option

// mcpTransport is what axa mcp serves on (Factory.MCPTransport).
type mcpTransport = mcp.Transport

// sandboxExecutable is the program spawnSelf starts as the shared
// sandbox: this one.
func sandboxExecutable() (string, error) { return os.Executable() }

// delegate hands the command line to another program when err says this
// one cannot run it; this one runs every command.
func (f *Factory) delegate(error, []string) (int, bool) { return 0, false }

// startInProcess starts the embedded sandbox in this process, ended with
// the command, and returns its URL.
func (f *Factory) startInProcess() (string, error) {
	sb, err := sandbox.New(f.SandboxOptions...)
	if err != nil {
		return "", err
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		return "", err
	}
	f.closers = append(f.closers, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	fmt.Fprintf(f.Err, "axa: no credentials set: using the embedded sandbox at %s (set %s and %s to call the real API)\n",
		srv.URL(), axa.EnvClientID, axa.EnvClientSecret)
	return srv.URL(), nil
}
