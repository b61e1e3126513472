package sandbox

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"

	"github.com/axa-assistance-go/axa/api"
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
		c.faults[operationID] = f
		return nil
	}
}

// operationOf finds the operationId of a request, for faults and logs.
type operationOf struct{ router routers.Router }

func newOperationOf() *operationOf {
	doc, err := api.Load(context.Background())
	if err != nil {
		return &operationOf{}
	}
	doc.Servers = nil
	r, err := legacy.NewRouter(doc)
	if err != nil {
		return &operationOf{}
	}
	return &operationOf{router: r}
}

func (o *operationOf) id(r *http.Request) string {
	if r.URL.Path == "/auth/v1/token" {
		return FaultToken
	}
	if o.router == nil {
		return ""
	}
	route, _, err := o.router.FindRoute(r)
	if err != nil {
		return ""
	}
	return route.Operation.OperationID
}

// faultState counts and draws per operation, deterministically from the
// seed.
type faultState struct {
	mu    sync.Mutex
	rnd   *mrand.Rand
	count map[string]int
}

func withFaults(cfg *config, next http.Handler) http.Handler {
	if len(cfg.faults) == 0 {
		return next
	}
	ops := newOperationOf()
	// Deterministic draws, so that a test sees the same faults every run.
	st := &faultState{rnd: mrand.New(mrand.NewPCG(cfg.seed, 0xfa017)), count: map[string]int{}} //nolint:gosec // not a secret
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := ops.id(r)
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
		failDraw, resetDraw := st.rnd.Float64(), st.rnd.Float64()
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

// clientKey names the client of a request for rate limits and logs: the
// Basic user of a token request, the client_id of a bearer token (read
// without verifying it: it is only a key), or the remote address. It never
// reads the body, which belongs to the handler.
func clientKey(r *http.Request) string {
	if id, _, ok := r.BasicAuth(); ok {
		return id
	}
	if raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		var c claims
		if _, _, err := jwt.NewParser().ParseUnverified(strings.TrimSpace(raw), &c); err == nil && c.ClientID != "" {
			return c.ClientID
		}
	}
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	return "addr:" + host
}

// withRateLimit answers 429 with Retry-After when a client goes over its
// rate (golang.org/x/time/rate, one limiter per client).
func withRateLimit(cfg *config, next http.Handler) http.Handler {
	if cfg.rate <= 0 {
		return next
	}
	var mu sync.Mutex
	limiters := map[string]*rate.Limiter{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := clientKey(r)
		mu.Lock()
		l := limiters[key]
		if l == nil {
			l = rate.NewLimiter(rate.Limit(cfg.rate), cfg.burst)
			limiters[key] = l
		}
		mu.Unlock()
		res := l.ReserveN(cfg.now(), 1)
		if delay := res.DelayFrom(cfg.now()); !res.OK() || delay > 0 {
			res.CancelAt(cfg.now())
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
			slog.Duration("duration", time.Since(start)), slog.String("client", clientKey(r)), slog.String("request_id", id))
	})
}
