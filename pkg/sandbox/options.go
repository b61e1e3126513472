package sandbox

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
	"github.com/axa-assistance-go/axa/pkg/sandbox/middleware"
	"github.com/axa-assistance-go/axa/pkg/sandbox/oauth"
)

// An Option configures a Sandbox.
type Option func(*config) error

type config struct {
	seed          uint64
	signingKey    ed25519.PrivateKey // nil: a random key per sandbox
	issuer        string
	issuerSet     bool // WithIssuer was given: Start keeps it
	audience      string
	tokenLifetime time.Duration
	codeLifetime  time.Duration
	quoteLifetime time.Duration
	refreshTTL    time.Duration
	refreshReuse  time.Duration
	now           func() time.Time
	log           *slog.Logger
	logOut        *middleware.BufferedWriter // WithLogOutput's, flushed by Server.Shutdown and Close
	autoApprove   bool
	clients       map[string]Client
	users         map[string]User
	rate          float64
	burst         int
	maxBody       int64
	faults        map[string]Fault
	builtAt       time.Time
	commit        string
	authAddr      string        // WithAuthorizationServerAddr: "" serves both on one listener
	audienceReq   bool          // WithAudienceRequired
	bodyTimeout   time.Duration // WithBodyTimeout
	idleConn      time.Duration // WithIdleConnTimeout
	middleware    []func(http.Handler) http.Handler
}

// Client is an OAuth2 client registered with the sandbox: its ID and
// Secret, the Scopes it may ask for, its RedirectURLs (a loopback URI
// matches on any port, RFC 8252 section 7.3) and the Grants it may use
// (empty: all).
type Client = oauth.Client

// User is an end user of the password and authorization code grants: its
// Login and Password.
type User = oauth.User

// Fault describes what to inject into the answers of one operation, for
// users' resilience tests (see middleware.Fault for its fields). Zero
// fields inject nothing.
type Fault = middleware.Fault

// Operation names for faults on the OAuth2 endpoints, next to the API's
// operationIds.
const (
	// FaultToken is the token endpoint.
	FaultToken = middleware.FaultToken
	// FaultAll applies to every request that has no fault of its own.
	FaultAll = middleware.FaultAll
)

// WithFault injects f into the answers of the operation with the given
// operationId (e.g. "createPolicy", or an authorization server's such as
// "revokeToken"; "requestToken" is FaultToken), FaultToken, or FaultAll.
// At the authorization server an injected error is an RFC 6749 error.
func WithFault(operationID string, f Fault) Option {
	return func(c *config) error {
		if f.ErrorRate < 0 || f.ErrorRate > 1 || f.ResetAfterCommitRate < 0 || f.ResetAfterCommitRate > 1 {
			return errors.New("sandbox: fault rates must be between 0 and 1")
		}
		if _, ok := gen.LookupOperation(gen.OperationID(operationID)); !ok && operationID != FaultToken && operationID != FaultAll {
			return fmt.Errorf("sandbox: no operation %q to inject faults into (use an operationId, %q or %q)", operationID, FaultToken, FaultAll)
		}
		if operationID == string(gen.OperationRequestToken) {
			operationID = FaultToken // the token endpoint's one name for faults
		}
		c.faults[operationID] = f
		return nil
	}
}

func defaultConfig() *config {
	builtAt, commit := buildInfo()
	return &config{
		seed:          1,
		issuer:        "https://sandbox.axa-assistance.invalid",
		audience:      "https://apis.axa-assistance.com",
		tokenLifetime: time.Hour,
		codeLifetime:  time.Minute,
		quoteLifetime: 24 * time.Hour,
		refreshTTL:    30 * 24 * time.Hour,
		now:           time.Now,
		log:           slog.New(slog.DiscardHandler),
		clients: map[string]Client{DefaultClientID: {
			ID: DefaultClientID, Secret: DefaultClientSecret,
			Scopes:       oauth.AllScopes(),
			RedirectURLs: []string{DefaultRedirectURL},
		}},
		users:       map[string]User{DefaultUsername: {Login: DefaultUsername, Password: DefaultPassword}},
		rate:        DefaultRateLimit,
		burst:       DefaultRateBurst,
		maxBody:     64 << 10,
		bodyTimeout: DefaultBodyTimeout,
		idleConn:    DefaultIdleConnTimeout,
		faults:      map[string]Fault{},
		builtAt:     builtAt,
		commit:      commit,
	}
}

