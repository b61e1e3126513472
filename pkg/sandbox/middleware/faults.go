// Package middleware is what the sandbox does around every request
// before routing it: the access log, which gives the request its id and
// resolves its operation once (reqctx.Begin), injected faults and the
// per-client rate limit. One file each.
package middleware

import (
	"hash/fnv"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/apierr"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
)

// Fault describes what to inject into the answers of one operation, for
// users' resilience tests. Zero fields inject nothing.
type Fault struct {
	// Latency is added before the answer.
	Latency time.Duration
	// ErrorRate is the fraction (0 to 1) of requests answered with Status
	// instead of being served.
	ErrorRate float64
	// Status is the status of injected errors; default 503.
	Status int
	// TooManyRequests answers the first N requests 429.
	TooManyRequests int
	// FailFirst answers the N requests after those with Status: a burst of
	// errors that retries should absorb.
	FailFirst int
	// RetryAfter is the Retry-After of injected errors. 429 answers always
	// carry one (default 1s); other injected errors only when it is set.
	RetryAfter time.Duration
	// ResetAfterCommitRate is the fraction of requests that are served (the
	// policy is issued, say) but whose connection is then reset before the
	// answer is sent.
	ResetAfterCommitRate float64
	// ResetFirst resets, after serving them, the N requests after the
	// TooManyRequests and FailFirst ones.
	ResetFirst int
}

// Operation names for faults on the OAuth2 endpoints, next to the API's
// operationIds.
const (
	// FaultToken is the token endpoint.
	FaultToken = "token"
	// FaultAll applies to every request that has no fault of its own.
	FaultAll = "*"
)

// operationOf returns the operationId of a request, resolved by the
// outermost handler, for faults: FaultToken for the token endpoint
// (requestToken), "" for anything that is not an operation of the spec.
func operationOf(r *http.Request, st *reqctx.State) string {
	if st.Operation == gen.OperationRequestToken || r.URL.Path == gen.TokenPath {
		return FaultToken
	}
	return string(st.Operation)
}

// faultState counts and draws per operation, deterministically from the
// seed: each operation has its own source, so that its faults do not depend
// on the traffic to others.
type faultState struct {
	mu    sync.Mutex
	seed  uint64
	rnd   map[string]*mrand.Rand
	count map[string]int
}

func (st *faultState) source(id string) *mrand.Rand {
	r := st.rnd[id]
	if r == nil {
		h := fnv.New64a()
		_, _ = h.Write([]byte(id))
		r = mrand.New(mrand.NewPCG(st.seed, h.Sum64())) //nolint:gosec // deterministic fault draws, not a secret
		st.rnd[id] = r
	}
	return r
}

// Faults injects faults into the answers of the operations that have one
// in faults (by operationId, FaultToken or FaultAll), drawing from seed;
// with no faults it is next itself.
func Faults(faults map[string]Fault, seed uint64, next http.Handler) http.Handler {
	if len(faults) == 0 {
		return next
	}
	st := &faultState{seed: seed, rnd: map[string]*mrand.Rand{}, count: map[string]int{}}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r, req := reqctx.Ensure(r)
		id := operationOf(r, req)
		f, ok := faults[id]
		if !ok {
			f, ok = faults[FaultAll]
		}
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		st.mu.Lock()
		st.count[id]++
		n := st.count[id]
		src := st.source(id)
		failDraw, resetDraw := src.Float64(), src.Float64()
		st.mu.Unlock()

		if f.Latency > 0 {
			t := time.NewTimer(f.Latency)
			select {
			case <-r.Context().Done():
				// Cut short by Shutdown or by the client's end: the
				// request was not served, which a 503 says (an empty
				// 200 would be a success); a client gone reads nothing.
				t.Stop()
				w.Header().Set("Retry-After", "1")
				apierr.Write(w, r, http.StatusServiceUnavailable, "unavailable", "the sandbox is shutting down, or the request was canceled; it was not served")
				return
			case <-t.C:
			}
		}
		retryAfter := f.RetryAfter
		if n <= f.TooManyRequests {
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(retryAfter.Seconds())))))
			apierr.Write(w, r, http.StatusTooManyRequests, "rate_limited", "injected fault: too many requests")
			return
		}
		if n <= f.TooManyRequests+f.FailFirst || failDraw < f.ErrorRate {
			status := f.Status
			if status == 0 {
				status = http.StatusServiceUnavailable
			}
			if retryAfter > 0 {
				w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(retryAfter.Seconds())))))
			}
			apierr.Write(w, r, status, "injected_fault", "injected fault")
			return
		}
		if n <= f.TooManyRequests+f.FailFirst+f.ResetFirst || resetDraw < f.ResetAfterCommitRate {
			// Serve the request for real, then drop the answer and reset
			// the connection: the client cannot know it succeeded.
			next.ServeHTTP(&discardWriter{h: http.Header{}}, r)
			resetConnection(w)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// discardWriter swallows an answer that will never be sent.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}

// resetConnection closes the client's connection with a TCP reset.
func resetConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
