package axa

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/google/uuid"
)

// The pipeline a request of the Client passes through, outermost first. Each
// layer is an http.RoundTripper wrapping the next; this is the one place
// their order is decided:
//
//  1. headers: User-Agent, and an Idempotency-Key on a POST that has none
//     (once per logical call, so every attempt carries the same key).
//  2. retry:   backoff and Retry-After, for idempotent requests and POSTs
//     with an Idempotency-Key; one loop per logical call.
//  3. auth:    picks the operation's scopes, gets a token, refuses insecure
//     or foreign origins, replays once on 401 invalid_token.
//  4. logging: one record per attempt (method, path, status, duration,
//     attempt, request id); never headers or bodies.
//  5. the caller's transport (WithHTTPClient), or http.DefaultTransport.
//
// The token endpoint is called with a separate client: the caller's
// transport, no redirects, none of these layers.
func buildPipeline(c *config, tokens *tokenCache, origin *url.URL, closed *atomic.Bool) http.RoundTripper {
	var rt = c.baseTransport()
	rt = &logTransport{next: rt, log: c.logger, clock: c.clock}
	rt = &authTransport{next: rt, tokens: tokens, origin: origin, fixedScopes: c.scopes, basePath: strings.TrimSuffix(origin.Path, "/")}
	rt = &retryTransport{next: rt, policy: c.retry.withDefaults(), clock: c.clock, log: c.logger}
	rt = &headerTransport{next: rt, userAgent: userAgent(c.userAgentSuffix), closed: closed}
	return rt
}

// callInfo travels in the request context from Client's methods to the
// layers, and back with what they learned.
type callInfo struct {
	operation     string
	attempt       int
	grantedScopes []string
	neededScopes  []string
}

type callInfoKey struct{}

func infoFrom(ctx context.Context) *callInfo {
	if ci, ok := ctx.Value(callInfoKey{}).(*callInfo); ok {
		return ci
	}
	return &callInfo{} // a raw generated-client call: nothing to report back
}

// headerTransport sets the headers every request carries, once per logical
// call: the retries below it resend them unchanged.
type headerTransport struct {
	next      http.RoundTripper
	userAgent string
	closed    *atomic.Bool
}

// RoundTrip implements http.RoundTripper.
func (t *headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.closed != nil && t.closed.Load() {
		closeBody(req)
		return nil, ErrClosed
	}
	ctx := req.Context()
	if _, ok := ctx.Value(callInfoKey{}).(*callInfo); !ok {
		// A call of the raw generated client: the layers below record
		// what they learn here.
		ctx = context.WithValue(ctx, callInfoKey{}, &callInfo{})
	}
	r := req.Clone(ctx)
	r.Header.Set("User-Agent", t.userAgent)
	if r.Header.Get("Accept") == "" {
		r.Header.Set("Accept", "application/json")
	}
	if r.Method == http.MethodPost && r.Header.Get("Idempotency-Key") == "" {
		r.Header.Set("Idempotency-Key", uuid.NewString())
	}
	return t.next.RoundTrip(r)
}

// tokenTransport sends the token endpoint's requests: it names the SDK, and
// reads each answer whole before x/oauth2 parses it, recording its status,
// so that the fetch tells an answer it could not parse (the server's defect)
// from one that never arrived (worth another try).
type tokenTransport struct {
	next      http.RoundTripper
	userAgent string
}

// maxTokenAnswer bounds the token answer read: x/oauth2 reads no more.
const maxTokenAnswer = 1 << 20

// tokenAnswer is what tokenTransport saw of the answer to one token request.
type tokenAnswer struct {
	status int    // 0 until an answer arrived whole
	body   []byte // the answer, for diagnosing a malformed one; never logged
}

type tokenAnswerKey struct{}

// RoundTrip implements http.RoundTripper.
func (t *tokenTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Set("User-Agent", t.userAgent)
	resp, err := t.next.RoundTrip(r)
	rec, ok := req.Context().Value(tokenAnswerKey{}).(*tokenAnswer)
	if err != nil || !ok {
		return resp, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenAnswer))
	_ = resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("reading the token answer: %w", err)
	}
	rec.status, rec.body = resp.StatusCode, body
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// logTransport logs each attempt.
type logTransport struct {
	next  http.RoundTripper
	log   *slog.Logger
	clock clock
}

// RoundTrip implements http.RoundTripper.
func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if !t.log.Enabled(ctx, slog.LevelDebug) {
		return t.next.RoundTrip(req)
	}
	start := t.clock.Now()
	resp, err := t.next.RoundTrip(req)
	info := infoFrom(ctx)
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("path", req.URL.Path),
		slog.Int("attempt", info.attempt),
		slog.Duration("duration", t.clock.Now().Sub(start)),
	}
	if info.operation != "" {
		attrs = append(attrs, slog.String("operation", info.operation))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	} else {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
		if id := resp.Header.Get("X-Request-Id"); id != "" {
			attrs = append(attrs, slog.String("request_id", id))
		}
	}
	t.log.LogAttrs(ctx, slog.LevelDebug, "axa: request", attrs...)
	return resp, err
}

// drain reads what is left of a body we will not use, within reason, and
// closes it, so that the connection can serve the next request.
func drain(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	_ = resp.Body.Close()
}

// closeBody closes the body of a request a layer fails before handing it on:
// the http.RoundTripper contract says RoundTrip always closes it.
func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

// rewind returns a copy of req with a fresh body, for sending it again.
func rewind(req *http.Request) (*http.Request, error) {
	r := req.Clone(req.Context())
	if req.Body == nil || req.Body == http.NoBody {
		return r, nil
	}
	if req.GetBody == nil {
		return nil, errors.New("axa: cannot resend a request whose body cannot be rewound")
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	r.Body = body
	return r, nil
}

// isLoopback reports whether host (no port) names this machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sameOrigin reports whether u has the scheme, host and port of origin.
func sameOrigin(u, origin *url.URL) bool {
	return strings.EqualFold(u.Scheme, origin.Scheme) && strings.EqualFold(u.Host, origin.Host)
}
