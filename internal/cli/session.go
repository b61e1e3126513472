package cli

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/termtext"
	"github.com/axa-assistance-go/axa/pkg/axa"
)

// The login session: `axa login` records the user's refresh token in
// session.json (mode 0600) in $AXA_STATE_DIR, else axa in the user config
// directory; the commands that call the API for the same client and base
// URL then act as that user, and record each rotated refresh token there.

const (
	sessionFile     = "session.json"
	sessionLockFile = "session.lock"
)

// session is the content of the session file. It holds no client secret:
// the secret comes from the environment, or is the sandbox's.
type session struct {
	BaseURL      string `json:"base_url"`
	ClientID     string `json:"client_id"`
	RedirectURL  string `json:"redirect_url"`
	RefreshToken string `json:"refresh_token"`
	// User is the user logged in (the sub of an access token of the
	// session, decoded, not verified), for messages; empty when no token
	// said it.
	User string `json:"user,omitempty"`
	// The authorization server that issued it, where it is refreshed and
	// revoked (empty in a session of an older axa: the base URL's).
	Issuer           string `json:"issuer,omitempty"`
	TokenURL         string `json:"token_url,omitempty"`
	AuthorizationURL string `json:"authorization_url,omitempty"`
	RevocationURL    string `json:"revocation_url,omitempty"`
}

// newSession returns the session of a login to base, with the
// authorization server as.
func newSession(base, id, redirect string, as axa.AuthorizationServer) session {
	return session{BaseURL: base, ClientID: id, RedirectURL: redirect,
		Issuer: as.Issuer, TokenURL: as.TokenURL, AuthorizationURL: as.AuthorizationURL, RevocationURL: as.RevocationURL}
}

// authServer returns the authorization server that issued s, the zero
// value when the session does not say (the base URL's, then).
func (s *session) authServer() axa.AuthorizationServer {
	return axa.AuthorizationServer{Issuer: s.Issuer, TokenURL: s.TokenURL, AuthorizationURL: s.AuthorizationURL, RevocationURL: s.RevocationURL}
}

// serverOptions returns the options that make a client use s's API and
// authorization server.
func (s *session) serverOptions() []axa.Option {
	opts := []axa.Option{axa.WithBaseURL(s.BaseURL)}
	if as := s.authServer(); as != (axa.AuthorizationServer{}) {
		opts = append(opts, axa.WithAuthorizationServer(as))
	}
	return opts
}

func (f *Factory) configDir() (string, error) {
	if d := f.env(EnvStateDir, ""); d != "" {
		return d, nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", usagef("no directory for the login session (set %s): %w", EnvStateDir, err)
	}
	return filepath.Join(d, "axa"), nil
}

func (f *Factory) sessionPath() (string, error) {
	dir, err := f.configDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, sessionFile), nil
}

// maxSessionFile bounds the session file read: it holds a few short
// strings.
const maxSessionFile = 64 << 10

// errTooLarge says that a file is larger than the CLI reads.
var errTooLarge = errors.New("larger than expected")

// loadSession returns the recorded session, nil when there is none. A
// session file others may read is refused (its refresh token may be
// theirs too: axa logout revokes it, see loadSessionToRevoke), and one
// others may write too (it may be theirs: a session fixation).
func (f *Factory) loadSession() (*session, string, error) {
	return f.readSessionFile(false)
}

// loadSessionToRevoke is loadSession for axa logout: a session file others
// may read, but not write, is read, to be revoked.
func (f *Factory) loadSessionToRevoke() (*session, string, error) {
	return f.readSessionFile(true)
}

