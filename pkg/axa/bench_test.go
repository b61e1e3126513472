package axa_test

import (
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/httpstatus"
	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// The benchmarks of this file run against a real sandbox on loopback,
// without axatest's spec checker (whose cost is not the SDK's) and without
// the sandbox's rate limiter. See BENCHMARKS.md for how to run them and what
// they measured.

// benchServer serves sb (wrapped in wrap when it is set) on loopback until
// the benchmark ends.
func benchServer(b *testing.B, wrap func(http.Handler) http.Handler, opts ...sandbox.Option) string {
	b.Helper()
	sb, err := sandbox.New(append([]sandbox.Option{sandbox.WithRateLimit(0, 0)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	var h http.Handler = sb
	if wrap != nil {
		h = wrap(sb)
	}
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	return srv.URL
}

// benchTransport is a keep-alive transport that can hold conns idle
// connections to one host (http.DefaultTransport keeps only two, which
// under load would measure connection set-up instead of requests).
func benchTransport(b *testing.B, conns int) *http.Transport {
	b.Helper()
	tr := &http.Transport{
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     time.Minute,
	}
	b.Cleanup(tr.CloseIdleConnections)
	return tr
}

// benchClient is an SDK client of the sandbox at base with the default
// client credentials, sending through tr, with opts.
func benchClient(b *testing.B, base string, tr http.RoundTripper, opts ...axa.Option) *axa.Client {
	b.Helper()
	c, err := axa.NewClient(append([]axa.Option{
		axa.WithoutEnvironment(),
		axa.WithBaseURL(base),
		axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret),
		axa.WithTransport(tr),
	}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	return c
}

// benchToken gets one access token with scope by hand: the client
// credentials grant, as a program without the SDK would do it.
func benchToken(b *testing.B, hc *http.Client, base, scope string) string {
	b.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {scope}}
	req, err := http.NewRequestWithContext(b.Context(), http.MethodPost, base+"/auth/v1/token", strings.NewReader(form.Encode()))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(sandbox.DefaultClientID, sandbox.DefaultClientSecret)
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != http.StatusOK || tok.AccessToken == "" {
		b.Fatalf("token endpoint: %d, %v", resp.StatusCode, err)
	}
	return tok.AccessToken
}

// BenchmarkGetCountry compares the SDK's GetCountry, its token cached,
// with a hand-written request for the same answer (sub-benchmark
// "baseline"): the SDK's overhead is the ratio sdk/baseline. Both use the
// same sandbox and the same kind of keep-alive transport, one request at a
// time.
func BenchmarkGetCountry(b *testing.B) {
	base := benchServer(b, nil)
	ctx := b.Context()

	b.Run("baseline", func(b *testing.B) {
		hc := &http.Client{Transport: benchTransport(b, 1)}
		bearer := "Bearer " + benchToken(b, hc, base, string(gen.ScopeTravelCountriesReadOnly))
		endpoint := base + "/travel/v1/countries/fr"
		d, err := getByHand[axa.CountryDetail](ctx, hc, endpoint, bearer)
		if err != nil || d.ID != "fr" {
			b.Fatalf("baseline: %v, %+v", err, d)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if _, err := getByHand[axa.CountryDetail](ctx, hc, endpoint, bearer); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("sdk", func(b *testing.B) {
		client := benchClient(b, base, benchTransport(b, 1))
		d, err := client.GetCountry(ctx, "fr", nil) // fetches and caches the token
		if err != nil || d.ID != "fr" {
			b.Fatalf("sdk: %v, %+v", err, d)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if _, err := client.GetCountry(ctx, "fr", nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// tokenLoadWorkers is how many goroutines call the API at once in
// BenchmarkTokenCacheUnderLoad.
const tokenLoadWorkers = 64

// tokenLoadWindow is how long BenchmarkTokenCacheUnderLoad keeps the load
// on per iteration: AXA_BENCH_LOAD_SECONDS when set, else 5 seconds, or 1
// second when the benchmark runs a fixed number of iterations (-benchtime
// 1x, the CI smoke run) so that it stays quick.
func tokenLoadWindow(b *testing.B) time.Duration {
	b.Helper()
	if s := os.Getenv("AXA_BENCH_LOAD_SECONDS"); s != "" {
		secs, err := strconv.ParseFloat(s, 64)
		if err != nil || secs <= 0 {
			b.Fatalf("AXA_BENCH_LOAD_SECONDS=%q: want a positive number of seconds", s)
		}
		return time.Duration(secs * float64(time.Second))
	}
	if f := flag.Lookup("test.benchtime"); f != nil && strings.HasSuffix(f.Value.String(), "x") {
		return time.Second
	}
	return 5 * time.Second
}

// tokenCounter counts what reaches the sandbox: token requests, and API
// answers 401 (tokens the sandbox refused).
type tokenCounter struct {
	next         http.Handler
	tokenHits    atomic.Int64
	unauthorized atomic.Int64

	mu      sync.Mutex
	hitTime []time.Time // when each token request arrived
}

func (c *tokenCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && r.URL.Path == "/auth/v1/token" {
		c.tokenHits.Add(1)
		c.mu.Lock()
		c.hitTime = append(c.hitTime, time.Now())
		c.mu.Unlock()
		c.next.ServeHTTP(w, r)
		return
	}
	rec := &httpstatus.Recorder{ResponseWriter: w}
	c.next.ServeHTTP(rec, r)
	if rec.Status == http.StatusUnauthorized {
		c.unauthorized.Add(1)
	}
}

// meanInterval is the mean time between the token requests that arrived
// after since, 0 with fewer than two.
func (c *tokenCounter) meanInterval(since time.Time) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	var first, last time.Time
	n := 0
	for _, t := range c.hitTime {
		if t.Before(since) {
			continue
		}
		if n == 0 {
			first = t
		}
		last = t
		n++
	}
	if n < 2 {
		return 0
	}
	return last.Sub(first) / time.Duration(n-1)
}

// BenchmarkTokenCacheUnderLoad keeps 64 goroutines calling ListCountries
// for a fixed window (tokenLoadWindow) against a sandbox whose tokens live
// one second, and reports:
//
//   - token-hits/lifetime: requests to the token endpoint per token lifetime
//     during the window (one scope set is in use). The cache refreshes a
//     token RefreshLead before it expires, and RefreshLead is clamped to
//     half the lifetime, so the figure is lifetime/(lifetime-lead): between
//     1 and 2. Being a count over a short window it moves in steps (±1 hit
//     per window);
//   - ms/token-hit: the mean interval between those requests, the same
//     figure without the steps (lifetime-lead);
//   - errors: calls that failed for the caller (a 401 or anything else);
//   - server-401/s: API answers 401 per second, which the SDK absorbs by
//     fetching a new token and replaying the call once;
//   - calls/s: successful ListCountries calls per second.
//
// ns/op is the length of the window and means nothing.
func BenchmarkTokenCacheUnderLoad(b *testing.B) {
	const lifetime = time.Second
	counter := &tokenCounter{}
	base := benchServer(b, func(h http.Handler) http.Handler { counter.next = h; return counter }, sandbox.WithTokenLifetime(lifetime))
	client := benchClient(b, base, benchTransport(b, tokenLoadWorkers))
	ctx := b.Context()
	if _, err := client.ListCountries(ctx, nil); err != nil { // the first token, outside the window
		b.Fatal(err)
	}
	window := tokenLoadWindow(b)

	var calls, failures atomic.Int64
	var firstErr atomic.Value
	var elapsed time.Duration
	hitsBefore, unauthorizedBefore := counter.tokenHits.Load(), counter.unauthorized.Load()
	windowStart := time.Now()
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		var wg sync.WaitGroup
		for range tokenLoadWorkers {
			wg.Go(func() {
				// At least one call each, however loaded the machine.
				for first := true; first || time.Since(start) < window; first = false {
					if _, err := client.ListCountries(ctx, nil); err != nil {
						failures.Add(1)
						firstErr.CompareAndSwap(nil, err.Error())
						continue
					}
					calls.Add(1)
				}
			})
		}
		wg.Wait()
		elapsed += time.Since(start)
	}
	b.StopTimer()
	hits := counter.tokenHits.Load() - hitsBefore
	unauthorized := counter.unauthorized.Load() - unauthorizedBefore
	secs := elapsed.Seconds()
	b.ReportMetric(float64(hits)/(secs/lifetime.Seconds()), "token-hits/lifetime")
	b.ReportMetric(float64(failures.Load()), "errors")
	b.ReportMetric(float64(unauthorized)/secs, "server-401/s")
	b.ReportMetric(float64(calls.Load())/secs, "calls/s")
	if gap := counter.meanInterval(windowStart); gap > 0 {
		b.ReportMetric(float64(gap)/float64(time.Millisecond), "ms/token-hit")
	}
	if calls.Load() == 0 {
		b.Fatalf("no call succeeded; first error: %v", firstErr.Load())
	}
	if err := firstErr.Load(); err != nil {
		b.Logf("%d calls failed; first error: %v", failures.Load(), err)
	}
}
