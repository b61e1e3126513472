package cli

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// NewCmdVersion builds `axa version`.
func NewCmdVersion(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Show the client's and the API's versions",
		Example: "  axa version --json",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.withClient(cmd, func(ctx context.Context, c *axa.Client) error {
				v, err := c.GetVersion(ctx)
				if err != nil {
					return err
				}
				out := map[string]any{"client": axa.SDKVersion, "spec": axa.SpecVersion, "server": v, "base_url": c.BaseURL()}
				return f.print(out, func(w *table) {
					w.Printf("Client\taxa-go %s\n", axa.SDKVersion)
					w.Printf("Spec\t%s\n", axa.SpecVersion)
					w.Printf("Server\t%s, commit %s, built %s\n", c.BaseURL(), v.CommitSha, v.BuiltAt.Format(time.RFC3339))
				})
			})
		},
	}
}

// NewCmdToken builds `axa token`.
func NewCmdToken(f *Factory) *cobra.Command {
	var scopes []string
	var show bool
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Get an access token and show its scopes and expiry",
		Long: `Get an access token for the given scopes (all five by default) and show what it
grants. The token itself is a secret: it is printed only with --show-token.`,
		Example: "  axa token --scope urn:axa.assistance.travel.countries.read_only\n  axa token --show-token --json",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(scopes) == 0 {
				scopes = []string{axa.ScopeCountries, axa.ScopeAlerts, axa.ScopeQuotes, axa.ScopePolicies, axa.ScopeHealthProviders}
			}
			return f.withClient(cmd, func(ctx context.Context, c *axa.Client) error {
				tok, err := c.Token(ctx, scopes...)
				if err != nil {
					return err
				}
				out := map[string]any{"scopes": tok.Scopes(), "expiry": tok.Expiry().UTC().Format(time.RFC3339)}
				if show {
					out["access_token"] = tok.AccessToken()
				}
				return f.print(out, func(w *table) {
					w.Printf("Scopes\t%s\n", strings.Join(tok.Scopes(), " "))
					w.Printf("Expires\t%s\n", tok.Expiry().UTC().Format(time.RFC3339))
					if show {
						w.Printf("Token\t%s\n", tok.AccessToken())
					}
				})
			})
		},
	}
	cmd.Flags().StringArrayVar(&scopes, "scope", nil, "a scope to ask for; repeat for several")
	cmd.Flags().BoolVar(&show, "show-token", false, "print the access token itself (a secret)")
	return cmd
}

// NewCmdLogin builds `axa login`.
func NewCmdLogin(f *Factory) *cobra.Command {
	var scopes []string
	var wait time.Duration
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Log a user in with the authorization code grant (PKCE) and a loopback redirect",
		Long: `Log a user in: prints the URL to open in a browser, waits for the redirect on a
loopback port, exchanges the code (with PKCE) and shows what was granted.`,
		Example: "  axa login --scope urn:axa.assistance.travel.countries.read_only",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if wait <= 0 {
				return usagef("--wait %s: want a positive duration, e.g. 2m", wait)
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return err
			}
			defer ln.Close() //nolint:errcheck // the server closes it too
			_, port, _ := net.SplitHostPort(ln.Addr().String())
			c, err := f.userClient(redirectURL(port))
			if err != nil {
				return err
			}
			req, err := c.AuthCodeURL(scopes...)
			if err != nil {
				return err
			}
			// The callback answers only the authorization response that
			// brings back this login's state: any other one, forged by
			// another local process or a web page, or left by an old login,
			// is refused and the login goes on waiting (RFC 6749 section
			// 10.12).
			type result struct{ code, state, err, desc string }
			got := make(chan result, 1)
			ignored := make(chan struct{}, 1)
			srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/callback" {
					http.NotFound(w, r)
					return
				}
				q := r.URL.Query()
				if q.Get("code") == "" && q.Get("error") == "" {
					http.Error(w, "axa: this is not an authorization response", http.StatusBadRequest)
					return // a stray request (a favicon, a scanner): keep waiting
				}
				if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(req.State)) != 1 {
					select {
					case ignored <- struct{}{}:
					default:
					}
					http.Error(w, "axa: this authorization response is not for the login in progress (its state does not match); ignored", http.StatusBadRequest)
					return
				}
				select {
				case got <- result{q.Get("code"), q.Get("state"), q.Get("error"), q.Get("error_description")}:
				default:
				}
				fmt.Fprintln(w, "axa: you can close this window and go back to the terminal.")
			})}
			go func() { _ = srv.Serve(ln) }()
			defer srv.Close() //nolint:errcheck // best effort

			fmt.Fprintf(f.Err, "axa: open this URL in a browser to log in:\n  %s\n", req.URL)
			if f.OpenBrowser != nil {
				if err := f.OpenBrowser(req.URL); err != nil {
					return err
				}
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), wait)
			defer cancel()
			var res result
			said := false
		waiting:
			for {
				select {
				case res = <-got:
					break waiting
				case <-ignored:
					if !said { // once: a forger must not flood the terminal
						said = true
						fmt.Fprintln(f.Err, "axa: ignored an authorization response that does not carry this login's state; still waiting")
					}
				case <-ctx.Done():
					return fmt.Errorf("no login within %s", wait)
				}
			}
			if res.err != "" {
				// The error and its description come from the browser:
				// printed sanitized, never raw.
				msg := "login refused: " + sanitize(res.err)
				if res.desc != "" {
					msg += ": " + sanitize(res.desc)
				}
				return errors.New(msg)
			}
			tok, err := c.Exchange(ctx, req, res.state, res.code)
			if err != nil {
				return err
			}
			out := map[string]any{"scopes": tok.Scopes(), "expiry": tok.Expiry().UTC().Format(time.RFC3339), "refresh_token": tok.RefreshToken() != ""}
			return f.print(out, func(w *table) {
				w.Printf("Logged in\tscopes %s\n", strings.Join(tok.Scopes(), " "))
				w.Printf("Expires\t%s\n", tok.Expiry().UTC().Format(time.RFC3339))
			})
		},
	}
	cmd.Flags().StringArrayVar(&scopes, "scope", nil, "a scope to ask for; repeat for several (default all)")
	cmd.Flags().DurationVar(&wait, "wait", 2*time.Minute, "how long to wait for the browser")
	return cmd
}

// userClient is a client for the authorization code grant with redirect.
func (f *Factory) userClient(redirect string) (*axa.Client, error) {
	opts := []axa.Option{axa.WithoutEnvironment(), axa.WithUserAgent("axa-cli")}
	id, secret := f.env(axa.EnvClientID, f.clientID), f.env(axa.EnvClientSecret, f.clientSecret)
	if id == "" {
		url, err := f.startSandbox()
		if err != nil {
			return nil, err
		}
		id, secret = sandbox.DefaultClientID, sandbox.DefaultClientSecret
		opts = append(opts, axa.WithBaseURL(url))
	} else if base := f.env(axa.EnvBaseURL, f.baseURL); base != "" {
		opts = append(opts, axa.WithBaseURL(base))
	}
	opts = append(opts, axa.WithAuthorizationCode(id, secret, redirect))
	c, err := axa.NewClient(append(opts, f.ClientOptions...)...)
	if err != nil {
		return nil, &usageError{err} // the options are the user's: a base URL, credentials
	}
	f.closers = append(f.closers, func() { _ = c.Close() })
	return c, nil
}

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
			if host, _, err := net.SplitHostPort(addr); err != nil || !isLoopbackHost(host) {
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

// isLoopbackHost reports whether host names this machine.
func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
