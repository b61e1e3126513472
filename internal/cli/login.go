package cli

import (
	"cmp"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/termtext"
	"github.com/axa-assistance-go/axa/pkg/axa"
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
logout revokes and deletes it.

Without --scope it asks for the API's scopes that the authorization server
lists in its RFC 8414 metadata (scopes_supported), so that a scope the spec
declares and the server does not know yet does not fail the login; when the
server publishes no such list, it says so and asks for every scope of the API.`,
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
			asked, defaulted := loginScopes(cmd.Context(), c, scopes, f.Err)
			req, err := c.AuthCodeURL(cmd.Context(), asked...)
			if err != nil {
				return err
			}
			cb := newCallback(req.State)
			srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: cb}
			go func() { _ = srv.Serve(ln) }()
			defer shutdown(srv)

			fmt.Fprintf(f.Err, "axa: open this URL in a browser to log in:\n  %s\n", req.URL)
			if f.OpenBrowser != nil {
				if err := f.OpenBrowser(req.URL); err != nil {
					return err
				}
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), wait)
			defer cancel()
			var res callbackResult
			said := false
		waiting:
			for {
				select {
				case res = <-cb.got:
					break waiting
				case <-cb.ignored:
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
				if res.err == "invalid_scope" && defaulted {
					msg += " (axa asked for " + strings.Join(asked, " ") + "; name the scopes this client may have with --scope)"
				}
				return errors.New(msg)
			}
			// The exchange records the session: under the lock, so that a
			// command using the old one does not record its rotated
			// refresh token over it.
			if err := f.lockSession(); err != nil {
				return err
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
	cmd.Flags().StringArrayVar(&scopes, "scope", nil, "a scope to ask for; repeat for several (default: the API's scopes the authorization server lists)")
	cmd.Flags().DurationVar(&wait, "wait", 2*time.Minute, "how long to wait for the browser")
	return cmd
}

// loginScopes returns the scopes a login asks for, and whether they are the
// default: --scope's when given; else the API's scopes (the spec's) that
// the authorization server lists in its metadata, those it does not list
// named on w; else, when it publishes no list, every scope of the API, and
// w says why.
func loginScopes(ctx context.Context, c *axa.Client, flag []string, w io.Writer) (asked []string, defaulted bool) {
	if len(flag) > 0 {
		return flag, false
	}
	var api []string
	for _, s := range gen.AllScopes() {
		api = append(api, string(s))
	}
	supported, err := c.SupportedScopes(ctx)
	if err != nil {
		// The error may quote the server: printed sanitized.
		fmt.Fprintf(w, "axa: %s; asking for every scope of the API\n", termtext.Line(strings.TrimPrefix(err.Error(), "axa: ")))
		return api, true
	}
	var unknown []string
	for _, s := range api {
		if slices.Contains(supported, s) {
			asked = append(asked, s)
		} else {
			unknown = append(unknown, s)
		}
	}
	if len(asked) == 0 {
		fmt.Fprintln(w, "axa: the authorization server lists none of the API's scopes in its metadata; asking for every scope of the API")
		return api, true
	}
	if len(unknown) > 0 {
		fmt.Fprintf(w, "axa: not asking for %s: the authorization server does not list them in its metadata (scopes_supported)\n", strings.Join(unknown, " "))
	}
	return asked, true
}

// callbackResult is what an authorization response brought back.
type callbackResult struct{ code, state, err, desc string }

// callback serves the loopback redirect of one login. It answers only the
// authorization response that brings back this login's state: any other
// one, forged by another local process or a web page, or left by an old
// login, is refused and the login goes on waiting (RFC 6749 section 10.12).
// Each answer is on the wire before the login hears of it, so a login that
// ends at once still leaves the browser its whole page.
type callback struct {
	state   string
	got     chan callbackResult // the first response with this login's state
	ignored chan struct{}       // a response with another state came
}

func newCallback(state string) *callback {
	return &callback{state: state, got: make(chan callbackResult, 1), ignored: make(chan struct{}, 1)}
}

func (cb *callback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/callback" {
		writePage(w, http.StatusNotFound, "axa: not found")
		return
	}
	q := r.URL.Query()
	if q.Get("code") == "" && q.Get("error") == "" {
		writePage(w, http.StatusBadRequest, "axa: this is not an authorization response")
		return // a stray request (a favicon, a scanner): keep waiting
	}
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(cb.state)) != 1 {
		writePage(w, http.StatusBadRequest, "axa: this authorization response is not for the login in progress (its state does not match); ignored")
		select {
		case cb.ignored <- struct{}{}:
		default:
		}
		return
	}
	writePage(w, http.StatusOK, "axa: you can close this window and go back to the terminal.")
	select {
	case cb.got <- callbackResult{q.Get("code"), q.Get("state"), q.Get("error"), q.Get("error_description")}:
	default:
	}
}

// writePage writes a short plain-text page whole (its length announced)
// and flushes it to the connection.
func writePage(w http.ResponseWriter, status int, text string) {
	body := text + "\n"
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
	_ = http.NewResponseController(w).Flush()
}

// shutdown ends the loopback server, letting an answer in progress finish
// (bounded), then closes what is left.
func shutdown(srv *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if srv.Shutdown(ctx) != nil {
		_ = srv.Close()
	}
}

// userClient is a client for the authorization code grant with redirect.
func (f *Factory) userClient(redirect string) (*axa.Client, error) {
	opts := []axa.Option{axa.WithoutEnvironment(), axa.WithUserAgent("axa-cli")}
	id, secret := f.env(axa.EnvClientID, f.clientID), f.env(axa.EnvClientSecret, f.clientSecret)
	base := f.env(axa.EnvBaseURL, f.baseURL)
	switch {
	case id != "" && strings.TrimSpace(id) == "":
		return nil, usagef("the client id is blank")
	case id == "" && (secret != "" || base != ""):
		// As the other commands: half a configuration is not the sandbox.
		return nil, usagef("a client secret or a base URL is set but no client id is: set %s (and %s for a confidential client), or neither to use the embedded sandbox",
			axa.EnvClientID, axa.EnvClientSecret)
	case id == "" && f.authConfigured() != "":
		return nil, usagef("%s is set but no client id is: set %s (and %s for a confidential client), or neither to use the embedded sandbox",
			f.authConfigured(), axa.EnvClientID, axa.EnvClientSecret)
	}
	if id == "" {
		url, err := f.startSandbox()
		if err != nil {
			return nil, err
		}
		id, secret, base = sandboxClientID, sandboxClientSecret, url
	}
	base = cmp.Or(base, f.apiBase())
	as, err := f.resolveAuthServer(base)
	if err != nil {
		return nil, err
	}
	// A session for another client, API or authorization server would be
	// replaced unrevoked, its refresh token out of axa logout's reach
	// (unless it was one of a sandbox that has ended, and its tokens with
	// it).
	old, _, err := f.loadSessionToRevoke()
	if err != nil {
		return nil, err
	}
	if old != nil && (old.ClientID != id || strings.TrimSuffix(old.BaseURL, "/") != strings.TrimSuffix(base, "/") ||
		old.authServer() != (axa.AuthorizationServer{}) && old.authServer() != as) &&
		(old.ClientID != sandboxClientID || f.sandboxOfSession(context.Background(), old)) {
		return nil, usagef("already logged in to %s as client %s: axa logout first (with that API and client configured), or axa logout --forget",
			termtext.Line(old.BaseURL), termtext.Line(old.ClientID))
	}
	// The session is recorded with the refresh token the exchange brings.
	path, err := f.sessionPath()
	if err != nil {
		return nil, err
	}
	opts = append(opts, axa.WithBaseURL(base))
	opts = append(opts, f.authOptions()...)
	opts = append(opts, axa.WithAuthorizationCode(id, secret, redirect),
		axa.WithTokenHook(f.sessionHook(path, newSession(base, id, redirect, as))))
	c, err := axa.NewClient(append(opts, f.ClientOptions...)...)
	if err != nil {
		return nil, &usageError{err: err} // the options are the user's: a base URL, credentials
	}
	f.closers = append(f.closers, func() { _ = c.Close() })
	return c, nil
}

// redirectURL is the loopback redirect of the login command.
func redirectURL(port string) string {
	return (&url.URL{Scheme: "http", Host: "127.0.0.1:" + port, Path: "/callback"}).String()
}
