package axatest_test

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/axatest"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// recTB is a testing.TB whose Errorf and Fatalf are recorded instead of
// failing the test, so that a test can assert what axatest reports.
type recTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recTB) Helper() {}

func (r *recTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recTB) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	r.FailNow()
}

func (r *recTB) reports() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errs...)
}

// An injected fault is an answer the API may give (503, 500, 429 with
// Retry-After, at the token endpoint too): the spec check lets it through,
// and the SDK sees the error.
func TestInjectedFaultsPassTheSpecCheck(t *testing.T) {
	rec := &recTB{TB: t}
	env := axatest.New(rec,
		sandbox.WithFault("listCountries", sandbox.Fault{ErrorRate: 1}),
		sandbox.WithFault("getCountry", sandbox.Fault{ErrorRate: 1, Status: http.StatusInternalServerError}),
		sandbox.WithFault("listAlerts", sandbox.Fault{TooManyRequests: 1000, RetryAfter: time.Hour}),
		sandbox.WithFault("getVersion", sandbox.Fault{Latency: time.Millisecond}),
		sandbox.WithFault(sandbox.FaultToken, sandbox.Fault{TooManyRequests: 1, RetryAfter: time.Millisecond}),
	)
	ctx := t.Context()
	noRetry := axa.WithMaxRetries(0)
	if _, err := env.Client.ListCountries(ctx, nil, noRetry); err == nil {
		t.Error("listCountries with a 503 fault: no error")
	}
	if _, err := env.Client.GetCountry(ctx, "fr", nil, noRetry); err == nil {
		t.Error("getCountry with a 500 fault: no error")
	}
	if _, err := env.Client.ListAlerts(ctx, nil, noRetry); !errors.Is(err, axa.ErrRateLimited) {
		t.Errorf("listAlerts with a 429 fault: %v, want ErrRateLimited", err)
	}
	if _, err := env.Client.GetVersion(ctx); err != nil {
		t.Errorf("getVersion with latency: %v", err)
	}
	if r := rec.reports(); len(r) > 0 {
		t.Errorf("the spec check reported injected faults the API may answer:\n%s", strings.Join(r, "\n"))
	}
}

// A fault the spec does not allow (a status no operation documents) fails
// the test, and the report names the operation, where (status), what the
// spec expects and what came.
func TestUndocumentedFaultFailsTheSpecCheckNamingTheOperation(t *testing.T) {
	rec := &recTB{TB: t}
	env := axatest.New(rec, sandbox.WithFault("getCountry", sandbox.Fault{ErrorRate: 1, Status: http.StatusTeapot}))
	if _, err := env.Client.GetCountry(t.Context(), "fr", nil, axa.WithMaxRetries(0)); err == nil {
		t.Fatal("getCountry with a 418 fault: no error")
	}
	r := rec.reports()
	if len(r) != 1 {
		t.Fatalf("reports = %q, want one", r)
	}
	for _, want := range []string{"getCountry", "GET /travel/v1/countries/fr", "status", "expected one of the statuses", "got 418"} {
		if !strings.Contains(r[0], want) {
			t.Errorf("report %q does not contain %q", r[0], want)
		}
	}
}

// The sandbox's rate limit answers 429 with Retry-After, which the spec
// allows for the API and for the token endpoint alike.
func TestRateLimitedAnswersPassTheSpecCheck(t *testing.T) {
	rec := &recTB{TB: t}
	env := axatest.New(rec, sandbox.WithRateLimit(0.001, 2)) // two requests: a token and one call
	ctx := t.Context()
	if _, err := env.Client.ListCountries(ctx, nil, axa.WithMaxRetries(0)); err != nil {
		t.Fatalf("first call: %v", err)
	}
	if _, err := env.Client.ListCountries(ctx, nil, axa.WithMaxRetries(0)); !errors.Is(err, axa.ErrRateLimited) {
		t.Errorf("second call: %v, want ErrRateLimited", err)
	}
	other := env.NewClient(axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret))
	if _, err := other.GetCountry(ctx, "fr", nil, axa.WithMaxRetries(0)); err == nil {
		t.Error("a third request (a token request, rate limited): no error")
	}
	if r := rec.reports(); len(r) > 0 {
		t.Errorf("the spec check reported rate-limited answers:\n%s", strings.Join(r, "\n"))
	}
}

// WithClock moves the sandbox's clock: tokens it issues and the answers
// that depend on the date still work through axatest's client.
func TestWithClock(t *testing.T) {
	for _, at := range []time.Time{
		time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Now().Add(48 * time.Hour),
	} {
		env := axatest.New(t, sandbox.WithClock(func() time.Time { return at }))
		if _, err := env.Client.ListAlerts(t.Context(), nil); err != nil {
			t.Errorf("clock %v: listAlerts: %v", at, err)
		}
	}
}

