package axa

// The per-call options (request_options.go) and the timeouts (WithTimeouts,
// WithRequestTimeout): what each layer makes of them.

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

	"github.com/axa-assistance-go/axa/gen"
)

// seenHeaders records a header of every API request the fake API answers.
type seenHeaders struct {
	mu   sync.Mutex
	vals [][]string
}

func (s *seenHeaders) add(h http.Header, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.vals = append(s.vals, h.Values(name))
}

func (s *seenHeaders) all() [][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]string(nil), s.vals...)
}

// A WithHeader header goes out on every attempt, replacing one of the same
// name the method sends.
func TestWithHeaderOnEveryAttempt(t *testing.T) {
	f := newFakeAPI(t)
	var trace, lang seenHeaders
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, r *http.Request, n int) bool {
			trace.add(r.Header, "X-Trace")
			lang.add(r.Header, "Accept-Language")
			if n == 1 {
				unavailable(w)
				return true
			}
			return false
		}
	})
	c := newTestClient(t, f, newFakeClock())
	fr := "fr"
	_, err := c.ListCountries(t.Context(), &ListCountriesParams{AcceptLanguage: &fr},
		WithHeader("x-trace", "abc"))
	if err != nil {
		t.Fatal(err)
	}
	got := trace.all()
	if len(got) != 2 {
		t.Fatalf("attempts = %d, want 2", len(got))
	}
	for i, vs := range got {
		if len(vs) != 1 || vs[0] != "abc" {
			t.Errorf("attempt %d: X-Trace = %q, want [abc]", i+1, vs)
		}
		if l := lang.all()[i]; len(l) != 1 || l[0] != "fr" {
			t.Errorf("attempt %d: Accept-Language = %q, want [fr] (the params')", i+1, l)
		}
	}
}

// The headers the client owns are refused as an error of the call: nothing
// is sent, no token fetched, and the error never shows the value.
func TestWithHeaderRefused(t *testing.T) {
	const value = "CANARY-header-value"
	for _, name := range []string{
		"Authorization", "proxy-authorization", "Cookie",
		"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
		"Host", "Content-Length", "Bad Name", "",
	} {
		t.Run(name, func(t *testing.T) {
			f := newFakeAPI(t)
			c := newTestClient(t, f, newFakeClock())
			var resp Response
			_, err := c.ListCountries(t.Context(), nil, WithHeader(name, value), WithResponseInto(&resp))
			if !errors.Is(err, ErrInvalidRequestOption) {
				t.Fatalf("err = %v, want ErrInvalidRequestOption", err)
			}
			if strings.Contains(err.Error(), value) {
				t.Errorf("the error shows the header's value: %v", err)
			}
			if !strings.Contains(err.Error(), "listCountries") {
				t.Errorf("the error does not name the operation: %v", err)
			}
			if n, m := len(f.APIRequests()), len(f.TokenRequests()); n+m != 0 {
				t.Errorf("%d API and %d token requests sent, want none", n, m)
			}
			if resp.StatusCode != 0 {
				t.Errorf("Response filled without an answer: %+v", resp)
			}
		})
	}
	t.Run("control character in the value", func(t *testing.T) {
		f := newFakeAPI(t)
		c := newTestClient(t, f, newFakeClock())
		_, err := c.ListCountries(t.Context(), nil, WithHeader("X-Trace", "a\r\nInjected: yes"))
		if !errors.Is(err, ErrInvalidRequestOption) || len(f.APIRequests()) != 0 {
			t.Fatalf("err = %v after %d requests, want ErrInvalidRequestOption before any", err, len(f.APIRequests()))
		}
	})
	t.Run("every refusal named at once", func(t *testing.T) {
		f := newFakeAPI(t)
		c := newTestClient(t, f, newFakeClock())
		_, err := c.ListCountries(t.Context(), nil, WithHeader("Cookie", "x"), WithMaxRetries(-1), WithHeader("accept-language", "fr"))
		for _, want := range []string{"Cookie", "WithMaxRetries", "Accept-Language is a parameter of listCountries"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("err = %v, want it to name %s", err, want)
			}
		}
	})
}

