package axa

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// ProductionURL is the base URL of the AXA Assistance API.
const ProductionURL = "https://apis.axa-assistance.com"

// SandboxURL is where the command axa sandbox listens by default: the
// local sandbox that needs no account.
const SandboxURL = "http://127.0.0.1:8080"

// SandboxClientID and SandboxClientSecret are the client credentials every
// local sandbox accepts (pkg/sandbox's DefaultClientID and
// DefaultClientSecret): [WithSandbox] uses them when no credentials are
// given. They are no secret, and work nowhere else.
const (
	SandboxClientID     = "sandbox-client"
	SandboxClientSecret = "sandbox-secret"
)

// The environment variables NewClient reads unless WithoutEnvironment is
// given. Options given to NewClient override them.
const (
	// EnvBaseURL overrides the base URL.
	EnvBaseURL = "AXA_BASE_URL"
	// EnvClientID and EnvClientSecret give client credentials.
	EnvClientID     = "AXA_CLIENT_ID"
	EnvClientSecret = "AXA_CLIENT_SECRET" //nolint:gosec // the name of a variable, not a secret
	// EnvScopes fixes the scopes of every token (space-separated), as
	// WithScopes does.
	EnvScopes = "AXA_SCOPES"
	// EnvEnvironment names the environment (see Environments), as
	// WithEnvironment does: its base URL unless AXA_BASE_URL is set, and
	// its authorization server unless the variables below name one.
	EnvEnvironment = "AXA_ENV"
	// EnvIssuer, EnvTokenURL, EnvAuthorizationURL and EnvRevocationURL
	// name the authorization server, as WithAuthorizationServer does.
	EnvIssuer           = "AXA_ISSUER"
	EnvTokenURL         = "AXA_TOKEN_URL" //nolint:gosec // the name of a variable, not a secret
	EnvAuthorizationURL = "AXA_AUTHORIZATION_URL"
	EnvRevocationURL    = "AXA_REVOCATION_URL"
	// EnvAudience and EnvResource add the audience and resource (RFC
	// 8707) parameters to every token request, as WithTokenParameters
	// does (which replaces them).
	EnvAudience = "AXA_AUDIENCE"
	EnvResource = "AXA_RESOURCE"
)

// An Option configures a Client.
type Option func(*config) error

// config is what the options build. It holds secrets: it is never printed.
type config struct {
	// sandboxCredentials (WithSandbox) makes the sandbox's client the
	// default credentials.
	sandboxCredentials bool
	baseURL            string
	transport          http.RoundTripper
	logger             *slog.Logger
	retry              RetryOptions
	tokenOpts          TokenOptions
	userAgentSuffix    string
	scopes             []string
	noEnv              bool
	clock              clock
	cache              Cache         // WithCache; nil without
	observer           *Observer     // WithObserver's, joined; nil without
	timeoutsSet        bool          // WithTimeouts was given
	attemptTimeout     time.Duration // one attempt; 0 = none
	callTimeout        time.Duration // a call without a deadline; 0 = none

	environment    Environment          // WithEnvironment
	envEnvironment Environment          // AXA_ENV, when WithEnvironment was not given
	authServer     *AuthorizationServer // WithAuthorizationServer
	tokenParams    url.Values           // WithTokenParameters
	getenv         func(string) string  // the environment, or nothing with WithoutEnvironment

	grantKind    string // "", client_credentials, password, authorization_code
	clientID     string
	clientSecret string
	username     string
	password     string
	redirectURL  string
	refreshToken string
	onToken      func(context.Context, Token) error
}

// baseTransport is the transport under the pipeline and the token
// endpoint's client: the caller's (WithTransport), or http.DefaultTransport.
func (c *config) baseTransport() http.RoundTripper {
	if c.transport != nil {
		return c.transport
	}
	return http.DefaultTransport
}

// WithBaseURL sets the API's base URL (default ProductionURL, or the
// environment's: see WithEnvironment). Tokens are only ever sent to this
// origin, and over plain HTTP only to loopback. The tokens come from the
// authorization server of the environment whose URL this is (the local
// sandbox on any port), else as WithAuthorizationServer says.
func WithBaseURL(u string) Option {
	return func(c *config) error {
		c.baseURL = u
		return nil
	}
}

// WithSandbox points the client at a local sandbox at SandboxURL (the
// environment EnvironmentLocal; WithBaseURL names another port) and, when
// no other option nor the environment variables give credentials, uses the
// sandbox's own client ([SandboxClientID], [SandboxClientSecret]):
// NewClient(WithSandbox()) is a client of axa sandbox, ready to call.
func WithSandbox() Option {
	local := WithEnvironment(EnvironmentLocal)
	return func(c *config) error {
		if err := local(c); err != nil {
			return err
		}
		c.sandboxCredentials = true
		return nil
	}
}

