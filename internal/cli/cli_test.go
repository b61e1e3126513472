package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/axa-assistance-go/axa/pkg/sandbox"

	"github.com/axa-assistance-go/axa/internal/testutil"
)

type result struct {
	out, err string
	code     int
}

// run executes the axa command line in memory, with no environment: the
// embedded sandbox answers.
func run(t *testing.T, f *Factory, args ...string) result {
	t.Helper()
	out, errOut := &testutil.Buffer{}, &testutil.Buffer{}
	if f == nil {
		f = &Factory{}
	}
	f.Out, f.Err = out, errOut
	if f.Getenv == nil {
		f.Getenv = func(string) string { return "" }
	}
	code := f.Run(t.Context(), args)
	return result{out.String(), errOut.String(), code}
}

func TestCountriesWithNoCredentialsUsesTheSandbox(t *testing.T) {
	r := run(t, nil, "countries")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	for _, want := range []string{"af  Afghanistan", "ax  Aland Islands", "zw  Zimbabwe"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("output lacks %q:\n%s", want, r.out)
		}
	}
	lines := strings.Split(strings.TrimSpace(r.err), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "embedded sandbox at http://127.0.0.1:") {
		t.Errorf("stderr should say in one line that the sandbox is used: %q", r.err)
	}
}

func TestCountriesJSONAndLanguage(t *testing.T) {
	r := run(t, nil, "countries", "--json", "--lang", "fr")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var list []struct{ ID, Label string }
	if err := json.Unmarshal([]byte(r.out), &list); err != nil {
		t.Fatalf("--json output is not JSON: %v", err)
	}
	if len(list) != 249 {
		t.Errorf("%d countries", len(list))
	}
	for _, c := range list {
		if c.ID == "de" && c.Label != "Allemagne" {
			t.Errorf("de in French = %q, want Allemagne", c.Label)
		}
	}
}

func TestEveryReadCommand(t *testing.T) {
	for _, args := range [][]string{
		{"countries", "FR"},
		{"country-health", "br"},
		{"country-security", "jp"},
		{"alerts"},
		{"alerts", "--country", "fr", "--min-level", "low"},
		{"providers", "search", "--lat", "48.8566", "--lng", "2.3522", "--radius", "20000"},
		{"providers", "kinds"},
		{"providers", "specialities", "--json"},
		{"version"},
	} {
		r := run(t, nil, args...)
		if r.code != ExitOK || strings.TrimSpace(r.out) == "" {
			t.Errorf("axa %s: exit %d, out %q, err %q", strings.Join(args, " "), r.code, r.out, r.err)
		}
	}
}

