package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/spf13/cobra"

	"github.com/axa-assistance-go/axa/internal/loopback"
	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// NewCmdSandbox builds `axa sandbox`.
func NewCmdSandbox(f *Factory) *cobra.Command {
	var (
		addr, faultOp         string
		seed                  uint64
		tokenLifetime, delay  time.Duration
		errorRate, resetRate  float64
		tooMany               int
		autoApprove, quietLog bool
	)
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve the local sandbox API (OAuth2 server and resources)",
		Long: `Serve the sandbox on a loopback address until interrupted. It prints its URL and
the client id and secret to use with it. Fault flags inject latency, errors and
connection resets into one operation (--fault-op, an operationId) or all of them.`,
		Example: "  axa sandbox --addr 127.0.0.1:8080\n  axa sandbox --fault-op createPolicy --error-rate 0.2 --reset-rate 0.1",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			// A flag given is passed on, whatever its value, so that the
			// sandbox refuses one out of range (exit 2) instead of the
			// command ignoring it.
			fl := cmd.Flags()
			opts := append([]sandbox.Option{sandbox.WithSeed(seed)}, f.SandboxOptions...)
			if fl.Changed("token-lifetime") {
				opts = append(opts, sandbox.WithTokenLifetime(tokenLifetime))
			}
			if autoApprove {
				opts = append(opts, sandbox.WithAutoApprove())
			}
			if !quietLog {
				opts = append(opts, sandbox.WithLogger(slog.New(slog.NewTextHandler(f.Err, nil))))
			}
			if delay < 0 || tooMany < 0 {
				return usagef("--latency and --too-many cannot be negative")
			}
			if fl.Changed("latency") || fl.Changed("error-rate") || fl.Changed("reset-rate") || fl.Changed("too-many") {
				opts = append(opts, sandbox.WithFault(faultOp, sandbox.Fault{
					Latency: delay, ErrorRate: errorRate, ResetAfterCommitRate: resetRate, TooManyRequests: tooMany,
				}))
			}
			if host, _, err := net.SplitHostPort(addr); err != nil || !loopback.Host(host) {
				return usagef("--addr %q: the sandbox listens on loopback only (127.0.0.1:PORT, [::1]:PORT, localhost:PORT)", addr)
			}
			sb, err := sandbox.New(opts...)
			if err != nil {
				return &usageError{err}
			}
			srv, err := sb.Start(addr)
			if err != nil {
				return err
			}
			fmt.Fprintf(f.Out, "axa sandbox listening on %s\n  export %s=%s\n  export %s=%s\n  export %s=%s\n",
				srv.URL(), axa.EnvBaseURL, srv.URL(), axa.EnvClientID, sandbox.DefaultClientID, axa.EnvClientSecret, sandbox.DefaultClientSecret)
			<-cmd.Context().Done()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
				return err
			}
			return nil
		},
	}
	cmd.AddCommand(newCmdSandboxStop(f), newCmdSandboxServeBackground(f))
	fl := cmd.Flags()
	fl.StringVar(&addr, "addr", "127.0.0.1:8080", "loopback address to listen on")
	fl.Uint64Var(&seed, "seed", 1, "seed of the generated data")
	fl.DurationVar(&tokenLifetime, "token-lifetime", 0, "lifetime of access tokens (default 1h)")
	fl.BoolVar(&autoApprove, "auto-approve", false, "approve authorization requests without the login page")
	fl.StringVar(&faultOp, "fault-op", sandbox.FaultAll, "operationId the fault flags apply to (* for all)")
	fl.DurationVar(&delay, "latency", 0, "added latency")
	fl.Float64Var(&errorRate, "error-rate", 0, "fraction of requests answered 503")
	fl.Float64Var(&resetRate, "reset-rate", 0, "fraction of requests served, then reset before the answer")
	fl.IntVar(&tooMany, "too-many", 0, "answer the first N requests 429")
	fl.BoolVar(&quietLog, "quiet", false, "no access log")
	return cmd
}
