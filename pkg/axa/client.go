package axa

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	openapitypes "github.com/oapi-codegen/runtime/types"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/loopback"
)

// UUID is the type of the API's uuid-formatted ids (policy, quote, alert
// and provider ids).
type UUID = openapitypes.UUID

// Date is the type of the API's dates without a time (birth dates, trip
// dates): it encodes as "2006-01-02".
type Date = openapitypes.Date

// Email is the type of the API's e-mail addresses.
type Email = openapitypes.Email

// maxResponseBody bounds how much of a response the client reads.
const maxResponseBody = 16 << 20

// Client calls the AXA Assistance API. It is safe for concurrent use; make
// one and share it. Close it to stop token fetches in flight.
type Client struct {
	cfg       *config
	origin    *url.URL
	http      *http.Client
	gen       *gen.Client
	tokens    *tokenCache  // nil without credentials
	tokenHTTP *http.Client // token requests: the token parameters added, no redirects
	plainHTTP *http.Client // metadata and revocation requests: no redirects
	refresh   *refreshGrant
	as        *oauthServer

	closeOnce sync.Once
	closed    atomic.Bool
	// closing ends when Close is called: a call waiting to retry stops
	// waiting then (policy_retry.go).
	closing  context.Context
	endCalls context.CancelFunc
}

// NewClient returns a client configured by opts. Without options it calls
// the production API with the credentials of the AXA_* environment
// variables (see EnvClientID), and gets its tokens from production's
// authorization server; without credentials, only GetVersion works.
func NewClient(opts ...Option) (*Client, error) {
	cfg, err := buildConfig(opts)
	if err != nil {
		return nil, err
	}
	origin, err := parseBaseURL(cfg.baseURL)
	if err != nil {
		return nil, err
	}
	as, params, err := cfg.resolveAuthorizationServer(origin, cfg.getenv)
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, origin: origin}
	ua := userAgent(cfg.userAgentSuffix)
	c.tokenHTTP = newTokenHTTPClient(cfg.baseTransport(), ua, params)
	c.plainHTTP = newTokenHTTPClient(cfg.baseTransport(), ua, nil)
	c.as = newOAuthServer(as, params, c.plainHTTP, cfg.clock)
	var g grant
	switch cfg.grantKind {
	case "client_credentials":
		g = clientCredentialsGrant{id: cfg.clientID, secret: cfg.clientSecret}
	case "password":
		g = passwordGrant{id: cfg.clientID, secret: cfg.clientSecret, username: cfg.username, password: cfg.password}
	case "authorization_code":
		c.refresh = &refreshGrant{cfg: c.oauth2Config(nil, "", ""), onNew: cfg.onToken, rt: cfg.refreshToken}
		g = c.refresh
	}
	if g != nil {
		c.tokens = newTokenCache(c.tokenFetcher(g).fetch, cfg.tokenOpts, cfg.clock, cfg.logger, g.userBound())
		c.tokens.observer, c.tokens.grant = cfg.observer, g.name()
	}

	c.closing, c.endCalls = context.WithCancel(context.Background())
	c.http = &http.Client{
		Transport: buildPipeline(c.closing, cfg, c.tokens, origin, &c.closed),
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 || !sameOrigin(req.URL, origin) {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
	c.gen, err = gen.NewClient(origin.String(), gen.WithHTTPClient(c.http))
	if err != nil {
		return nil, fmt.Errorf("axa: %w", err)
	}
	return c, nil
}

// tokenFetcher returns the fetcher of g over the client's token endpoint
// client.
func (c *Client) tokenFetcher(g grant) *tokenFetcher {
	return newTokenFetcher(g, c.as, c.tokenHTTP, c.cfg.tokenOpts, c.cfg.clock, c.cfg.logger)
}

// parseBaseURL checks a base URL: absolute, without userinfo, https or
// plain http to loopback. Its errors never show the URL's userinfo, not even
// the user name: a password in it must not reach a log through an error.
func parseBaseURL(raw string) (*url.URL, error) {
	shown := hideUserinfo(raw)
	origin, err := url.Parse(strings.TrimSuffix(raw, "/"))
	if err != nil || origin.Scheme == "" || origin.Host == "" {
		return nil, fmt.Errorf("axa: base URL %q is not an absolute URL", shown)
	}
	if origin.Scheme != "https" && !loopback.URL(origin) {
		return nil, fmt.Errorf("%w: base URL %s: use https, or http only to loopback (127.0.0.1, ::1, localhost)", ErrInsecureTransport, shown)
	}
	if origin.User != nil {
		return nil, fmt.Errorf("axa: base URL %s: credentials go in options, not in the URL", shown)
	}
	return origin, nil
}

// Close stops token fetches in flight and waits for them. Calls made after
// Close fail with ErrClosed, and so does a call in flight that would
// otherwise wait before retrying (a Retry-After, a backoff): it stops
// waiting at once. A request already sent is left to finish.
func (c *Client) Close() error {
	c.closeOnce.Do(func() {
		c.closed.Store(true)
		c.endCalls()
		if c.tokens != nil {
			c.tokens.Close()
		}
	})
	return nil
}

// BaseURL returns the base URL the client calls.
func (c *Client) BaseURL() string { return c.origin.String() }

// Raw returns the generated client, sending through the same pipeline
// (tokens, retries, logging) as the Client's own methods, with the same
// checks: a path parameter that would make the request another
// operation's (empty, "." or "..", which the generated client resolves
// away, or their escaped forms) fails the call with an error matching
// ErrValidation, and nothing is sent.
func (c *Client) Raw() *gen.ClientWithResponses {
	return &gen.ClientWithResponses{ClientInterface: c.gen}
}

// String describes the client without its secrets.
func (c *Client) String() string {
	grant := c.cfg.grantKind
	if grant == "" {
		grant = "none"
	}
	return fmt.Sprintf("axa.Client{baseURL: %s, %s, grant: %s, clientID: %q, clientSecret: %s, password: %s, refreshToken: %s}",
		c.origin, c.as.cfg, grant, c.cfg.clientID, secretState(c.cfg.clientSecret), secretState(c.cfg.password), secretState(c.cfg.refreshToken))
}

// GoString describes the client without its secrets, for %#v.
func (c *Client) GoString() string { return c.String() }

// Format prints the client without its secrets, whatever the verb.
func (c *Client) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c.String()) }

