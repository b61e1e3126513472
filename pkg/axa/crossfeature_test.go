package axa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/testutil"
)

// Cross-feature tests: what happens when two features of the client meet
// (the cache and a cancelled context, Close and a retry's wait, ...).

// TestCancelledContextBeatsAFreshCacheHit: a call whose context is already
// cancelled fails with the context's error, even when the cache could
// answer it without a request.
func TestCancelledContextBeatsAFreshCacheHit(t *testing.T) {
	e, clk := newETagAPI(t), newFakeClock()
	c := newTestClient(t, e.fakeAPI, clk, WithCache())
	listLabel(t, c, "")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	got, err := c.ListCountries(ctx, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("ListCountries with a cancelled context = %v, %v; want context.Canceled", got, err)
	}
	listLabel(t, c, "") // still usable
}

// signalTransport tells, on headers, each time the base transport has
// handed back a response's headers (the body not yet read).
type signalTransport struct {
	headers chan struct{}
}

func (s *signalTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil && req.URL.Path != gen.TokenPath {
		select {
		case s.headers <- struct{}{}:
		default:
		}
	}
	return resp, err
}

// TestContextCancelledWhileReadingTheBody: a context cancelled while the
// body is being read makes the call fail with the context's error, with
// and without the cache (which reads the body itself), and the client
// stays usable.
func TestContextCancelledWhileReadingTheBody(t *testing.T) {
	for _, cached := range []bool{false, true} {
		name := "no cache"
		if cached {
			name = "WithCache"
		}
		t.Run(name, func(t *testing.T) {
			f := newFakeAPI(t)
			stall, release := releaseOnCleanup(t)
			f.set(func(f *fakeAPI) {
				f.apiFn = func(w http.ResponseWriter, r *http.Request, n int) bool {
					if r.URL.Path != "/travel/v1/countries" || n != 1 {
						return false
					}
					w.Header().Set("Content-Type", "application/json")
					w.Header().Set("Cache-Control", "max-age=60")
					w.Header().Set("ETag", `"v1"`)
					w.WriteHeader(http.StatusOK)
					_, _ = w.Write([]byte(`[{"id":"fr",`))
					w.(http.Flusher).Flush()
					select {
					case <-stall:
					case <-r.Context().Done():
					}
					return true
				}
			})
			sig := &signalTransport{headers: make(chan struct{}, 1)}
			opts := []Option{WithTransport(sig)}
			if cached {
				opts = append(opts, WithCache())
			}
			c := newTestClient(t, f, newFakeClock(), opts...)
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan error, 1)
			go func() {
				_, err := c.ListCountries(ctx, nil)
				done <- err
			}()
			select {
			case <-sig.headers:
			case <-time.After(guard):
				t.Fatal("no response headers")
			}
			cancel()
			var err error
			select {
			case err = <-done:
			case <-time.After(guard):
				t.Fatal("the call did not end with its context")
			}
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v (%T), want context.Canceled", err, err)
			}
			release()
			got, err := c.ListCountries(t.Context(), nil)
			if err != nil || len(got) != 2 {
				t.Fatalf("the next call: %v, %v (requests %+v)", got, err, f.APIRequests())
			}
		})
	}
}

// blockingClock is a clock whose Sleep tells sleeping it started, then
// waits for its context: a retry's wait that only ends with the call.
type blockingClock struct {
	*fakeClock
	sleeping chan time.Duration
}

func (c *blockingClock) Sleep(ctx context.Context, d time.Duration) error {
	c.sleeping <- d
	<-ctx.Done()
	return ctx.Err()
}

