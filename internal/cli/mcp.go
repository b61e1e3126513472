//go:build !axa_thin

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/loopback"
	"github.com/axa-assistance-go/axa/internal/oprouter"
	"github.com/axa-assistance-go/axa/pkg/axa"
)

// NewCmdMCP builds `axa mcp`: the API's operations as the tools of a Model
// Context Protocol server, for AI agents, over standard input and output
// or, with --addr, streamable HTTP on loopback.
func NewCmdMCP(f *Factory) *cobra.Command {
	var (
		opts        mcpOptions
		addr        string
		allowRemote bool
	)
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve the API as tools for AI agents (a Model Context Protocol server)",
		Long: `mcp serves the API to AI agents as a Model Context Protocol server: a tool per
operation of the API (the operations of axa api, from the same spec), named by its
operationId, described by its summary and description, its input schema made of its
parameters and JSON body, its result the API's answer as structured content,
checked against the spec. It speaks over standard input and output (what an agent's
client starts), or, with --addr, streamable HTTP at http://ADDR/ on loopback.

Least privilege: each call gets a token of its operation's scope alone (the tool's
description and its _meta "axa/scopes" say which), and --scope (repeatable) serves
only the tools whose scope it names. Only the read tools are served unless
--allow-writes: then the writes are served too, annotated as such (not read-only;
destructive for a cancellation), and a write is sent with an Idempotency-Key
derived from its arguments, so that an agent repeating a call gets the first
answer again (idempotent_replayed: true) and never a second policy.

Credentials as for every command: AXA_CLIENT_ID and AXA_CLIENT_SECRET, or the
session of axa login, else the embedded sandbox. No secret or token is ever in a
result, an error or the log, which goes to standard error. A refused call is a tool
error listing the problems, for the agent to correct its arguments.`,
		Example: "  axa mcp\n  axa mcp --allow-writes\n  axa mcp --scope urn:axa.assistance.travel.countries.read_only\n  axa mcp --addr 127.0.0.1:8765",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkScopes(opts.scopes); err != nil {
				return err
			}
			if addr != "" && !allowRemote {
				if host, _, err := net.SplitHostPort(addr); err != nil || !loopback.Host(host) {
					return usagef("--addr %q: axa mcp listens on loopback (127.0.0.1:PORT, [::1]:PORT, localhost:PORT) unless --allow-remote", addr)
				}
			}
			spec, err := f.localSpec()
			if err != nil {
				return err
			}
			set, err := buildMCPTools(spec, opts)
			if err != nil {
				return err
			}
			if len(set.tools) == 0 {
				return usagef("no tool to serve: --scope %s leaves out every operation", strings.Join(opts.scopes, " "))
			}
			// The client is made before the first call: calls run
			// concurrently, and the Factory makes it once.
			c, err := f.Client()
			if err != nil {
				return err
			}
			server := newMCPServer(f, &mcpCall{f: f, client: c, spec: spec, router: oprouter.New(spec.doc)}, set)
			if addr == "" {
				fmt.Fprintf(f.Err, "axa mcp: serving %d tools over standard input and output%s\n", len(set.tools), writesNote(opts))
				err := server.Run(cmd.Context(), f.mcpTransport(cmd))
				if err == nil || errors.Is(err, mcp.ErrConnectionClosed) || errors.Is(err, io.EOF) || cmd.Context().Err() != nil {
					return nil // the client went away, or an interrupt
				}
				return fmt.Errorf("axa mcp: %w", err)
			}
			return f.serveMCPHTTP(cmd.Context(), server, addr, len(set.tools), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.allowWrites, "allow-writes", false, "serve the operations that write too (quotes, policies, cancellations), not only the reads")
	fl.StringArrayVar(&opts.scopes, "scope", nil, "serve only the tools whose operation needs this scope, or none (repeat the flag for several)")
	fl.StringVar(&addr, "addr", "", "serve streamable HTTP at this address (loopback, e.g. 127.0.0.1:8765) instead of standard input and output")
	fl.BoolVar(&allowRemote, "allow-remote", false, "let --addr be an address other than loopback: anyone who reaches it calls the API with your credentials")
	_ = cmd.RegisterFlagCompletionFunc("scope", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		var scopes []string
		for _, s := range gen.AllScopes() {
			scopes = append(scopes, string(s))
		}
		return scopes, cobra.ShellCompDirectiveNoFileComp
	}) // the flag exists and is new: no error
	helpWithout(cmd, "json") // the answers are the protocol's
	return cmd
}

