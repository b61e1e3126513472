package axa

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
)

// Token is an OAuth2 access token with what the client knows of it. Its
// access and refresh tokens are secrets: fmt, slog and Error output show them
// as [REDACTED]; AccessToken and RefreshToken reveal them.
type Token struct {
	accessToken  string
	refreshToken string
	expiry       time.Time
	scopes       []string
	// header is the Authorization header value, "Bearer " and the access
	// token, made once with the token (withHeader) so that calls do not
	// build it each time; empty on a Token made otherwise.
	header string
}

// withHeader returns t with its Authorization header value made.
func (t *Token) withHeader() *Token {
	t.header = "Bearer " + t.accessToken
	return t
}

// authorization returns the Authorization header value that sends t.
func (t *Token) authorization() string {
	if t.header != "" {
		return t.header
	}
	return "Bearer " + t.accessToken
}

// NewToken returns a Token carrying access, refresh (empty for none),
// expiry and scopes: for the tests of a WithTokenHook implementation, which
// otherwise could only get a Token from a token endpoint. The client itself
// never takes a Token built this way; it gets its tokens from the grant.
func NewToken(access, refresh string, expiry time.Time, scopes ...string) Token {
	return Token{accessToken: access, refreshToken: refresh, expiry: expiry, scopes: slices.Clone(scopes)}
}

// AccessToken returns the bearer token itself. Treat it as a password.
func (t Token) AccessToken() string { return t.accessToken }

// RefreshToken returns the refresh token, empty when the grant gave none.
// Persist it somewhere safe to resume later with WithRefreshToken.
func (t Token) RefreshToken() string { return t.refreshToken }

// Expiry returns when the client considers the token expired: the server's
// expires_in (at most MaxTokenLifetime), or the fallback lifetime when it
// gave none.
func (t Token) Expiry() time.Time { return t.expiry }

// Scopes returns the scopes the token was granted.
func (t Token) Scopes() []string { return slices.Clone(t.scopes) }

// String describes the token without its secrets.
func (t Token) String() string {
	return fmt.Sprintf("axa.Token{access: %s, refresh: %s, expiry: %s, scopes: %q}",
		secretState(t.accessToken), secretState(t.refreshToken), t.expiry.Format(time.RFC3339), t.scopes)
}

// GoString describes the token without its secrets, for %#v.
func (t Token) GoString() string { return t.String() }

// Format prints the token without its secrets, whatever the verb.
func (t Token) Format(f fmt.State, verb rune) { formatRedacted(f, verb, t.String()) }

// LogValue logs the token without its secrets.
func (t Token) LogValue() slog.Value { return logValue(t.String()) }

// MaxTokenLifetime bounds how long the client trusts a token: an
// expires_in longer than this (a day) is read as this, so that a server's
// error cannot make a token live for years in the cache.
const MaxTokenLifetime = 24 * time.Hour

// TokenOptions tunes the token cache and its requests to the token endpoint
// (WithTokenOptions). The zero value of each field means its default.
type TokenOptions struct {
	// RefreshLead is how long before expiry a token is refreshed; calls keep
	// using the old token while the new one is fetched. Default: a tenth of
	// the token's lifetime, at most 1 minute. Always clamped to half the
	// lifetime, so that a short-lived token is not refreshed on every call.
	RefreshLead time.Duration
	// FallbackLifetime is the lifetime assumed when the token endpoint gives
	// no positive expires_in. Default 5 minutes.
	FallbackLifetime time.Duration
	// FailureCooldown is how long after a failed fetch calls fail at once
	// with that error instead of asking the endpoint again. Default 2 seconds.
	FailureCooldown time.Duration
	// FetchTimeout bounds one fetch, its retries included. Default 30 seconds.
	FetchTimeout time.Duration
	// MaxAttempts bounds the requests of one fetch when the endpoint fails
	// transiently (network, 429, 5xx). Default 4.
	MaxAttempts int
	// BaseDelay and MaxDelay shape the exponential backoff with full jitter
	// between attempts. Defaults 200 milliseconds and 5 seconds.
	BaseDelay, MaxDelay time.Duration
	// MaxRetryAfter caps the endpoint's Retry-After hint (RFC 9110 section
	// 10.2.3): a hint up to it is waited for whole, within FetchTimeout; a
	// longer one fails the fetch at once. Default 30 seconds.
	MaxRetryAfter time.Duration
}

