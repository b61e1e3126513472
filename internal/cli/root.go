// Package cli is the axa command: the AXA Assistance API from a terminal,
// through the SDK. With no credentials it starts the embedded sandbox.
//
// Each command is built by a NewCmdX function that takes the Factory (IO
// streams and the lazily made client), so that tests run every command in
// memory.
package cli

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/axa-assistance-go/axa/internal/termtext"
	"github.com/axa-assistance-go/axa/pkg/axa"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitError = 1 // the API or the network failed
	ExitUsage = 2 // the command line or another local input is wrong
)

// Factory holds what every command needs: IO, the environment, and the
// client, made on first use.
type Factory struct {
	Out, Err io.Writer
	Getenv   func(string) string
	// SandboxOptions configure the embedded sandbox (tests use them).
	SandboxOptions []sandboxOption
	// ClientOptions are added to every client (tests use them).
	ClientOptions []axa.Option
	// OpenBrowser, when set, is given the login URL to open.
	OpenBrowser func(url string) error
	// In is what `--file -` reads; nil means the process's standard input.
	In io.Reader
	// Interactive reports whether the commands may ask for what a flag
	// left out, as `policy create` without --file does; nil means whether
	// In (or the standard input) is a terminal. Tests set it.
	Interactive func() bool
	// OutIsTerminal reports whether Out is a terminal, where a command
	// refuses to write binary data (a PDF); nil means whether Out is an
	// *os.File that is a terminal (see isTerminal). Tests set it.
	OutIsTerminal func() bool
	// TermWidth returns the width, in columns, of the terminal Out is,
	// to which tables wrap their long cells; 0 when Out is not a terminal
	// (a pipe, a file), where each row stays one line. nil means
	// tableWidth's answer: $COLUMNS, else the terminal's own width. Tests
	// set it.
	TermWidth func() int
	// SpawnSandbox, when set, makes the commands without credentials share
	// one sandbox, started in the background on first use (see shared.go);
	// Main sets it to re-execute this program. When nil, each command
	// starts its own sandbox in process, ended with it.
	SpawnSandbox SpawnFunc
	// Conform runs the checks of `axa conform`; nil means
	// conformance.Check. Tests set it to return canned reports.
	Conform ConformFunc
	// MCPTransport is the transport `axa mcp` serves on without --addr;
	// nil means the standard input and output (In and Out). Tests set an
	// in-memory one.
	MCPTransport mcpTransport

	baseURL, clientID, clientSecret string
	envName, issuer, tokenURL       string // see authserver.go
	audience                        string
	jsonOut                         bool
	verbose                         bool
	lang                            string
	timeout                         time.Duration

	client  *axa.Client
	closers []func()
	spec    *localSpec // the spec of the local checks, loaded on first use
	// actingAs is whom the client acts as, once made: a client, or the
	// user of a login session (for messages: see ownerHint).
	actingAs struct {
		client, user string
		session      bool
	}

	secretsMu sync.Mutex
	secrets   []string // what the error line must not print (see addSecret)
}

// minSecret is the shortest string the error line redacts: a shorter one
// would blank ordinary words.
const minSecret = 4

// addSecret records a secret the command holds (a refresh or access
// token): a server may echo it in an error, and the error line, which a CI
// log keeps, must not print it.
func (f *Factory) addSecret(s string) {
	if len(s) < minSecret {
		return
	}
	f.secretsMu.Lock()
	defer f.secretsMu.Unlock()
	if !slices.Contains(f.secrets, s) {
		f.secrets = append(f.secrets, s)
	}
}

// redact replaces in msg every secret the command held: the ones recorded
// by addSecret, and the client secret configured, as sent (form-encoded,
// and in the HTTP Basic credentials).
func (f *Factory) redact(msg string) string {
	if secret := f.env(axa.EnvClientSecret, f.clientSecret); secret != "" {
		id := f.env(axa.EnvClientID, f.clientID)
		f.addSecret(secret)
		f.addSecret(url.QueryEscape(secret))
		f.addSecret(base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id) + ":" + url.QueryEscape(secret))))
		f.addSecret(base64.StdEncoding.EncodeToString([]byte(id + ":" + secret)))
	}
	f.secretsMu.Lock()
	list := slices.Clone(f.secrets)
	f.secretsMu.Unlock()
	slices.SortFunc(list, func(a, b string) int { return len(b) - len(a) }) // a token may hold a shorter secret
	for _, s := range list {
		msg = strings.ReplaceAll(msg, s, "[redacted]")
	}
	return msg
}

