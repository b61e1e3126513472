package axa

import (
	"context"
	"io"
	"net/http"
	"slices"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
)

// headerIdempotencyKey names the header that makes a POST safe to resend:
// the API responds to a repeated key with the result of the first request.
const headerIdempotencyKey = "Idempotency-Key"

// headerTransport is the outermost layer: it refuses the calls of a closed
// client, bounds the call as a whole (WithRequestTimeout, else the client's
// overall timeout when the caller's context has no deadline), and sets the
// headers every request carries, once per logical call, so that the retries
// below it resend them unchanged: User-Agent, Accept, the call's
// WithHeader headers and an Idempotency-Key. It is the one place the SDK
// makes an Idempotency-Key: a POST that carries none (a typed method given
// nil params or an empty key, Invoke without one, a raw generated-client
// call) gets a random one here, the same on every attempt.
type headerTransport struct {
	next      http.RoundTripper
	userAgent string
	closed    *atomic.Bool
	overall   time.Duration // the client's overall timeout, 0 for none
	observer  *Observer     // the client's (WithObserver), nil without
	clock     clock         // the observers' Retry-After dates
}

// RoundTrip implements http.RoundTripper.
func (t *headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.closed != nil && t.closed.Load() {
		closeBody(req)
		return nil, ErrClosed
	}
	ctx := req.Context()
	raw := !hasCallInfo(ctx)
	if raw {
		// A call of the raw generated client: the layers below record
		// what they learn here. The method it called names its
		// operation, which its resolved URL may no longer say.
		ctx = withCallInfo(ctx, &callInfo{operation: rawOperation()})
	}
	info := infoFrom(ctx)
	if t.observer != nil || info.opts != nil && info.opts.observer != nil {
		watchCall(ctx, t.observer, info, req.Method, t.clock)
	}
	ro := info.opts
	if ro == nil {
		ro = &requestOptions{}
	}
	timeout := t.overall
	if _, has := ctx.Deadline(); has && !ro.hasTimeout {
		timeout = 0 // the caller's deadline rules
	}
	if ro.hasTimeout {
		timeout = ro.timeout
	}
	var cancel context.CancelFunc
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, timeout)
	}

	r := req.Clone(ctx)
	r.Header.Set("User-Agent", t.userAgent)
	if r.Header.Get("Accept") == "" {
		r.Header.Set("Accept", "application/json")
	}
	for name, vs := range ro.header {
		r.Header[name] = slices.Clone(vs)
	}
	if r.Method == http.MethodPost && r.Header.Get(headerIdempotencyKey) == "" {
		r.Header.Set(headerIdempotencyKey, uuid.NewString())
	}
	resp, err := t.next.RoundTrip(r)
	if raw {
		// No call helper above to end the raw client's call.
		info.end(resp, err)
	}
	return cancelOnClose(resp, err, cancel)
}

// cancelOnClose ties cancel, the end of a context a request was sent with,
// to the response: it is called at once after a failure, else when the
// caller closes the body, which it may still be reading. A nil cancel
// changes nothing.
func cancelOnClose(resp *http.Response, err error, cancel context.CancelFunc) (*http.Response, error) {
	if cancel == nil {
		return resp, err
	}
	if err != nil || resp == nil || resp.Body == nil {
		cancel()
		return resp, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelBody is a response body whose Close ends the context of its
// request.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

// Close closes the body, then ends the request's context.
func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
