package sandbox

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/axa-assistance-go/axa/gen"
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

// WithFault injects f into the answers of the operation with the given
// operationId (e.g. "createPolicy"), FaultToken, or FaultAll.
func WithFault(operationID string, f Fault) Option {
	return func(c *config) error {
		if f.ErrorRate < 0 || f.ErrorRate > 1 || f.ResetAfterCommitRate < 0 || f.ResetAfterCommitRate > 1 {
			return errors.New("sandbox: fault rates must be between 0 and 1")
		}
		if _, ok := gen.LookupOperation(gen.OperationID(operationID)); !ok && operationID != FaultToken && operationID != FaultAll {
			return fmt.Errorf("sandbox: no operation %q to inject faults into (use an operationId, %q or %q)", operationID, FaultToken, FaultAll)
		}
		c.faults[operationID] = f
		return nil
	}
}

// operationOf returns the operationId of a request, for faults, rate
// limits and logs: FaultToken for the token endpoint, "" for anything that
// is not an operation of the spec.
func operationOf(r *http.Request) string {
	if r.URL.Path == gen.TokenPath {
		return FaultToken
	}
	id, _, _ := gen.MatchOperation(r.Method, r.URL.EscapedPath())
	return string(id)
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

func withFaults(cfg *config, next http.Handler) http.Handler {
	if len(cfg.faults) == 0 {
		return next
	}
	st := &faultState{seed: cfg.seed, rnd: map[string]*mrand.Rand{}, count: map[string]int{}}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := operationOf(r)
		f, ok := cfg.faults[id]
		if !ok {
			f, ok = cfg.faults[FaultAll]
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
				t.Stop()
				return
			case <-t.C:
			}
		}
		retryAfter := f.RetryAfter
		if n <= f.TooManyRequests {
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(retryAfter.Seconds())))))
			writeError(w, r, http.StatusTooManyRequests, "rate_limited", "injected fault: too many requests")
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
			writeError(w, r, status, "injected_fault", "injected fault")
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

// clientKey names the client of a request for rate limits: the client of a
// verified bearer token, the client of valid Basic credentials, or else the
// remote address. An unverified name is never trusted, so that nobody can
// spend another client's budget. It never reads the body.
func clientKey(cfg *config, auth *authServer, r *http.Request) string {
	if id, secret, ok := r.BasicAuth(); ok {
		if v, err := url.QueryUnescape(id); err == nil {
			id = v
		}
		if v, err := url.QueryUnescape(secret); err == nil {
			secret = v
		}
		if c, known := cfg.clients[id]; known && secretEqual(c.Secret, secret) {
			return "client:" + id
		}
	}
	if c := verifiedClaims(r, auth); c != nil {
		return "client:" + c.ClientID
	}
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	return "addr:" + host
}

// verifiedToken is a bearer token checked once in a request, so that the
// rate limiter and the validator do not both pay for the signature.
type verifiedToken struct {
	raw    string
	claims *claims
}

type verifiedKey struct{}

// verifiedClaims verifies the request's bearer token, nil when there is
// none or it is not valid; the result is kept on the request for later
// layers (see rememberedClaims).
func verifiedClaims(r *http.Request, auth *authServer) *claims {
	scheme, raw, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return nil
	}
	raw = strings.TrimSpace(raw)
	c, err := auth.verifyAccessToken(raw)
	if err != nil {
		return nil
	}
	if holder, ok := r.Context().Value(verifiedKey{}).(*verifiedToken); ok {
		holder.raw, holder.claims = raw, c
	}
	return c
}

// rememberedClaims returns the claims of raw if this request verified it
// already.
func rememberedClaims(ctx context.Context, raw string) *claims {
	if v, ok := ctx.Value(verifiedKey{}).(*verifiedToken); ok && v.claims != nil && v.raw == raw {
		return v.claims
	}
	return nil
}

// limiterEntry is one client's limiter and when it was last used.
type limiterEntry struct {
	l    *rate.Limiter
	seen time.Time
}

// maxLimiters bounds the limiters kept; beyond it, idle ones are dropped.
const maxLimiters = 1024

// withRateLimit answers 429 with Retry-After when a client goes over its
// rate (golang.org/x/time/rate, one limiter per client).
func withRateLimit(cfg *config, auth *authServer, next http.Handler) http.Handler {
	if cfg.rate <= 0 {
		return next
	}
	var mu sync.Mutex
	limiters := map[string]*limiterEntry{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(context.WithValue(r.Context(), verifiedKey{}, &verifiedToken{}))
		key := clientKey(cfg, auth, r)
		now := cfg.now()
		mu.Lock()
		if len(limiters) >= maxLimiters {
			for k, e := range limiters {
				if now.Sub(e.seen) > time.Minute {
					delete(limiters, k)
				}
			}
		}
		e := limiters[key]
		if e == nil {
			e = &limiterEntry{l: rate.NewLimiter(rate.Limit(cfg.rate), cfg.burst)}
			limiters[key] = e
		}
		e.seen = now
		res := e.l.ReserveN(now, 1)
		delay := res.DelayFrom(now)
		if !res.OK() || delay > 0 {
			res.CancelAt(now)
		}
		mu.Unlock()
		if !res.OK() || delay > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(delay.Seconds())))))
			writeError(w, r, http.StatusTooManyRequests, "rate_limited", "too many requests from this client; retry later")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// statusRecorder remembers the status an answer was given.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection (for resets).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Hijack passes a hijack through to the connection.
func (s *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(s.ResponseWriter).Hijack()
}

// withAccessLog gives each request an X-Request-Id and logs method, path,
// status, duration, client and request id: never headers, bodies or query
// strings, so never a token or a secret.
func withAccessLog(cfg *config, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := "req_" + rand.Text()[:20]
		w.Header().Set("X-Request-Id", id)
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey, id))
		rec := &statusRecorder{ResponseWriter: w}
		start := time.Now()
		next.ServeHTTP(rec, r)
		cfg.log.LogAttrs(r.Context(), slog.LevelInfo, "sandbox: request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", rec.status),
			slog.Duration("duration", time.Since(start)), slog.String("request_id", id))
	})
}