// WithMiddleware wraps the handling of every request, the API's and the
// authorization server's, in mw: inside the access log, so that mw sees
// the request with its X-Request-Id already set on the answer's headers
// and its operation resolved ([OperationOf]), and a panic in mw is
// answered 500; outside the injected faults (WithFault), the rate limit
// and routing, so that mw sees every answer the client gets. It is the
// way to trace the sandbox's side of a call (pkg/axaotel's
// ServerMiddleware) or to count its requests, without the sandbox
// importing a tracer. Given more than once, the first given is
// outermost.
func WithMiddleware(mw func(http.Handler) http.Handler) Option {
	return func(c *config) error {
		if mw == nil {
			return errors.New("sandbox: WithMiddleware(nil)")
		}
		c.middleware = append(c.middleware, mw)
		return nil
	}
}

// OperationOf returns the operationId of the spec that r, a request the
// sandbox is serving, was resolved to ("getCountry", "requestToken"), ""
// when it is no operation's (or not the sandbox's request): for a
// WithMiddleware middleware.
func OperationOf(r *http.Request) string {
	if st := reqctx.From(r.Context()); st != nil {
		return string(st.Operation)
	}
	return ""
}

// WithSeed makes the generated data (alerts, providers, ids) a function of
// seed. The default is 1. The signing key is not: see WithSigningKey.
func WithSeed(seed uint64) Option {
	return func(c *config) error { c.seed = seed; return nil }
}

// WithSigningKey makes the sandbox sign its access tokens with key, for a
// test that needs its tokens to outlive the sandbox or to be checked
// elsewhere. Without it every sandbox makes its own random key (crypto/rand),
// so that no one can mint its tokens and two sandboxes never accept each
// other's (RFC 8725 section 3.5); never give it a key that anyone else can
// know or guess. The key is copied.
func WithSigningKey(key ed25519.PrivateKey) Option {
	return func(c *config) error {
		if len(key) != ed25519.PrivateKeySize {
			return fmt.Errorf("sandbox: a signing key is an Ed25519 private key of %d bytes, not %d", ed25519.PrivateKeySize, len(key))
		}
		c.signingKey = slices.Clone(key)
		return nil
	}
}

// WithClock replaces time.Now, for tests that need to move time.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("sandbox: WithClock(nil)")
		}
		c.now = now
		return nil
	}
}

// WithTokenLifetime sets the lifetime of access tokens (default 1 hour).
func WithTokenLifetime(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return errors.New("sandbox: token lifetime must be positive")
		}
		c.tokenLifetime = d
		return nil
	}
}

// WithQuoteLifetime sets how long a quote can be turned into a policy
// (default 24 hours). It must be positive.
func WithQuoteLifetime(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return errors.New("sandbox: quote lifetime must be positive")
		}
		c.quoteLifetime = d
		return nil
	}
}

// WithLogger receives the access log and the sandbox's own messages. Tokens
// and secrets are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { c.log, c.logOut = l, nil; return nil }
}

// LogFlushDelay is how long a line of WithLogOutput's log waits at most
// before it is written out.
const LogFlushDelay = 100 * time.Millisecond

