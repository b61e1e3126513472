package loadgen

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		var out []time.Duration
		for _, n := range ns {
			out = append(out, time.Duration(n)*time.Millisecond)
		}
		return out
	}
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	for _, tc := range []struct {
		name   string
		sorted []time.Duration
		p      int
		want   time.Duration
	}{
		{"none", nil, 50, 0},
		{"one", ms(7), 99, 7 * time.Millisecond},
		{"p50 of 4: the 2nd", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p99 of 4: the last", ms(1, 2, 3, 4), 99, 4 * time.Millisecond},
		{"p100", ms(1, 2, 3), 100, 3 * time.Millisecond},
		{"p50 of 1..100", hundred, 50, 50 * time.Millisecond},
		{"p99 of 1..100", hundred, 99, 99 * time.Millisecond},
		{"p1 of 1..100", hundred, 1, 1 * time.Millisecond},
	} {
		if got := Percentile(tc.sorted, tc.p); got != tc.want {
			t.Errorf("%s: Percentile(p%d) = %v, want %v", tc.name, tc.p, got, tc.want)
		}
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		xs   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		in := append([]float64(nil), tc.xs...)
		if got := Median(tc.xs); got != tc.want {
			t.Errorf("Median(%v) = %v, want %v", tc.xs, got, tc.want)
		}
		for i := range in {
			if in[i] != tc.xs[i] {
				t.Errorf("Median changed its input: %v", tc.xs)
			}
		}
	}
}

// merge adds the goroutines' counts up, sorts the latencies, and Non2xx
// counts every answer outside 200-299 and every request without an answer.
func TestMergeAndCounts(t *testing.T) {
	boom := errors.New("boom")
	res := merge([]tally{
		{latencies: []time.Duration{3, 1}, status: map[int]int{200: 1, 201: 1}},
		{latencies: []time.Duration{2, 5, 4}, status: map[int]int{200: 1, 429: 1}, errors: 1, firstErr: boom},
		{},
	})
	if res.Requests != 5 || res.Status[200] != 2 || res.Status[201] != 1 || res.Status[429] != 1 || res.Errors != 1 || !errors.Is(res.FirstError, boom) {
		t.Errorf("merged: %+v", res)
	}
	for i, d := range res.Latencies {
		if d != time.Duration(i+1) {
			t.Fatalf("latencies not sorted: %v", res.Latencies)
		}
	}
	if n := res.Non2xx(); n != 2 {
		t.Errorf("Non2xx = %d, want 2 (a 429 and an error)", n)
	}
	res.Elapsed = 2 * time.Second
	if r := res.PerSecond(); r != 2.5 {
		t.Errorf("PerSecond = %v, want 2.5", r)
	}
	if r := (&Result{}).PerSecond(); r != 0 {
		t.Errorf("PerSecond of nothing = %v", r)
	}
}

// A run of a request count sends exactly that many requests (plus one per
// connection to open it), each with the header and body given and an
// Idempotency-Key of its own, and counts the answers by status.
func TestRunCountsAnswers(t *testing.T) {
	var (
		mu   sync.Mutex
		keys = map[string]bool{}
		seen int
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen++
		n := seen
		dup := keys[r.Header.Get("Idempotency-Key")]
		keys[r.Header.Get("Idempotency-Key")] = true
		mu.Unlock()
		switch {
		case dup || r.Header.Get("Idempotency-Key") == "", r.Header.Get("Authorization") != "Bearer t", string(body) != `{"a":1}`:
			w.WriteHeader(http.StatusBadRequest)
		case n%4 == 0:
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			w.WriteHeader(http.StatusCreated)
		}
	}))
	defer srv.Close()
	const conns, requests = 4, 200
	res, err := Run(t.Context(), Request{
		Method: http.MethodPost, URL: srv.URL, Header: http.Header{"Authorization": {"Bearer t"}},
		Body: []byte(`{"a":1}`), IdempotencyKey: true,
	}, Config{Conns: conns, Requests: requests})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != requests || len(res.Latencies) != requests || res.Errors != 0 {
		t.Fatalf("%d requests, %d latencies, %d errors (%v); want %d, %d, 0", res.Requests, len(res.Latencies), res.Errors, res.FirstError, requests, requests)
	}
	if res.Status[http.StatusBadRequest] != 0 {
		t.Errorf("%d requests lacked the header, the body or a fresh key", res.Status[http.StatusBadRequest])
	}
	if got := res.Status[http.StatusCreated] + res.Status[http.StatusServiceUnavailable]; got != requests {
		t.Errorf("statuses %v do not add up to %d", res.Status, requests)
	}
	if res.Non2xx() != res.Status[http.StatusServiceUnavailable] {
		t.Errorf("Non2xx = %d, want the %d 503s", res.Non2xx(), res.Status[http.StatusServiceUnavailable])
	}
	if seen != requests+conns || len(keys) != seen {
		t.Errorf("server saw %d requests with %d distinct keys, want %d each", seen, len(keys), requests+conns)
	}
}

// A request without an answer is counted as an error, not as a status.
func TestRunCountsTransportErrors(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	res, err := Run(t.Context(), Request{Method: http.MethodGet, URL: url}, Config{Conns: 1, Requests: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors != 3 || res.FirstError == nil || len(res.Status) != 0 || res.Non2xx() != 3 {
		t.Errorf("against a closed server: %d errors (%v), statuses %v, Non2xx %d", res.Errors, res.FirstError, res.Status, res.Non2xx())
	}
}

func TestRunRefusesAnEmptyConfig(t *testing.T) {
	for _, cfg := range []Config{{}, {Conns: 1}, {Requests: 1}} {
		if _, err := Run(t.Context(), Request{Method: http.MethodGet, URL: "http://127.0.0.1:1"}, cfg); err == nil {
			t.Errorf("Run(%+v) = nil error", cfg)
		}
	}
}

// A connection the server closes after an answer is dialled again: every
// request is answered.
func TestRunRedialsClosedConnections(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Connection", "close")
		_, _ = io.WriteString(w, "bye")
	}))
	defer srv.Close()
	res, err := Run(t.Context(), Request{Method: http.MethodGet, URL: srv.URL + "/x?y=1"}, Config{Conns: 2, Requests: 20})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status[http.StatusOK] != 20 || res.Errors != 0 {
		t.Errorf("statuses %v, %d errors (%v); want 20 × 200", res.Status, res.Errors, res.FirstError)
	}
}

// Only http URLs are measured.
func TestRunRefusesOtherURLs(t *testing.T) {
	for _, u := range []string{"https://127.0.0.1:1/", "127.0.0.1:1", "http://"} {
		if _, err := Run(t.Context(), Request{Method: http.MethodGet, URL: u}, Config{Conns: 1, Requests: 1}); err == nil {
			t.Errorf("Run(%q) = nil error", u)
		}
	}
}