// WithClientCredentials authenticates the application itself with the
// OAuth2 client credentials grant: the usual choice for a service.
func WithClientCredentials(clientID, clientSecret string) Option {
	return func(c *config) error {
		if clientID == "" || clientSecret == "" {
			return errors.New("axa: WithClientCredentials needs a client id and a client secret")
		}
		c.grantKind, c.clientID, c.clientSecret = "client_credentials", clientID, clientSecret
		return nil
	}
}

// WithPassword acts for a user with the resource owner password credentials
// grant. The OAuth 2.0 Security Best Current Practice (RFC 9700) says this
// grant must not be used: it hands the user's password to the application.
// It is here because the API offers it; prefer the authorization code grant.
func WithPassword(clientID, clientSecret, username, password string) Option {
	return func(c *config) error {
		if clientID == "" || clientSecret == "" || username == "" || password == "" {
			return errors.New("axa: WithPassword needs a client id, a client secret, a username and a password")
		}
		c.grantKind, c.clientID, c.clientSecret, c.username, c.password = "password", clientID, clientSecret, username, password
		return nil
	}
}

// WithAuthorizationCode acts for a user who consents in a browser: the
// authorization code grant with PKCE (S256) and state. Send the user to
// Client.AuthCodeURL, then call Client.Exchange with what the redirect
// brings back; the client then refreshes tokens with the refresh token.
// To resume a session later, add WithRefreshToken.
func WithAuthorizationCode(clientID, clientSecret, redirectURL string) Option {
	return func(c *config) error {
		if clientID == "" || redirectURL == "" {
			return errors.New("axa: WithAuthorizationCode needs a client id and a redirect URL")
		}
		c.grantKind, c.clientID, c.clientSecret, c.redirectURL = "authorization_code", clientID, clientSecret, redirectURL
		return nil
	}
}

// WithRefreshToken resumes an authorization code session from a refresh
// token persisted earlier (see WithTokenHook).
func WithRefreshToken(refreshToken string) Option {
	return func(c *config) error {
		c.refreshToken = refreshToken
		return nil
	}
}

// WithTokenHook calls hook with every token that brings a new refresh token
// (an Exchange, or a refresh that rotated it), before that token is used.
// Persist the refresh token there: the previous one may no longer work. If
// hook fails, the call that needed the token fails too.
func WithTokenHook(hook func(ctx context.Context, t Token) error) Option {
	return func(c *config) error {
		c.onToken = hook
		return nil
	}
}

// WithScopes asks for one token with these scopes for every call, instead
// of the default: for each call, a token with just the scope its operation
// needs.
func WithScopes(scopes ...string) Option {
	return func(c *config) error {
		c.scopes = append([]string(nil), scopes...)
		return nil
	}
}

// WithTransport sends every request, the API's and the token endpoint's,
// through rt (default http.DefaultTransport; nil means the default): for a
// proxy, TLS settings, connection pooling or a test double. The client
// keeps the rest of an HTTP client's job: deadlines are the context's and
// WithTimeouts'; redirects are followed only within the base URL's origin,
// never for a token request.
func WithTransport(rt http.RoundTripper) Option {
	return func(c *config) error {
		c.transport = rt
		return nil
	}
}

// WithCache keeps the API's answers to GET requests in cache and reuses
// them as HTTP caching says (RFC 9111): the reference data (countries and
// their cards, alerts, provider kinds and specialities) comes with an ETag
// and Cache-Control: private, max-age=N. While an answer is fresh (younger
// than its max-age) a call returns it without a request or a retry, to a
// client that holds a valid token of the operation's scopes (see Cache); once stale, the client revalidates it with If-None-Match, and a
// 304 Not Modified returns the stored body: the caller never sees the 304.
// A 200 replaces it. Errors and answers marked no-store are never stored;
// answers are keyed by the client's identity (see Cache), method, URL and
// the Accept and Accept-Language headers, never by the token, which is
// never stored.
//
// With no argument, or nil, the client keeps up to DefaultCacheEntries
// answers and DefaultCacheBytes in memory, none above
// DefaultCacheEntryBytes (NewMemoryCache); pass a Cache of your own
// (NewMemoryCacheWithOptions) to bound it otherwise or keep answers
// elsewhere. An error of the Cache is logged
// and the call goes to the network. Without WithCache nothing is stored.
//
// A call that sends its own If-None-Match (WithHeader, or the params of a
// method) or another precondition bypasses the cache: it gets the API's
// answer as it is, and a 304 is an error matching ErrNotModified.
func WithCache(cache ...Cache) Option {
	return func(c *config) error {
		if len(cache) > 1 {
			return fmt.Errorf("axa: WithCache takes one Cache, not %d", len(cache))
		}
		if len(cache) == 0 || cache[0] == nil {
			c.cache = NewMemoryCache(DefaultCacheEntries)
			return nil
		}
		c.cache = cache[0]
		return nil
	}
}