// WithLogOutput writes the access log and the sandbox's own messages to w
// as text (slog's TextHandler, at level Info), buffered: a busy sandbox
// writes many lines at once instead of one system call per request. A line
// is written out within LogFlushDelay, idle or not, and every line is by
// the time Server.Shutdown or Close returns (or on FlushLog); lines are
// never interleaved or dropped. It replaces WithLogger's logger, as
// WithLogger replaces it. Tokens and secrets are never logged.
func WithLogOutput(w io.Writer) Option {
	return func(c *config) error {
		c.logOut = middleware.NewBufferedWriter(w, LogFlushDelay)
		c.log = middleware.NewTextLogger(c.logOut)
		return nil
	}
}

// WithIssuer sets the issuer of the tokens and of the RFC 8414 metadata,
// where the OAuth2 endpoints are (e.g. the URL of a proxy in front of the
// sandbox). By default Start uses the URL it serves the authorization
// server on (Server.AuthorizationServerURL); a sandbox served
// without Start (as an http.Handler) keeps a placeholder,
// https://sandbox.axa-assistance.invalid, and never takes the issuer from a
// request.
func WithIssuer(u string) Option {
	return func(c *config) error {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return fmt.Errorf("sandbox: issuer %q is not an http(s) URL", u)
		}
		c.issuer, c.issuerSet = strings.TrimSuffix(u, "/"), true
		return nil
	}
}

// WithAuthorizationServerAddr puts the authorization server on an origin
// of its own, as the real API's tokens come from another host than the
// API: Start then listens on addr too, a loopback address such as
// "127.0.0.1:9090" ("127.0.0.1:0" picks a free port), and serves there
// the authorization server's endpoints only (token, authorize and its
// consent page, revoke, the RFC 8414 metadata, the JWKS), while its own
// address serves the API only. On either origin the other's paths are
// answered 404. The issuer, unless WithIssuer gives one, is the
// authorization server's URL (Server.AuthorizationServerURL), and the
// metadata names the endpoints there.
//
// Each listener has its own per-client rate limit, as two hosts would, and
// injects the faults of its own operations (FaultToken's on the
// authorization server's; FaultAll's on both), with the access log and
// panics answered 500 on both. An audience or resource parameter may name
// the API's listener's URL (see WithAudienceRequired).
//
// Served in process, the sandbox is then two handlers: ServeHTTP serves
// the API, AuthorizationServerHandler the authorization server.
func WithAuthorizationServerAddr(addr string) Option {
	return func(c *config) error {
		if err := checkLoopback(addr); err != nil {
			return fmt.Errorf("sandbox: authorization server: %w", err)
		}
		c.authAddr = addr
		return nil
	}
}

// WithAudienceRequired makes a token request of the client credentials or
// password grant without an audience parameter fail, 400 invalid_request
// ("audience is required"), as from an Auth0 tenant without a default
// audience: a test double for clients that must send it. With or without
// it, an audience or resource parameter (RFC 8707) that does not name the
// API (https://apis.axa-assistance.com, or the URL the API is served at)
// is 400 invalid_target.
func WithAudienceRequired() Option {
	return func(c *config) error { c.audienceReq = true; return nil }
}

// WithAutoApprove makes the authorization endpoint approve at once, as the
// default user, without showing the login page: for tests.
func WithAutoApprove() Option {
	return func(c *config) error { c.autoApprove = true; return nil }
}

// WithClient registers an OAuth2 client (replacing one with the same ID).
func WithClient(cl Client) Option {
	return func(c *config) error {
		if cl.ID == "" || cl.Secret == "" {
			return errors.New("sandbox: a client needs an ID and a secret")
		}
		for _, s := range cl.Scopes {
			if !oauth.ValidScope(s) {
				// openid too: the sandbox issues no OpenID Connect ID token.
				return errors.New("sandbox: client " + cl.ID + " asks for unknown scope " + s + " (the API's scopes only)")
			}
		}
		c.clients[cl.ID] = cl
		return nil
	}
}

// WithUser registers an end user.
func WithUser(u User) Option {
	return func(c *config) error { c.users[u.Login] = u; return nil }
}

