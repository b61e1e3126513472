package axa

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
)

// The pipeline a request of the Client passes through, outermost first. Each
// layer is an http.RoundTripper wrapping the next, in a file of its own; this
// is the one place their order is decided:
//
//  1. headers (policy_headers.go): refuses a closed client's calls; bounds
//     the call (WithRequestTimeout, else the overall timeout of WithTimeouts
//     when the context has no deadline); sets User-Agent, the call's
//     WithHeader headers, and an Idempotency-Key on a POST that has none
//     (its params' key is sent as it is), once per logical call, so every
//     attempt carries the same key.
//  2. cache (policy_cache.go), with WithCache only: below the headers, so
//     that its key holds the call's Accept-Language; above retry and auth,
//     so that a fresh answer costs no attempt and no request, and no
//     Authorization header ever reaches the key or the store; it turns a
//     304 of its own revalidation into the stored 200. Before it serves a
//     fresh answer, the auth layer vouches for the call (authTransport.vouch:
//     the path checks, and a valid token of the operation's scopes held).
//  3. retry (policy_retry.go): backoff and Retry-After, for idempotent
//     requests and POSTs with an Idempotency-Key; one loop per logical call
//     (WithMaxRetries tunes it per call); each attempt bounded by the
//     per-attempt timeout of WithTimeouts.
//  4. auth (policy_auth.go): picks the operation's scopes, gets a token,
//     refuses insecure or foreign origins, replays once on 401 invalid_token;
//     it sets the Authorization header on a copy of the request it sends,
//     and the answer it hands up points at the request without it.
//  5. logging (policy_logging.go): one record per attempt (method, path,
//     status, duration, attempt, request id); never headers or bodies.
//  6. the caller's transport (WithTransport), or http.DefaultTransport.
//
// The token endpoint is called with a separate client (token_fetch.go): the
// caller's transport, no redirects, none of these layers.
//
// A call's observers (observer.go; WithObserver, WithRequestObserver) are
// told by the layers that know: the header layer starts the call (the
// call helpers, or the header layer for the raw client, end it), the cache
// layer its hits and revalidations, the retry layer its retries, the auth
// layer each attempt (on the copy it sends, before Authorization is set),
// the token cache its fetches. Without observers each costs a nil check.
//
// closing ends when the client is closed: the retry layer stops waiting.
func buildPipeline(closing context.Context, c *config, tokens *tokenCache, origin *url.URL, closed *atomic.Bool) http.RoundTripper {
	var rt = c.baseTransport()
	rt = &logTransport{next: rt, log: c.logger, clock: c.clock}
	auth := &authTransport{next: rt, tokens: tokens, origin: origin, fixedScopes: c.scopes, basePath: strings.TrimSuffix(origin.Path, "/")}
	loop := c.retry.retrier(c.clock, c.logger)
	loop.closing = closing
	rt = &retryTransport{next: auth, retrier: loop, perAttempt: c.attemptTimeout}
	if c.cache != nil {
		rt = &cacheTransport{next: rt, cache: c.cache, clock: c.clock, log: c.logger, partition: c.cacheIdentity(), vouch: auth.vouch}
	}
	rt = &headerTransport{next: rt, userAgent: userAgent(c.userAgentSuffix), closed: closed, overall: c.callTimeout, observer: c.observer, clock: c.clock}
	return rt
}

// What the layers share.

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

// sameOrigin reports whether u has the scheme, host and port of origin.
func sameOrigin(u, origin *url.URL) bool {
	return strings.EqualFold(u.Scheme, origin.Scheme) && strings.EqualFold(u.Host, origin.Host)
}