func (o TokenOptions) withDefaults() TokenOptions {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.FallbackLifetime, 5*time.Minute)
	def(&o.FailureCooldown, 2*time.Second)
	def(&o.FetchTimeout, 30*time.Second)
	def(&o.BaseDelay, 200*time.Millisecond)
	def(&o.MaxDelay, 5*time.Second)
	def(&o.MaxRetryAfter, 30*time.Second)
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 4
	}
	return o
}

// retrier returns the loop of token requests under o: the API calls' loop
// with the token endpoint's attempts, backoff and Retry-After cap.
func (o TokenOptions) retrier(clk clock, log *slog.Logger) *retrier {
	o = o.withDefaults()
	return &retrier{
		opts:  RetryOptions{MaxAttempts: o.MaxAttempts, BaseDelay: o.BaseDelay, MaxDelay: o.MaxDelay, MaxRetryAfter: o.MaxRetryAfter},
		clock: clk, log: log, msg: "axa: retrying token request",
	}
}

// fetchFunc gets a new token for scopes, its expiry set; lifetime is how
// long it was given for (the fallback when the server said nothing).
type fetchFunc func(ctx context.Context, scopes []string) (tok *Token, lifetime time.Duration, err error)

// tokenCache keeps one token per scope set and fetches at most one at a time
// per set. Callers waiting for a fetch stop waiting when their own context
// ends; the fetch itself runs on the cache's context, which Close cancels.
type tokenCache struct {
	fetch fetchFunc
	opts  TokenOptions
	clock clock
	log   *slog.Logger

	base   context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	entries map[string]*cacheEntry
	// closed refuses new fetches; set under mu, so that every wg.Add
	// happens before Close's wg.Wait or not at all.
	closed bool
	// userBound makes every scope set share one entry: the grant is bound
	// to a user's consent, whose scopes no request can change.
	userBound bool
	// observer is the client's (WithObserver), told of the fetches no
	// call with observers starts; grant names the grant to it.
	observer *Observer
	grant    string
}

type cacheEntry struct {
	scopes    []string
	tok       *Token
	refreshAt time.Time
	inflight  *fetchCall
	err       error
	coolUntil time.Time
}

type fetchCall struct {
	done chan struct{}
	tok  *Token
	err  error
}

func newTokenCache(fetch fetchFunc, opts TokenOptions, clk clock, log *slog.Logger, userBound bool) *tokenCache {
	ctx, cancel := context.WithCancel(context.Background())
	return &tokenCache{
		fetch: fetch, opts: opts.withDefaults(), clock: clk, log: log,
		base: ctx, cancel: cancel, entries: map[string]*cacheEntry{}, userBound: userBound,
	}
}

func (c *tokenCache) key(scopes []string) string {
	if c.userBound {
		return "*"
	}
	s := slices.Clone(scopes)
	slices.Sort(s)
	return strings.Join(slices.Compact(s), " ")
}

// covers reports whether granted includes every scope of want.
func covers(granted, want []string) bool {
	for _, w := range want {
		if !slices.Contains(granted, w) {
			return false
		}
	}
	return true
}

// serves reports whether tok may be used for a call that needs scopes: it
// carries them, or it is the one token of a user-bound grant and the server
// did not say what it carries (the API then decides).
func (c *tokenCache) serves(tok *Token, scopes []string) bool {
	return covers(tok.scopes, scopes) || c.userBound && len(tok.scopes) == 0
}

// Get returns a valid token for scopes, from the cache or fetched. Outside
// a user-bound grant the token carries scopes (the fetch checks what the
// endpoint granted); a user-bound grant has one token, whatever its scopes.
// After Close it fails with ErrClosed.
func (c *tokenCache) Get(ctx context.Context, scopes []string) (*Token, error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, ErrClosed
	}
	now := c.clock.Now()
	// Any fresh token whose scopes are a superset will do.
	for _, e := range c.entries {
		if e.tok != nil && now.Before(e.refreshAt) && c.serves(e.tok, scopes) {
			tok := e.tok
			c.mu.Unlock()
			return tok, nil
		}
	}
	k := c.key(scopes)
	e := c.entries[k]
	if e == nil {
		e = &cacheEntry{scopes: slices.Clone(scopes)}
		c.entries[k] = e
	}
	if e.tok != nil && now.Before(e.tok.expiry) {
		// Due for refresh but still valid: refresh in the background and
		// keep serving this one.
		if e.inflight == nil && !now.Before(e.coolUntil) {
			c.start(ctx, e, true)
		}
		tok := e.tok
		c.mu.Unlock()
		return tok, nil
	}
	if now.Before(e.coolUntil) && e.err != nil {
		err := e.err
		c.mu.Unlock()
		return nil, fmt.Errorf("%w (not retried for %s after the last failure)", err, c.opts.FailureCooldown)
	}
	if e.inflight == nil {
		c.start(ctx, e, false)
	}
	call := e.inflight
	c.mu.Unlock()

	select {
	case <-call.done:
		return call.tok, call.err
	case <-ctx.Done():
		return nil, fmt.Errorf("axa: waiting for a token: %w", ctx.Err())
	}
}