// WithMaxRetries(n) allows n retries for this call; 0 sends it once.
func TestWithMaxRetries(t *testing.T) {
	for _, tc := range []struct {
		opts []RequestOption
		want int
	}{
		{nil, 4}, // RetryOptions' default
		{[]RequestOption{WithMaxRetries(0)}, 1},
		{[]RequestOption{WithMaxRetries(2)}, 3},
		{[]RequestOption{WithMaxRetries(9)}, 10},
	} {
		f := newFakeAPI(t)
		f.set(func(f *fakeAPI) {
			f.apiFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
				unavailable(w)
				return true
			}
		})
		c := newTestClient(t, f, newFakeClock())
		_, err := c.ListCountries(t.Context(), nil, tc.opts...)
		if e := asAPIError(t, err); e.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("status = %d, want 503", e.StatusCode)
		}
		if got := len(f.APIRequests()); got != tc.want {
			t.Errorf("%d options: attempts = %d, want %d", len(tc.opts), got, tc.want)
		}
	}
}

// The params' Idempotency-Key is the key of every attempt;
// WithResponseInto tells the status, the request id and the replay.
func TestIdempotencyKeyOfParamsAndResponseInto(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, n int) bool {
			if n == 1 {
				unavailable(w)
				return true
			}
			w.Header().Set("X-Request-Id", "req-42")
			w.Header().Set("Idempotent-Replayed", "true")
			writeJSON(w, http.StatusCreated, map[string]any{"policy_number": "AXA-TRV-0000000001"})
			return true
		}
	})
	c := newTestClient(t, f, newFakeClock())
	var resp Response
	p, err := c.CreatePolicy(t.Context(), testPolicyRequest(), &CreatePolicyParams{IdempotencyKey: "booking-42"},
		WithResponseInto(&resp))
	if err != nil {
		t.Fatal(err)
	}
	if p.PolicyNumber != "AXA-TRV-0000000001" {
		t.Errorf("policy number = %q", p.PolicyNumber)
	}
	reqs := f.APIRequests()
	if len(reqs) != 2 {
		t.Fatalf("attempts = %d, want 2", len(reqs))
	}
	for i, r := range reqs {
		if r.IdempotencyKey != "booking-42" {
			t.Errorf("attempt %d: Idempotency-Key = %q, want booking-42", i+1, r.IdempotencyKey)
		}
	}
	want := Response{StatusCode: http.StatusCreated, RequestID: "req-42", IdempotentReplayed: true}
	if resp.StatusCode != want.StatusCode || resp.RequestID != want.RequestID || resp.IdempotentReplayed != want.IdempotentReplayed {
		t.Errorf("Response = %+v, want %+v", resp, want)
	}
	if resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("Response.Header = %v, want the answer's headers", resp.Header)
	}
}

// WithResponseInto is filled for an error status too, and by Invoke; a
// first answer is not replayed.
func TestWithResponseIntoErrorAndInvoke(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
			w.Header().Set("X-Request-Id", "req-7")
			return false
		}
	})
	c := newTestClient(t, f, newFakeClock())
	resp := Response{StatusCode: 999}
	_, err := c.GetCountry(t.Context(), "zz", nil, WithResponseInto(&resp))
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	if resp.StatusCode != http.StatusNotFound || resp.RequestID != "req-7" || resp.IdempotentReplayed {
		t.Errorf("Response = %+v, want 404 req-7 not replayed", resp)
	}
	if _, err := c.Invoke(t.Context(), "listCountries", nil, nil, WithResponseInto(&resp), WithMaxRetries(0)); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.RequestID != "req-7" {
		t.Errorf("Invoke's Response = %+v, want 200 req-7", resp)
	}
	if _, err := c.Invoke(t.Context(), "listCountries", nil, nil, WithHeader("Authorization", "x")); !errors.Is(err, ErrInvalidRequestOption) {
		t.Errorf("Invoke with a refused header: err = %v, want ErrInvalidRequestOption", err)
	}
}

