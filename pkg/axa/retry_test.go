package axa

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/testutil"
)

func TestRetryBackoffBounds(t *testing.T) {
	const base, maxDelay = 100 * time.Millisecond, 3 * time.Second
	for attempt := 1; attempt <= 10; attempt++ {
		ceiling := min(maxDelay, base<<(attempt-1))
		var lo, hi time.Duration = ceiling, 0
		for range 300 {
			d := backoff(attempt, base, maxDelay)
			if d < 0 || d > ceiling {
				t.Fatalf("backoff(%d) = %v, want within [0, %v]", attempt, d, ceiling)
			}
			lo, hi = min(lo, d), max(hi, d)
		}
		// Full jitter: the draws spread over the whole range.
		if lo > ceiling/4 || hi < ceiling*3/4 {
			t.Errorf("backoff(%d) drew within [%v, %v] only, want a spread over [0, %v]", attempt, lo, hi, ceiling)
		}
	}
}

func TestRetryServerErrorsWithBackoff(t *testing.T) {
	for _, tc := range []struct {
		name   string
		opts   RetryOptions
		bounds []time.Duration // the ceiling of each sleep
	}{
		{"defaults", RetryOptions{}, []time.Duration{250 * time.Millisecond, 500 * time.Millisecond}},
		{"capped", RetryOptions{BaseDelay: 100 * time.Millisecond, MaxDelay: 150 * time.Millisecond}, []time.Duration{100 * time.Millisecond, 150 * time.Millisecond}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			f.set(func(f *fakeAPI) {
				f.apiFn = func(w http.ResponseWriter, _ *http.Request, n int) bool {
					if n > 2 {
						return false
					}
					unavailable(w)
					return true
				}
			})
			clk := newFakeClock()
			c := newTestClient(t, f, clk, WithRetryOptions(tc.opts))

			countries, err := c.ListCountries(t.Context(), nil)
			if err != nil {
				t.Fatalf("ListCountries after 503, 503: %v", err)
			}
			if len(countries) != 2 {
				t.Errorf("got %d countries, want 2", len(countries))
			}
			if n := len(f.APIRequests()); n != 3 {
				t.Errorf("API requests = %d, want 3", n)
			}
			slept := clk.Slept()
			if len(slept) != len(tc.bounds) {
				t.Fatalf("slept %v, want %d sleeps", slept, len(tc.bounds))
			}
			for i, d := range slept {
				if d < 0 || d > tc.bounds[i] {
					t.Errorf("sleep %d = %v, want within [0, %v]", i+1, d, tc.bounds[i])
				}
			}
		})
	}
}

func TestRetryAfterSeconds(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, n int) bool {
			if n != 1 {
				return false
			}
			w.Header().Set("Retry-After", "2")
			writeJSON(w, http.StatusTooManyRequests, map[string]any{"status_code": 429, "error": "too_many_requests"})
			return true
		}
	})
	clk := newFakeClock()
	c := newTestClient(t, f, clk)

	if _, err := c.ListCountries(t.Context(), nil); err != nil {
		t.Fatalf("ListCountries after a 429 with Retry-After: %v", err)
	}
	if n := len(f.APIRequests()); n != 2 {
		t.Errorf("API requests = %d, want 2", n)
	}
	slept := clk.Slept()
	if len(slept) != 1 || slept[0] < 2*time.Second || slept[0] > 30*time.Second {
		t.Errorf("slept %v, want one wait of at least the 2s asked", slept)
	}
}

func TestRetryAfterHTTPDate(t *testing.T) {
	f := newFakeAPI(t)
	// A whole second, so that the HTTP-date (whole seconds) is exactly 3s
	// away.
	clk := &fakeClock{now: time.Now().Truncate(time.Second)}
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, n int) bool {
			if n != 1 {
				return false
			}
			w.Header().Set("Retry-After", clk.Now().Add(3*time.Second).UTC().Format(http.TimeFormat))
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status_code": 503, "error": "unavailable"})
			return true
		}
	})
	c := newTestClient(t, f, clk)

	if _, err := c.ListCountries(t.Context(), nil); err != nil {
		t.Fatalf("ListCountries after a 503 with a Retry-After date: %v", err)
	}
	if n := len(f.APIRequests()); n != 2 {
		t.Errorf("API requests = %d, want 2", n)
	}
	slept := clk.Slept()
	if len(slept) != 1 || slept[0] < 3*time.Second || slept[0] > 30*time.Second {
		t.Errorf("slept %v, want one wait of the 3s until the Retry-After date", slept)
	}
}