// usageError is a wrong command line: exit code 2. said tells that the
// error says what to give (the local checks' "want ..."): the error line
// then does not send the user to --help.
type usageError struct {
	err  error
	said bool
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// ExitCode chooses the exit code of an error, in one place: a usage error
// (a wrong command line, or any local input the command cannot use: a flag
// value, a --file, the configuration) is ExitUsage; anything else (the API,
// the network) is ExitError.
func ExitCode(err error) int {
	var ue *usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ue):
		return ExitUsage
	default:
		return ExitError
	}
}

// Main runs the command line args with the process's streams and returns
// the exit code.
func Main(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	f := &Factory{Out: os.Stdout, Err: os.Stderr, Getenv: os.Getenv, SpawnSandbox: defaultSpawn()}
	return f.Run(ctx, args)
}

// Run executes args and returns the exit code; errors are one line on Err.
func (f *Factory) Run(ctx context.Context, args []string) int {
	defer f.close()
	root := newCmdRootFor(f, args)
	root.SetArgs(canonicalOperation(root, args))
	root.SetOut(f.Out)
	root.SetErr(f.Err)
	if f.In != nil {
		root.SetIn(f.In)
	}
	err := root.ExecuteContext(ctx)
	if code, ok := f.delegate(err, args); ok {
		return code
	}
	if err != nil {
		fmt.Fprintln(f.Err, oneLine(err, f.redact))
	}
	return ExitCode(err)
}

// maxErrorLine bounds, in runes, the error line: an error may quote a
// server's description of megabytes.
const maxErrorLine = 2000

// oneLine renders an error as one line, prefixed "axa: " once, at most
// maxErrorLine runes before the usage hint, with the secrets redact
// knows redacted. An error may carry the server's words, so it is
// sanitized.
func oneLine(err error, redact func(string) string) string {
	msg := redact(strings.Join(strings.Fields(termtext.Line(err.Error())), " ")) // before the cut, which could halve a secret
	if r := []rune(msg); len(r) > maxErrorLine {
		msg = string(r[:maxErrorLine-1]) + "…"
	}
	var ue *usageError
	if errors.As(err, &ue) && !ue.said {
		msg += " (see --help)"
	}
	if !strings.HasPrefix(msg, "axa: ") {
		msg = "axa: " + msg
	}
	return msg
}

// NewCmdRoot builds the axa command.
func NewCmdRoot(f *Factory) *cobra.Command {
	root := newCmdRoot(f)
	addOperations(f, apiCommand(root))
	return root
}

// newCmdRootFor builds the axa command to run the command line args: the
// api command's operations, a command each, only if args may reach them
// (needsOperations): `axa countries` and `axa --help` do without.
func newCmdRootFor(f *Factory, args []string) *cobra.Command {
	root := newCmdRoot(f)
	if needsOperations(root, args) {
		addOperations(f, apiCommand(root))
	}
	return root
}

// apiCommand returns root's api command, nil if none.
func apiCommand(root *cobra.Command) *cobra.Command {
	for _, c := range root.Commands() {
		if c.Name() == "api" {
			return c
		}
	}
	return nil
}

// newCmdRoot builds the axa command, its api command without its
// operations (addOperations).
func newCmdRoot(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "axa",
		Short: "The AXA Assistance API from the command line",
		Long: `axa calls the AXA Assistance API: travel information, alerts, quotes, policies
and medical providers.

With AXA_CLIENT_ID and AXA_CLIENT_SECRET (or --client-id/--client-secret) it calls
the API at AXA_BASE_URL (default https://apis.axa-assistance.com, or the base URL of
the environment --env names), with tokens from that environment's authorization
server, on its own host (--issuer or --token-url name another). Without
credentials it uses the embedded sandbox on loopback, so it works on any machine:
the first command starts it in the background and the next ones share it (a quote
made by one is there for the next) until ` + "`axa sandbox stop`" + ` or 30 minutes without
a request ($AXA_SANDBOX_IDLE). Its state file is in $AXA_STATE_DIR (default: axa in
the user cache directory).`,
		Example:       "  axa countries\n  axa countries fr --lang fr\n  axa alerts --country jp --json",
		SilenceUsage:  true,
		SilenceErrors: true,
		// Without this, cobra answers an unknown command with a plain
		// error (exit 1) instead of a usage error (exit 2).
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := emptyLocalFlag(cmd); err != nil {
				return err
			}
			if f.timeout <= 0 {
				return usagef("--timeout %s: want a positive duration, e.g. 30s", f.timeout)
			}
			if f.lang != "" && (strings.TrimSpace(f.lang) == "" || strings.ContainsFunc(f.lang, isControl)) {
				return usagef("--lang %q: want a language tag, e.g. fr", f.lang)
			}
			return f.checkEnvironment()
		},
	}
	p := root.PersistentFlags()
	p.StringVar(&f.baseURL, "base-url", "", "API base URL (default $AXA_BASE_URL, else production)")
	p.StringVar(&f.clientID, "client-id", "", "OAuth2 client id (default $AXA_CLIENT_ID)")
	p.StringVar(&f.clientSecret, "client-secret", "", "OAuth2 client secret (default $AXA_CLIENT_SECRET; prefer the variable: flags show in process lists)")
	p.BoolVar(&f.jsonOut, "json", false, "print JSON instead of a table")
	p.BoolVarP(&f.verbose, "verbose", "v", false, "say which API or sandbox the command calls, and as whom (a client, or the user of axa login)")
	p.StringVar(&f.lang, "lang", "", "language of labels (Accept-Language), e.g. fr; free texts stay in English")
	p.DurationVar(&f.timeout, "timeout", 30*time.Second, "give up after this long")
	f.authFlags(root)
	root.SetFlagErrorFunc(flagError)

	root.AddCommand(
		NewCmdCountries(f), NewCmdCountryHealth(f), NewCmdCountrySecurity(f), NewCmdAlerts(f),
		NewCmdQuote(f), NewCmdPolicy(f), NewCmdProviders(f),
		NewCmdVersion(f), NewCmdToken(f), NewCmdLogin(f), NewCmdLogout(f), NewCmdAuth(f), NewCmdSandbox(f),
		NewCmdAPI(f), NewCmdConform(f), NewCmdMCP(f),
	)
	return root
}