// TestCloseEndsARetrysWait: Close while a call waits out a Retry-After
// before its next attempt ends the call at once with ErrClosed.
func TestCloseEndsARetrysWait(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
			w.Header().Set("Retry-After", "20")
			unavailable(w)
			return true
		}
	})
	clk := &blockingClock{fakeClock: newFakeClock(), sleeping: make(chan time.Duration, 1)}
	c := newClientOf(t, f, clk)
	done := make(chan error, 1)
	go func() {
		_, err := c.GetVersion(t.Context())
		done <- err
	}()
	select {
	case d := <-clk.sleeping:
		if d != 20*time.Second {
			t.Fatalf("waits %v, want the Retry-After", d)
		}
	case <-time.After(guard):
		t.Fatal("the call never waited")
	}
	closed := make(chan struct{})
	go func() { _ = c.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(guard):
		t.Fatal("Close did not return")
	}
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("err = %v, want ErrClosed", err)
		}
	case <-time.After(guard):
		t.Fatal("the call still waits for its retry after Close")
	}
}

// TestCancelDuringARetrysWaitAfterATransportError: a call whose context
// ends while it waits to retry a transport error fails with the context's
// error (the transport error still said), not with the transport error
// alone.
func TestCancelDuringARetrysWaitAfterATransportError(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
			hangUp(t, w)
			return true
		}
	})
	clk := &blockingClock{fakeClock: newFakeClock(), sleeping: make(chan time.Duration, 1)}
	c := newClientOf(t, f, clk)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := c.GetVersion(ctx)
		done <- err
	}()
	select {
	case <-clk.sleeping:
	case <-time.After(guard):
		t.Fatal("the call never waited")
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(guard):
		t.Fatal("the call did not end with its context")
	}
}

// TestCloseDuringATokenFetch: Close while calls wait for a token the
// endpoint is slow to give ends them at once with ErrClosed, returns
// promptly, and leaves no goroutine behind.
func TestCloseDuringATokenFetch(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	f := newFakeAPI(t)
	gate, release := releaseOnCleanup(t)
	asked := make(chan struct{}, 1)
	f.set(func(f *fakeAPI) {
		f.tokenFn = func(_ http.ResponseWriter, r *http.Request, _ int) bool {
			asked <- struct{}{}
			select {
			case <-r.Context().Done():
			case <-gate:
			}
			return true
		}
	})
	tr := &http.Transport{}
	c, err := NewClient(WithoutEnvironment(), WithBaseURL(f.URL()),
		WithClientCredentials(testClientID, testClientSecret), WithTransport(tr), WithCache())
	if err != nil {
		t.Fatal(err)
	}
	const calls = 3
	done := make(chan error, calls)
	for range calls {
		go func() {
			_, err := c.ListCountries(context.Background(), nil)
			done <- err
		}()
	}
	select {
	case <-asked:
	case <-time.After(guard):
		t.Fatal("no token request")
	}
	closed := make(chan struct{})
	go func() { _ = c.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(guard):
		t.Fatal("Close did not return")
	}
	for range calls {
		select {
		case err := <-done:
			if !errors.Is(err, ErrClosed) {
				t.Errorf("err = %v, want ErrClosed", err)
			}
		case <-time.After(guard):
			t.Fatal("a call still waits after Close")
		}
	}
	f.srv.Close()
	tr.CloseIdleConnections()
	release()
	goleak.VerifyNone(t, ignore)
}

