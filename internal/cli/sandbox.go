//go:build !axa_thin

package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/axa-assistance-go/axa/internal/loopback"
	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// NewCmdSandbox builds `axa sandbox`.
func NewCmdSandbox(f *Factory) *cobra.Command {
	var (
		addr, authAddr        string
		faultOp               string
		seed                  uint64
		tokenLifetime, delay  time.Duration
		errorRate, resetRate  float64
		tooMany               int
		autoApprove, quietLog bool
		rateLimit             float64
		rateBurst             int
		faults                []string
		bodyTimeout, idleConn time.Duration
	)
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve the local sandbox API (OAuth2 server and resources)",
		Long: `Serve the sandbox on a loopback address until interrupted. It prints its URL and
the client id and secret to use with it. Fault flags inject latency, errors and
connection resets into one operation (--fault-op, an operationId) or all of them;
--fault OP=KEY:VALUE,... sets the faults of one operation (repeat it for several):
  latency:DURATION  error-rate:0..1  status:CODE  too-many:N  fail-first:N
  retry-after:DURATION  reset-rate:0..1  reset-first:N
OP is an operationId (createPolicy, getCountry...), token (the token endpoint) or *.
--auth-addr serves the authorization server (token, authorize, revoke, metadata,
JWKS) on a loopback address of its own, as AXA's tokens come from another host
than its API: --addr then serves the API alone, and AXA_ISSUER names the other.

The commands run without credentials share another sandbox, started in the
background; ` + "`axa sandbox stop`" + ` ends it.`,
		Example: "  axa sandbox --addr 127.0.0.1:8080\n  axa sandbox --addr 127.0.0.1:8080 --auth-addr 127.0.0.1:9090\n  axa sandbox --fault createPolicy=error-rate:0.2,reset-rate:0.1 --fault token=latency:500ms\n" +
			"  axa sandbox --rate-limit 0 --seed 42 --token-lifetime 2m",
		Args: args(cobra.NoArgs),
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
				opts = append(opts, sandbox.WithLogOutput(f.Err)) // buffered: a busy sandbox writes many lines at once
			}
			if delay < 0 || tooMany < 0 {
				return usagef("--latency and --too-many cannot be negative")
			}
			if fl.Changed("latency") || fl.Changed("error-rate") || fl.Changed("reset-rate") || fl.Changed("too-many") {
				opts = append(opts, sandbox.WithFault(faultOp, sandbox.Fault{
					Latency: delay, ErrorRate: errorRate, ResetAfterCommitRate: resetRate, TooManyRequests: tooMany,
				}))
			}
			for _, spec := range faults {
				op, fault, err := parseFault(spec)
				if err != nil {
					return err
				}
				opts = append(opts, sandbox.WithFault(op, fault))
			}
			if fl.Changed("rate-limit") || fl.Changed("rate-burst") {
				if rateLimit < 0 || rateBurst < 0 {
					return usagef("--rate-limit and --rate-burst cannot be negative")
				}
				burst := rateBurst
				if burst == 0 {
					burst = max(1, int(2*rateLimit))
				}
				opts = append(opts, sandbox.WithRateLimit(rateLimit, burst))
			}
			if fl.Changed("body-timeout") {
				opts = append(opts, sandbox.WithBodyTimeout(bodyTimeout))
			}
			if fl.Changed("idle-conn-timeout") {
				opts = append(opts, sandbox.WithIdleConnTimeout(idleConn))
			}
			if host, _, err := net.SplitHostPort(addr); err != nil || !loopback.Host(host) {
				return usagef("--addr %q: the sandbox listens on loopback only (127.0.0.1:PORT, [::1]:PORT, localhost:PORT)", addr)
			}
			if fl.Changed("auth-addr") {
				if host, _, err := net.SplitHostPort(authAddr); err != nil || !loopback.Host(host) {
					return usagef("--auth-addr %q: the sandbox listens on loopback only (127.0.0.1:PORT, [::1]:PORT, localhost:PORT)", authAddr)
				}
				opts = append(opts, sandbox.WithAuthorizationServerAddr(authAddr))
			}
			sb, err := sandbox.New(opts...)
			if err != nil {
				return &usageError{err: err}
			}
			serverGC()
			srv, err := sb.Start(addr)
			if err != nil {
				return err
			}
			fmt.Fprintf(f.Out, "axa sandbox listening on %s\n", srv.URL())
			if fl.Changed("auth-addr") {
				fmt.Fprintf(f.Out, "  its authorization server on %s\n", srv.AuthorizationServerURL())
			}
			fmt.Fprintf(f.Out, "  export %s=%s\n  export %s=%s\n  export %s=%s\n",
				axa.EnvBaseURL, srv.URL(), axa.EnvClientID, sandbox.DefaultClientID, axa.EnvClientSecret, sandbox.DefaultClientSecret)
			if fl.Changed("auth-addr") {
				fmt.Fprintf(f.Out, "  export %s=%s\n", envIssuer, srv.AuthorizationServerURL())
			}
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
	fl.StringVar(&authAddr, "auth-addr", "", "loopback address of the authorization server, on an origin of its own (default: --addr serves both)")
	fl.Uint64Var(&seed, "seed", 1, "seed of the generated data")
	fl.DurationVar(&tokenLifetime, "token-lifetime", 0, "lifetime of access tokens (default 1h)")
	fl.BoolVar(&autoApprove, "auto-approve", false, "approve authorization requests without the login page")
	fl.StringVar(&faultOp, "fault-op", sandbox.FaultAll, "operationId the fault flags apply to (* for all)")
	fl.DurationVar(&delay, "latency", 0, "added latency")
	fl.Float64Var(&errorRate, "error-rate", 0, "fraction of requests answered 503")
	fl.Float64Var(&resetRate, "reset-rate", 0, "fraction of requests served, then reset before the answer")
	fl.IntVar(&tooMany, "too-many", 0, "answer the first N requests 429")
	fl.StringArrayVar(&faults, "fault", nil, "OP=KEY:VALUE,... faults of one operation (see above); repeat for several")
	fl.Float64Var(&rateLimit, "rate-limit", sandbox.DefaultRateLimit,
		"requests per second and client, on average (0 = no limit, for load tests); the default fits a test suite")
	fl.IntVar(&rateBurst, "rate-burst", 0, "largest burst of the rate limit (default twice the rate)")
	fl.DurationVar(&bodyTimeout, "body-timeout", sandbox.DefaultBodyTimeout,
		"longest wait for a request's body, from its headers (or the handler's first read): a client whose body never comes is cut off")
	fl.DurationVar(&idleConn, "idle-conn-timeout", sandbox.DefaultIdleConnTimeout, "longest wait of a kept-alive connection for its next request")
	fl.BoolVar(&quietLog, "quiet", false, "no access log")
	helpWithout(cmd, clientFlags...)
	return cmd
}

