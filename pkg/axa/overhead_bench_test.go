package axa_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/axa"
)

// BenchmarkOverhead measures what the SDK adds to a call where nothing else
// hides it: the server answers precomputed bytes (no sandbox work, no
// validation, no JWT check), so the time and allocations left are the
// client's. Each case compares the SDK's method ("sdk") with the
// hand-written net/http + encoding/json code a program without the SDK
// would have ("raw", getByHand): the same kind of keep-alive transport, the
// same bearer header, decoded into the same types. The canned answers are
// the sandbox's own, taken once at set-up: one country
// (/travel/v1/countries/fr, GetCountry) and the 249-country list
// (/travel/v1/countries, ListCountries). The token endpoint answers once,
// before the clock starts (the SDK caches the token). "paired" runs both,
// call after call, and reports the ratio of their median times
// (pairedLoop): the figure to read on a shared machine. "paired-observed"
// is paired with an Observer (WithObserver) told of each call and attempt.
func BenchmarkOverhead(b *testing.B) {
	canned, tokenHits := cannedServer(b)
	ctx := b.Context()

	b.Run("GetCountry/paired", func(b *testing.B) {
		hc := &http.Client{Transport: benchTransport(b, 1)}
		bearer := "Bearer " + benchToken(b, hc, canned, string(gen.ScopeTravelCountriesReadOnly))
		endpoint := canned + "/travel/v1/countries/fr"
		client := benchClient(b, canned, benchTransport(b, 1))
		pairedLoop(b, tokenHits,
			func() error { _, err := getByHand[axa.CountryDetail](ctx, hc, endpoint, bearer); return err },
			func() error { _, err := client.GetCountry(ctx, "fr", nil); return err })
	})
	b.Run("ListCountries/paired", func(b *testing.B) {
		hc := &http.Client{Transport: benchTransport(b, 1)}
		bearer := "Bearer " + benchToken(b, hc, canned, string(gen.ScopeTravelCountriesReadOnly))
		endpoint := canned + "/travel/v1/countries"
		client := benchClient(b, canned, benchTransport(b, 1))
		pairedLoop(b, tokenHits,
			func() error { _, err := getByHand[axa.CountryList](ctx, hc, endpoint, bearer); return err },
			func() error { _, err := client.ListCountries(ctx, nil); return err })
	})
	b.Run("GetCountry/paired-observed", func(b *testing.B) {
		// paired, with an Observer told every hook of each call (one that
		// counts them): what the hook costs when used. Without one, the
		// paired cases above measure it unused.
		hc := &http.Client{Transport: benchTransport(b, 1)}
		bearer := "Bearer " + benchToken(b, hc, canned, string(gen.ScopeTravelCountriesReadOnly))
		endpoint := canned + "/travel/v1/countries/fr"
		var told atomic.Int64
		count := func(ctx context.Context) context.Context { told.Add(1); return ctx }
		client := benchClient(b, canned, benchTransport(b, 1), axa.WithObserver(axa.Observer{
			CallStart:    func(ctx context.Context, _ axa.CallStartInfo) context.Context { return count(ctx) },
			CallEnd:      func(ctx context.Context, _ axa.CallEndInfo) { count(ctx) },
			AttemptStart: func(ctx context.Context, _ *axa.AttemptStartInfo) context.Context { return count(ctx) },
			AttemptEnd:   func(ctx context.Context, _ axa.AttemptEndInfo) { count(ctx) },
		}))
		pairedLoop(b, tokenHits,
			func() error { _, err := getByHand[axa.CountryDetail](ctx, hc, endpoint, bearer); return err },
			func() error { _, err := client.GetCountry(ctx, "fr", nil); return err })
		if told.Load() == 0 {
			b.Error("the observer was told nothing")
		}
	})
	b.Run("GetCountry/raw", func(b *testing.B) {
		hc := &http.Client{Transport: benchTransport(b, 1)}
		bearer := "Bearer " + benchToken(b, hc, canned, string(gen.ScopeTravelCountriesReadOnly))
		endpoint := canned + "/travel/v1/countries/fr"
		benchLoop(b, tokenHits, func() error {
			d, err := getByHand[axa.CountryDetail](ctx, hc, endpoint, bearer)
			if err == nil && d.ID != "fr" {
				err = fmt.Errorf("raw: country %q, want fr", d.ID)
			}
			return err
		})
	})
	b.Run("GetCountry/sdk", func(b *testing.B) {
		client := benchClient(b, canned, benchTransport(b, 1))
		benchLoop(b, tokenHits, func() error {
			d, err := client.GetCountry(ctx, "fr", nil)
			if err == nil && d.ID != "fr" {
				err = fmt.Errorf("sdk: country %q, want fr", d.ID)
			}
			return err
		})
	})
	b.Run("ListCountries/raw", func(b *testing.B) {
		hc := &http.Client{Transport: benchTransport(b, 1)}
		bearer := "Bearer " + benchToken(b, hc, canned, string(gen.ScopeTravelCountriesReadOnly))
		endpoint := canned + "/travel/v1/countries"
		benchLoop(b, tokenHits, func() error {
			list, err := getByHand[axa.CountryList](ctx, hc, endpoint, bearer)
			if err == nil && len(*list) != 249 {
				err = fmt.Errorf("raw: %d countries, want 249", len(*list))
			}
			return err
		})
	})
	b.Run("ListCountries/sdk", func(b *testing.B) {
		client := benchClient(b, canned, benchTransport(b, 1))
		benchLoop(b, tokenHits, func() error {
			list, err := client.ListCountries(ctx, nil)
			if err == nil && len(list) != 249 {
				err = fmt.Errorf("sdk: %d countries, want 249", len(list))
			}
			return err
		})
	})
}