// TestCacheStoresTheAnswerAfterA304OfAnotherETag: when a revalidation's
// 304 names another ETag, the client asks again unconditionally; the 200
// it gets then is stored like any other, replacing the stale answer, so
// the next call is served from the cache.
func TestCacheStoresTheAnswerAfterA304OfAnotherETag(t *testing.T) {
	e, clk := newETagAPI(t), newFakeClock()
	c := newTestClient(t, e.fakeAPI, clk, WithCache())
	listLabel(t, c, "")
	clk.Advance(time.Hour)
	e.change(func(e *etagAPI) { e.version = 2 })
	var odd atomic.Bool
	odd.Store(true)
	e.set(func(f *fakeAPI) {
		next := f.apiFn
		f.apiFn = func(w http.ResponseWriter, r *http.Request, n int) bool {
			if odd.Load() && r.Header.Get("If-None-Match") != "" && f.validToken(r.Header.Get("Authorization")) {
				odd.Store(false)
				e.change(func(e *etagAPI) { e.ifNoneMatch = append(e.ifNoneMatch, r.Header.Get("If-None-Match")) })
				w.Header().Set("ETag", `"v2-en"`)
				w.WriteHeader(http.StatusNotModified)
				return true
			}
			return next(w, r, n)
		}
	})
	if got := listLabel(t, c, ""); got != "France en v2" {
		t.Fatalf("after a 304 of another ETag: %s", got)
	}
	if got := listLabel(t, c, ""); got != "France en v2" {
		t.Fatalf("next: %s", got)
	}
	wantRequests(t, e, "", `"v1-en"`, "")
}

// TestCacheRevalidationMeetsAuthAndRetry: a revalidation refused with 401
// invalid_token is replayed with a new token and still conditional; one
// answered 429 with a Retry-After is retried, still conditional; both end
// in the stored answer.
func TestCacheRevalidationMeetsAuthAndRetry(t *testing.T) {
	e, clk := newETagAPI(t), newFakeClock()
	c := newTestClient(t, e.fakeAPI, clk, WithCache())
	listLabel(t, c, "")

	// The API forgets the tokens it issued: 401, a new token, the replay.
	clk.Advance(time.Hour)
	e.set(func(f *fakeAPI) { f.issued = nil })
	if got := listLabel(t, c, ""); got != "France en v1" {
		t.Fatal(got)
	}
	wantRequests(t, e, "", `"v1-en"`)

	// A 429 with Retry-After on the next revalidation.
	clk.Advance(time.Hour)
	var limited atomic.Bool
	limited.Store(true)
	e.set(func(f *fakeAPI) {
		next := f.apiFn
		f.apiFn = func(w http.ResponseWriter, r *http.Request, n int) bool {
			if limited.Swap(false) {
				e.change(func(e *etagAPI) { e.ifNoneMatch = append(e.ifNoneMatch, r.Header.Get("If-None-Match")) })
				w.Header().Set("Retry-After", "3")
				writeJSON(w, http.StatusTooManyRequests, map[string]any{"status_code": 429, "error": "rate_limited"})
				return true
			}
			return next(w, r, n)
		}
	})
	var resp Response
	// No overall timeout: its deadline is on the real clock, which the
	// fake one has run two hours ahead of.
	if got := listLabel(t, c, "", WithResponseInto(&resp), WithRequestTimeout(0)); got != "France en v1" {
		t.Fatal(got)
	}
	wantRequests(t, e, "", `"v1-en"`, `"v1-en"`, `"v1-en"`)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Age") != "0" {
		t.Errorf("revalidated after a 429: %d, Age %q", resp.StatusCode, resp.Header.Get("Age"))
	}
	if slept := clk.Slept(); len(slept) != 1 || slept[0] != 3*time.Second {
		t.Errorf("slept %v, want the Retry-After", slept)
	}
}

