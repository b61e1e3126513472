package axa

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// tokenFetcher turns a grant into the token cache's fetch function: it
// asks the token endpoint through the retry loop (retrier), and checks and
// dates what the endpoint gives.
type tokenFetcher struct {
	grant   grant
	as      *oauthServer
	hc      *http.Client // tokenTransport, no redirects, none of the pipeline's layers
	opts    TokenOptions // defaults applied
	clock   clock
	retrier *retrier
}

// newTokenFetcher returns the fetcher of grant g over hc.
func newTokenFetcher(g grant, as *oauthServer, hc *http.Client, opts TokenOptions, clk clock, log *slog.Logger) *tokenFetcher {
	return &tokenFetcher{grant: g, as: as, hc: hc, opts: opts.withDefaults(), clock: clk, retrier: opts.retrier(clk, log)}
}

// newTokenHTTPClient returns a client of the authorization server: the
// caller's transport under tokenTransport, which adds params to each form it
// sends, and no redirects.
func newTokenHTTPClient(base http.RoundTripper, userAgent string, params url.Values) *http.Client {
	return &http.Client{Transport: &tokenTransport{next: base, userAgent: userAgent, params: params}, CheckRedirect: noRedirects}
}

// noRedirects is the token endpoint client's CheckRedirect: a token request
// (which carries the client secret) is never sent anywhere else.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// fetch gets a token for scopes (a user-bound grant asks for none: the
// consent decides), retrying transient failures; it is a fetchFunc.
func (f *tokenFetcher) fetch(ctx context.Context, scopes []string) (*Token, time.Duration, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, f.hc)
	var want []string
	if !f.grant.userBound() {
		want = scopes
	}
	var (
		tok      *Token
		lifetime time.Duration
		err      error
	)
	// A wait cut short by ctx leaves the last attempt's error standing.
	_ = f.retrier.do(ctx, func(int) outcome {
		tokenURL, derr := f.as.endpoint(ctx, tokenEndpoint)
		if derr != nil {
			err = &TokenError{Grant: f.grant.name(), Err: derr, Retryable: temporaryDiscovery(derr)}
			if !temporaryDiscovery(derr) {
				return outcome{}
			}
			return outcome{retry: true, who: []slog.Attr{slog.String("grant", f.grant.name())}, why: slog.String("error", derr.Error())}
		}
		start := f.clock.Now()
		seen := &tokenResponse{}
		raw, rerr := f.grant.token(context.WithValue(ctx, tokenResponseKey{}, seen), tokenURL, want)
		if rerr == nil {
			tok, lifetime, err = f.accept(raw, want, start)
			if rg, ok := f.grant.(*refreshGrant); ok && err == nil {
				err = rg.rotated(ctx, tok)
			}
			return outcome{}
		}
		te, header := tokenError(ctx, f.grant.name(), seen, rerr, f.clock.Now())
		err = te.redact(f.grant.secrets()...)
		if te.Code == "" && ctx.Err() == nil {
			// No OAuth answer: the endpoint may have moved.
			f.as.failed()
		}
		if !te.Retryable {
			return outcome{}
		}
		return outcome{retry: true, header: header,
			who: []slog.Attr{slog.String("grant", f.grant.name())}, why: slog.String("error", te.Error())}
	})
	if err != nil {
		return nil, 0, err
	}
	return tok, lifetime, nil
}

// accept checks a token response (a bearer token, carrying what was asked)
// and dates it: it expires its lifetime after start, the time the request
// was sent; without a positive expires_in, after the fallback lifetime.
func (f *tokenFetcher) accept(raw *oauth2.Token, want []string, start time.Time) (*Token, time.Duration, error) {
	fail := func(code, desc string) (*Token, time.Duration, error) {
		return nil, 0, &TokenError{Grant: f.grant.name(), Code: code, Description: desc, StatusCode: http.StatusOK}
	}
	if raw.AccessToken == "" {
		return fail("invalid_response", "the response has no access_token")
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
		lifetime = f.opts.FallbackLifetime
	}
	lifetime = min(lifetime, MaxTokenLifetime)
	tok := (&Token{accessToken: raw.AccessToken, refreshToken: raw.RefreshToken, scopes: slices.Clone(granted), expiry: start.Add(lifetime)}).withHeader()
	return tok, lifetime, nil
}

// expiresIn returns the lifetime a token response gives, zero without one,
// and false when its expires_in is not a whole number of seconds. x/oauth2
// checks a JSON response's expires_in, but its clientcredentials package
// fills only Token.Expiry, not ExpiresIn, so the raw expires_in of the
// response is read when ExpiresIn is zero; a form-encoded one is not checked
// at all.
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

// tokenTransport sends the token endpoint's requests: it names the SDK, and
// reads each response whole before x/oauth2 parses it, recording its status,
// so that the fetch tells a response it could not parse (the server's
// defect) from one that never arrived (worth another try).
type tokenTransport struct {
	next      http.RoundTripper
	userAgent string
	// params are added to the form of each request (AuthorizationServer's
	// TokenParameters); the grants' own parameters are never replaced.
	params url.Values
}

// maxTokenResponse bounds the token response read: x/oauth2 reads no more.
const maxTokenResponse = 1 << 20

// tokenResponse is what tokenTransport saw of the response to one token
// request.
type tokenResponse struct {
	status int    // 0 until a response arrived whole
	body   []byte // the response, for diagnosing a malformed one; never logged
}

type tokenResponseKey struct{}

// addParams adds t.params to r's form body, but for those it already has.
func (t *tokenTransport) addParams(r *http.Request) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxTokenResponse))
	_ = r.Body.Close()
	if err != nil {
		return fmt.Errorf("reading the token request: %w", err)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return fmt.Errorf("the token request is not a form: %w", err)
	}
	for k, vs := range t.params {
		if _, ok := form[k]; !ok {
			form[k] = vs
		}
	}
	enc := form.Encode()
	r.Body = io.NopCloser(strings.NewReader(enc))
	r.ContentLength = int64(len(enc))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(enc)), nil }
	return nil
}

// RoundTrip implements http.RoundTripper.
func (t *tokenTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Set("User-Agent", t.userAgent)
	if h, ok := req.Context().Value(tokenHeaderKey{}).(http.Header); ok {
		// What the fetch's observers set (a trace context): never a
		// header the request has.
		for name, vs := range h {
			if len(r.Header[name]) == 0 {
				r.Header[name] = vs
			}
		}
	}
	if len(t.params) > 0 && req.Body != nil {
		if err := t.addParams(r); err != nil {
			return nil, err
		}
	}
	resp, err := t.next.RoundTrip(r)
	rec, ok := req.Context().Value(tokenResponseKey{}).(*tokenResponse)
	if err != nil || !ok {
		return resp, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenResponse))
	_ = resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("reading the token response: %w", err)
	}
	rec.status, rec.body = resp.StatusCode, body
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}