// LogValue logs the client without its secrets.
func (c *Client) LogValue() slog.Value { return logValue(c.String()) }

// call runs one operation: send does the request through the pipeline; a
// 2xx response is decoded into T, anything else becomes an error
// (errors.go).
// opts are the call's RequestOptions: one that cannot be honoured fails the
// call before send.
func call[T any](ctx context.Context, op gen.OperationID, opts []RequestOption, send func(context.Context) (*http.Response, error)) (T, error) {
	var zero T
	ro, err := buildRequestOptions(op, opts)
	if err != nil {
		return zero, callError(string(op), err)
	}
	info := &callInfo{operation: string(op), opts: ro}
	resp, err := send(withCallInfo(ctx, info))
	if err != nil {
		err = callError(string(op), err)
		info.end(nil, err)
		return zero, err
	}
	defer resp.Body.Close()
	ro.fill(resp)
	v, err := decode[T](op, resp, info)
	info.end(resp, err)
	return v, err
}

// decode reads resp, the answer to a call of op: a 2xx response is decoded
// into T, anything else becomes an error (errors.go).
func decode[T any](op gen.OperationID, resp *http.Response, info *callInfo) (T, error) {
	var zero T
	buf := readBody(resp)
	defer releaseBody(buf)
	if buf.err != nil {
		return zero, fmt.Errorf("axa: %s: reading the response: %w", op, buf.err)
	}
	body := buf.Bytes()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return zero, newError(resp, body, info)
	}
	ct := resp.Header.Get("Content-Type")
	if !isJSONMediaType(ct) {
		return zero, newDecodeError(string(op), resp, body, fmt.Errorf("content type %q is not JSON", ct))
	}
	if t := bytes.TrimSpace(body); len(t) == 0 || string(t) == "null" {
		return zero, newDecodeError(string(op), resp, body, errors.New("empty response where the spec promises a value"))
	}
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		return zero, newDecodeError(string(op), resp, body, err)
	}
	return v, nil
}