// TestInvokeSharesTheCacheOfTheTypedMethod: Invoke's GET of an operation
// is the same request as the typed method's, so it is served by the same
// stored answer, and its raw JSON is the API's.
func TestInvokeSharesTheCacheOfTheTypedMethod(t *testing.T) {
	e, clk := newETagAPI(t), newFakeClock()
	c := newTestClient(t, e.fakeAPI, clk, WithCache())
	listLabel(t, c, "fr")
	raw, err := c.Invoke(t.Context(), "listCountries", map[string][]string{"Accept-Language": {"fr"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := `[{"id":"fr","label":"France fr v1"}]`; strings.TrimSpace(string(raw)) != want {
		t.Errorf("Invoke = %s, want %s", raw, want)
	}
	wantRequests(t, e, "")
}

// TestPooledBodiesAreNotShared: values and errors of calls running at once
// (typed, Invoke's raw JSON, *Error bodies, DecodeError snippets, cached
// answers) never share the pooled buffers their bodies were read into:
// each still holds its own answer after many later calls.
func TestPooledBodiesAreNotShared(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, r *http.Request, _ int) bool {
			q := r.URL.Query().Get("k")
			switch {
			case r.URL.Path == "/version" && q == "":
				return false
			case r.URL.Path == "/version" && strings.HasPrefix(q, "bad"):
				w.Header().Set("Content-Type", "text/plain")
				_, _ = w.Write([]byte("not json " + q))
			case r.URL.Path == "/version":
				writeJSON(w, http.StatusTeapot, map[string]any{"status_code": 418, "error": "teapot", "error_description": q})
			default:
				return false
			}
			return true
		}
	})
	clk := newFakeClock()
	c := newTestClient(t, f, clk, WithCache(), WithRetryOptions(RetryOptions{MaxAttempts: 1}))
	type result struct {
		want string
		got  func() string
	}
	results := make(chan result, 400)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 25 {
				k := fmt.Sprintf("%d-%d", i, j)
				switch j % 4 {
				case 0:
					raw, err := c.Invoke(t.Context(), "getVersion", nil, nil)
					if err != nil {
						t.Error(err)
						return
					}
					want := string(raw)
					results <- result{want, func() string { return string(raw) }}
				case 1:
					var resp Response
					v, err := c.GetVersion(t.Context(), WithResponseInto(&resp))
					if err != nil {
						t.Error(err)
						return
					}
					want := v.CommitSHA + " " + resp.Header.Get("Content-Type")
					results <- result{want, func() string { return v.CommitSHA + " " + resp.Header.Get("Content-Type") }}
				case 2:
					got, err := c.ListCountries(t.Context(), nil)
					if err != nil || len(got) != 2 {
						t.Error(got, err)
						return
					}
					results <- result{"France Japan", func() string { return got[0].Label + " " + got[1].Label }}
				case 3:
					var ae *Error
					_, err := callVersion(t, c, k)
					if !errors.As(err, &ae) {
						t.Error(err)
						return
					}
					results <- result{k, func() string { return ae.Description }}
					results <- result{`{"error":"teapot","error_description":"` + k + `","status_code":418}`, func() string { return strings.TrimSpace(ae.Body) }}
					var de *DecodeError
					_, err = callVersion(t, c, "bad"+k)
					if !errors.As(err, &de) {
						t.Error(err)
						return
					}
					results <- result{"not json bad" + k, func() string { return de.Snippet }}
				}
			}
		})
	}
	wg.Wait()
	close(results)
	for r := range results {
		if got := r.got(); got != r.want {
			t.Errorf("after later calls: %q, want %q", got, r.want)
		}
	}
}

// callVersion calls getVersion with the query k=k, through Invoke's
// pipeline (call), so that the answer is read into a pooled buffer.
func callVersion(t *testing.T, c *Client, k string) (json.RawMessage, error) {
	t.Helper()
	return call[json.RawMessage](t.Context(), "getVersion", nil, func(ctx context.Context) (*http.Response, error) {
		r, err := http.NewRequestWithContext(ctx, http.MethodGet, c.BaseURL()+"/version?k="+k, nil)
		if err != nil {
			return nil, err
		}
		return c.http.Do(r)
	})
}

// cacheLayer returns the cache layer of c's pipeline.
func cacheLayer(t *testing.T, c *Client) *cacheTransport {
	t.Helper()
	ct, ok := c.http.Transport.(*headerTransport).next.(*cacheTransport)
	if !ok {
		t.Fatal("no cache layer")
	}
	return ct
}