func TestRetryAfterAboveCapFailsFast(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
			w.Header().Set("Retry-After", "120")
			writeJSON(w, http.StatusTooManyRequests, map[string]any{"status_code": 429, "error": "too_many_requests"})
			return true
		}
	})
	clk := newFakeClock()
	c := newTestClient(t, f, clk, WithRetryOptions(RetryOptions{MaxRetryAfter: 30 * time.Second}))

	_, err := c.ListCountries(t.Context(), nil)
	e := asAPIError(t, err)
	if !errors.Is(err, ErrRateLimited) {
		t.Errorf("errors.Is(%v, ErrRateLimited) = false", err)
	}
	if e.RetryAfter != 120*time.Second {
		t.Errorf("RetryAfter = %v, want 2m0s", e.RetryAfter)
	}
	if n := len(f.APIRequests()); n != 1 {
		t.Errorf("API requests = %d, want 1 (fail fast)", n)
	}
	if s := clk.Slept(); len(s) != 0 {
		t.Errorf("slept %v, want no wait", s)
	}
}

func TestRetryNeverSleepsPastTheDeadline(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
			w.Header().Set("Retry-After", "5")
			unavailable(w)
			return true
		}
	})
	clk := newFakeClock()
	c := newTestClient(t, f, clk)

	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	_, err := c.ListCountries(ctx, nil)
	e := asAPIError(t, err)
	if e.StatusCode != http.StatusServiceUnavailable || !e.Retryable {
		t.Errorf("StatusCode, Retryable = %d, %v, want 503, true", e.StatusCode, e.Retryable)
	}
	if n := len(f.APIRequests()); n != 1 {
		t.Errorf("API requests = %d, want 1", n)
	}
	if s := clk.Slept(); len(s) != 0 {
		t.Errorf("slept %v past a 1s deadline", s)
	}
}

func TestRetryBoundedAttempts(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
			unavailable(w)
			return true
		}
	})
	clk := newFakeClock()
	c := newTestClient(t, f, clk, WithRetryOptions(RetryOptions{MaxAttempts: 3}))

	_, err := c.ListCountries(t.Context(), nil)
	e := asAPIError(t, err)
	if e.StatusCode != http.StatusServiceUnavailable || !e.Retryable {
		t.Errorf("StatusCode, Retryable = %d, %v, want 503, true", e.StatusCode, e.Retryable)
	}
	if n := len(f.APIRequests()); n != 3 {
		t.Errorf("API requests = %d, want 3", n)
	}
	if s := clk.Slept(); len(s) != 2 {
		t.Errorf("slept %v, want 2 waits", s)
	}
}

const ledgerPolicyJSON = `{"id":"9d5b2c1e-4f3a-4b6d-8e7f-0a1b2c3d4e5f","policy_number":"AXA-TRV-0000000001","status":"issued","quote_id":"0b7e1c52-3a4d-4f6e-9a8b-1c2d3e4f5a6b"}`

func testPolicyRequest() PolicyRequest {
	var r PolicyRequest
	r.QuoteID = uuid.MustParse("0b7e1c52-3a4d-4f6e-9a8b-1c2d3e4f5a6b")
	r.PolicyHolder.Email = "camille.martin@example.com"
	r.PolicyHolder.Person.FirstName, r.PolicyHolder.Person.LastName = "Camille", "Martin"
	r.PolicyHolder.Address.Country = "fr"
	return r
}