// The default per-client rate limit (WithRateLimit): 1,000 requests a
// second on average, in bursts of up to 2,000. A test suite sharing one
// sandbox and one client (the axa command's, or `axa sandbox`'s) stays
// well under it: requests one after the other come at most a few thousand
// a second, and any run of up to 2,000 passes whatever its pace. A client
// looping without pause for seconds, or retrying without backing off, gets
// 429 with Retry-After, as it would from the API. Load tests turn the limit
// off (WithRateLimit(0, 0), `axa sandbox --rate-limit 0`).
const (
	DefaultRateLimit = 1000
	DefaultRateBurst = 2000
)

// WithRateLimit sets the per-client rate limit: perSecond requests on
// average, bursts of burst. The default is DefaultRateLimit per second,
// bursts of DefaultRateBurst; a rate of 0 turns the limit off.
func WithRateLimit(perSecond float64, burst int) Option {
	return func(c *config) error {
		if perSecond > 0 && burst < 1 {
			return errors.New("sandbox: a rate limit needs a burst of at least 1")
		}
		c.rate, c.burst = perSecond, burst
		return nil
	}
}

// WithBuildInfo sets what GET /version answers.
func WithBuildInfo(builtAt time.Time, commit string) Option {
	return func(c *config) error {
		if !commitPattern.MatchString(commit) {
			return fmt.Errorf("sandbox: commit %q is not 7 to 40 lower-case hex digits, as the spec's Version says", commit)
		}
		c.builtAt, c.commit = builtAt, commit
		return nil
	}
}

// commitPattern is the spec's pattern for Version.commit-sha.
var commitPattern = regexp.MustCompile(`^[0-9a-f]{7,40}$`)

// Options added for issue 20 (the sandbox's authorization server), kept
// together here.

// WithRefreshReuseInterval lets a client retry a refresh whose answer it
// lost: for d after a refresh token was exchanged, the same request again
// (the same refresh token and scope parameter, while the refresh token it
// gave has not been exchanged in turn) answers the same tokens, byte for
// byte, instead of revoking the session; after d, presenting it again is
// reuse and revokes every token of its grant, as without the option. Real
// authorization servers offer this: Okta's grace period (30 s unless
// changed), Auth0's reuse interval (its leeway, 0 unless set).
//
// The default is 0, no interval: the strictest server, as Auth0 (whose
// tenant issues AXA's production tokens) is unless its tenant sets a
// leeway, so that a client whose retries would revoke its session there
// finds out against the sandbox. d must not be negative.
func WithRefreshReuseInterval(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return errors.New("sandbox: the refresh token reuse interval must not be negative")
		}
		c.refreshReuse = d
		return nil
	}
}

// The default bounds of a sandbox's connections (WithBodyTimeout,
// WithIdleConnTimeout): generous for any client on this machine, short
// enough that a client that stalls holds nothing for long.
const (
	DefaultBodyTimeout     = 30 * time.Second
	DefaultIdleConnTimeout = 2 * time.Minute
)

// WithBodyTimeout bounds the wait for a request's body (default
// DefaultBodyTimeout): it must come within d of the request's headers, or,
// for a handler that reads it later (after an injected latency), within d
// of its first read. A client that sends its headers and never its body is
// cut off then, its connection closed, instead of holding a handler (and a
// process serving the sandbox) for ever. It holds however the sandbox is
// served (Start, ConfigureServer, an http.Server of one's own), wherever
// the ResponseWriter reaches its connection (http.ResponseController). It
// must be positive.
func WithBodyTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return errors.New("sandbox: body timeout must be positive")
		}
		c.bodyTimeout = d
		return nil
	}
}

// WithIdleConnTimeout bounds how long a kept-alive connection waits for
// its next request (default DefaultIdleConnTimeout) on Start's servers,
// and on a server given to ConfigureServer. It must be positive.
func WithIdleConnTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return errors.New("sandbox: idle connection timeout must be positive")
		}
		c.idleConn = d
		return nil
	}
}