// start launches a fetch for e, for a Get in caller (whose observers, or
// else the client's, are told of it: background for a refresh ahead of
// expiry); c.mu must be held.
func (c *tokenCache) start(caller context.Context, e *cacheEntry, background bool) {
	call := &fetchCall{done: make(chan struct{})}
	e.inflight = call
	scopes := slices.Clone(e.scopes)
	obs, parent := observerOf(caller, c.observer)
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		// The observers are told on this goroutine: never under c.mu.
		watch, header := observeTokenFetch(parent, obs, c.grant, c.asked(scopes), background)
		ctx, cancel := context.WithTimeout(c.base, c.opts.FetchTimeout)
		if header != nil {
			ctx = context.WithValue(ctx, tokenHeaderKey{}, header)
		}
		tok, lifetime, err := c.fetch(ctx, scopes)
		cancel()
		if err != nil && c.base.Err() != nil {
			// Close stopped the fetch: its waiters get ErrClosed, not a
			// context error they would take for their own context's.
			err = ErrClosed
		}

		c.mu.Lock()
		now := c.clock.Now()
		e.inflight = nil
		if err != nil {
			e.err = err
			e.coolUntil = now.Add(c.opts.FailureCooldown)
		} else {
			e.tok, e.err, e.coolUntil = tok, nil, time.Time{}
			e.refreshAt = c.refreshAt(tok, lifetime)
		}
		call.tok, call.err = tok, err
		c.mu.Unlock()
		watch.end(tok, lifetime, err)
		close(call.done)
		if err != nil {
			c.log.LogAttrs(ctx, slog.LevelWarn, "axa: token fetch failed", slog.String("scopes", strings.Join(scopes, " ")), slog.String("error", err.Error()))
		} else {
			c.log.LogAttrs(ctx, slog.LevelDebug, "axa: token fetched", slog.String("scopes", strings.Join(tok.scopes, " ")), slog.Duration("lifetime", lifetime))
		}
	}()
}

// asked returns the scopes a fetch for scopes asks for: none for a
// user-bound grant, whose consent decides.
func (c *tokenCache) asked(scopes []string) []string {
	if c.userBound {
		return nil
	}
	return scopes
}

// Invalidate drops tok from the cache if it is still there, so that the next
// Get fetches a new one. A token another caller already replaced stays.
func (c *tokenCache) Invalidate(tok *Token) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.entries {
		if e.tok == tok {
			e.tok = nil
			e.refreshAt = time.Time{}
		}
	}
}

// refreshAt is when a token given for lifetime is due for refresh: the
// lead before its expiry (by default a tenth of the lifetime, at most a
// minute), clamped to half the lifetime so that a short-lived token is not
// refreshed on every call.
func (c *tokenCache) refreshAt(tok *Token, lifetime time.Duration) time.Time {
	lead := c.opts.RefreshLead
	if lead <= 0 {
		lead = min(time.Minute, lifetime/10)
	}
	return tok.expiry.Add(-min(lead, lifetime/2))
}

// Put stores a token obtained outside the cache (an authorization code
// exchange), its expiry set, as the token for its scopes.
func (c *tokenCache) Put(tok *Token, lifetime time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[c.key(tok.scopes)] = &cacheEntry{scopes: slices.Clone(tok.scopes), tok: tok, refreshAt: c.refreshAt(tok, lifetime)}
}

// Close refuses new fetches, cancels those in flight and waits for them to
// end: no fetch runs once it has returned.
func (c *tokenCache) Close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.cancel()
	c.wg.Wait()
}

// drop empties the cache; fetches in flight go on, and their tokens are
// kept when they end.
func (c *tokenCache) drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.entries {
		e.tok, e.refreshAt = nil, time.Time{}
	}
}