// hangUntilCancelled makes the fake API answer nothing until the request's
// context ends: a server that hangs, with no sleep in the test.
func hangUntilCancelled(f *fakeAPI) {
	f.set(func(f *fakeAPI) {
		f.apiFn = func(_ http.ResponseWriter, r *http.Request, _ int) bool {
			<-r.Context().Done()
			return true
		}
	})
}

// A hanging server ends the call with an error matching
// context.DeadlineExceeded: the client's overall timeout, the call's own
// WithRequestTimeout, and the per-attempt timeout (retried first).
func TestTimeoutsAgainstAHangingServer(t *testing.T) {
	for _, tc := range []struct {
		name     string
		client   Option
		opts     []RequestOption
		attempts int
	}{
		{"client overall", WithTimeouts(0, 100*time.Millisecond), []RequestOption{WithMaxRetries(0)}, 1},
		{"WithRequestTimeout over no timeout", WithTimeouts(0, 0), []RequestOption{WithRequestTimeout(100 * time.Millisecond), WithMaxRetries(0)}, 1},
		{"WithRequestTimeout over a long overall", WithTimeouts(0, time.Hour), []RequestOption{WithRequestTimeout(100 * time.Millisecond), WithMaxRetries(0)}, 1},
		{"per attempt, retried", WithTimeouts(100*time.Millisecond, 0), []RequestOption{WithMaxRetries(2)}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			c := newTestClient(t, f, newFakeClock(), tc.client)
			// A first call caches the token, so that the timeouts below
			// are spent on the hanging requests alone.
			if _, err := c.ListCountries(context.Background(), nil); err != nil {
				t.Fatal(err)
			}
			hangUntilCancelled(f)
			_, err := c.ListCountries(context.Background(), nil, tc.opts...)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v, want context.DeadlineExceeded", err)
			}
			if got := len(f.APIRequests()) - 1; got != tc.attempts {
				t.Errorf("attempts = %d, want %d", got, tc.attempts)
			}
		})
	}
}

// Which deadline a request is sent with: the per-attempt timeout, the
// context's own deadline over the client's overall timeout, and
// WithRequestTimeout over both.
func TestTimeoutsDeadlines(t *testing.T) {
	var (
		mu   sync.Mutex
		left time.Duration
	)
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		d, ok := r.Context().Deadline()
		mu.Lock()
		left = -1
		if ok {
			left = time.Until(d)
		}
		mu.Unlock()
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(`{"built-at":"2016-03-16T15:12:15Z","commit-sha":"x"}`)), Request: r}, nil
	})
	for _, tc := range []struct {
		name     string
		client   []Option
		ctx      time.Duration // the context's deadline from now, 0 for none
		opts     []RequestOption
		min, max time.Duration // -1: no deadline
	}{
		{"defaults", nil, 0, nil, DefaultAttemptTimeout - time.Second, DefaultAttemptTimeout},
		{"overall without a context deadline", []Option{WithTimeouts(0, time.Hour)}, 0, nil, time.Hour - time.Minute, time.Hour},
		{"the context's deadline wins", []Option{WithTimeouts(0, time.Hour)}, time.Minute, nil, time.Minute - 5*time.Second, time.Minute},
		{"WithRequestTimeout", []Option{WithTimeouts(0, time.Hour)}, time.Minute, []RequestOption{WithRequestTimeout(10 * time.Second)}, 5 * time.Second, 10 * time.Second},
		{"WithRequestTimeout(0) drops the overall", []Option{WithTimeouts(0, time.Hour)}, 0, []RequestOption{WithRequestTimeout(0)}, -1, -1},
		{"no timeouts", []Option{WithTimeouts(0, 0)}, 0, nil, -1, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewClient(append([]Option{WithoutEnvironment(), WithBaseURL("http://127.0.0.1:9"), WithTransport(rt)}, tc.client...)...)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ctx := context.Background()
			if tc.ctx > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.ctx)
				defer cancel()
			}
			if _, err := c.GetVersion(ctx, tc.opts...); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			got := left
			mu.Unlock()
			if tc.min < 0 {
				if got != -1 {
					t.Errorf("deadline in %v, want none", got)
				}
				return
			}
			if got < tc.min || got > tc.max {
				t.Errorf("deadline in %v, want between %v and %v", got, tc.min, tc.max)
			}
		})
	}
	if _, err := NewClient(WithoutEnvironment(), WithTimeouts(-time.Second, 0)); err == nil {
		t.Error("WithTimeouts with a negative duration accepted")
	}
	if _, err := (&Client{}).GetVersion(context.Background(), WithRequestTimeout(-time.Second)); !errors.Is(err, ErrInvalidRequestOption) {
		t.Errorf("WithRequestTimeout(-1s): err = %v, want ErrInvalidRequestOption", err)
	}
}