// checkScopes refuses a --scope that is not a scope of the API.
func checkScopes(scopes []string) error {
	var known []string
	for _, s := range gen.AllScopes() {
		known = append(known, string(s))
	}
	for _, s := range scopes {
		if !slices.Contains(known, s) {
			return usagef("--scope %q: not a scope of the API; want one of %s", s, strings.Join(known, ", "))
		}
	}
	return nil
}

// writesNote says, in the line that starts the server, whether writes are
// served.
func writesNote(opts mcpOptions) string {
	if opts.allowWrites {
		return " (writes allowed)"
	}
	return " (reads only: --allow-writes serves the writes)"
}

// mcpTransport is the transport of axa mcp without --addr: the Factory's
// MCPTransport (tests), else the command's standard input and output.
func (f *Factory) mcpTransport(cmd *cobra.Command) mcp.Transport {
	if f.MCPTransport != nil {
		return f.MCPTransport
	}
	return &mcp.IOTransport{Reader: io.NopCloser(cmd.InOrStdin()), Writer: nopWriteCloser{f.Out}}
}

// nopWriteCloser is a writer whose Close does nothing: the process's
// standard output is not the server's to close.
type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// newMCPServer makes the server of the tools: each tool with its handler,
// and a call of an operation not served (a write without --allow-writes,
// one outside --scope) answered with a tool error that says why, rather
// than the protocol's "unknown tool".
func newMCPServer(f *Factory, call *mcpCall, set *mcpToolSet) *mcp.Server {
	logger := slog.New(slog.NewTextHandler(redactingWriter{f}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	server := mcp.NewServer(&mcp.Implementation{Name: "axa", Title: "AXA Assistance API", Version: axa.SDKVersion}, &mcp.ServerOptions{
		Instructions: "The AXA Assistance API (travel information and alerts, quotes and policies, medical providers): one tool per operation, named by its operationId. " +
			"Each tool's description says the scope it needs; a refused call lists its problems (location and message) for you to correct the arguments and call again.",
		Logger: logger,
	})
	for _, t := range set.tools {
		server.AddTool(t.tool, t.handler(call))
	}
	server.AddReceivingMiddleware(func(next mcp.MethodHandler) mcp.MethodHandler {
		return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
			if ctr, ok := req.(*mcp.CallToolRequest); ok && ctr.Params != nil {
				if why, withheld := set.withheld[ctr.Params.Name]; withheld {
					return call.toolError(mcpError{Operation: ctr.Params.Name, Code: "tool_not_served",
						Description: "axa mcp does not serve " + ctr.Params.Name + ": " + why}), nil
				}
			}
			return next(ctx, method, req)
		}
	})
	return server
}

// redactingWriter writes the server's log to the Factory's Err, with the
// secrets it knows redacted.
type redactingWriter struct{ f *Factory }

func (w redactingWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(w.f.Err, w.f.redact(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// serveMCPHTTP serves the tools as streamable HTTP at addr until ctx ends.
func (f *Factory) serveMCPHTTP(ctx context.Context, server *mcp.Server, addr string, n int, opts mcpOptions) error {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return usagef("--addr %s: %w", addr, err)
	}
	logger := slog.New(slog.NewTextHandler(redactingWriter{f}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	handler := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server }, &mcp.StreamableHTTPOptions{Logger: logger})
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	shutDown := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(shutDown)
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx) // what is left is closed with the process
	})
	defer func() {
		if !stop() {
			<-shutDown // the shutdown started: let it end
		}
	}()
	if host, _, err := net.SplitHostPort(addr); err == nil && !loopback.Host(host) {
		fmt.Fprintf(f.Err, "axa mcp: warning: serving on %s, not loopback: whoever reaches it calls the API with these credentials\n", addr)
	}
	fmt.Fprintf(f.Err, "axa mcp: serving %d tools at http://%s/ (streamable HTTP)%s until interrupted\n", n, ln.Addr(), writesNote(opts))
	err = srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return fmt.Errorf("axa mcp: %w", err)
}
