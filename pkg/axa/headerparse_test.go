package axa

import (
	"net/http"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
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
		got, ok := parseRetryAfter(c.in, now)
		if got != c.want || ok != c.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestBearerParams(t *testing.T) {
	cases := map[string]map[string]string{
		`Bearer realm="axa", error="invalid_token", error_description="The access token expired"`: {
			"realm": "axa", "error": "invalid_token", "error_description": "The access token expired",
		},
		`Bearer error="insufficient_scope", scope="urn:a urn:b"`: {"error": "insufficient_scope", "scope": "urn:a urn:b"},
		`Basic realm="x", Bearer error=invalid_token`:            {"error": "invalid_token"},
		`Bearer realm="a \"quoted\" realm", error="invalid_token"`: {
			"realm": `a "quoted" realm`, "error": "invalid_token",
		},
		`Newauth realm="apps", type=1, title="Login to \"apps\"", bearer realm="simple"`: {"realm": "simple"},
		`Bearer`:                       {},
		`BEARER ERROR="invalid_token"`: {"error": "invalid_token"},
	}
	for in, want := range cases {
		got := bearerParams(in)
		if len(got) != len(want) {
			t.Errorf("bearerParams(%q) = %v, want %v", in, got, want)
			continue
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("bearerParams(%q)[%s] = %q, want %q", in, k, got[k], v)
			}
		}
	}
	for _, in := range []string{"", "Basic realm=x", `"quoted"`, `=`, `Bearer =`} {
		if p := bearerParams(in); p["error"] != "" {
			t.Errorf("bearerParams(%q) found error %q", in, p["error"])
		}
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for _, s := range []string{"2", "0", "-1", "Wed, 25 Nov 2026 12:00:03 GMT", "1e9", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := parseRetryAfter(v, now)
		if d < 0 || d > 24*time.Hour {
			t.Fatalf("parseRetryAfter(%q) = %v", v, d)
		}
		if !ok && d != 0 {
			t.Fatalf("parseRetryAfter(%q) = %v but not ok", v, d)
		}
	})
}