func TestRetryPostCommittedThenConnectionLost(t *testing.T) {
	for _, tc := range []struct {
		name    string
		params  *CreatePolicyParams
		wantKey string // "" for any
	}{
		{"generated key", nil, ""},
		{"caller's key", &CreatePolicyParams{IdempotencyKey: "booking-42"}, "booking-42"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var (
				mu     sync.Mutex
				ledger = map[string]string{}
			)
			f := newFakeAPI(t)
			f.set(func(f *fakeAPI) {
				f.apiFn = func(w http.ResponseWriter, r *http.Request, _ int) bool {
					if r.Method != http.MethodPost || r.URL.Path != "/travel/v1/policies" {
						return false
					}
					if !f.validToken(r.Header.Get("Authorization")) {
						return false // the default 401
					}
					_, _ = io.Copy(io.Discard, r.Body)
					key := r.Header.Get("Idempotency-Key")
					mu.Lock()
					stored, known := ledger[key]
					if !known {
						ledger[key] = ledgerPolicyJSON
					}
					mu.Unlock()
					if !known {
						hangUp(t, w) // committed, but the answer is lost
						return true
					}
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusCreated)
					_, _ = io.WriteString(w, stored)
					return true
				}
			})
			clk := newFakeClock()
			c := newTestClient(t, f, clk, WithTransport(noKeepAlive(t)))

			p, err := c.CreatePolicy(t.Context(), testPolicyRequest(), tc.params)
			if err != nil {
				t.Fatalf("CreatePolicy after a lost answer: %v", err)
			}
			if p.ID.String() != "9d5b2c1e-4f3a-4b6d-8e7f-0a1b2c3d4e5f" || p.PolicyNumber != "AXA-TRV-0000000001" {
				t.Errorf("policy = %s %s, want the one the ledger stored", p.ID, p.PolicyNumber)
			}
			mu.Lock()
			issued := len(ledger)
			var ledgerKey string
			for k := range ledger {
				ledgerKey = k
			}
			mu.Unlock()
			if issued != 1 {
				t.Errorf("the ledger has %d policies, want 1", issued)
			}
			reqs := f.APIRequests()
			if len(reqs) != 2 {
				t.Errorf("API requests = %d, want 2 (the lost one and one retry)", len(reqs))
			}
			for i, r := range reqs {
				if r.IdempotencyKey == "" || r.IdempotencyKey != reqs[0].IdempotencyKey {
					t.Errorf("request %d has Idempotency-Key %q, want the same non-empty key as the first (%q)", i+1, r.IdempotencyKey, reqs[0].IdempotencyKey)
				}
			}
			if ledgerKey == "" {
				t.Error("the policy was stored under an empty Idempotency-Key")
			}
			if tc.wantKey != "" && ledgerKey != tc.wantKey {
				t.Errorf("Idempotency-Key seen = %q, want %q", ledgerKey, tc.wantKey)
			}
			if s := clk.Slept(); len(s) != 1 {
				t.Errorf("slept %v, want one backoff before the retry", s)
			}
		})
	}
}

// belowHeaders returns the pipeline under the header layer, which would add
// the Idempotency-Key these tests need absent.
func belowHeaders(t *testing.T, c *Client) http.RoundTripper {
	t.Helper()
	h, ok := c.http.Transport.(*headerTransport)
	if !ok {
		t.Fatalf("the pipeline starts with %T, want *headerTransport", c.http.Transport)
	}
	return h.next
}

// keylessPost is a createPolicy request without an Idempotency-Key.
func keylessPost(t *testing.T, c *Client) *http.Request {
	t.Helper()
	req, err := gen.NewCreatePolicyRequest(c.BaseURL(), &CreatePolicyParams{}, testPolicyRequest())
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Del("Idempotency-Key")
	return req.WithContext(t.Context())
}