// gatedCountries makes e's countries requests wait, each, until gate is
// closed or its request's context ends; arrived hears of each arrival.
func gatedCountries(e *etagAPI, gate <-chan struct{}, arrived chan<- struct{}) {
	e.set(func(f *fakeAPI) {
		next := f.apiFn
		f.apiFn = func(w http.ResponseWriter, r *http.Request, n int) bool {
			if r.URL.Path == "/travel/v1/countries" {
				arrived <- struct{}{}
				select {
				case <-gate:
				case <-r.Context().Done():
					return true
				}
			}
			return next(w, r, n)
		}
	})
}

// TestCacheConcurrentMissesShareOneRequest: calls that miss the same key
// at once (nothing stored, or a stale answer to revalidate) send one
// request; the others are served its answer.
func TestCacheConcurrentMissesShareOneRequest(t *testing.T) {
	const callers = 5
	for _, stale := range []bool{false, true} {
		t.Run(fmt.Sprintf("stale=%v", stale), func(t *testing.T) {
			e, clk := newETagAPI(t), newFakeClock()
			c := newTestClient(t, e.fakeAPI, clk, WithCache())
			want := []string{""}
			if stale {
				listLabel(t, c, "")
				clk.Advance(time.Hour)
				want = []string{"", `"v1-en"`}
			}
			gate, release := releaseOnCleanup(t)
			arrived := make(chan struct{}, callers)
			gatedCountries(e, gate, arrived)
			joined := make(chan struct{}, 2*callers)
			cacheLayer(t, c).joined = func() { joined <- struct{}{} }

			labels := make(chan string, callers)
			for range callers {
				go func() {
					var resp Response
					label := firstLabel(c.ListCountries(t.Context(), nil, WithResponseInto(&resp)))
					labels <- label + " " + resp.RequestID
				}()
			}
			<-arrived
			for range callers - 1 {
				select {
				case <-joined:
				case <-arrived:
					t.Fatal("a second request for the same key while the first was in flight")
				case <-time.After(guard):
					t.Fatal("the callers neither joined nor sent")
				}
			}
			release()
			// Every caller sees the one request's answer and request id.
			wantID := "req-1"
			if stale {
				wantID = "req-2"
			}
			for range callers {
				if got := <-labels; got != "France en v1 "+wantID {
					t.Errorf("label and request id %q", got)
				}
			}
			wantRequests(t, e, want...)
		})
	}
}

// TestCacheSharedRequestOutlivesItsCallersCancel: when the call whose
// request the others joined is cancelled, the others are not: one of them
// sends the request again and all get the answer.
func TestCacheSharedRequestOutlivesItsCallersCancel(t *testing.T) {
	const callers = 4
	e, clk := newETagAPI(t), newFakeClock()
	c := newTestClient(t, e.fakeAPI, clk, WithCache())
	gate, release := releaseOnCleanup(t)
	arrived := make(chan struct{}, callers+1)
	gatedCountries(e, gate, arrived)
	joined := make(chan struct{}, 2*callers)
	cacheLayer(t, c).joined = func() { joined <- struct{}{} }

	first, cancel := context.WithCancel(t.Context())
	firstErr := make(chan error, 1)
	go func() {
		_, err := c.ListCountries(first, nil)
		firstErr <- err
	}()
	<-arrived
	labels := make(chan string, callers)
	for range callers {
		go func() {
			labels <- firstLabel(c.ListCountries(t.Context(), nil))
		}()
	}
	for range callers {
		select {
		case <-joined:
		case <-arrived:
			t.Fatal("a second request for the same key while the first was in flight")
		case <-time.After(guard):
			t.Fatal("the callers neither joined nor sent")
		}
	}
	cancel()
	if err := <-firstErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("the cancelled call: %v", err)
	}
	select {
	case <-arrived: // one of the others asks again
	case <-time.After(guard):
		t.Fatal("nobody asked again after the first call was cancelled")
	}
	release()
	for range callers {
		if got := <-labels; got != "France en v1" {
			t.Errorf("label %q", got)
		}
	}
	if n := len(e.APIRequests()); n != 2 {
		t.Errorf("%d requests, want 2 (the cancelled one, and one for the others)", n)
	}
}