// A raw call of the generated client has the client's overall timeout too,
// its body readable until closed.
func TestTimeoutsOfARawCall(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, newFakeClock(), WithTimeouts(0, 250*time.Millisecond), WithRetryOptions(RetryOptions{MaxAttempts: 1}))
	raw, err := c.Raw().ListCountriesWithResponse(context.Background(), nil)
	if err != nil || raw.JSON200 == nil || len(*raw.JSON200) != 2 {
		t.Fatalf("raw call: %v, %+v", err, raw)
	}
	hangUntilCancelled(f)
	if _, err := c.Raw().ListCountriesWithResponse(context.Background(), nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
}

// The values of WithHeader headers, and the Idempotency-Key, are never
// logged, at any level.
func TestWithHeaderValuesNeverLogged(t *testing.T) {
	var logs strings.Builder
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logs.Write(p)
	}), &slog.HandlerOptions{Level: slog.LevelDebug}))
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, n int) bool {
			if n == 1 {
				unavailable(w)
				return true
			}
			return false
		}
	})
	c := newTestClient(t, f, newFakeClock(), WithLogger(logger))
	if _, err := c.ListCountries(t.Context(), nil, WithHeader("X-Trace", "CANARY-trace"), WithHeader("X-Other", "CANARY-other")); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logs.String(), "axa: retrying") {
		t.Fatalf("no retry logged:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "CANARY") {
		t.Errorf("a header value was logged:\n%s", logs.String())
	}
}

// writerFunc is an io.Writer made of a function.
type writerFunc func([]byte) (int, error)

// Write implements io.Writer.
func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// One way per concern (issue 21): a header the spec declares as a parameter
// of the operation is given in its params; WithHeader refuses it before
// anything is sent, naming the parameter and the operation, for every
// header parameter of every operation of the spec. A header the operation
// does not declare is sent.
func TestWithHeaderRefusesTheOperationsOwnParameters(t *testing.T) {
	ops := headerParameters()
	if len(ops) == 0 {
		t.Fatal("no operation declares a header parameter")
	}
	for _, op := range gen.Operations() {
		doc, _ := gen.LookupOperationDoc(op.ID)
		for _, p := range doc.Parameters {
			if p.In != "header" {
				continue
			}
			_, err := buildRequestOptions(op.ID, []RequestOption{WithHeader(strings.ToLower(p.Name), "x")})
			want := http.CanonicalHeaderKey(p.Name) + " is a parameter of " + string(op.ID)
			if !errors.Is(err, ErrInvalidRequestOption) || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: WithHeader(%s) = %v, want a refusal saying %q", op.ID, p.Name, err, want)
			}
		}
	}
	if _, err := buildRequestOptions(gen.OperationCreatePolicy, []RequestOption{WithHeader("Accept-Language", "fr")}); err != nil {
		t.Errorf("createPolicy declares no Accept-Language, yet WithHeader refused it: %v", err)
	}
	f := newFakeAPI(t)
	c := newTestClient(t, f, newFakeClock())
	_, err := c.ListCountries(t.Context(), nil, WithHeader("Accept-Language", "fr"))
	if !errors.Is(err, ErrInvalidRequestOption) || len(f.APIRequests()) != 0 {
		t.Fatalf("err = %v after %d requests, want ErrInvalidRequestOption before any", err, len(f.APIRequests()))
	}
}
