package cli

import (
	"context"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/internal/testutil"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// The sandbox serves on any loopback address, named or literal, and ends
// when interrupted.
func TestSandboxCommandServesUntilInterrupted(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "localhost:0"} {
		t.Run(addr, func(t *testing.T) { serveUntilInterrupted(t, addr) })
	}
}

func serveUntilInterrupted(t *testing.T, addr string) {
	t.Helper()
	out := testutil.NewBuffer()
	f := &Factory{Out: out, Err: &testutil.Buffer{}, Getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan int, 1)
	go func() { done <- f.Run(ctx, []string{"sandbox", "--addr", addr, "--quiet"}) }()

	var url string
	re := regexp.MustCompile(`listening on (http://\S+)`)
	deadline := time.NewTimer(10 * time.Second) // a failure guard, not a timing
	defer deadline.Stop()
	for url == "" {
		select {
		case <-deadline.C:
			cancel()
			t.Fatalf("the sandbox did not say where it listens: %q", out.String())
		case code := <-done:
			t.Fatalf("the sandbox command ended with %d: %q", code, out.String())
		case <-out.Changed():
			if m := re.FindStringSubmatch(out.String()); m != nil {
				url = m[1]
			}
		}
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url+"/version", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /version: %d", resp.StatusCode)
	}
	if !strings.Contains(out.String(), "AXA_CLIENT_SECRET="+sandbox.DefaultClientSecret) {
		t.Errorf("the sandbox command does not print the credentials to use: %q", out.String())
	}
	if strings.Contains(out.String(), "AXA_ISSUER") {
		t.Errorf("without --auth-addr, the sandbox command prints an issuer of its own: %q", out.String())
	}
	cancel()
	if code := <-done; code != ExitOK {
		t.Errorf("exit %d after interrupt", code)
	}
}

// A sandbox flag out of its range is a usage error, not a value silently
// ignored: the command ends at once with 2 instead of serving.
func TestSandboxFlagsOutOfRangeExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{"--token-lifetime", "-1s"},
		{"--token-lifetime", "0"},
		{"--error-rate", "-0.5"},
		{"--error-rate", "2"},
		{"--reset-rate", "-1"},
		{"--latency", "-1s"},
		{"--too-many", "-1"},
		{"--auth-addr", "0.0.0.0:0"},
		{"--auth-addr", "192.0.2.1:9090"},
		{"--auth-addr", "example.com:9090"},
		{"--auth-addr", "127.0.0.1"},
		{"--auth-addr", ""},
		{"--body-timeout", "0"},
		{"--idle-conn-timeout", "-1s"},
	} {
		out, errOut := testutil.NewBuffer(), &testutil.Buffer{}
		f := &Factory{Out: out, Err: errOut, Getenv: func(string) string { return "" }}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan int, 1)
		go func() {
			done <- f.Run(ctx, append([]string{"sandbox", "--addr", "127.0.0.1:0", "--quiet"}, args...))
		}()
		deadline := time.NewTimer(10 * time.Second) // a failure guard, not a timing
		code := -1
		for code < 0 {
			select {
			case code = <-done:
			case <-out.Changed():
				if strings.Contains(out.String(), "listening on") {
					t.Errorf("axa sandbox %s: serves, want exit 2", strings.Join(args, " "))
					cancel()
				}
			case <-deadline.C:
				t.Errorf("axa sandbox %s: neither served nor ended", strings.Join(args, " "))
				cancel()
			}
		}
		deadline.Stop()
		cancel()
		if code != ExitUsage {
			t.Errorf("axa sandbox %s: exit %d, want 2 (err %q)", strings.Join(args, " "), code, errOut.String())
		}
	}
}

// With --auth-addr, the sandbox serves its authorization server on an
// origin of its own and prints its URL as AXA_ISSUER, beside what it
// prints without: the token endpoint answers there and is a 404 on the
// API's origin (AXA_BASE_URL), whose API takes the token. Interrupted, it
// closes both ports.
func TestSandboxCommandAuthAddr(t *testing.T) {
	out := testutil.NewBuffer()
	f := &Factory{Out: out, Err: &testutil.Buffer{}, Getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- f.Run(ctx, []string{"sandbox", "--addr", "127.0.0.1:0", "--auth-addr", "127.0.0.1:0", "--quiet"})
	}()
	exports := regexp.MustCompile(`(?m)^  export (AXA_\w+)=(\S+)$`)
	vars := map[string]string{}
	deadline := time.NewTimer(10 * time.Second) // a failure guard, not a timing
	defer deadline.Stop()
	for vars["AXA_ISSUER"] == "" {
		select {
		case <-deadline.C:
			t.Fatalf("the sandbox did not print its issuer: %q", out.String())
		case code := <-done:
			t.Fatalf("the sandbox command ended with %d: %q", code, out.String())
		case <-out.Changed():
			for _, m := range exports.FindAllStringSubmatch(out.String(), -1) {
				vars[m[1]] = m[2]
			}
		}
	}
	api, issuer := vars["AXA_BASE_URL"], vars["AXA_ISSUER"]
	if api == "" || api == issuer || vars["AXA_CLIENT_ID"] != sandbox.DefaultClientID || vars["AXA_CLIENT_SECRET"] != sandbox.DefaultClientSecret ||
		!strings.Contains(out.String(), "listening on "+api+"\n") {
		t.Fatalf("want the API's URL, the credentials and another URL as AXA_ISSUER: %q", out.String())
	}
	if status, tok := postToken(t, issuer); status != http.StatusOK || tok == "" {
		t.Errorf("the token endpoint at AXA_ISSUER: %d", status)
	} else if got := getStatus(t, api+"/travel/v1/countries/fr", tok); got != http.StatusOK {
		t.Errorf("the API at AXA_BASE_URL with the token: %d", got)
	}
	if status, _ := postToken(t, api); status != http.StatusNotFound {
		t.Errorf("the token endpoint's path at AXA_BASE_URL: %d, want 404", status)
	}
	cancel()
	if code := <-done; code != ExitOK {
		t.Errorf("exit %d after interrupt", code)
	}
	for _, u := range []string{api, issuer} {
		if conn, err := net.Dial("tcp", strings.TrimPrefix(u, "http://")); err == nil {
			_ = conn.Close()
			t.Errorf("%s still takes connections after the command ended", u)
		}
	}
}
