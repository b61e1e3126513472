package axa

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/axa-assistance-go/axa/gen"
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