func TestRetryPostWithoutIdempotencyKeyIsNotRetried(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, r *http.Request, _ int) bool {
			if r.Method != http.MethodPost {
				return false
			}
			unavailable(w)
			return true
		}
	})
	clk := newFakeClock()
	c := newTestClient(t, f, clk)

	resp, err := belowHeaders(t, c).RoundTrip(keylessPost(t, c))
	if err != nil {
		t.Fatalf("RoundTrip: %v", err)
	}
	drain(resp)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503", resp.StatusCode)
	}
	reqs := f.APIRequests()
	if len(reqs) != 1 {
		t.Errorf("API requests = %d, want 1: a POST without an Idempotency-Key is never resent", len(reqs))
	}
	for _, r := range reqs {
		if r.IdempotencyKey != "" {
			t.Errorf("request carried Idempotency-Key %q, want none", r.IdempotencyKey)
		}
	}
	if s := clk.Slept(); len(s) != 0 {
		t.Errorf("slept %v, want no wait", s)
	}
}

func TestRetryPostWithoutIdempotencyKeyTransportError(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, r *http.Request, _ int) bool {
			if r.Method != http.MethodPost {
				return false
			}
			hangUp(t, w)
			return true
		}
	})
	clk := newFakeClock()
	c := newTestClient(t, f, clk, WithTransport(noKeepAlive(t)))

	if resp, err := belowHeaders(t, c).RoundTrip(keylessPost(t, c)); err == nil {
		drain(resp)
		t.Error("a keyless POST succeeded over a closed connection")
	}
	if n := len(f.APIRequests()); n != 1 {
		t.Errorf("API requests = %d, want 1: a POST without an Idempotency-Key is never resent", n)
	}
}

func TestRetryConnectionReuse(t *testing.T) {
	f := newFakeAPI(t)
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	c := newTestClient(t, f, newFakeClock(), WithTransport(tr))

	for i := range 10 {
		if _, err := c.ListCountries(t.Context(), nil); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
	}
	if n := len(f.APIRequests()); n != 10 {
		t.Errorf("API requests = %d, want 10", n)
	}
	if n := len(f.TokenRequests()); n != 1 {
		t.Errorf("token requests = %d, want 1", n)
	}
	if n := f.NewConns(); n != 1 {
		t.Errorf("the server saw %d connections, want 1 shared by the token request and the 10 calls", n)
	}
}

// The answers a retry discards are drained, so that their connection
// serves the next attempt.
func TestRetryConnectionReuseAcrossRetries(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, n int) bool {
			if n > 2 {
				return false
			}
			unavailable(w)
			return true
		}
	})
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	clk := newFakeClock()
	c := newTestClient(t, f, clk, WithTransport(tr))

	if _, err := c.ListCountries(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if n := len(f.APIRequests()); n != 3 {
		t.Errorf("API requests = %d, want 3", n)
	}
	if n := len(clk.Slept()); n != 2 {
		t.Errorf("slept %d times, want 2", n)
	}
	if n := f.NewConns(); n != 1 {
		t.Errorf("the server saw %d connections, want 1 shared by the token request and the 3 attempts", n)
	}
}

func TestRetryTransportErrorOnGet(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, n int) bool {
			if n != 1 {
				return false
			}
			hangUp(t, w)
			return true
		}
	})
	clk := newFakeClock()
	c := newTestClient(t, f, clk, WithTransport(noKeepAlive(t)))

	countries, err := c.ListCountries(t.Context(), nil)
	if err != nil {
		t.Fatalf("ListCountries after a lost connection: %v", err)
	}
	if len(countries) != 2 {
		t.Errorf("got %d countries, want 2", len(countries))
	}
	if n := len(f.APIRequests()); n != 2 {
		t.Errorf("API requests = %d, want 2", n)
	}
	if s := clk.Slept(); len(s) != 1 {
		t.Errorf("slept %v, want one backoff before the retry", s)
	}
}

func TestRetryClientErrorsAreNotRetried(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusNotFound, http.StatusNotImplemented} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			f := newFakeAPI(t)
			f.set(func(f *fakeAPI) {
				f.apiFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
					writeJSON(w, status, map[string]any{"status_code": status, "error": strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "_"))})
					return true
				}
			})
			clk := newFakeClock()
			c := newTestClient(t, f, clk)
			_, err := c.ListCountries(t.Context(), nil)
			e := asAPIError(t, err)
			if e.Retryable {
				t.Errorf("a %d is marked Retryable", status)
			}
			if n := len(f.APIRequests()); n != 1 {
				t.Errorf("API requests = %d, want 1", n)
			}
			if s := clk.Slept(); len(s) != 0 {
				t.Errorf("slept %v, want no wait", s)
			}
		})
	}
}