// firstLabel is the label of a one-country answer, else what came instead:
// for goroutines, which must not fail the test themselves.
func firstLabel(got []Country, err error) string {
	if err != nil || len(got) != 1 {
		return fmt.Sprint(got, err)
	}
	return got[0].Label
}

// TestSecretsNeverLeakOnTheCrossFeaturePaths: a password client made
// WithCache and debug logging, through a revalidation refused with 401,
// a shared flight, a retry's wait cancelled after a transport error, and
// Close during a token fetch: no secret in the logs, the errors, the
// formatted values, or what the Cache is given (keys and answers).
func TestSecretsNeverLeakOnTheCrossFeaturePaths(t *testing.T) {
	logs := &testutil.Buffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e, clk := newETagAPI(t), newFakeClock()
	e.set(func(f *fakeAPI) {
		f.tokenFn = func(w http.ResponseWriter, _ *http.Request, n int) bool {
			form := f.TokenRequests()[n-1].Form
			if form.Get("password") != testPassword {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
				return true
			}
			f.issue(w, form.Get("scope"), "")
			return true
		}
	})
	rc := &recordingCache{MemoryCache: NewMemoryCache(0)}
	c := newClientOf(t, e.fakeAPI, clk, WithPassword(testClientID, testClientSecret, testUsername, testPassword),
		WithCache(rc), WithLogger(logger))
	var errs []error
	keep := func(_ any, err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	listLabel(t, c, "")
	clk.Advance(time.Hour)
	e.set(func(f *fakeAPI) { f.issued = nil })
	listLabel(t, c, "") // 401, new token, 304
	wantRequests(t, e, "", `"v1-en"`)

	// A retry's wait, cancelled after a transport error.
	bc := &blockingClock{fakeClock: clk, sleeping: make(chan time.Duration, 1)}
	e.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
			hangUp(t, w)
			return true
		}
	})
	c2 := newClientOf(t, e.fakeAPI, bc, WithPassword(testClientID, testClientSecret, testUsername, testPassword),
		WithCache(rc), WithLogger(logger))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		// No overall timeout: its deadline is on the real clock, which the
		// fake one has run an hour ahead of.
		_, err := c2.ListCountries(ctx, nil, WithHeader("Cache-Control", "no-cache"), WithRequestTimeout(0))
		done <- err
	}()
	select {
	case <-bc.sleeping:
	case err := <-done:
		t.Fatalf("the call ended without waiting to retry: %v", err)
	}
	cancel()
	keep(nil, <-done)

	// Close during a token fetch.
	gate, release := releaseOnCleanup(t)
	asked := make(chan struct{}, 1)
	e.set(func(f *fakeAPI) {
		f.tokenFn = func(_ http.ResponseWriter, r *http.Request, _ int) bool {
			asked <- struct{}{}
			select {
			case <-gate:
			case <-r.Context().Done():
			}
			return true
		}
	})
	c3 := newClientOf(t, e.fakeAPI, clk, WithPassword(testClientID, testClientSecret, "dominique", testPassword+"2"),
		WithCache(rc), WithLogger(logger))
	go func() {
		_, err := c3.ListCountries(context.Background(), nil)
		done <- err
	}()
	select {
	case <-asked:
	case err := <-done:
		t.Fatalf("the call ended without asking for a token: %v", err)
	}
	_ = c3.Close()
	keep(nil, <-done)
	release()

	if len(errs) != 2 || !errors.Is(errs[0], context.Canceled) || !errors.Is(errs[1], ErrClosed) {
		t.Errorf("errors %v, want the cancelled call's and the closed one's", errs)
	}
	for _, err := range errs {
		assertNoCanary(t, "error", err.Error())
		assertNoCanary(t, "error formatted", formats(err))
	}
	for _, v := range []any{c, c2, c3} {
		assertNoCanary(t, fmt.Sprintf("%T", v), formats(v))
	}
	rc.mu.Lock()
	for _, k := range rc.keys {
		assertNoCanary(t, "cache key", k)
		if strings.Contains(k, testUsername) {
			t.Errorf("cache key names the user: %q", k)
		}
	}
	for _, r := range rc.stored {
		if r != nil {
			assertNoCanary(t, "cached answer", formats(*r)+string(r.Body))
		}
	}
	rc.mu.Unlock()
	assertNoCanary(t, "logs", logs.String())
}