// isJSONMediaType reports whether a Content-Type names JSON:
// application/json or a +json type, whatever its parameters.
func isJSONMediaType(ct string) bool {
	// The API's own answer, without mime's parsing (and its map).
	if ct == "application/json" || strings.HasPrefix(ct, "application/json;") {
		return true
	}
	mt, _, _ := mime.ParseMediaType(ct)
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// bodyBuffer holds a response body read whole, and the error that ended
// the reading.
type bodyBuffer struct {
	bytes.Buffer
	err error
}

// bodyBuffers recycles the buffers call reads bodies into: the decoded
// value and the errors copy what they keep (json.Unmarshal copies strings
// and json.RawMessage, snippet copies), so a body's bytes are not needed
// once call returns.
var bodyBuffers = sync.Pool{New: func() any { return new(bodyBuffer) }}

// maxPooledBody is the largest buffer put back in bodyBuffers: a rare huge
// answer is left to the garbage collector rather than kept for the life of
// the process.
const maxPooledBody = 1 << 20

// readBody reads resp's body, up to maxResponseBody, into a buffer of
// bodyBuffers sized from Content-Length when the server sent one. Give the
// buffer back with releaseBody once done with its bytes.
func readBody(resp *http.Response) *bodyBuffer {
	buf := bodyBuffers.Get().(*bodyBuffer)
	buf.Reset()
	if n := resp.ContentLength; n > 0 && n <= maxResponseBody {
		// One allocation for the whole body (none with a recycled buffer),
		// and room for ReadFrom's last read, which finds the end.
		buf.Grow(int(n) + bytes.MinRead)
	}
	lr := io.LimitedReader{R: resp.Body, N: maxResponseBody}
	_, buf.err = buf.ReadFrom(&lr)
	return buf
}

// releaseBody returns buf to bodyBuffers.
func releaseBody(buf *bodyBuffer) {
	if buf.Cap() > maxPooledBody {
		return
	}
	buf.err = nil
	bodyBuffers.Put(buf)
}

// ptr returns a pointer to a copy of v, for the methods whose response is
// one object.
func ptr[T any](v T, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// Token returns a valid access token carrying scopes (every scope of the
// WithScopes set when none are named), from the cache or fetched: for
// callers that need the bearer token itself, such as a command that prints
// it. The API calls of the client get their tokens on their own, and a token
// asked for here with other scopes never replaces theirs. A client of the
// authorization code grant holds the one token the user consented to: asked
// for scopes it is known not to carry, Token fails with an error matching
// ErrInsufficientScope. A context already ended fails it with the
// context's error, even when a token is cached.
func (c *Client) Token(ctx context.Context, scopes ...string) (*Token, error) {
	if c.closed.Load() {
		return nil, ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("axa: token: %w", err)
	}
	if c.tokens == nil {
		return nil, ErrNoCredentials
	}
	if len(scopes) == 0 {
		scopes = c.cfg.scopes
	}
	if len(scopes) == 0 {
		return nil, errors.New("axa: Token needs at least one scope")
	}
	tok, err := c.tokens.Get(ctx, scopes)
	if err != nil {
		return nil, err
	}
	if len(tok.scopes) > 0 && !covers(tok.scopes, scopes) {
		return nil, &TokenError{Grant: c.cfg.grantKind, Code: "scope_not_granted",
			Description: "the user's consent grants " + strings.Join(tok.scopes, " ") + ", not " + strings.Join(scopes, " ")}
	}
	out := *tok
	out.scopes = slices.Clone(tok.scopes)
	return &out, nil
}
