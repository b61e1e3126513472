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

// The table gives each cell's medians over its rounds and its non-2xx
// count summed, then the ratios of each endpoint and connection count.
func TestTableMediansAndRatios(t *testing.T) {
	cells := []*cell{
		{server: "sandbox", endpoint: "GET /x", conns: 64, rounds: []*loadgen.Result{
			result(1000, 0, time.Second, time.Millisecond),
			result(3000, 0, time.Second, 3*time.Millisecond),
			result(2000, 1, time.Second, 2*time.Millisecond),
		}},
		{server: "prism", endpoint: "GET /x", conns: 64, rounds: []*loadgen.Result{
			result(100, 0, time.Second, 20*time.Millisecond),
			result(200, 0, time.Second, 30*time.Millisecond),
			result(300, 0, time.Second, 10*time.Millisecond),
		}},
	}
	got := table(cells)
	for _, want := range []string{
		"Medians of 3 rounds.",
		"| sandbox | GET /x | 64 | 2000 | 2.00 ms | 2.00 ms | 1 / 6000 |",
		"| prism | GET /x | 64 | 200 | 20.00 ms | 20.00 ms | 0 / 600 |",
		// Rounds paired: 1000/100, 3000/200, 2000/300.
		"| GET /x | 64 | **10.0×** | 10.0× (10.0, 15.0, 6.7) | **10.0×** |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the table lacks %q:\n%s", want, got)
		}
	}
	if n := sandboxNon2xx(cells); n != 1 {
		t.Errorf("sandboxNon2xx = %d, want 1", n)
	}
}

func TestRatio(t *testing.T) {
	if got := ratio(1, 0); got != "n/a" {
		t.Errorf("ratio(1, 0) = %q", got)
	}
	if got := ratio(7, 2); got != "3.5×" {
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