// A Retry-After too large for int64 is a very long wait, not no hint.
func TestRetryAfterBeyondInt64FailsFast(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
			w.Header().Set("Retry-After", "99999999999999999999999")
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status_code": 503, "error": "unavailable"})
			return true
		}
	})
	clk := newFakeClock()
	c := newTestClient(t, f, clk)
	if _, err := c.ListCountries(t.Context(), nil); err == nil {
		t.Fatal("the call succeeded")
	}
	if n := len(f.APIRequests()); n != 1 {
		t.Errorf("API requests = %d, want 1 (fail fast)", n)
	}
	if s := clk.Slept(); len(s) != 0 {
		t.Errorf("slept %v, want no wait", s)
	}
}

// The one retry loop, as API calls and token requests both use it: it
// stops on an outcome that needs no retry, when the attempts are spent, on a
// Retry-After above the cap, before a wait that would end past the deadline,
// and when the context ends during a wait; it logs one record per wait.
func TestRetrierStops(t *testing.T) {
	hint := func(v string) http.Header { return http.Header{"Retry-After": {v}} }
	cases := []struct {
		name     string
		outcome  outcome
		deadline time.Duration // 0: none
		attempts int
		slept    int
	}{
		{"no retry", outcome{}, 0, 1, 0},
		{"attempts spent", outcome{retry: true}, 0, 3, 2},
		{"hint above the cap", outcome{retry: true, header: hint("31")}, 0, 1, 0},
		{"hint at the cap", outcome{retry: true, header: hint("30")}, 0, 3, 2},
		{"wait past the deadline", outcome{retry: true, header: hint("5")}, 4 * time.Second, 1, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var logs testutil.Buffer
			clk := newFakeClock()
			r := RetryOptions{MaxAttempts: 3, MaxRetryAfter: 30 * time.Second}.retrier(clk, slog.New(slog.NewTextHandler(&logs, nil)))
			ctx := t.Context()
			if tc.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithDeadline(ctx, clk.Now().Add(tc.deadline))
				defer cancel()
			}
			attempts := 0
			err := r.do(ctx, func(n int) outcome {
				attempts++
				if n != attempts {
					t.Errorf("attempt numbered %d, want %d", n, attempts)
				}
				o := tc.outcome
				o.who, o.why = []slog.Attr{slog.String("what", "test")}, slog.String("error", "boom")
				return o
			})
			if err != nil {
				t.Errorf("do = %v, want nil: the last attempt's result stands", err)
			}
			if attempts != tc.attempts || len(clk.Slept()) != tc.slept {
				t.Errorf("attempts, waits = %d, %d; want %d, %d", attempts, len(clk.Slept()), tc.attempts, tc.slept)
			}
			if n := strings.Count(logs.String(), `msg="axa: retrying" what=test attempt=`); n != tc.slept {
				t.Errorf("%d retry records, want %d:\n%s", n, tc.slept, logs.String())
			}
		})
	}
	t.Run("context ends during the wait", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		clk := &pausingClock{fakeClock: newFakeClock(), sleeping: make(chan struct{}), release: make(chan struct{})}
		r := RetryOptions{}.retrier(clk, slog.New(slog.DiscardHandler))
		discard := &http.Response{Body: &closeRecorder{Reader: strings.NewReader("x")}}
		done := make(chan error, 1)
		go func() { done <- r.do(ctx, func(int) outcome { return outcome{retry: true, discard: discard} }) }()
		<-clk.sleeping
		cancel()
		close(clk.release)
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("do = %v, want context.Canceled", err)
		}
		if !discard.Body.(*closeRecorder).closed.Load() {
			t.Error("the failed response was not closed before the wait")
		}
	})
}