func (f *Factory) readSessionFile(readableByOthers bool) (*session, string, error) {
	path, err := f.sessionPath()
	if err != nil {
		return nil, "", err
	}
	dir, err := openStateFS(filepath.Dir(path), false)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, path, nil
	}
	if err != nil {
		return nil, path, err
	}
	defer dir.Close() //nolint:errcheck // a directory
	data, fi, err := dir.readFile(sessionFile, maxSessionFile)
	var notOurs *notOursError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, path, nil
	case errors.As(err, &notOurs):
		return nil, path, usagef("login session %v; check who wrote it, then axa logout --forget and axa login", notOurs)
	case err != nil:
		return nil, path, usagef("login session %s: %w (run axa logout --forget, then axa login)", path, err)
	case !readableByOthers && othersMayRead(fi):
		return nil, path, usagef("login session %s may be read by others (mode %v): its refresh token may have leaked; axa logout revokes it (then axa login), or chmod 600 it", path, fi.Mode())
	}
	var s session
	err = json.Unmarshal(data, &s)
	f.addSecret(s.RefreshToken)
	if err != nil || s.RefreshToken == "" || s.ClientID == "" || s.BaseURL == "" {
		return nil, path, usagef("login session %s is damaged: run axa logout --forget, then axa login", path)
	}
	return &s, path, nil
}

// saveSession records s at path, mode 0600, through the directory of path
// opened as the CLI's (openStateFS), made if missing.
func saveSession(path string, s session) error {
	data, err := json.Marshal(s) //nolint:gosec // the point: a 0600 file of the user's
	if err != nil {
		return err
	}
	dir, err := openStateFS(filepath.Dir(path), true)
	if err != nil {
		return err
	}
	defer dir.Close() //nolint:errcheck // a directory
	if err := dir.writeFile(filepath.Base(path), data); err != nil {
		return fmt.Errorf("recording the login session: %w", err)
	}
	return nil
}

