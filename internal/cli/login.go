package cli

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/axa-assistance-go/axa/internal/termtext"
	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// NewCmdLogin builds `axa login`.
func NewCmdLogin(f *Factory) *cobra.Command {
	var scopes []string
	var wait time.Duration
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Log a user in with the authorization code grant (PKCE) and a loopback redirect",
		Long: `Log a user in: prints the URL to open in a browser, waits for the redirect on a
loopback port, exchanges the code (with PKCE) and shows what was granted.

The session is kept: its refresh token is recorded in session.json (mode 0600)
in $AXA_STATE_DIR, else axa in the user config directory, and the commands for
the same client and API then act as this user (axa auth status says who). axa
logout revokes and deletes it.`,
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
				msg := "login refused: " + termtext.Line(res.err)
				if res.desc != "" {
					msg += ": " + termtext.Line(res.desc)
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
	base := f.env(axa.EnvBaseURL, f.baseURL)
	if id == "" {
		url, err := f.startSandbox()
		if err != nil {
			return nil, err
		}
		id, secret, base = sandbox.DefaultClientID, sandbox.DefaultClientSecret, url
	}
	if base != "" {
		opts = append(opts, axa.WithBaseURL(base))
	} else {
		base = axa.ProductionURL
	}
	// The session is recorded with the refresh token the exchange brings.
	path, err := f.sessionPath()
	if err != nil {
		return nil, err
	}
	opts = append(opts, axa.WithAuthorizationCode(id, secret, redirect),
		axa.WithTokenHook(sessionHook(path, session{BaseURL: base, ClientID: id, RedirectURL: redirect})))
	c, err := axa.NewClient(append(opts, f.ClientOptions...)...)
	if err != nil {
		return nil, &usageError{err} // the options are the user's: a base URL, credentials
	}
	f.closers = append(f.closers, func() { _ = c.Close() })
	return c, nil
}

// redirectURL is the loopback redirect of the login command.
func redirectURL(port string) string {
	return (&url.URL{Scheme: "http", Host: "127.0.0.1:" + port, Path: "/callback"}).String()
}
