// Package loadgen sends one HTTP/1.1 request over and over on keep-alive
// connections, one goroutine per connection, for a fixed duration or a
// fixed number of requests, and counts what came back: requests per second,
// the latency of each request as the client sees it (p50, p99), the
// answers that were not 2xx and the transport errors. It is the one load
// generator of the module: `make bench-peers` (internal/benchpeers) points
// it at the sandbox and at Prism, and the sandbox's benchmarks share its
// percentile.
//
// It writes each request's bytes itself, prepared once (only the
// Idempotency-Key changes), and reads the answers with http.ReadResponse,
// as wrk does, rather than through net/http's Client: on a machine whose
// cores the client shares with the server, the Client's own work (its
// request objects, its two goroutines per connection) took a third of the
// CPU and so capped the faster server's figures.
package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
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

// Run sends req over cfg.Conns connections until cfg says stop or ctx
// ends, and returns what it measured. The connections are opened before
// the clock starts (one request each, not counted). req.URL is http; a
// connection the server closes, or that fails, is dialled again.
func Run(ctx context.Context, req Request, cfg Config) (*Result, error) {
	if cfg.Conns < 1 || (cfg.Requests <= 0 && cfg.Duration <= 0) {
		return nil, errors.New("loadgen: a run needs a connection and a request count or a duration")
	}
	w, err := newWire(req)
	if err != nil {
		return nil, err
	}
	keys := keyMaker{prefix: "loadgen-" + rand.Text()[:12] + "-"}
	conns := make([]*conn, cfg.Conns)
	var warm sync.WaitGroup
	for i := range conns {
		conns[i] = &conn{wire: w}
		warm.Go(func() { _, _ = conns[i].send(ctx, &keys) })
	}
	warm.Wait()
	defer func() {
		for _, c := range conns {
			c.close()
		}
	}()

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
				code, err := conns[i].send(ctx, &keys)
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

// wire is a request's bytes, prepared once: its head up to the
// Idempotency-Key, and its body.
type wire struct {
	addr    string // host:port to dial
	head    []byte // request line and headers, without the final CRLF
	body    []byte
	withKey bool
}

// newWire prepares req's bytes.
func newWire(req Request) (*wire, error) {
	u, err := url.Parse(req.URL)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("loadgen: %q is not an http URL", req.URL)
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "80")
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", req.Method, u.RequestURI(), u.Host)
	if err := req.Header.Write(&b); err != nil {
		return nil, err
	}
	if req.Body != nil {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(req.Body))
	}
	return &wire{addr: addr, head: b.Bytes(), body: req.Body, withKey: req.IdempotencyKey}, nil
}

// conn is one keep-alive connection and its buffers.
type conn struct {
	*wire
	c   net.Conn
	br  *bufio.Reader
	out []byte
}

// close closes the connection, if open.
func (c *conn) close() {
	if c.c != nil {
		_ = c.c.Close()
		c.c = nil
	}
}

// send sends the request once, reads the answer whole and returns its
// status; on an error the connection is closed, and dialled again next
// time.
func (c *conn) send(ctx context.Context, keys *keyMaker) (int, error) {
	code, err := c.roundTrip(ctx, keys)
	if err != nil {
		c.close()
	}
	return code, err
}

// roundTrip writes the request and reads its answer.
func (c *conn) roundTrip(ctx context.Context, keys *keyMaker) (int, error) {
	if c.c == nil {
		var d net.Dialer
		nc, err := d.DialContext(ctx, "tcp", c.addr)
		if err != nil {
			return 0, err
		}
		c.c, c.br = nc, bufio.NewReaderSize(nc, 16<<10)
	}
	c.out = append(c.out[:0], c.head...)
	if c.withKey {
		c.out = append(c.out, "Idempotency-Key: "...)
		c.out = append(c.out, keys.next()...)
		c.out = append(c.out, "\r\n"...)
	}
	c.out = append(c.out, "\r\n"...)
	c.out = append(c.out, c.body...)
	if _, err := c.c.Write(c.out); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return 0, fmt.Errorf("read the answer: %w", err)
	}
	if resp.Close {
		c.close() // the server ends the connection: dial again next time
	}
	return resp.StatusCode, nil
}