// removeSession removes the session file at path, if there.
func removeSession(path string) error {
	dir, err := openStateFS(filepath.Dir(path), false)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer dir.Close() //nolint:errcheck // a directory
	if err := dir.remove(filepath.Base(path)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// errLocked says that another command holds the session lock.
var errLocked = errors.New("locked")

// lockSession holds the session lock until the command ends: the sandbox
// (and the API) rotate the refresh token at each use and revoke the whole
// session when a rotated one is used again, so two commands must not
// refresh the same token at once. It waits up to --timeout.
func (f *Factory) lockSession() error {
	dir, err := f.configDir()
	if err != nil {
		return err
	}
	d, err := openStateFS(dir, true)
	if err != nil {
		return err
	}
	fh, _, err := d.open(sessionLockFile, os.O_CREATE|os.O_RDWR)
	_ = d.Close()
	if err != nil {
		return usageIfNotOurs(err, "the login session's lock:")
	}
	deadline := time.NewTimer(f.timeout)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		err := tryLock(fh)
		if err == nil {
			f.closers = append(f.closers, func() { _ = fh.Close() }) // closing unlocks
			return nil
		}
		if !errors.Is(err, errLocked) {
			_ = fh.Close()
			return fmt.Errorf("locking the login session: %w", err)
		}
		select {
		case <-deadline.C:
			_ = fh.Close()
			return fmt.Errorf("another axa command has used the login session for %s", f.timeout)
		case <-tick.C:
		}
	}
}

// sessionHook returns a token hook that records each new refresh token of
// the session at path.
func (f *Factory) sessionHook(path string, s session) func(context.Context, axa.Token) error {
	return func(_ context.Context, t axa.Token) error {
		f.addSecret(t.AccessToken())
		f.addSecret(t.RefreshToken())
		if t.RefreshToken() == "" {
			return nil
		}
		s.RefreshToken = t.RefreshToken()
		if sub, _ := jwtClaims(t.AccessToken())["sub"].(string); sub != "" {
			s.User = sub
		}
		return saveSession(path, s)
	}
}

// sessionOptions returns the options that make a client act as the logged
// in user, and that user as the session recorded it, when the session is
// for this client and base URL; nil if not.
func (f *Factory) sessionOptions(id, secret, base string) ([]axa.Option, string, error) {
	s, _, err := f.loadSession()
	if err != nil || s == nil {
		return nil, "", err
	}
	as, err := f.resolveAuthServer(base)
	if err != nil {
		return nil, "", err
	}
	ours := func(s *session) bool {
		return s.ClientID == id && strings.TrimSuffix(s.BaseURL, "/") == strings.TrimSuffix(base, "/") &&
			(s.authServer() == (axa.AuthorizationServer{}) || s.authServer() == as)
	}
	if !ours(s) {
		return nil, "", nil
	}
	// Read again under the lock: another command may have rotated it, or
	// an axa login replaced it with one for another client or API.
	if err := f.lockSession(); err != nil {
		return nil, "", err
	}
	s, path, err := f.loadSession()
	if err != nil || s == nil || !ours(s) {
		return nil, "", err
	}
	return []axa.Option{
		axa.WithAuthorizationCode(id, secret, s.RedirectURL),
		axa.WithRefreshToken(s.RefreshToken),
		axa.WithTokenHook(f.sessionHook(path, *s)),
	}, s.User, nil
}

// credentials returns the client the commands use and the base URL it
// calls, starting the shared sandbox when no credentials are set.
func (f *Factory) credentials() (id, secret, base string, sandboxed bool, err error) {
	if id, err = f.apiCredentials(); !errors.Is(err, errNoCredentials) {
		if err != nil {
			return "", "", "", false, err
		}
		return id, f.env(axa.EnvClientSecret, f.clientSecret), f.apiBase(), false, nil
	}
	url, err := f.startSandbox()
	if err != nil {
		return "", "", "", false, err
	}
	return sandboxClientID, sandboxClientSecret, url, true, nil
}

// errNoCredentials says that no credentials are set: the commands use the
// embedded sandbox.
var errNoCredentials = errors.New("no credentials set")

// apiCredentials returns the client id the commands would use with the
// API, errNoCredentials when none is set (the sandbox would be used), or a
// usage error for half a configuration. It starts nothing.
func (f *Factory) apiCredentials() (string, error) {
	id, secret := f.env(axa.EnvClientID, f.clientID), f.env(axa.EnvClientSecret, f.clientSecret)
	base := f.env(axa.EnvBaseURL, f.baseURL)
	switch {
	case (id != "" && strings.TrimSpace(id) == "") || (secret != "" && strings.TrimSpace(secret) == ""):
		return "", usagef("the client id or the client secret is blank")
	case id != "" && secret != "":
		return id, nil
	case id != "" || secret != "":
		return "", usagef("give both a client id and a client secret, or neither to use the embedded sandbox")
	case base != "":
		return "", usagef("a base URL is set (--base-url or %s) but no credentials are: set %s and %s (or the flags), or neither to use the embedded sandbox", axa.EnvBaseURL, axa.EnvClientID, axa.EnvClientSecret)
	case f.authConfigured() != "":
		return "", usagef("%s is set but no credentials are: set %s and %s (or the flags), or neither to use the embedded sandbox", f.authConfigured(), axa.EnvClientID, axa.EnvClientSecret)
	}
	return "", errNoCredentials
}

// revokeSession revokes s's refresh token at the revocation endpoint of the
// authorization server that issued it (RFC 7009), with the SDK: over HTTPS,
// or to a loopback address only.
func (f *Factory) revokeSession(ctx context.Context, s *session, id, secret string) error {
	opts := append([]axa.Option{axa.WithoutEnvironment(), axa.WithUserAgent("axa-cli")}, s.serverOptions()...)
	opts = append(opts, axa.WithAuthorizationCode(id, secret, s.RedirectURL), axa.WithRefreshToken(s.RefreshToken))
	c, err := axa.NewClient(append(opts, f.ClientOptions...)...)
	if err != nil {
		return &usageError{err: fmt.Errorf("revoking the session: %w", err)}
	}
	defer c.Close()
	if err := c.Revoke(ctx); err != nil {
		return fmt.Errorf("revoking the session: %w", err)
	}
	return nil
}

// NewCmdLogout builds `axa logout`.
func NewCmdLogout(f *Factory) *cobra.Command {
	var forget bool
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Revoke the login session and delete it",
		Long: `Revoke the refresh token axa login recorded (RFC 7009) and delete the session
file. With --forget, delete it without revoking (when the server cannot be reached).`,
		Example: "  axa logout\n  axa logout --forget",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.lockSession(); err != nil {
				return err
			}
			s, path, err := f.loadSessionToRevoke()
			if err != nil && !forget {
				return err
			}
			if s == nil && !forget {
				return f.print(map[string]any{"logged_out": false, "logged_in": false}, func(w *table) { w.Printf("axa: not logged in\n") })
			}
			if !forget {
				id, secret, _, sandboxed, err := f.sessionClient(s)
				if err != nil {
					return err
				}
				if sandboxed && !f.sandboxOfSession(cmd.Context(), s) {
					fmt.Fprintln(f.Err, "axa: the sandbox of this session has ended, and its tokens with it")
				} else {
					ctx, cancel := f.context(cmd)
					defer cancel()
					if err := f.revokeSession(ctx, s, id, secret); err != nil {
						return fmt.Errorf("%w (axa logout --forget deletes the session without revoking it)", err)
					}
				}
			}
			if err := removeSession(path); err != nil {
				return err
			}
			return f.print(map[string]any{"logged_out": true, "logged_in": false}, func(w *table) { w.Printf("axa: logged out\n") })
		},
	}
	cmd.Flags().BoolVar(&forget, "forget", false, "delete the session without revoking it")
	return cmd
}

