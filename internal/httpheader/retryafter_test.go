package httpheader

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"2", 2 * time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"0", 0, true},
		{now.Add(3 * time.Second).Format(http.TimeFormat), 3 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"99999999999", 24 * time.Hour, true},
		{"99999999999999999999999", 24 * time.Hour, true}, // beyond int64: still "not now"
		{"-1", 0, false},
		{"", 0, false},
		{"soon", 0, false},
		{"1.5", 0, false},
	}
	for _, c := range cases {
		got, ok := RetryAfter(c.in, now)
		if got != c.want || ok != c.ok {
			t.Errorf("RetryAfter(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func FuzzRetryAfter(f *testing.F) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for _, s := range []string{"2", "0", "-1", "Wed, 25 Nov 2026 12:00:03 GMT", "1e9", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := RetryAfter(v, now)
		if d < 0 || d > 24*time.Hour {
			t.Fatalf("RetryAfter(%q) = %v", v, d)
		}
		if !ok && d != 0 {
			t.Fatalf("RetryAfter(%q) = %v but not ok", v, d)
		}
	})
}
