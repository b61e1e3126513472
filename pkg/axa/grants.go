package axa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// grant gets tokens from the token endpoint with golang.org/x/oauth2. Each
// grant authenticates the client with HTTP Basic explicitly: x/oauth2's
// auto-detection would resend the secret in the body after a failure.
type grant interface {
	// name is the grant_type, for errors and logs.
	name() string
	// token asks the endpoint once. scopes is nil for grants bound to the
	// user's consent (the refresh token's scopes apply).
	token(ctx context.Context, scopes []string) (*oauth2.Token, error)
	// userBound reports whether the grant's scopes are fixed by a user's
	// consent rather than asked per call.
	userBound() bool
}

type clientCredentialsGrant struct {
	id, secret, tokenURL string
}

func (clientCredentialsGrant) name() string    { return "client_credentials" }
func (clientCredentialsGrant) userBound() bool { return false }

func (g clientCredentialsGrant) token(ctx context.Context, scopes []string) (*oauth2.Token, error) {
	cfg := clientcredentials.Config{
		ClientID: g.id, ClientSecret: g.secret, TokenURL: g.tokenURL,
		Scopes: scopes, AuthStyle: oauth2.AuthStyleInHeader,
	}
	return cfg.Token(ctx)
}

// passwordGrant is the resource owner password credentials grant. The OAuth
// 2.0 Security Best Current Practice (RFC 9700, section 2.4) says it MUST NOT
// be used; it is here because the API offers it.
type passwordGrant struct {
	id, secret, tokenURL, username, password string
}

func (passwordGrant) name() string    { return "password" }
func (passwordGrant) userBound() bool { return false }

func (g passwordGrant) token(ctx context.Context, scopes []string) (*oauth2.Token, error) {
	cfg := oauth2.Config{
		ClientID: g.id, ClientSecret: g.secret, Scopes: scopes,
		Endpoint: oauth2.Endpoint{TokenURL: g.tokenURL, AuthStyle: oauth2.AuthStyleInHeader},
	}
	return cfg.PasswordCredentialsToken(ctx, g.username, g.password)
}

// refreshGrant renews tokens of the authorization code grant with the
// refresh token, and hands each rotated refresh token to the hook before the
// access token that came with it is used.
type refreshGrant struct {
	cfg    oauth2.Config
	onNew  func(context.Context, Token) error
	mu     sync.Mutex
	rt     string
	scopes []string // what the user consented to, when known
}

func (*refreshGrant) name() string    { return "refresh_token" }
func (*refreshGrant) userBound() bool { return true }

func (g *refreshGrant) refreshToken() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.rt
}

func (g *refreshGrant) token(ctx context.Context, _ []string) (*oauth2.Token, error) {
	rt := g.refreshToken()
	if rt == "" {
		return nil, fmt.Errorf("%w: the authorization code grant has no refresh token yet: call Exchange, or resume with WithRefreshToken", ErrNoCredentials)
	}
	return g.cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: rt}).Token()
}

// rotated records the refresh token that came with tok and, when it changed,
// gives it to the hook first. The hook's failure fails the fetch: a rotated
// refresh token that cannot be persisted would be lost with the process.
func (g *refreshGrant) rotated(ctx context.Context, tok *Token) error {
	g.mu.Lock()
	changed := tok.refreshToken != "" && tok.refreshToken != g.rt
	if tok.refreshToken == "" {
		tok.refreshToken = g.rt
	}
	if changed {
		g.rt = tok.refreshToken
	}
	if len(tok.scopes) > 0 {
		g.scopes = slices.Clone(tok.scopes)
	} else {
		tok.scopes = slices.Clone(g.scopes)
	}
	g.mu.Unlock()
	if changed && g.onNew != nil {
		if err := g.onNew(ctx, *tok); err != nil {
			// Not retryable: asking again would rotate the token again.
			return &TokenError{Grant: "refresh_token", Err: fmt.Errorf("persisting the rotated refresh token: %w", err)}
		}
	}
	return nil
}