// The timeouts of a client without WithTimeouts.
const (
	// DefaultAttemptTimeout bounds one attempt of a call: getting its
	// token, sending the request, and reading the answer.
	DefaultAttemptTimeout = 30 * time.Second
	// DefaultCallTimeout bounds a call whose context has no deadline, its
	// retries included.
	DefaultCallTimeout = 2 * time.Minute
)

// WithTimeouts sets the client's timeouts (defaults DefaultAttemptTimeout,
// 30 s, and DefaultCallTimeout, 2 min); 0 means none. perAttempt bounds each
// attempt of a call (getting its token, sending, reading the answer): an
// attempt that runs out is retried like a network error, while the call has
// time left. overall bounds a call as a whole, retries included, when its
// context has no deadline; a context's deadline, or WithRequestTimeout for
// one call, takes its place. A timed-out call's error matches
// context.DeadlineExceeded. Negative durations are refused.
func WithTimeouts(perAttempt, overall time.Duration) Option {
	return func(c *config) error {
		if perAttempt < 0 || overall < 0 {
			return fmt.Errorf("axa: WithTimeouts(%v, %v): a timeout is negative (0 means none)", perAttempt, overall)
		}
		c.timeoutsSet, c.attemptTimeout, c.callTimeout = true, perAttempt, overall
		return nil
	}
}

// WithLogger logs requests, retries and token fetches to l: methods, paths,
// statuses, durations, attempts and request ids, never secrets. Requests
// are logged at Debug level. The default discards everything.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		return nil
	}
}

// WithRetryOptions tunes the retries of API calls.
func WithRetryOptions(o RetryOptions) Option {
	return func(c *config) error {
		c.retry = o
		return nil
	}
}

// WithTokenOptions tunes the token cache and its requests to the token
// endpoint.
func WithTokenOptions(o TokenOptions) Option {
	return func(c *config) error {
		c.tokenOpts = o
		return nil
	}
}

// WithUserAgent appends suffix (e.g. "my-app/1.2") to the User-Agent, which
// otherwise names this SDK, its version and the Go version.
func WithUserAgent(suffix string) Option {
	return func(c *config) error {
		c.userAgentSuffix = suffix
		return nil
	}
}

// WithoutEnvironment ignores the AXA_* environment variables.
func WithoutEnvironment() Option {
	return func(c *config) error {
		c.noEnv = true
		return nil
	}
}

// withClock replaces the time source, for tests.
func withClock(clk clock) Option {
	return func(c *config) error {
		c.clock = clk
		return nil
	}
}

// applyEnv fills what the options left unset from the environment.
func (c *config) applyEnv(getenv func(string) string) {
	// WithEnvironment decides the base URL and the authorization server:
	// the variables that would name others are not read.
	if c.environment == "" {
		if c.baseURL == "" {
			c.baseURL = getenv(EnvBaseURL)
		}
		c.envEnvironment = Environment(getenv(EnvEnvironment))
	}
	if c.grantKind == "" {
		if id, secret := getenv(EnvClientID), getenv(EnvClientSecret); id != "" && secret != "" {
			c.grantKind, c.clientID, c.clientSecret = "client_credentials", id, secret
		}
	}
	if len(c.scopes) == 0 {
		c.scopes = strings.Fields(getenv(EnvScopes))
	}
}

func buildConfig(opts []Option) (*config, error) {
	c := &config{}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(c); err != nil {
			return nil, err
		}
	}
	c.getenv = func(string) string { return "" }
	if !c.noEnv {
		c.getenv = os.Getenv
		c.applyEnv(os.Getenv)
	}
	if c.sandboxCredentials && c.grantKind == "" {
		c.grantKind, c.clientID, c.clientSecret = "client_credentials", SandboxClientID, SandboxClientSecret
	}
	if c.envEnvironment != "" {
		if _, ok := c.envEnvironment.lookup(); !ok {
			return nil, fmt.Errorf("%s: %w", EnvEnvironment, errUnknownEnvironment(string(c.envEnvironment)))
		}
	}
	if c.baseURL == "" {
		switch {
		case c.environment != "":
			c.baseURL = c.environment.BaseURL()
		case c.envEnvironment != "":
			c.baseURL = c.envEnvironment.BaseURL()
		default:
			c.baseURL = ProductionURL
		}
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	if c.clock == nil {
		c.clock = realClock{}
	}
	if !c.timeoutsSet {
		c.attemptTimeout, c.callTimeout = DefaultAttemptTimeout, DefaultCallTimeout
	}
	if c.refreshToken != "" && c.grantKind != "authorization_code" {
		return nil, fmt.Errorf("axa: WithRefreshToken needs WithAuthorizationCode")
	}
	return c, nil
}
