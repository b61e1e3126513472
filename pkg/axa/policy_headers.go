package axa

import (
	"net/http"
	"sync/atomic"

	"github.com/google/uuid"
)

// headerIdempotencyKey names the header that makes a POST safe to resend:
// the API responds to a repeated key with the result of the first request.
const headerIdempotencyKey = "Idempotency-Key"

// headerTransport is the outermost layer: it refuses the calls of a closed
// client and sets the headers every request carries, once per logical call,
// so that the retries below it resend them unchanged. It is the one place
// the SDK makes an Idempotency-Key: a POST that carries none (a typed method
// given an empty key, Invoke, a raw generated-client call) gets a random
// one here, the same on every attempt.
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
	if !hasCallInfo(ctx) {
		// A call of the raw generated client: the layers below record
		// what they learn here.
		ctx = withCallInfo(ctx, &callInfo{})
	}
	r := req.Clone(ctx)
	r.Header.Set("User-Agent", t.userAgent)
	if r.Header.Get("Accept") == "" {
		r.Header.Set("Accept", "application/json")
	}
	if r.Method == http.MethodPost && r.Header.Get(headerIdempotencyKey) == "" {
		r.Header.Set(headerIdempotencyKey, uuid.NewString())
	}
	return t.next.RoundTrip(r)
}