// sessionClient returns the client credentials to use with s: the
// environment's for its client, or the sandbox's.
func (f *Factory) sessionClient(s *session) (id, secret string, base string, sandboxed bool, err error) {
	id, secret = f.env(axa.EnvClientID, f.clientID), f.env(axa.EnvClientSecret, f.clientSecret)
	if id == "" && s.ClientID == sandboxClientID {
		return sandboxClientID, sandboxClientSecret, s.BaseURL, true, nil
	}
	if id != s.ClientID {
		return "", "", "", false, usagef("the session is for client %s: set %s and %s to it", termtext.Line(s.ClientID), axa.EnvClientID, axa.EnvClientSecret)
	}
	// The secret configured is for the API configured: it is not sent to
	// another, which a session file may name (a login there with the same
	// client id, or a file changed by someone else).
	base = f.apiBase()
	if strings.TrimSuffix(base, "/") != strings.TrimSuffix(s.BaseURL, "/") {
		return "", "", "", false, usagef("the session is for the API at %s, not %s: set %s to it (or axa logout --forget)",
			termtext.Line(s.BaseURL), termtext.Line(base), axa.EnvBaseURL)
	}
	// Nor to another authorization server than the session's.
	as, err := f.resolveAuthServer(base)
	if err != nil {
		return "", "", "", false, err
	}
	if rec := s.authServer(); rec != (axa.AuthorizationServer{}) && rec != as {
		return "", "", "", false, usagef("the session was issued by the %s, not the %s configured: configure that one (--env, --issuer, --token-url or the AXA_* variables), or axa logout --forget",
			termtext.Line(rec.String()), termtext.Line(as.String()))
	}
	return id, secret, s.BaseURL, false, nil
}

// sandboxOfSession tells whether the shared sandbox a session of the
// sandbox's client was made with still serves: the state file names it and
// it proves to be the one recorded (isRecorded). Once it has ended, another
// server may listen on its port: it must not be sent the refresh token.
func (f *Factory) sandboxOfSession(ctx context.Context, s *session) bool {
	path, err := f.stateDir()
	if err != nil {
		return false
	}
	dir, err := openStateFS(path, false)
	if err != nil {
		return false
	}
	defer dir.Close() //nolint:errcheck // a directory
	// Its lock free: it ended.
	if !sandboxRuns(dir) {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(f.timeout, startWait)) // a slow one is waited for
	defer cancel()
	st := liveState(ctx, dir, runningWait())
	return st != nil && strings.TrimSuffix(st.URL, "/") == strings.TrimSuffix(s.BaseURL, "/")
}