// envIssuer names the authorization server's URL, its issuer, in what
// `axa sandbox --auth-addr` prints.
const envIssuer = "AXA_ISSUER"

// serverGCPercent is the GOGC of a process serving the sandbox.
const serverGCPercent = 400

// serverGC makes the garbage collector of a process that serves the
// sandbox run less often, unless GOGC is set: the sandbox's live heap is a
// few MiB, so at the default GOGC of 100 it collected every ~160 requests
// under load, a sixth of the CPU; at 400 the heap stays a few tens of MiB.
func serverGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(serverGCPercent)
	}
}

// clientFlags are the global flags of the commands that call the API.
var clientFlags = []string{"base-url", "client-id", "client-secret", "json", "lang", "timeout"}

// parseFault reads a --fault value: OP=KEY:VALUE[,KEY:VALUE...].
func parseFault(spec string) (string, sandbox.Fault, error) {
	var f sandbox.Fault
	op, list, ok := strings.Cut(spec, "=")
	if !ok || op == "" || list == "" {
		return "", f, usagef("--fault %q: want OP=KEY:VALUE,..., e.g. createPolicy=error-rate:0.2", spec)
	}
	for item := range strings.SplitSeq(list, ",") {
		key, val, ok := strings.Cut(item, ":")
		if !ok {
			return "", f, usagef("--fault %q: %q is not KEY:VALUE", spec, item)
		}
		var err error
		switch key {
		case "latency":
			f.Latency, err = time.ParseDuration(val)
		case "retry-after":
			f.RetryAfter, err = time.ParseDuration(val)
		case "error-rate":
			f.ErrorRate, err = strconv.ParseFloat(val, 64)
		case "reset-rate":
			f.ResetAfterCommitRate, err = strconv.ParseFloat(val, 64)
		case "status":
			f.Status, err = strconv.Atoi(val)
		case "too-many":
			f.TooManyRequests, err = strconv.Atoi(val)
		case "fail-first":
			f.FailFirst, err = strconv.Atoi(val)
		case "reset-first":
			f.ResetFirst, err = strconv.Atoi(val)
		default:
			return "", f, usagef("--fault %q: no fault %q (latency, error-rate, status, too-many, fail-first, retry-after, reset-rate, reset-first)", spec, key)
		}
		if err != nil {
			return "", f, usagef("--fault %q: %s: %q is not a valid value", spec, key, val)
		}
	}
	if f.Latency < 0 || f.RetryAfter < 0 || f.TooManyRequests < 0 || f.FailFirst < 0 || f.ResetFirst < 0 ||
		(f.Status != 0 && (f.Status < 400 || f.Status > 599)) {
		return "", f, usagef("--fault %q: durations and counts cannot be negative, a status is 400 to 599", spec)
	}
	return op, f, nil
}
