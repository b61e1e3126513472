package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/axa-assistance-go/axa/internal/loadgen"
)

// soakResult is a long run of one request against the sandbox alone, with
// its resident memory sampled along the way.
type soakResult struct {
	conns    int
	duration time.Duration
	result   *loadgen.Result
	samples  []rssSample
}

// rssSample is the server's resident set size at a time into the run.
type rssSample struct {
	at  time.Duration
	rss int64
}

// soakFirst is when the soak's reference sample is taken: memory at the
// end is compared with memory then, once caches and pools have filled.
const soakFirst = time.Minute

// soakRun sends req to s for d over conns connections, sampling the
// process's RSS every 10 s.
func soakRun(ctx context.Context, s *server, req loadgen.Request, conns int, d time.Duration) (*soakResult, error) {
	out := &soakResult{conns: conns, duration: d}
	done := make(chan struct{})
	var res *loadgen.Result
	var runErr error
	go func() {
		defer close(done)
		res, runErr = loadgen.Run(ctx, req, loadgen.Config{Conns: conns, Duration: d})
	}()
	start := time.Now()
	tick := time.NewTicker(10 * time.Second)
	defer tick.Stop()
	sample := func() {
		if rss, ok := processRSS(s.cmd.Process.Pid); ok {
			out.samples = append(out.samples, rssSample{at: time.Since(start).Round(time.Second), rss: rss})
		}
	}
	for {
		select {
		case <-tick.C:
			sample()
		case <-done:
			sample()
			if runErr != nil {
				return nil, runErr
			}
			out.result = res
			return out, nil
		}
	}
}

// String reports the soak: throughput, non-2xx answers, the RSS samples,
// and the RSS at the end against the RSS after the first minute.
func (r *soakResult) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nSoak: %s of %s at %d connections: %d requests, %.0f req/s, non-2xx %d.\n",
		r.duration, "POST /travel/v1/quotes", r.conns, r.result.Requests, r.result.PerSecond(), r.result.Non2xx())
	var first, last *rssSample
	var each []string
	for i := range r.samples {
		s := &r.samples[i]
		each = append(each, s.at.String()+" "+mib(s.rss))
		if first == nil && s.at >= soakFirst {
			first = s
		}
		last = s
	}
	fmt.Fprintf(&b, "RSS: %s.\n", strings.Join(each, ", "))
	if first != nil && last != nil && first != last {
		fmt.Fprintf(&b, "RSS at the end / RSS after %s: %s / %s = %s×\n", first.at, mib(last.rss), mib(first.rss),
			strconv.FormatFloat(float64(last.rss)/float64(first.rss), 'f', 2, 64))
	}
	return b.String()
}

// mib prints bytes in MiB.
func mib(n int64) string { return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB" }