// jwtClaims decodes, without verifying, the payload of a JWT access token:
// for display only.
func jwtClaims(token string) map[string]any {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil
	}
	data, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil
	}
	var claims map[string]any
	if json.Unmarshal(data, &claims) != nil {
		return nil
	}
	return claims
}

// NewCmdAuth builds `axa auth status`.
func NewCmdAuth(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "auth",
		Short:   "The login session",
		Example: "  axa auth status",
		Args:    args(cobra.NoArgs),
		RunE:    func(*cobra.Command, []string) error { return usagef("auth needs a subcommand: status") },
	}
	status := &cobra.Command{
		Use:   "status",
		Short: "Show who is logged in and with which scopes (no secret is printed)",
		Long: `Show the logged in user (the sub of a fresh access token, decoded for display,
not verified), the client, the API and the scopes. No token is printed.`,
		Example: "  axa auth status --json",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.lockSession(); err != nil {
				return err
			}
			s, path, err := f.loadSession()
			if err != nil {
				return err
			}
			if s == nil {
				if err := f.print(map[string]any{"logged_in": false}, func(w *table) { w.Printf("Logged in\tno (axa login)\n") }); err != nil {
					return err
				}
				return nil
			}
			id, secret, _, sandboxed, err := f.sessionClient(s)
			if err != nil {
				return err
			}
			if sandboxed && !f.sandboxOfSession(cmd.Context(), s) {
				return fmt.Errorf("the sandbox of the session at %s has ended, and its tokens with it (axa login again)", termtext.Line(s.BaseURL))
			}
			opts := append([]axa.Option{axa.WithoutEnvironment(), axa.WithUserAgent("axa-cli")}, s.serverOptions()...)
			opts = append(opts, f.tokenParamOptions()...)
			opts = append(opts, axa.WithAuthorizationCode(id, secret, s.RedirectURL), axa.WithRefreshToken(s.RefreshToken),
				axa.WithTokenHook(f.sessionHook(path, *s)))
			c, err := axa.NewClient(append(opts, f.ClientOptions...)...)
			if err != nil {
				return &usageError{err: err}
			}
			defer c.Close()
			ctx, cancel := f.context(cmd)
			defer cancel()
			// The refresh grant answers the scopes the user consented to,
			// whatever is asked: the one token of the session, which Token
			// refuses (ErrInsufficientScope) when it lacks a scope of the
			// API (a login with --scope, a scope the server did not list).
			// Asked then for one scope it carries, Token answers that
			// token from its cache, with no other request.
			api := make([]string, 0, len(gen.AllScopes()))
			for _, s := range gen.AllScopes() {
				api = append(api, string(s))
			}
			tok, err := c.Token(ctx, api...)
			for _, s := range api {
				if !errors.Is(err, axa.ErrInsufficientScope) {
					break
				}
				if t, e := c.Token(ctx, s); e == nil {
					tok, err = t, nil
				}
			}
			if err != nil {
				return fmt.Errorf("the session at %s no longer works (axa login again): %w", s.BaseURL, err)
			}
			claims := jwtClaims(tok.AccessToken())
			sub, _ := claims["sub"].(string)
			as := c.AuthorizationServer()
			out := map[string]any{
				"logged_in": true, "user": sub, "client_id": s.ClientID, "base_url": s.BaseURL,
				"issuer": as.Issuer, "token_url": as.TokenURL,
				"scopes": tok.Scopes(), "expiry": tok.Expiry().UTC().Format(time.RFC3339), "session_file": path,
			}
			return f.print(out, func(w *table) {
				w.Printf("Logged in\t%s\n", sub)
				w.Printf("Client\t%s\n", s.ClientID)
				w.Printf("API\t%s\n", s.BaseURL)
				w.Printf("Tokens from\t%s\n", cmp.Or(as.TokenURL, as.Issuer))
				w.Printf("Scopes\t%s\n", strings.Join(tok.Scopes(), " "))
				w.Printf("Token expires\t%s\n", tok.Expiry().UTC().Format(time.RFC3339))
				w.Printf("Session file\t%s\n", path)
			})
		},
	}
	cmd.AddCommand(status)
	return cmd
}