// tokenFetcher turns a grant into the cache's fetch function: it retries
// transient failures with backoff and checks what the endpoint answered.
type tokenFetcher struct {
	grant  grant
	hc     *http.Client // no redirects, no auth layers
	policy TokenPolicy
	clock  clock
	log    *slog.Logger
}

// noRedirects is the token endpoint client's CheckRedirect: a token request
// (which carries the client secret) is never sent anywhere else.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

func (f *tokenFetcher) fetch(ctx context.Context, scopes []string) (*Token, time.Duration, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, f.hc)
	var want []string
	if !f.grant.userBound() {
		want = scopes
	}
	for attempt := 1; ; attempt++ {
		start := f.clock.Now()
		answer := &tokenAnswer{}
		raw, err := f.grant.token(context.WithValue(ctx, tokenAnswerKey{}, answer), want)
		if err == nil {
			tok, lifetime, err := f.accept(raw, want, start)
			if err != nil {
				return nil, 0, err
			}
			if rg, ok := f.grant.(*refreshGrant); ok {
				if err := rg.rotated(ctx, tok); err != nil {
					return nil, 0, err
				}
			}
			return tok, lifetime, nil
		}
		if te := f.malformed(answer, err); te != nil {
			return nil, 0, te
		}
		te := f.classify(ctx, err)
		var h http.Header
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil {
			h = re.Response.Header
			te.RetryAfter, _ = parseRetryAfter(h.Get("Retry-After"), f.clock.Now())
		}
		if !te.Retryable || attempt >= f.policy.MaxAttempts {
			return nil, 0, te
		}
		delay, ok := retryDelay(h, f.clock.Now(), attempt, f.policy.BaseDelay, f.policy.MaxDelay, f.policy.MaxRetryAfter)
		if !ok || !fitsDeadline(ctx, f.clock.Now(), delay) {
			return nil, 0, te
		}
		f.log.LogAttrs(ctx, slog.LevelInfo, "axa: retrying token request", slog.String("grant", f.grant.name()),
			slog.Int("attempt", attempt), slog.Duration("delay", delay), slog.String("error", te.Error()))
		if err := f.clock.Sleep(ctx, delay); err != nil {
			return nil, 0, te
		}
	}
}

// accept checks a token answer (a bearer token, carrying what was asked)
// and dates it: it expires its lifetime after start, the time the request
// was sent; without a positive expires_in, after the fallback lifetime.
func (f *tokenFetcher) accept(raw *oauth2.Token, want []string, start time.Time) (*Token, time.Duration, error) {
	fail := func(code, desc string) (*Token, time.Duration, error) {
		return nil, 0, &TokenError{Grant: f.grant.name(), Code: code, Description: desc, StatusCode: http.StatusOK}
	}
	if raw.AccessToken == "" {
		return fail("invalid_response", "the answer has no access_token")
	}
	if !strings.EqualFold(raw.TokenType, "bearer") {
		return fail("unsupported_token_type", fmt.Sprintf("token_type %q, want Bearer", raw.TokenType))
	}
	granted := want
	if s, ok := raw.Extra("scope").(string); ok && strings.TrimSpace(s) != "" {
		granted = strings.Fields(s)
	}
	if !covers(granted, want) {
		var missing []string
		for _, w := range want {
			if !slices.Contains(granted, w) {
				missing = append(missing, w)
			}
		}
		return fail("scope_not_granted", "asked for "+strings.Join(want, " ")+" but not granted "+strings.Join(missing, " "))
	}
	lifetime, ok := expiresIn(raw)
	if !ok {
		return fail("invalid_response", "expires_in is not a whole number of seconds")
	}
	if lifetime <= 0 {
		lifetime = f.policy.FallbackLifetime
	}
	lifetime = min(lifetime, MaxTokenLifetime)
	tok := &Token{accessToken: raw.AccessToken, refreshToken: raw.RefreshToken, scopes: slices.Clone(granted), expiry: start.Add(lifetime)}
	return tok, lifetime, nil
}

