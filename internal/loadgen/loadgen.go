// Package loadgen sends one HTTP request over and over on keep-alive
// connections, one goroutine per connection, for a fixed duration or a
// fixed number of requests, and counts what came back: requests per second,
// the latency of each request as the client sees it (p50, p99), the
// answers that were not 2xx and the transport errors. It is the one load
// generator of the module: `make bench-peers` (internal/benchpeers) points
// it at the sandbox and at Prism, and the sandbox's benchmarks share its
// percentile.
package loadgen

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Request is the request sent again and again.
type Request struct {
	// Method and URL of the request.
	Method, URL string
	// Header is sent with every request (e.g. Authorization); it is not
	// changed.
	Header http.Header
	// Body is sent with every request; nil sends none.
	Body []byte
	// IdempotencyKey gives every request an Idempotency-Key of its own,
	// never sent before, so that a server creates instead of replaying.
	IdempotencyKey bool
}

// Config says how long and how wide a run is.
type Config struct {
	// Conns is the number of keep-alive connections, each used by one
	// goroutine that sends a request, reads its answer whole, and sends
	// the next.
	Conns int
	// Requests, when positive, ends the run after that many requests in
	// all; otherwise it ends after Duration.
	Requests int
	// Duration is how long the run lasts when Requests is 0.
	Duration time.Duration
}

// Result is what a run measured.
type Result struct {
	// Requests is the number of requests sent and answered or failed.
	Requests int
	// Status counts the answers by status code.
	Status map[int]int
	// Errors counts the requests that got no answer (transport errors);
	// FirstError is the first of them.
	Errors     int
	FirstError error
	// Elapsed is the run's wall time, from the first request sent to the
	// last answered.
	Elapsed time.Duration
	// Latencies are the times of every request, sorted.
	Latencies []time.Duration
}

// Non2xx returns the number of answers whose status is not 2xx, plus the
// requests that got no answer.
func (r *Result) Non2xx() int {
	n := r.Errors
	for code, count := range r.Status {
		if code < 200 || code > 299 {
			n += count
		}
	}
	return n
}

// PerSecond returns the requests per second of the run.
func (r *Result) PerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Percentile returns the p-th percentile of the run's latencies.
func (r *Result) Percentile(p int) time.Duration { return Percentile(r.Latencies, p) }

// Percentile returns the p-th percentile (0 < p ≤ 100) of sorted
// durations, by nearest rank: the smallest value that at least p percent
// of the values are less than or equal to. It is 0 for no values.
func Percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 × n)
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// Median returns the median of xs (the mean of the two middle values for
// an even count), 0 for none. xs is not changed.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// NewClient returns an HTTP client for a run over conns keep-alive
// connections to one host: at most conns connections, all kept idle
// between requests, no compression.
func NewClient(conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{
		MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns,
		IdleConnTimeout: time.Minute, DisableCompression: true,
	}}
}

// counter hands out the requests of a run: a request count when it has
// one, else until the deadline.
type counter struct {
	limit    int64 // 0: no count, the deadline ends the run
	deadline time.Time
	sent     atomic.Int64
}

// next reports whether another request may be sent at now.
func (c *counter) next(now time.Time) bool {
	if c.limit > 0 {
		return c.sent.Add(1) <= c.limit
	}
	return now.Before(c.deadline)
}

// tally is one goroutine's counts, merged at the end of the run.
type tally struct {
	latencies []time.Duration
	status    map[int]int
	errors    int
	firstErr  error
}

// Run sends req with hc over cfg.Conns connections until cfg says stop or
// ctx ends, and returns what it measured. The connections are opened
// before the clock starts (one request each, not counted).
func Run(ctx context.Context, hc *http.Client, req Request, cfg Config) (*Result, error) {
	if cfg.Conns < 1 || (cfg.Requests <= 0 && cfg.Duration <= 0) {
		return nil, errors.New("loadgen: a run needs a connection and a request count or a duration")
	}
	keys := keyMaker{prefix: "loadgen-" + rand.Text()[:12] + "-"}
	var warm sync.WaitGroup
	for range cfg.Conns {
		warm.Go(func() { _, _ = send(ctx, hc, req, &keys) })
	}
	warm.Wait()

	cnt := &counter{limit: int64(cfg.Requests)}
	tallies := make([]tally, cfg.Conns)
	start := time.Now()
	cnt.deadline = start.Add(cfg.Duration)
	var wg sync.WaitGroup
	for i := range tallies {
		wg.Go(func() {
			t := &tallies[i]
			t.status = map[int]int{}
			for now := time.Now(); ctx.Err() == nil && cnt.next(now); {
				code, err := send(ctx, hc, req, &keys)
				end := time.Now()
				t.latencies = append(t.latencies, end.Sub(now))
				now = end
				if err != nil {
					t.errors++
					if t.firstErr == nil {
						t.firstErr = err
					}
					continue
				}
				t.status[code]++
			}
		})
	}
	wg.Wait()
	res := merge(tallies)
	res.Elapsed = time.Since(start)
	return res, nil
}

// merge adds up the goroutines' tallies.
func merge(tallies []tally) *Result {
	res := &Result{Status: map[int]int{}}
	for _, t := range tallies {
		res.Latencies = append(res.Latencies, t.latencies...)
		for code, n := range t.status {
			res.Status[code] += n
		}
		res.Errors += t.errors
		if res.FirstError == nil {
			res.FirstError = t.firstErr
		}
	}
	slices.Sort(res.Latencies)
	res.Requests = len(res.Latencies)
	return res
}

// keyMaker makes Idempotency-Keys unique to a run.
type keyMaker struct {
	prefix string
	n      atomic.Int64
}

// next returns a key not returned before.
func (k *keyMaker) next() string { return k.prefix + strconv.FormatInt(k.n.Add(1), 10) }

// send sends req once, reads the answer whole and returns its status.
func send(ctx context.Context, hc *http.Client, req Request, keys *keyMaker) (int, error) {
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	r, err := http.NewRequestWithContext(ctx, req.Method, req.URL, body)
	if err != nil {
		return 0, err
	}
	for name, values := range req.Header {
		r.Header[name] = values
	}
	if req.IdempotencyKey {
		r.Header.Set("Idempotency-Key", keys.next())
	}
	resp, err := hc.Do(r)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0, fmt.Errorf("read the answer: %w", err)
	}
	return resp.StatusCode, nil
}
