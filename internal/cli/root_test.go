package cli

import (
	"strings"
	"testing"

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
	if f.Interactive == nil {
		// Never a terminal unless a test says so: whatever stdin the
		// test binary inherits, no command prompts.
		f.Interactive = func() bool { return false }
	}
	if f.Getenv == nil {
		// No environment, but a state directory of the test's own: a
		// command never reads or writes the user's.
		dir := t.TempDir()
		f.Getenv = func(k string) string {
			if k == EnvStateDir {
				return dir
			}
			return ""
		}
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
		{"sandbox", "--addr", "192.168.1.10:8080"},
		{"sandbox", "--addr", "8080"},
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