// WithClient adds a client: NewClient gets a working client for it, and the
// default client still works beside it.
func TestWithClientAndNewClient(t *testing.T) {
	env := axatest.New(t, sandbox.WithClient(sandbox.Client{
		ID: "partner", Secret: "partner-secret", Scopes: []string{axa.ScopeCountries},
	}))
	partner := env.NewClient(axa.WithClientCredentials("partner", "partner-secret"))
	if _, err := partner.ListCountries(t.Context(), nil); err != nil {
		t.Errorf("partner: %v", err)
	}
	if _, err := partner.ListAlerts(t.Context(), nil, axa.WithMaxRetries(0)); err == nil {
		t.Error("partner without the alerts scope: listAlerts answered")
	}
	if _, err := env.Client.ListAlerts(t.Context(), nil); err != nil {
		t.Errorf("default client: %v", err)
	}
}

// Two environments in parallel subtests share nothing: their own ports,
// signing keys (one's token is refused by the other) and stores.
func TestTwoEnvironmentsInParallelDoNotInterfere(t *testing.T) {
	var envs [2]*axatest.Env
	var started, checked sync.WaitGroup
	started.Add(2)
	checked.Add(2)
	for i := range 2 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			defer func() {
				checked.Done()
				checked.Wait() // neither ends before the other has used it
			}()
			var once sync.Once
			defer once.Do(started.Done) // a failed New does not hang the other
			env := axatest.New(t)
			envs[i] = env
			once.Do(started.Done)
			started.Wait() // both alive together
			if _, err := env.Client.ListCountries(t.Context(), nil); err != nil {
				t.Error(err)
			}
			other := envs[1-i]
			if other == nil {
				t.Fatal("the other environment did not start")
			}
			if other.URL == env.URL {
				t.Errorf("both environments at %s", env.URL)
			}
			tok, err := env.Client.Token(t.Context(), axa.ScopeCountries)
			if err != nil {
				t.Error(err)
				return
			}
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, other.URL+"/travel/v1/countries", nil)
			if err != nil {
				t.Error(err)
				return
			}
			req.Header.Set("Authorization", "Bearer "+tok.AccessToken())
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("one environment's token at the other: %d, want 401", resp.StatusCode)
			}
		})
	}
}

// New works in a benchmark, and stops with it.
func TestNewInABenchmark(t *testing.T) {
	var url string
	res := testing.Benchmark(func(b *testing.B) {
		env := axatest.New(b)
		url = env.URL
		for b.Loop() {
			if _, err := env.Client.GetVersion(b.Context()); err != nil {
				b.Fatal(err)
			}
		}
	})
	if res.N == 0 {
		t.Fatal("the benchmark did not run")
	}
	assertStopped(t, url)
}

// assertStopped fails t if something still listens at url's address.
func assertStopped(t *testing.T, url string) {
	t.Helper()
	addr := strings.TrimPrefix(url, "http://")
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		_ = c.Close()
		t.Errorf("%s still listens after the test ended", addr)
	}
}

// A test that fails with t.Fatal midway still stops the sandbox and the
// client: no goroutine is left (goleak), nothing listens on the port. It
// runs in a child process, since the failing test must fail.
func TestCleanupAfterFatalMidway(t *testing.T) {
	if os.Getenv("AXATEST_FATAL_CHILD") == "1" {
		var url string
		t.Cleanup(func() { // registered first: runs after axatest's
			assertStopped(t, url)
			goleak.VerifyNone(t, goleak.IgnoreCurrent())
		})
		env := axatest.New(t, sandbox.WithFault("listAlerts", sandbox.Fault{Latency: time.Hour}))
		url = env.URL
		if _, err := env.Client.ListCountries(t.Context(), nil); err != nil {
			t.Error(err)
		}
		go func() { _, _ = env.Client.ListAlerts(t.Context(), nil) }() // in flight at the end
		t.Fatal("midway")
	}
	if testing.Short() {
		t.Skip("runs a child test process")
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestCleanupAfterFatalMidway$", "-test.v")
	cmd.Env = append(os.Environ(), "AXATEST_FATAL_CHILD=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("child: %v, want it to fail\n%s", err, out)
	}
	s := string(out)
	if !strings.Contains(s, "midway") {
		t.Errorf("the child did not fail where it should:\n%s", s)
	}
	for _, bad := range []string{"still listens", "unexpected goroutines", "panic"} {
		if strings.Contains(s, bad) {
			t.Errorf("child output has %q:\n%s", bad, s)
		}
	}
}

// A report of a broken answer never prints a token or a secret: here a
// token endpoint of one's own server answering shapes the spec does not
// allow, with canary values.
func TestSpecCheckReportsNoSecrets(t *testing.T) {
	const canary = "CANARY-7f3e9a1c"
	bodies := []string{
		`{"access_token":"` + canary + `","token_type":"mac","expires_in":3600}`,
		`{"access_token":"` + canary + `","refresh_token":"` + canary + `","expires_in":"3600"}`,
		`{"access_token":"` + canary + `","token_type":"Bearer","expires_in":3600,"scope":5}`,
		`{"access_token":"` + canary + `","token_type":"Bearer","expires_in":-1,"x":"` + canary + `"}`,
		`{"access_token":["` + canary + `"],"token_type":"Bearer"}`,
		`{"access_token":"` + canary,
	}
	for i, body := range bodies {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Cache-Control", "no-store")
			_, _ = w.Write([]byte(body))
		}))
		rec := &recTB{TB: t}
		c := &http.Client{Transport: axatest.SpecChecker(rec, http.DefaultTransport)}
		resp, err := c.PostForm(srv.URL+"/auth/v1/token", map[string][]string{
			"grant_type": {"client_credentials"}, "client_id": {"id"}, "client_secret": {canary},
		})
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		srv.Close()
		r := rec.reports()
		if len(r) == 0 {
			t.Errorf("body %d: no report of a token answer the spec does not allow: %s", i, body)
		}
		for _, m := range r {
			if strings.Contains(m, canary) {
				t.Errorf("body %d: the report prints a secret: %s", i, m)
			}
		}
	}
}