// TestTimeoutWhileReadingTheBody: a call whose own timeout
// (WithRequestTimeout) or context deadline ends while the body is read
// fails with an error matching context.DeadlineExceeded, with and
// without the cache.
func TestTimeoutWhileReadingTheBody(t *testing.T) {
	for _, cached := range []bool{false, true} {
		for _, own := range []bool{false, true} {
			t.Run(fmt.Sprintf("cache=%v,WithRequestTimeout=%v", cached, own), func(t *testing.T) {
				f := newFakeAPI(t)
				stall, _ := releaseOnCleanup(t)
				f.set(func(f *fakeAPI) {
					f.apiFn = func(w http.ResponseWriter, r *http.Request, _ int) bool {
						if r.URL.Path != "/travel/v1/countries" {
							return false
						}
						w.Header().Set("Content-Type", "application/json")
						w.Header().Set("Cache-Control", "max-age=60")
						w.WriteHeader(http.StatusOK)
						_, _ = w.Write([]byte(`[{"id":"fr",`))
						w.(http.Flusher).Flush()
						select {
						case <-stall:
						case <-r.Context().Done():
						}
						return true
					}
				})
				var opts []Option
				if cached {
					opts = append(opts, WithCache())
				}
				c := newTestClient(t, f, newFakeClock(), opts...)
				ctx := t.Context()
				var ropts []RequestOption
				if own {
					ropts = append(ropts, WithRequestTimeout(100*time.Millisecond))
				} else {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, 100*time.Millisecond)
					defer cancel()
				}
				_, err := c.ListCountries(ctx, nil, ropts...)
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("err = %v (%T), want context.DeadlineExceeded", err, err)
				}
			})
		}
	}
}

// TestCache304ThatNowVariesOnAnotherHeader: a 304 whose headers make the
// answer one the cache may not store (Vary: * or a header outside the
// key) answers its call, but the answer is no longer stored: the next
// call asks the API.
func TestCache304ThatNowVariesOnAnotherHeader(t *testing.T) {
	e, clk := newETagAPI(t), newFakeClock()
	c := newTestClient(t, e.fakeAPI, clk, WithCache())
	listLabel(t, c, "")
	clk.Advance(time.Hour)
	e.change(func(e *etagAPI) { e.vary = "Accept-Language, Cookie" })
	if got := listLabel(t, c, ""); got != "France en v1" {
		t.Fatal(got)
	}
	listLabel(t, c, "")
	wantRequests(t, e, "", `"v1-en"`, "")
}

// TestTokenWithACancelledContext: Token asked with a cancelled context
// fails with the context's error, even when a fresh token is cached; the
// client stays usable.
func TestTokenWithACancelledContext(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, newFakeClock())
	if _, err := c.Token(t.Context(), ScopeCountries); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if tok, err := c.Token(ctx, ScopeCountries); !errors.Is(err, context.Canceled) {
		t.Fatalf("Token with a cancelled context = %v, %v; want context.Canceled", tok, err)
	}
	if _, err := c.Token(t.Context(), ScopeCountries); err != nil {
		t.Fatal(err)
	}
}