// valueFlags are the commands' own flags that take a string (or strings):
// none of them means anything given empty. (The api command's parameter
// flags are checked as they are set, see paramValue.)
var valueFlags = []string{
	"addr", "country", "cursor", "end", "fault", "fault-op", "file", "from", "idempotency-key", "junit", "kind",
	"min-level", "operation", "output", "plan", "quote", "scope", "speciality", "start", "state-dir", "to",
	"traveller", "trip-type",
}

// emptyLocalFlag returns a usage error naming the first of cmd's own flags
// given an empty or blank value: an unset variable in a script ("$KEY")
// must not stand for the default (for --idempotency-key, a new key: a
// second policy on a retry). The global flags are not checked: empty, they
// stand for their variable, as documented.
func emptyLocalFlag(cmd *cobra.Command) error {
	local := cmd.LocalNonPersistentFlags()
	for _, name := range valueFlags {
		fl := local.Lookup(name)
		if fl == nil || !fl.Changed {
			continue
		}
		values := []string{fl.Value.String()}
		if sv, ok := fl.Value.(interface{ GetSlice() []string }); ok {
			if values = sv.GetSlice(); len(values) == 0 {
				values = []string{""} // --to "" parses to no value
			}
		} else if fl.Value.Type() != "string" {
			continue
		}
		for _, v := range values {
			if strings.TrimSpace(v) == "" {
				return usagef("--%s is empty", fl.Name)
			}
		}
	}
	return nil
}

// isDotSegment reports whether v, as a path segment, is "." or "..".
func isDotSegment(v string) bool { return v == "." || v == ".." }

// isControl reports whether r is a control character, which no HTTP header
// value may hold.
func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// args wraps a cobra arguments check so that its failure is a usage error;
// an empty or blank argument (an unset shell variable) is one too.
func args(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, a []string) error {
		if err := check(cmd, a); err != nil {
			if cmd.HasAvailableSubCommands() && len(a) > 0 {
				return unknownCommand(cmd, a[0])
			}
			return &usageError{err: err}
		}
		for i, v := range a {
			if strings.TrimSpace(v) == "" {
				return usagef("argument %d is empty", i+1)
			}
			// Every argument is an id that goes in a path: a dot segment
			// would name another path (the SDK resolves it).
			if isDotSegment(v) {
				return usagef("argument %d is %q: not an id", i+1, v)
			}
		}
		return nil
	}
}

func (f *Factory) env(name, flag string) string {
	if flag != "" {
		return flag
	}
	if f.Getenv == nil {
		return ""
	}
	return f.Getenv(name)
}

// Client returns the client the commands use, made on first call: with
// credentials, for the API they name; without, for an embedded sandbox
// started on loopback (said in one line on Err).
func (f *Factory) Client() (*axa.Client, error) {
	if f.client != nil {
		return f.client, nil
	}
	opts := []axa.Option{axa.WithoutEnvironment(), axa.WithUserAgent("axa-cli")}
	id, secret, base, sandboxed, err := f.credentials()
	if err != nil {
		return nil, err
	}
	opts = append(opts, axa.WithBaseURL(base))
	opts = append(opts, f.authOptions()...)
	// A login session for this client and API: act as that user.
	sess, user, err := f.sessionOptions(id, secret, base)
	if err != nil {
		return nil, err
	}
	if sess != nil {
		opts = append(opts, sess...)
	} else {
		opts = append(opts, axa.WithClientCredentials(id, secret))
	}
	f.actingAs.client, f.actingAs.user, f.actingAs.session = id, user, sess != nil
	if f.verbose {
		fmt.Fprintln(f.Err, whoLine(base, id, sandboxed, sess != nil, user))
	}
	c, err := axa.NewClient(append(opts, f.ClientOptions...)...)
	if err != nil {
		return nil, &usageError{err: err} // the options are the user's: a base URL, credentials
	}
	f.client = c
	f.closers = append(f.closers, func() { _ = c.Close() })
	return c, nil
}