// expiresIn returns the lifetime a token answer gives, zero without one,
// and false when its expires_in is not a whole number of seconds. x/oauth2
// checks a JSON answer's expires_in, but its clientcredentials package fills
// only Token.Expiry, not ExpiresIn, so the raw expires_in of the answer is
// read when ExpiresIn is zero; a form-encoded one is not checked at all.
func expiresIn(raw *oauth2.Token) (time.Duration, bool) {
	secs := raw.ExpiresIn
	if secs == 0 {
		switch v := raw.Extra("expires_in").(type) {
		case nil:
		case float64:
			if v != math.Trunc(v) {
				return 0, false
			}
			secs = int64(max(min(v, math.MaxInt32), math.MinInt32))
		case string:
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil && !errors.Is(err, strconv.ErrRange) {
				return 0, false
			}
			secs = max(min(n, math.MaxInt32), math.MinInt32)
		default:
			return 0, false
		}
	}
	return time.Duration(secs) * time.Second, true
}

// malformed returns the error of a success answer whose body x/oauth2
// could not read as a token (err is what it said), nil for any other
// failure. Asking again would get the same: it is not retryable.
func (f *tokenFetcher) malformed(answer *tokenAnswer, err error) *TokenError {
	if answer.status < 200 || answer.status > 299 || errors.As(err, new(*oauth2.RetrieveError)) {
		return nil
	}
	return &TokenError{Grant: f.grant.name(), Code: "invalid_response", StatusCode: answer.status,
		Description: malformedTokenAnswer(answer.body), Err: errMalformedTokenAnswer}
}

// errMalformedTokenAnswer is the cause of a TokenError for a success status
// whose body is not a token response.
var errMalformedTokenAnswer = errors.New("the token endpoint answered success with a body that is not a token response")

// malformedTokenAnswer says what is wrong with a token answer x/oauth2
// could not read, naming fields, never quoting their values.
func malformedTokenAnswer(body []byte) string {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return "the answer is not a JSON object (RFC 6749 section 5.1)"
	}
	if _, ok := fields["access_token"]; !ok {
		return "the answer has no access_token"
	}
	if v, ok := fields["expires_in"]; ok {
		var n int64
		if json.Unmarshal(v, &n) != nil {
			return "expires_in is not a whole number of seconds"
		}
	}
	return "the answer is not a valid token response"
}

// permanentTokenError reports whether an OAuth2 error code is never worth
// asking again, whatever the status that came with it.
func permanentTokenError(code string) bool {
	switch code {
	case "invalid_client", "invalid_grant", "invalid_scope", "unauthorized_client", "unsupported_grant_type", "invalid_request":
		return true
	}
	return false
}

// classify turns an x/oauth2 error into a *TokenError that says whether to
// retry. The endpoint's body is not kept: it is not ours to log.
func (f *tokenFetcher) classify(ctx context.Context, err error) *TokenError {
	te := &TokenError{Grant: f.grant.name(), Err: err}
	var re *oauth2.RetrieveError
	switch {
	case errors.Is(err, ErrNoCredentials):
	case errors.As(err, &re):
		te.Code, te.Description = re.ErrorCode, re.ErrorDescription
		te.Err = errors.New("token endpoint refused the request")
		if re.Response != nil {
			te.StatusCode = re.Response.StatusCode
		}
		te.Retryable = !permanentTokenError(te.Code) &&
			(te.StatusCode == http.StatusTooManyRequests || te.StatusCode >= 500)
	case ctx.Err() != nil:
		te.Err = fmt.Errorf("%w (%w)", ctx.Err(), err)
	default:
		// No answer: a network failure, worth another try.
		te.Retryable = true
	}
	return te
}