// TestCloseUnderLoad: Close while calls are in flight everywhere at once
// (a cache flight and its followers blocked at the API, calls waiting out
// a Retry-After, a token fetch blocked at the endpoint) returns promptly;
// the waiting calls end with ErrClosed, those already sent get their real
// answer once it comes; no goroutine is left behind.
func TestCloseUnderLoad(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	f := newFakeAPI(t)
	gate, release := releaseOnCleanup(t)
	arrived := make(chan string, 16)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, r *http.Request, _ int) bool {
			switch r.URL.Path {
			case "/travel/v1/countries":
				arrived <- "countries"
				select {
				case <-gate:
				case <-r.Context().Done():
					return true
				}
				w.Header().Set("Cache-Control", "max-age=60")
				w.Header().Set("ETag", `"v1"`)
				return false
			case "/travel/v1/countries/alerts":
				arrived <- "alerts"
				w.Header().Set("Retry-After", "20")
				unavailable(w)
				return true
			}
			return false
		}
		f.tokenFn = func(_ http.ResponseWriter, r *http.Request, n int) bool {
			if n == 1 {
				return false // the first token: all scopes the calls need
			}
			arrived <- "token"
			select {
			case <-gate:
			case <-r.Context().Done():
			}
			return true
		}
		f.grantAll = true
	})
	clk := &blockingClock{fakeClock: newFakeClock(), sleeping: make(chan time.Duration, 16)}
	tr := &http.Transport{}
	c, err := NewClient(WithoutEnvironment(), WithBaseURL(f.URL()), withClock(clk),
		WithClientCredentials(testClientID, testClientSecret), WithTransport(tr), WithCache())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Token(t.Context(), ScopeCountries); err != nil {
		t.Fatal(err)
	}
	joined := make(chan struct{}, 16)
	cacheLayer(t, c).joined = func() { joined <- struct{}{} }

	type result struct {
		what string
		err  error
	}
	results := make(chan result, 16)
	run := func(what string, fn func() error) {
		go func() { results <- result{what, fn()} }()
	}
	const sent, followers, waiting = 1, 2, 2
	run("leader", func() error { _, err := c.ListCountries(context.Background(), nil); return err })
	if got := <-arrived; got != "countries" {
		t.Fatalf("arrived %s", got)
	}
	for range followers {
		run("follower", func() error { _, err := c.ListCountries(context.Background(), nil); return err })
		<-joined
	}
	for range waiting {
		// no-store: past the cache, which would make the second join the
		// first's flight.
		run("retry", func() error {
			_, err := c.ListAlerts(context.Background(), nil, WithHeader("Cache-Control", "no-store"))
			return err
		})
		<-arrived
		<-clk.sleeping
	}
	run("token", func() error { _, err := c.Token(context.Background(), "other-scope"); return err })
	if got := <-arrived; got != "token" {
		t.Fatalf("arrived %s", got)
	}

	closed := make(chan struct{})
	go func() { _ = c.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(guard):
		t.Fatal("Close did not return")
	}
	// Those that were waiting end at once with ErrClosed.
	for range waiting + 1 {
		select {
		case r := <-results:
			if r.what == "leader" || r.what == "follower" {
				t.Fatalf("%s ended before its answer came: %v", r.what, r.err)
			}
			if !errors.Is(r.err, ErrClosed) {
				t.Errorf("%s: %v, want ErrClosed", r.what, r.err)
			}
		case <-time.After(guard):
			t.Fatal("a waiting call did not end with Close")
		}
	}
	// The request already sent gets its answer, shared with its followers.
	release()
	for range sent + followers {
		r := <-results
		if r.err != nil {
			t.Errorf("%s: %v, want the answer", r.what, r.err)
		}
	}
	if _, err := c.ListCountries(t.Context(), nil); !errors.Is(err, ErrClosed) {
		t.Errorf("a call after Close: %v", err)
	}
	f.srv.Close()
	tr.CloseIdleConnections()
	goleak.VerifyNone(t, ignore)
}
