package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/loadgen"
	"github.com/axa-assistance-go/axa/pkg/sandbox/data"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
	"github.com/axa-assistance-go/axa/pkg/sandbox/oauth"
	"github.com/axa-assistance-go/axa/pkg/sandbox/validate"
)

// The benchmarks of this file measure the sandbox: its throughput and
// latency over loopback (BenchmarkSandboxThroughput), and in process the
// parts of one request, so that the cost of JWT verification
// (BenchmarkVerifyJWT) and of spec validation (BenchmarkValidateRequest)
// can be read against the resource handler alone (BenchmarkHandlerOnly, in
// package resources) and the whole chain (BenchmarkFullChain). See
// BENCHMARKS.md.

// benchEnv is a sandbox without rate limit (unless opts set one), an
// access token carrying every scope, and the pieces of its handler chain.
type benchEnv struct {
	sb        *Sandbox
	token     string
	claims    *reqctx.Claims
	quoteBody []byte
}

func newBenchEnv(b *testing.B, opts ...Option) *benchEnv {
	b.Helper()
	sb, err := New(append([]Option{WithRateLimit(0, 0)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	tok, err := sb.auth.Issue(DefaultClientID, "", oauth.AllScopes(), time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	c, err := sb.auth.Verify(tok)
	if err != nil {
		b.Fatal(err)
	}
	// The validator and the data set's countries are made on first use:
	// make them now, before any benchmark's clock starts.
	warm := httptest.NewRequestWithContext(b.Context(), http.MethodGet, "/travel/v1/countries/fr", nil)
	warm.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	sb.ServeHTTP(rec, warm)
	if rec.Code != http.StatusOK {
		b.Fatalf("warming up: GET /travel/v1/countries/fr: %d %s", rec.Code, rec.Body)
	}
	start := time.Now().UTC().AddDate(0, 0, 30)
	body, err := json.Marshal(gen.QuoteRequest{
		TripType:             gen.TripTypeSingleTrip,
		OriginCountry:        "fr",
		DestinationCountries: []gen.CountryID{"jp"},
		StartDate:            openapi_types.Date{Time: start},
		EndDate:              openapi_types.Date{Time: start.AddDate(0, 0, 14)},
		Travellers:           []gen.Traveller{{BirthDate: openapi_types.Date{Time: time.Date(1985, 4, 12, 0, 0, 0, 0, time.UTC)}}},
		PlanCode:             gen.PlanCodeComfort,
	})
	if err != nil {
		b.Fatal(err)
	}
	return &benchEnv{sb: sb, token: tok, claims: c, quoteBody: body}
}

// benchKeys makes Idempotency-Keys unique within the test binary, so that
// every quote is priced and stored rather than replayed.
var benchKeys atomic.Int64

func benchKey() string { return "bench-" + strconv.FormatInt(benchKeys.Add(1), 10) }

// benchOp is one operation the benchmarks call, with the status it must
// answer.
type benchOp struct {
	name   string
	method string
	path   string
	status int
	body   bool // a JSON quote request, with a fresh Idempotency-Key
}

var benchOps = []benchOp{
	{name: "getCountry", method: http.MethodGet, path: "/travel/v1/countries/fr", status: http.StatusOK},
	{name: "requestQuote", method: http.MethodPost, path: "/travel/v1/quotes", status: http.StatusCreated, body: true},
}

// request builds op's request for an in-process handler, with its
// Idempotency-Key when it has one.
func (e *benchEnv) request(ctx context.Context, op benchOp) (*http.Request, string) {
	var body io.Reader
	if op.body {
		body = bytes.NewReader(e.quoteBody)
	}
	r := httptest.NewRequestWithContext(ctx, op.method, op.path, body)
	return r, e.setHeaders(r, op)
}

// setHeaders sets the headers of op's request and returns its
// Idempotency-Key, empty when it needs none.
func (e *benchEnv) setHeaders(r *http.Request, op benchOp) string {
	r.Header.Set("Authorization", "Bearer "+e.token)
	r.Header.Set("Accept", "application/json")
	if !op.body {
		return ""
	}
	key := benchKey()
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Idempotency-Key", key)
	return key
}

// forget empties the store once a request with an Idempotency-Key is
// answered, so that it stays as small as it started and the figures do not
// depend on b.N or on what ran before (see resources' BenchmarkQuoteStoreSize
// for the cost of a full store).
func (e *benchEnv) forget(key string) {
	if key != "" {
		e.sb.res.Reset()
	}
}

// serveBench runs h on op's request b.N times and checks each status;
// with c, the requests carry c as their verified token.
func (e *benchEnv) serveBench(b *testing.B, op benchOp, status int, h http.Handler, c *reqctx.Claims) {
	b.Helper()
	ctx := b.Context()
	if c != nil {
		ctx = reqctx.WithClaims(ctx, c)
	}
	if op.body {
		e.sb.res.Reset()
	}
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		r, key := e.request(ctx, op)
		h.ServeHTTP(w, r)
		if w.Code != status {
			b.Fatalf("%s %s: %d %s", op.method, op.path, w.Code, w.Body)
		}
		e.forget(key)
	}
}

// BenchmarkNew is the making of a default sandbox, which the axa command
// does on every run without credentials (see BenchmarkColdStart in
// internal/cli), and two of its parts: generating the data set and loading
// the spec (which the validator does once).
func BenchmarkNew(b *testing.B) {
	b.Run("sandbox", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sb, err := New()
			if err != nil {
				b.Fatal(err)
			}
			// New makes the validator in the background: wait for it, as
			// the first API request does.
			if err := sb.Ready(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("dataset", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			data.NewDataset(1)
		}
	})
	b.Run("spec", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := api.Load(b.Context()); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkVerifyJWT is the check of one access token as the validator
// does it for every request: Verify of a token seen before, so a digest, a
// cache lookup and the revocation check. The signer's full check (EdDSA
// signature, expiry, issuer, audience), which each distinct token costs
// once, is BenchmarkSignatureCheck in package oauth.
func BenchmarkVerifyJWT(b *testing.B) {
	e := newBenchEnv(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.sb.auth.Verify(e.token); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateRequest is the spec validator alone: route lookup,
// bearer token (BenchmarkVerifyJWT) and scopes, parameters and body, in
// front of a handler that does nothing.
func BenchmarkValidateRequest(b *testing.B) {
	e := newBenchEnv(b)
	v, err := validate.New(validate.Config{Verifier: e.sb.auth, MaxBody: e.sb.cfg.maxBody},
		http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	if err != nil {
		b.Fatal(err)
	}
	for _, op := range benchOps {
		b.Run(op.name, func(b *testing.B) { e.serveBench(b, op, http.StatusNoContent, v, nil) })
	}
}

// BenchmarkFullChain is the whole sandbox in process: access log, mux,
// validator and handler, as a request over the network meets them, minus
// the network. The other benchmarks turn the rate limiter off;
// "limiter/getCountry" has it on, with a limit never reached, to show its
// cost (it keys clients on their verified token, which it leaves in the
// request's state for the validator).
func BenchmarkFullChain(b *testing.B) {
	e := newBenchEnv(b)
	for _, op := range benchOps {
		b.Run(op.name, func(b *testing.B) { e.serveBench(b, op, op.status, e.sb, nil) })
	}
	limited := newBenchEnv(b, WithRateLimit(1e9, 1<<30))
	b.Run("limiter/"+benchOps[0].name, func(b *testing.B) {
		limited.serveBench(b, benchOps[0], benchOps[0].status, limited.sb, nil)
	})
}

// BenchmarkSandboxThroughput sends authenticated requests to a sandbox on
// loopback over 1 and 64 keep-alive connections (one goroutine per
// connection) and reports requests per second and the p50 and p99 latency
// of one request as the client sees it. Client and server share the
// machine's 2 cores, and B/op and allocs/op count both.
func BenchmarkSandboxThroughput(b *testing.B) { serveThroughput(b) }

// serveThroughput starts a sandbox of opts on loopback and measures each
// of benchOps at 1 and 64 connections. Its issuer is explicit, so that
// Start keeps the one of the token made before it listens.
func serveThroughput(b *testing.B, opts ...Option) {
	e := newBenchEnv(b, append([]Option{WithIssuer("http://127.0.0.1")}, opts...)...)
	srv, err := e.sb.Start("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	for _, op := range benchOps {
		for _, conns := range []int{1, 64} {
			b.Run(op.name+"/conns="+strconv.Itoa(conns), func(b *testing.B) {
				e.throughput(b, srv.URL(), op, conns)
			})
		}
	}
}

func (e *benchEnv) throughput(b *testing.B, base string, op benchOp, conns int) {
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	ctx := b.Context()
	send := func() error {
		var body io.Reader
		if op.body {
			body = bytes.NewReader(e.quoteBody)
		}
		req, err := http.NewRequestWithContext(ctx, op.method, base+op.path, body)
		if err != nil {
			return err
		}
		key := e.setHeaders(req, op)
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		defer e.forget(key)
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return err
		}
		if resp.StatusCode != op.status {
			return &benchStatusError{got: resp.StatusCode, want: op.status}
		}
		return nil
	}
	if op.body {
		e.sb.res.Reset()
	}
	// Open the connections before the clock starts.
	var warm sync.WaitGroup
	for range conns {
		warm.Go(func() { _ = send() })
	}
	warm.Wait()

	workers := min(conns, b.N)
	lat := make([][]time.Duration, workers)
	var next atomic.Int64
	var firstErr error
	var errOnce sync.Once
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			own := make([]time.Duration, 0, b.N/workers+1)
			for next.Add(1) <= int64(b.N) {
				t0 := time.Now()
				err := send()
				own = append(own, time.Since(t0))
				if err != nil {
					errOnce.Do(func() { firstErr = err })
				}
			}
			lat[w] = own
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if firstErr != nil {
		b.Fatalf("%s %s: %v", op.method, op.path, firstErr)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(loadgen.Percentile(all, 50))/float64(time.Microsecond), "p50-µs")
	b.ReportMetric(float64(loadgen.Percentile(all, 99))/float64(time.Microsecond), "p99-µs")
}

// benchStatusError is an answer with an unexpected status.
type benchStatusError struct{ got, want int }

func (e *benchStatusError) Error() string {
	return "status " + strconv.Itoa(e.got) + ", want " + strconv.Itoa(e.want)
}