// The AXA_* environment of the developer's shell does not redirect
// axatest's clients.
func TestNewIgnoresTheEnvironment(t *testing.T) {
	t.Setenv("AXA_BASE_URL", "https://apis.example.invalid")
	t.Setenv("AXA_CLIENT_ID", "someone")
	t.Setenv("AXA_CLIENT_SECRET", "else")
	t.Setenv("AXA_SCOPES", axa.ScopeAlerts)
	env := axatest.New(t)
	if _, err := env.Client.ListCountries(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
}

// With the SDK's cache, revalidations (304) pass the spec check, and the
// caller gets the 200's value.
func TestNewClientWithCache(t *testing.T) {
	rec := &recTB{TB: t}
	env := axatest.New(rec)
	c := env.NewClient(axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret), axa.WithCache())
	for range 3 {
		l, err := c.ListCountries(t.Context(), nil, axa.WithHeader("Cache-Control", "no-cache"))
		if err != nil || len(l) == 0 {
			t.Fatalf("ListCountries: %d, %v", len(l), err)
		}
	}
	if r := rec.reports(); len(r) > 0 {
		t.Errorf("reports: %q", r)
	}
}

// A client given its own transport wrapped in SpecChecker, as NewClient's
// documentation says, has its answers checked.
func TestNewClientWithTransportStillChecks(t *testing.T) {
	rec := &recTB{TB: t}
	env := axatest.New(rec, sandbox.WithFault("getCountry", sandbox.Fault{ErrorRate: 1, Status: http.StatusTeapot}))
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	c := env.NewClient(axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret),
		axa.WithTransport(axatest.SpecChecker(rec, tr)))
	if _, err := c.GetCountry(t.Context(), "fr", nil, axa.WithMaxRetries(0)); err == nil {
		t.Fatal("no error")
	}
	if r := rec.reports(); len(r) != 1 {
		t.Errorf("reports = %q, want the 418", r)
	}
}

// Errors injected at the token endpoint are RFC 6749 answers the spec
// allows: the call fails with the token error, the test does not.
func TestTokenEndpointFaultsPassTheSpecCheck(t *testing.T) {
	for _, status := range []int{0, http.StatusInternalServerError} { // 0: the default, 503
		rec := &recTB{TB: t}
		env := axatest.New(rec, sandbox.WithFault(sandbox.FaultToken, sandbox.Fault{ErrorRate: 1, Status: status}))
		c := env.NewClient(axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret),
			axa.WithRetryOptions(axa.RetryOptions{MaxAttempts: 1}))
		var terr *axa.TokenError
		if _, err := c.ListCountries(t.Context(), nil); !errors.As(err, &terr) {
			t.Errorf("status %d: %v, want a *axa.TokenError", status, err)
		}
		if r := rec.reports(); len(r) > 0 {
			t.Errorf("status %d: the spec check reported:\n%s", status, strings.Join(r, "\n"))
		}
	}
}

// blockingTransport answers 418 once released.
type blockingTransport struct{ release chan struct{} }

func (b blockingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	<-b.release
	return &http.Response{StatusCode: http.StatusTeapot, Header: http.Header{"Content-Type": {"application/json"}},
		Body: http.NoBody, Request: req}, nil
}

// An answer that comes after its test has ended is not reported on it (a
// report then would panic: "Log in goroutine after Test... has completed").
func TestLateAnswerIsNotReported(t *testing.T) {
	rec := &recTB{TB: t}
	bt := blockingTransport{release: make(chan struct{})}
	done := make(chan struct{})
	t.Run("ends before the answer", func(st *testing.T) {
		rec.TB = st
		rt := axatest.SpecChecker(rec, bt)
		go func() {
			defer close(done)
			req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:1/travel/v1/countries", nil)
			if resp, err := rt.RoundTrip(req); err == nil {
				_ = resp.Body.Close()
			}
		}()
	})
	close(bt.release)
	<-done
	if r := rec.reports(); len(r) > 0 {
		t.Errorf("a late answer was reported: %q", r)
	}
}