// whoLine says what a command calls and as whom (-v): the embedded
// sandbox or the API at base, as the client id or as the user logged in
// (user, when the session recorded it).
func whoLine(base, id string, sandboxed, session bool, user string) string {
	where := "calling the API at " + base
	if sandboxed {
		where = "using the embedded sandbox at " + base
	}
	switch {
	case session && user != "":
		return fmt.Sprintf("axa: %s as %s, logged in with axa login (client %s)", where, termtext.Line(user), id)
	case session:
		return fmt.Sprintf("axa: %s as the user logged in with axa login (client %s; axa auth status says who)", where, id)
	case sandboxed:
		return fmt.Sprintf("axa: %s as its client %s (no credentials set, nobody logged in)", where, id)
	}
	return fmt.Sprintf("axa: %s as client %s", where, id)
}

// startSandbox returns the URL of the embedded sandbox: the shared one,
// started if none runs, which is said then, once (a command that uses it
// says so with -v only); or, without SpawnSandbox, one of the command's
// own, said each time.
func (f *Factory) startSandbox() (string, error) {
	if f.SpawnSandbox != nil {
		// Bounded by --timeout: a slow sandbox is waited for that long.
		ctx, cancel := context.WithTimeout(context.Background(), cmp.Or(f.timeout, startWait))
		defer cancel()
		st, started, err := f.sharedSandbox(ctx)
		if err != nil {
			return "", err
		}
		if started {
			idle, _ := f.idleTimeout() // checked before the start
			fmt.Fprintf(f.Err, "axa: no credentials set: started the embedded sandbox at %s, shared by the next commands until `axa sandbox stop` or %s without a request (set %s and %s to call the real API)\n",
				st.URL, idle, axa.EnvClientID, axa.EnvClientSecret)
		}
		return st.URL, nil
	}
	return f.startInProcess()
}

func (f *Factory) close() {
	for i := len(f.closers) - 1; i >= 0; i-- {
		f.closers[i]()
	}
	f.closers = nil
}

// context returns the command's context bounded by --timeout.
func (f *Factory) context(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	return context.WithTimeout(cmd.Context(), f.timeout)
}

// langParam returns --lang as an Accept-Language value, nil when unset.
func (f *Factory) langParam() *string {
	if f.lang == "" {
		return nil
	}
	return &f.lang
}

// print writes v as JSON with --json, else calls rows to lay out a table,
// its long cells wrapped to the terminal's width (tableWidth).
// Both hold what the server sent, so neither lets a character through that
// a terminal would act on (see internal/termtext).
func (f *Factory) print(v any, rows func(w *table)) error {
	if f.jsonOut {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return fmt.Errorf("encoding the answer as JSON: %w", err)
		}
		_, err = f.Out.Write(append(termtext.JSON(b), '\n'))
		return err
	}
	t := newTable()
	rows(t)
	_, err := io.WriteString(f.Out, t.text(f.tableWidth()))
	return err
}

// withClient runs fn with the client and the command's context, bounded by
// --timeout.
func (f *Factory) withClient(cmd *cobra.Command, fn func(ctx context.Context, c *axa.Client) error) error {
	c, err := f.Client()
	if err != nil {
		return err
	}
	ctx, cancel := f.context(cmd)
	defer cancel()
	return fn(ctx, c)
}

// helpWithout makes the help of cmd itself leave out the inherited flags
// named, which do not apply to it (the client's --base-url, --client-id,
// --json... to a server). Its subcommands' help is unchanged.
func helpWithout(cmd *cobra.Command, names ...string) {
	help := cmd.HelpFunc()
	cmd.SetHelpFunc(func(c *cobra.Command, a []string) {
		if c != cmd {
			help(c, a)
			return
		}
		var hidden []string
		for _, name := range names {
			if fl := c.InheritedFlags().Lookup(name); fl != nil && !fl.Hidden {
				fl.Hidden = true
				hidden = append(hidden, name)
			}
		}
		defer func() {
			for _, name := range hidden {
				c.InheritedFlags().Lookup(name).Hidden = false
			}
		}()
		help(c, a)
	})
}
