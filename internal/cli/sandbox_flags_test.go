package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/internal/testutil"
	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// serveSandbox runs `axa sandbox` with args until the test ends and
// returns its URL.
func serveSandbox(t *testing.T, a ...string) string {
	t.Helper()
	out := testutil.NewBuffer()
	f := &Factory{Out: out, Err: &testutil.Buffer{}, Getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- f.Run(ctx, append([]string{"sandbox", "--addr", "127.0.0.1:0", "--quiet"}, a...)) }()
	t.Cleanup(func() { cancel(); <-done })
	re := regexp.MustCompile(`listening on (http://\S+)`)
	deadline := time.NewTimer(10 * time.Second) // a failure guard, not a timing
	defer deadline.Stop()
	for {
		select {
		case <-deadline.C:
			t.Fatalf("the sandbox did not say where it listens: %q", out.String())
		case code := <-done:
			done <- code
			t.Fatalf("the sandbox command ended with %d: %q", code, out.String())
		case <-out.Changed():
			if m := re.FindStringSubmatch(out.String()); m != nil {
				return m[1]
			}
		}
	}
}

func postToken(t *testing.T, base string) (int, string) {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {axa.ScopeCountries}}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/auth/v1/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(sandbox.DefaultClientID, sandbox.DefaultClientSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	return resp.StatusCode, tok.AccessToken
}

func getStatus(t *testing.T, u, token string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// countTooMany makes n requests with one token and counts the 429s.
func countTooMany(t *testing.T, base string, n int) int {
	t.Helper()
	code, tok := postToken(t, base)
	if code != http.StatusOK {
		t.Fatalf("token: %d", code)
	}
	tooMany := 0
	for range n {
		if getStatus(t, base+"/travel/v1/countries/fr", tok) == http.StatusTooManyRequests {
			tooMany++
		}
	}
	return tooMany
}

func TestSandboxRateLimitFlag(t *testing.T) {
	if n := countTooMany(t, serveSandbox(t, "--rate-limit", "1", "--rate-burst", "1"), 2); n == 0 {
		t.Error("--rate-limit 1 --rate-burst 1: no request answered 429")
	}
	if n := countTooMany(t, serveSandbox(t, "--rate-limit", "0"), 250); n != 0 {
		t.Errorf("--rate-limit 0: %d requests answered 429, want none", n)
	}
}

// The default limit lets a test suite through: 500 quick requests of one
// client, fewer than the default burst, so however fast they come.
func TestSandboxDefaultRateLimitFitsATestSuite(t *testing.T) {
	if n := countTooMany(t, serveSandbox(t), 500); n != 0 {
		t.Errorf("500 requests under the default limit: %d answered 429, want none", n)
	}
}

func TestSandboxFaultFlag(t *testing.T) {
	base := serveSandbox(t, "--fault", "token=status:500,fail-first:1", "--fault", "getCountry=too-many:1")
	if code, _ := postToken(t, base); code != http.StatusInternalServerError {
		t.Errorf("first token request: %d, want 500", code)
	}
	code, tok := postToken(t, base)
	if code != http.StatusOK {
		t.Fatalf("second token request: %d, want 200", code)
	}
	for i, want := range []int{http.StatusTooManyRequests, http.StatusOK} {
		if got := getStatus(t, base+"/travel/v1/countries/fr", tok); got != want {
			t.Errorf("getCountry %d: %d, want %d", i, got, want)
		}
	}
}

func TestParseFault(t *testing.T) {
	op, f, err := parseFault("createPolicy=latency:150ms,error-rate:0.2,status:502,too-many:1,fail-first:2,retry-after:2s,reset-rate:0.1,reset-first:3")
	want := sandbox.Fault{Latency: 150 * time.Millisecond, ErrorRate: 0.2, Status: 502, TooManyRequests: 1, FailFirst: 2,
		RetryAfter: 2 * time.Second, ResetAfterCommitRate: 0.1, ResetFirst: 3}
	if err != nil || op != "createPolicy" || f != want {
		t.Errorf("parseFault: %q, %+v, %v", op, f, err)
	}
	for _, bad := range []string{"", "createPolicy", "=latency:1s", "createPolicy=", "createPolicy=latency", "createPolicy=speed:1",
		"createPolicy=latency:soon", "createPolicy=status:x", "createPolicy=error-rate:x", "createPolicy=too-many:-1"} {
		if _, _, err := parseFault(bad); err == nil {
			t.Errorf("parseFault(%q): no error", bad)
		}
	}
}

func TestSandboxFlagsRefusedExitTwo(t *testing.T) {
	for _, a := range [][]string{
		{"--fault", "noSuchOperation=status:500"},
		{"--fault", "createPolicy=speed:1"},
		{"--fault", "createPolicy=error-rate:2"},
		{"--rate-limit", "-1"},
		{"--rate-limit", "5", "--rate-burst", "-1"},
	} {
		r := run(t, nil, append([]string{"sandbox", "--addr", "127.0.0.1:0", "--quiet"}, a...)...)
		if r.code != ExitUsage {
			t.Errorf("axa sandbox %s: exit %d, want 2 (%s)", strings.Join(a, " "), r.code, r.err)
		}
	}
}

// The help of axa sandbox shows its own flags, not the client's.
func TestSandboxHelpShowsItsFlagsOnly(t *testing.T) {
	r := run(t, nil, "sandbox", "--help")
	for _, want := range []string{"--rate-limit", "--seed", "--token-lifetime", "--fault", "--addr"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("help lacks %s:\n%s", want, r.out)
		}
	}
	for _, not := range []string{"--base-url", "--client-id", "--client-secret", "--lang", "--json"} {
		if strings.Contains(r.out, not) {
			t.Errorf("help shows %s, which does not apply:\n%s", not, r.out)
		}
	}
	r = run(t, nil, "sandbox", "stop", "--help")
	if strings.Contains(r.out, "--base-url") || !strings.Contains(r.out, "--timeout") {
		t.Errorf("axa sandbox stop --help shows the client's flags, or not --timeout:\n%s", r.out)
	}
	if r = run(t, nil, "countries", "--help"); !strings.Contains(r.out, "--base-url") {
		t.Errorf("the other commands' help lost the global flags:\n%s", r.out)
	}
}