// The whole booking flow in one sandbox: a quote, a policy from it (twice
// with one idempotency key: one policy), and reading it back.
func TestBookingFlowAgainstOneSandbox(t *testing.T) {
	sb, err := sandbox.New()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	env := map[string]string{"AXA_BASE_URL": srv.URL(), "AXA_CLIENT_ID": sandbox.DefaultClientID, "AXA_CLIENT_SECRET": sandbox.DefaultClientSecret}
	newF := func() *Factory { return &Factory{Getenv: func(k string) string { return env[k] }} }

	start := time.Now().AddDate(0, 0, 30).Format(time.DateOnly)
	end := time.Now().AddDate(0, 0, 44).Format(time.DateOnly)
	r := run(t, newF(), "quote", "--json", "--from", "fr", "--to", "jp", "--start", start, "--end", end, "--traveller", "1985-04-12")
	if r.code != ExitOK {
		t.Fatalf("quote: exit %d: %s", r.code, r.err)
	}
	if strings.Contains(r.err, "embedded sandbox") {
		t.Error("with credentials the command still started the embedded sandbox")
	}
	var q struct{ ID string }
	if err := json.Unmarshal([]byte(r.out), &q); err != nil {
		t.Fatal(err)
	}
	holder := filepath.Join(t.TempDir(), "holder.json")
	if err := os.WriteFile(holder, []byte(`{
		"policy_holder": {"person": {"first_name": "Camille", "last_name": "Martin", "birth_date": "1985-04-12"},
			"email": "camille.martin@example.com",
			"address": {"street_address": "6 rue André Gide", "postal_code": "92320", "locality": "Châtillon", "country": "fr"}},
		"travellers": [{"first_name": "Camille", "last_name": "Martin", "birth_date": "1985-04-12"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var numbers []string
	var id string
	for range 2 {
		r := run(t, newF(), "policy", "create", "--json", "--quote", q.ID, "--file", holder, "--idempotency-key", "booking-42")
		if r.code != ExitOK {
			t.Fatalf("policy create: exit %d: %s", r.code, r.err)
		}
		var p struct {
			ID           string
			PolicyNumber string `json:"policy_number"`
		}
		if err := json.Unmarshal([]byte(r.out), &p); err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, p.PolicyNumber)
		id = p.ID
	}
	if numbers[0] == "" || numbers[0] != numbers[1] {
		t.Errorf("two runs with one idempotency key issued %v", numbers)
	}
	r = run(t, newF(), "policy", "get", id)
	if r.code != ExitOK || !strings.Contains(r.out, numbers[0]) {
		t.Errorf("policy get: exit %d, out %q, err %q", r.code, r.out, r.err)
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{"countries", "fr", "jp"},
		{"--no-such-flag"},
		{"providers", "search", "--lat", "north"},
		{"providers", "search"},
		{"quote", "--from", "fr"},
		{"policy", "get", "not-a-uuid"},
		{"alerts", "--min-level", "severe"},
		{"foo"},
		{"sandbox", "--addr", "0.0.0.0:8080"},
		{"sandbox", "--fault-op", "noSuchOperation", "--error-rate", "1"},
		{"countries", "--timeout", "0"},
		{"countries", "--timeout", "-1s"},
		{"login", "--wait", "0"},
		{"login", "--wait", "-1s"},
		{"countries", "--base-url", "http://example.com", "--client-id", "a", "--client-secret", "b"},
		{"countries", "--base-url", "https://x:bad/", "--client-id", "a", "--client-secret", "b"},
	} {
		r := run(t, nil, args...)
		if r.code != ExitUsage {
			t.Errorf("axa %s: exit %d, want 2 (err %q)", strings.Join(args, " "), r.code, r.err)
		}
		if lines := strings.Split(strings.TrimSpace(r.err), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "axa: ") {
			t.Errorf("axa %s: stderr should be one line starting axa: %q", strings.Join(args, " "), r.err)
		}
	}
}

func TestUnknownCountryExitsOneWithAClearLine(t *testing.T) {
	r := run(t, nil, "countries", "xx")
	if r.code != ExitError {
		t.Fatalf("exit %d, want 1", r.code)
	}
	last := strings.TrimSpace(r.err[strings.LastIndex(strings.TrimSpace(r.err), "\n")+1:])
	for _, want := range []string{"404", "not_found", "request id req_"} {
		if !strings.Contains(last, want) {
			t.Errorf("error line %q lacks %q", last, want)
		}
	}
	if strings.Contains(r.err, "goroutine") || strings.Contains(r.err, ".go:") {
		t.Errorf("stderr looks like a stack trace: %s", r.err)
	}
}

// A burst of 503s from the sandbox is absorbed by the SDK's retries; a
// longer one is not, and the command says so in one line with exit 1.
func TestSandboxFaultsAreAbsorbed(t *testing.T) {
	f := &Factory{SandboxOptions: []sandbox.Option{sandbox.WithFault("listCountries", sandbox.Fault{FailFirst: 2})}}
	r := run(t, f, "countries")
	if r.code != ExitOK || !strings.Contains(r.out, "Zimbabwe") {
		t.Fatalf("exit %d, out %q, err %q", r.code, r.out, r.err)
	}
	f = &Factory{SandboxOptions: []sandbox.Option{sandbox.WithFault("listCountries", sandbox.Fault{FailFirst: 100})}}
	r = run(t, f, "countries")
	if r.code != ExitError || !strings.Contains(r.err, "503") {
		t.Fatalf("a lasting fault: exit %d, err %q; want 1 and the 503", r.code, r.err)
	}
}

func TestTokenShowsNoSecretUnlessAsked(t *testing.T) {
	r := run(t, nil, "token", "--scope", "urn:axa.assistance.travel.countries.read_only")
	if r.code != ExitOK || !strings.Contains(r.out, "urn:axa.assistance.travel.countries.read_only") {
		t.Fatalf("exit %d, out %q, err %q", r.code, r.out, r.err)
	}
	jwt := regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`)
	if jwt.MatchString(r.out + r.err) {
		t.Errorf("the token was printed without --show-token:\n%s", r.out)
	}
	r = run(t, nil, "token", "--show-token")
	if r.code != ExitOK || !jwt.MatchString(r.out) {
		t.Errorf("--show-token did not print the token: exit %d, %q", r.code, r.out)
	}
}

func TestLoginWithPKCE(t *testing.T) {
	browser := &http.Client{}
	f := &Factory{
		SandboxOptions: []sandbox.Option{sandbox.WithAutoApprove()},
		OpenBrowser: func(u string) error {
			// The browser follows the authorization URL to the loopback
			// redirect, which the command serves.
			go func() {
				req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, u, nil)
				if err != nil {
					return
				}
				if resp, err := browser.Do(req); err == nil {
					_ = resp.Body.Close()
				}
			}()
			return nil
		},
	}
	r := run(t, f, "login", "--scope", "urn:axa.assistance.travel.countries.read_only", "--wait", "20s")
	if r.code != ExitOK || !strings.Contains(r.out, "Logged in") || !strings.Contains(r.err, "/auth/v1/authorize?") {
		t.Fatalf("exit %d, out %q, err %q", r.code, r.out, r.err)
	}
}

func TestSandboxCommandServesUntilInterrupted(t *testing.T) {
	out := testutil.NewBuffer()
	f := &Factory{Out: out, Err: &testutil.Buffer{}, Getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan int, 1)
	go func() { done <- f.Run(ctx, []string{"sandbox", "--addr", "127.0.0.1:0", "--quiet"}) }()

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
	cancel()
	if code := <-done; code != ExitOK {
		t.Errorf("exit %d after interrupt", code)
	}
}

// Every command's --help shows an example.
func TestEveryCommandHasAnExample(t *testing.T) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if !c.Hidden && c.Name() != "help" && c.Name() != "completion" && c.Parent() != nil && c.Parent().Name() != "completion" {
			if strings.TrimSpace(c.Example) == "" {
				t.Errorf("axa %s has no example", c.CommandPath())
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	root := NewCmdRoot(&Factory{})
	root.InitDefaultCompletionCmd()
	walk(root)
	r := run(t, nil, "completion", "bash")
	if r.code != ExitOK || !strings.Contains(r.out, "bash completion") {
		t.Errorf("shell completion: exit %d, %q", r.code, r.out[:min(80, len(r.out))])
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
