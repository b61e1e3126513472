package middleware

import (
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/apierr"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
)

// clientKey names the client of a request for rate limits: the client of a
// verified bearer token, the client of valid Basic credentials or of valid
// credentials in a token or revocation request's form, or else the remote
// address. An unverified name is never trusted, so that nobody can spend
// another client's budget. It reads no body but such a form
// (formCredentials), which it gives back whole.
func clientKey(auth Authenticator, r *http.Request, st *reqctx.State) string {
	if id, secret, ok := r.BasicAuth(); ok {
		if v, err := url.QueryUnescape(id); err == nil {
			id = v
		}
		if v, err := url.QueryUnescape(secret); err == nil {
			secret = v
		}
		if auth.ClientAuthenticated(id, secret) {
			return "client:" + id
		}
	}
	if id, secret, ok := formCredentials(r, st); ok && auth.ClientAuthenticated(id, secret) {
		return "client:" + id
	}
	if c := verifiedClaims(r, auth, st); c != nil {
		return "client:" + c.ClientID
	}
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	return "addr:" + host
}

// verifiedClaims verifies the request's bearer token, nil when there is
// none or it is not valid; the result is kept in the request's state, so
// that the validator does not pay for the signature again.
func verifiedClaims(r *http.Request, auth Authenticator, st *reqctx.State) *reqctx.Claims {
	raw := reqctx.BearerToken(r)
	if raw == "" {
		return nil
	}
	if c := st.Verified(raw); c != nil {
		return c
	}
	c, err := auth.Verify(raw)
	if err != nil {
		return nil
	}
	st.SetToken(raw, c)
	return c
}

// limiterEntry is one client's limiter and when it was last used.
type limiterEntry struct {
	l    *rate.Limiter
	seen time.Time
}

// maxLimiters is how many limiters are kept before idle ones (unused for
// a minute) are dropped.
const maxLimiters = 1024

// limiterSet is the limiters of the clients, by key. Idle limiters are
// dropped when a new client would make the set reach sweepAt, which then
// becomes twice what is left (at least maxLimiters): a set full of active
// clients is walked once per doubling, not on every request.
type limiterSet struct {
	mu        sync.Mutex
	perSecond float64
	burst     int
	m         map[string]*limiterEntry
	sweepAt   int
	walked    int // entries visited by sweeps, for the tests
}

func newLimiterSet(perSecond float64, burst int) *limiterSet {
	return &limiterSet{perSecond: perSecond, burst: burst, m: map[string]*limiterEntry{}, sweepAt: maxLimiters}
}

// get returns key's limiter, made if new, marked used at now. The caller
// holds mu.
func (s *limiterSet) get(key string, now time.Time) *limiterEntry {
	e := s.m[key]
	if e == nil {
		if len(s.m) >= s.sweepAt {
			for k, old := range s.m {
				s.walked++
				if now.Sub(old.seen) > time.Minute {
					delete(s.m, k)
				}
			}
			s.sweepAt = max(maxLimiters, 2*len(s.m))
		}
		e = &limiterEntry{l: rate.NewLimiter(rate.Limit(s.perSecond), s.burst)}
		s.m[key] = e
	}
	e.seen = now
	return e
}

// Authenticator tells a client's credentials and verifies bearer tokens:
// the authorization server, for the rate limit to know whose budget a
// request spends.
type Authenticator interface {
	// ClientAuthenticated reports whether id and secret are a registered
	// client's.
	ClientAuthenticated(id, secret string) bool
	// Verify checks an access token and returns its claims.
	Verify(raw string) (*reqctx.Claims, error)
}

// RateLimitConfig configures RateLimit.
type RateLimitConfig struct {
	// PerSecond is each client's average rate; 0 or less turns the limit
	// off.
	PerSecond float64
	// Burst is the largest burst a client may send.
	Burst int
	// Now is the clock.
	Now func() time.Time
	// Auth names the client of a request.
	Auth Authenticator
}

// RateLimit answers 429 with Retry-After when a client goes over its rate
// (golang.org/x/time/rate, one limiter per client); with no rate it is
// next itself.
func RateLimit(cfg RateLimitConfig, next http.Handler) http.Handler {
	if cfg.PerSecond <= 0 {
		return next
	}
	set := newLimiterSet(cfg.PerSecond, cfg.Burst)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r, st := reqctx.Ensure(r)
		key := clientKey(cfg.Auth, r, st)
		now := cfg.Now()
		set.mu.Lock()
		e := set.get(key, now)
		res := e.l.ReserveN(now, 1)
		delay := res.DelayFrom(now)
		if !res.OK() || delay > 0 {
			res.CancelAt(now)
		}
		set.mu.Unlock()
		if !res.OK() || delay > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(delay.Seconds())))))
			apierr.Write(w, r, http.StatusTooManyRequests, "rate_limited", "too many requests from this client; retry later")
			return
		}
		next.ServeHTTP(w, r)
	})
}