// benchLoop runs call once before the clock starts (which fetches and
// caches a token, and checks the answer), then in the benchmark's loop,
// reporting allocations and cpu-µs/op: the CPU time (user and system) the
// process used per call, client and server together, which other programs
// on the machine disturb less than the wall time. It fails when the loop
// made token requests (tokenHits counts them): the SDK's token is cached.
func benchLoop(b *testing.B, tokenHits *atomic.Int64, call func() error) {
	b.Helper()
	if err := call(); err != nil {
		b.Fatal(err)
	}
	hits := tokenHits.Load()
	defer func() {
		if n := tokenHits.Load() - hits; n != 0 {
			b.Errorf("%d token requests during the loop, want none", n)
		}
	}()
	b.ReportAllocs()
	cpuStart, cpuOK := processCPU()
	n := 0
	for b.Loop() {
		if err := call(); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if cpuEnd, ok := processCPU(); cpuOK && ok && n > 0 {
		b.ReportMetric(float64(cpuEnd-cpuStart)/float64(time.Microsecond)/float64(n), "cpu-µs/op")
	}
}

// pairedLoop times raw and sdk call by call, one of each per iteration
// (in alternating order), and reports the median time of a call of each,
// raw-µs and sdk-µs, and their ratio, sdk/raw. Both run under the same
// background load, microseconds apart, so the ratio holds on a busy
// machine where those of separate benchmarks (raw, sdk) scatter. ns/op is
// the time of the pair.
func pairedLoop(b *testing.B, tokenHits *atomic.Int64, raw, sdk func() error) {
	b.Helper()
	for _, call := range []func() error{raw, sdk} {
		if err := call(); err != nil {
			b.Fatal(err)
		}
	}
	hits := tokenHits.Load()
	var rawTimes, sdkTimes []time.Duration
	timed := func(call func() error, into *[]time.Duration) {
		start := time.Now()
		if err := call(); err != nil {
			b.Fatal(err)
		}
		*into = append(*into, time.Since(start))
	}
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			timed(raw, &rawTimes)
			timed(sdk, &sdkTimes)
		} else {
			timed(sdk, &sdkTimes)
			timed(raw, &rawTimes)
		}
	}
	if n := tokenHits.Load() - hits; n != 0 {
		b.Errorf("%d token requests during the loop, want none", n)
	}
	rawMedian, sdkMedian := median(rawTimes), median(sdkTimes)
	if rawMedian > 0 {
		b.ReportMetric(float64(rawMedian)/float64(time.Microsecond), "raw-µs")
		b.ReportMetric(float64(sdkMedian)/float64(time.Microsecond), "sdk-µs")
		b.ReportMetric(float64(sdkMedian)/float64(rawMedian), "sdk/raw")
	}
}

// median returns the median of ds (which it sorts), 0 for none.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// cannedAnswer is a response recorded from the sandbox, served as it is.
type cannedAnswer struct {
	header http.Header
	body   []byte
}

// cannedServer records the sandbox's answers to GET /travel/v1/countries/fr
// and GET /travel/v1/countries, then serves them (and a token response)
// from memory on loopback: the handler copies precomputed headers and
// writes precomputed bytes. It returns the server's URL and the count of
// token requests.
func cannedServer(b *testing.B) (string, *atomic.Int64) {
	b.Helper()
	sandboxURL := benchServer(b, nil)
	hc := &http.Client{Transport: benchTransport(b, 1)}
	bearer := "Bearer " + benchToken(b, hc, sandboxURL, string(gen.ScopeTravelCountriesReadOnly))
	answers := map[string]cannedAnswer{}
	for _, path := range []string{"/travel/v1/countries/fr", "/travel/v1/countries"} {
		answers[path] = record(b, hc, sandboxURL+path, bearer)
	}
	token, err := json.Marshal(map[string]any{
		"access_token": "canned-token", "token_type": "Bearer", "expires_in": 3600,
		"scope": string(gen.ScopeTravelCountriesReadOnly),
	})
	if err != nil {
		b.Fatal(err)
	}
	answers["/auth/v1/token"] = cannedAnswer{
		header: http.Header{"Content-Type": {"application/json"}, "Content-Length": {strconv.Itoa(len(token))}, "Cache-Control": {"no-store"}},
		body:   token,
	}
	tokenHits := &atomic.Int64{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := answers[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.URL.Path == "/auth/v1/token" {
			tokenHits.Add(1)
		}
		h := w.Header()
		for k, v := range a.header {
			h[k] = v
		}
		_, _ = w.Write(a.body)
	}))
	b.Cleanup(srv.Close)
	return srv.URL, tokenHits
}

// record gets url with the bearer header and returns the answer's body and
// headers (but Date, which the canned server sets itself).
func record(b *testing.B, hc *http.Client, url, bearer string) cannedAnswer {
	b.Helper()
	req, err := http.NewRequestWithContext(b.Context(), http.MethodGet, url, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", bearer)
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %d, %v", url, resp.StatusCode, err)
	}
	h := resp.Header.Clone()
	h.Del("Date")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	return cannedAnswer{header: h, body: body}
}

// getByHand is the hand-written baseline of the SDK benchmarks: a plain
// net/http GET with a bearer token, decoded with encoding/json into T. It
// decodes with json.NewDecoder on the body, the idiomatic way to read a
// JSON response (no copy of the whole body first), then reads what is left
// so that the connection serves the next request.
func getByHand[T any](ctx context.Context, hc *http.Client, endpoint, bearer string) (*T, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", bearer)
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", endpoint, resp.Status)
	}
	var v T
	err = json.NewDecoder(resp.Body).Decode(&v)
	_, _ = io.Copy(io.Discard, resp.Body)
	if err != nil {
		return nil, err
	}
	return &v, nil
}
