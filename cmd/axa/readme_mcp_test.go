//go:build unix

package main

import (
	"bytes"
	"context"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// mcpURL finds the URL axa mcp --addr says it serves at.
var mcpURL = regexp.MustCompile(`tools at (http://\S+/) `)

// readmeMCP runs a README's axa mcp line as an agent's client would: it
// starts the built binary, lists its tools over standard input and
// output, or with --addr (replaced by 127.0.0.1:0) over streamable HTTP at
// the URL it prints, calls getVersion, then closes standard input (or
// interrupts it) and wants exit 0. Standard output must hold the protocol
// alone: the sandbox's notice goes to standard error.
func readmeMCP(t *testing.T, c readmeCommand, bin, work string, env, args []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute) // a failure guard, not a timing
	defer cancel()
	args = slices.Clone(args)
	i := slices.Index(args, "--addr")
	if i >= 0 && i+1 < len(args) {
		args[i+1] = "127.0.0.1:0"
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir, cmd.Env = work, env
	var errOut syncBuffer
	client := mcp.NewClient(&mcp.Implementation{Name: "readme", Version: "v0"}, nil)

	var transport mcp.Transport
	var done chan error
	if i < 0 {
		cmd.Stderr = &errOut
		transport = &mcp.CommandTransport{Command: cmd}
	} else {
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		var u string
		u, done = startUntil(t, c.line+" (where it serves)", cmd, stderr, &errOut, func(line string) (string, bool) {
			if m := mcpURL.FindStringSubmatch(line); m != nil {
				return m[1], true
			}
			return "", false
		})
		transport = &mcp.StreamableClientTransport{Endpoint: u}
	}
	session, err := client.Connect(ctx, transport, nil)
	if err != nil {
		t.Fatalf("%s: connecting: %v\n%s", c.line, err, errOut.String())
	}
	tools, err := session.ListTools(ctx, nil)
	if err != nil || len(tools.Tools) == 0 {
		t.Fatalf("%s: tools %v, %v", c.line, tools, err)
	}
	res, err := session.CallTool(ctx, &mcp.CallToolParams{Name: "getVersion"})
	if err != nil || res.IsError {
		t.Errorf("%s: getVersion: %+v %v\n%s", c.line, res, err, errOut.String())
	}
	if err := session.Close(); err != nil {
		t.Errorf("%s: closing: %v\n%s", c.line, err, errOut.String())
	}
	if done == nil {
		return // CommandTransport's Close waited for the process
	}
	interruptAndWait(t, c.line, cmd, done, &errOut, ctx.Done())
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader in two
// goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Clone(b.buf.String())
}
