package main

import (
	"strings"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/internal/loadgen"
)

// result is a run of n requests in elapsed, all at latency, with bad of
// them answered 503.
func result(n, bad int, elapsed, latency time.Duration) *loadgen.Result {
	r := &loadgen.Result{Requests: n, Status: map[int]int{200: n - bad, 503: bad}, Elapsed: elapsed}
	for range n {
		r.Latencies = append(r.Latencies, latency)
	}
	return r
}

// The table gives each cell's medians over its rounds, its CPU per request
// and its non-2xx count summed, then the sandbox's ratios to the floor and
// to Prism, paired by round.
func TestTableMediansAndRatios(t *testing.T) {
	cells := []*cell{
		{server: sandboxName, endpoint: "GET /x", conns: 64, rounds: []*loadgen.Result{
			result(1000, 0, time.Second, time.Millisecond),
			result(3000, 0, time.Second, 3*time.Millisecond),
			result(2000, 1, time.Second, 2*time.Millisecond),
		}, cpu: []time.Duration{100 * time.Millisecond, 300 * time.Millisecond, 200 * time.Millisecond}},
		{server: floorName, endpoint: "GET /x", conns: 64, rounds: []*loadgen.Result{
			result(2000, 0, time.Second, 500*time.Microsecond),
			result(4000, 0, time.Second, time.Millisecond),
			result(4000, 0, time.Second, 1500*time.Microsecond),
		}, cpu: []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 200 * time.Millisecond}},
		{server: prismName, endpoint: "GET /x", conns: 64, rounds: []*loadgen.Result{
			result(100, 0, time.Second, 20*time.Millisecond),
			result(200, 0, time.Second, 30*time.Millisecond),
			result(300, 0, time.Second, 10*time.Millisecond),
		}},
	}
	got := table(cells)
	for _, want := range []string{
		"Medians of 3 rounds.",
		// 600 ms of CPU for 6000 requests; 500 ms for 10,000.
		"| sandbox | GET /x | 64 | 2000 | 2.00 ms | 2.00 ms | 100.0 µs | 1 / 6000 |",
		"| floor | GET /x | 64 | 4000 | 1.00 ms | 1.00 ms | 50.0 µs | 0 / 10000 |",
		"| prism | GET /x | 64 | 200 | 20.00 ms | 20.00 ms | n/a | 0 / 600 |",
		// Rounds paired: 1000/2000, 3000/4000, 2000/4000 and 1000/100,
		// 3000/200, 2000/300.
		"| GET /x | 64 | **0.50×** (0.50, 0.75, 0.50) | 2.00× | 2.00× | **10.0×** (10.00, 15.00, 6.67) | 10.00× |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the table lacks %q:\n%s", want, got)
		}
	}
	if n := non2xx(cells); n != 1 {
		t.Errorf("non2xx = %d, want 1", n)
	}
}

// Without Prism the table still gives the sandbox against the floor, and
// n/a where Prism's figures would be.
func TestTableWithoutPrism(t *testing.T) {
	cells := []*cell{
		{server: sandboxName, endpoint: "GET /x", conns: 1, rounds: []*loadgen.Result{result(900, 0, time.Second, time.Millisecond)}},
		{server: floorName, endpoint: "GET /x", conns: 1, rounds: []*loadgen.Result{result(1000, 0, time.Second, time.Millisecond)}},
	}
	want := "| GET /x | 1 | **0.90×** (0.90) | 1.00× | n/a | **n/a** () | n/a |"
	if got := table(cells); !strings.Contains(got, want) {
		t.Errorf("the table lacks %q:\n%s", want, got)
	}
}

func TestRatio(t *testing.T) {
	if got := ratio(1, 0); got != "n/a" {
		t.Errorf("ratio(1, 0) = %q", got)
	}
	if got := ratio(7, 2); got != "3.50×" {
		t.Errorf("ratio(7, 2) = %q", got)
	}
}

// The quote's body is the spec's example of QuoteRequest.
func TestQuoteExample(t *testing.T) {
	body, err := quoteExample(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), `"trip_type":"single_trip"`) || !strings.Contains(string(body), `"travellers"`) {
		t.Errorf("quote example: %s", body)
	}
}

// The soak's report compares the memory at the end with the memory after
// the first minute, not with the first sample.
func TestSoakReport(t *testing.T) {
	r := &soakResult{conns: 64, duration: 2 * time.Minute, result: result(1200, 0, 2*time.Minute, time.Millisecond), samples: []rssSample{
		{at: 30 * time.Second, rss: 10 << 20},
		{at: 60 * time.Second, rss: 20 << 20},
		{at: 90 * time.Second, rss: 21 << 20},
		{at: 120 * time.Second, rss: 22 << 20},
	}}
	got := r.String()
	for _, want := range []string{
		"Soak: 2m0s of POST /travel/v1/quotes at 64 connections: 1200 requests, 10 req/s, non-2xx 0.",
		"RSS: 30s 10.0 MiB, 1m0s 20.0 MiB, 1m30s 21.0 MiB, 2m0s 22.0 MiB.",
		"RSS at the end / RSS after 1m0s: 22.0 MiB / 20.0 MiB = 1.10×",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the report lacks %q:\n%s", want, got)
		}
	}
}
