package cli

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/conformance"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// cannedConform stands in for conformance.Check: it records the Config it
// is given and returns report (or err).
type cannedConform struct {
	report *conformance.Report
	err    error

	mu    sync.Mutex
	calls []conformance.Config
	left  []time.Duration // the time left before each call's deadline
}

func (c *cannedConform) check(ctx context.Context, cfg conformance.Config) (*conformance.Report, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, cfg)
	if deadline, ok := ctx.Deadline(); ok {
		c.left = append(c.left, time.Until(deadline))
	}
	return c.report, c.err
}

func (c *cannedConform) configs() []conformance.Config {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.calls)
}

// cannedReport has one passed check and, when failing, one failed check
// and one skipped.
func cannedReport(failing bool) *conformance.Report {
	r := &conformance.Report{BaseURL: "https://api.example.test", SpecVersion: gen.SpecVersion, Operations: []conformance.OperationResult{
		{ID: "getCountry", Method: "GET", Path: "/travel/v1/countries/{country_id}", Checks: []conformance.Result{
			{Name: "response", Outcome: conformance.Pass, Status: 200},
		}},
	}}
	if failing {
		r.Operations = append(r.Operations, conformance.OperationResult{ID: "createPolicy", Method: "POST", Path: "/policies/v1/policies", Checks: []conformance.Result{
			{Name: "no token", Outcome: conformance.Fail, Status: 200, Pointer: "status", Expected: "401", Got: "200"},
			{Name: "idempotent replay", Outcome: conformance.Skip, Message: "writes need --allow-writes"},
		}})
	}
	return r
}

// apiEnv is an environment with credentials for a remote API, and a state
// directory of the test's own.
func apiEnv(t *testing.T) func(string) string {
	dir := t.TempDir()
	env := map[string]string{
		EnvStateDir:         dir,
		"AXA_BASE_URL":      "https://api.example.test",
		"AXA_CLIENT_ID":     "ci-client",
		"AXA_CLIENT_SECRET": "ci-secret-not-to-print",
	}
	return func(k string) string { return env[k] }
}

// A failed check is exit 1 with one line on stderr; the table is printed,
// --junit writes the same report as JUnit XML (mode 0600), and the flags
// and the credentials of the environment reach the run.
func TestConformFailureExitsOneAndWritesJUnit(t *testing.T) {
	canned := &cannedConform{report: cannedReport(true)}
	junit := filepath.Join(t.TempDir(), "reports", "conformance.xml")
	f := &Factory{Getenv: apiEnv(t), Conform: canned.check}
	r := run(t, f, "conform", "--junit", junit, "--allow-writes", "--operation", "getCountry", "--operation", "createPolicy,getPolicy")
	if r.code != ExitError {
		t.Fatalf("exit %d, want 1 (err %q)", r.code, r.err)
	}
	if !strings.Contains(r.out, "FAIL  no token") || !strings.Contains(r.out, "2 operations, 3 checks: 1 passed, 1 failed, 1 skipped") {
		t.Errorf("stdout lacks the table:\n%s", r.out)
	}
	if lines := strings.Split(strings.TrimSpace(r.err), "\n"); len(lines) != 1 || !strings.Contains(r.err, "1 of 3 checks failed against https://api.example.test") {
		t.Errorf("stderr should say in one line how many checks failed: %q", r.err)
	}
	if strings.Contains(r.out+r.err, "ci-secret-not-to-print") {
		t.Error("the client secret was printed")
	}

	cfgs := canned.configs()
	if len(cfgs) != 1 {
		t.Fatalf("the run was called %d times", len(cfgs))
	}
	// A base URL of no environment: the sandbox's paths under it, as the
	// SDK resolves them.
	base := "https://api.example.test"
	want := conformance.Config{
		BaseURL: base, ClientID: "ci-client", ClientSecret: "ci-secret-not-to-print",
		AuthorizationServer: axa.AuthorizationServer{TokenURL: base + gen.TokenPath, AuthorizationURL: base + gen.AuthorizePath, RevocationURL: base + gen.RevocationPath},
		AllowWrites:         true, Operations: []string{"getCountry", "createPolicy", "getPolicy"},
	}
	if !reflect.DeepEqual(cfgs[0], want) {
		t.Errorf("config %+v, want %+v", cfgs[0], want)
	}

	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suite    struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Classname string    `xml:"classname,attr"`
				Name      string    `xml:"name,attr"`
				Failure   *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("the --junit file is not XML: %v\n%s", err, data)
	}
	if doc.Tests != 3 || doc.Failures != 1 || doc.Skipped != 1 || doc.Suite.Name != "conformance" || len(doc.Suite.Cases) != 3 ||
		doc.Suite.Cases[1].Classname != "createPolicy" || doc.Suite.Cases[1].Name != "no token" || doc.Suite.Cases[1].Failure == nil {
		t.Errorf("the --junit file does not hold the report: %+v\n%s", doc, data)
	}
	if fi, err := os.Stat(junit); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the --junit file: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(junit), ".tmp-*")); len(leftovers) != 0 {
		t.Errorf("temporary files left beside the report: %v", leftovers)
	}
}

// With every check passed or skipped the exit is 0; --json prints the
// report itself; the global --base-url and --client-id/--client-secret
// flags name the server as for any command.
func TestConformJSONAndExitZero(t *testing.T) {
	canned := &cannedConform{report: cannedReport(false)}
	f := &Factory{Conform: canned.check}
	r := run(t, f, "conform", "--json", "--base-url", "https://staging.example.test", "--client-id", "id", "--client-secret", "secret-flag")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var got conformance.Report
	if err := json.Unmarshal([]byte(r.out), &got); err != nil {
		t.Fatalf("--json: %v\n%s", err, r.out)
	}
	if !reflect.DeepEqual(&got, canned.report) {
		t.Errorf("--json printed %+v, want the report %+v", got, *canned.report)
	}
	cfgs := canned.configs()
	if len(cfgs) != 1 || cfgs[0].BaseURL != "https://staging.example.test" || cfgs[0].ClientID != "id" || cfgs[0].ClientSecret != "secret-flag" ||
		cfgs[0].AllowWrites || cfgs[0].Operations != nil {
		t.Errorf("configs %+v; want the flags' server and credentials, no writes, every operation", cfgs)
	}
	if strings.Contains(r.out+r.err, "secret-flag") {
		t.Error("the client secret was printed")
	}
}

// Without credentials the run is against the embedded sandbox, with its
// client.
func TestConformWithoutCredentialsChecksTheEmbeddedSandbox(t *testing.T) {
	canned := &cannedConform{report: cannedReport(false)}
	r := run(t, &Factory{Conform: canned.check}, "conform")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	cfgs := canned.configs()
	if len(cfgs) != 1 || !isLoopbackURL(cfgs[0].BaseURL) ||
		cfgs[0].ClientID != sandbox.DefaultClientID || cfgs[0].ClientSecret != sandbox.DefaultClientSecret {
		t.Errorf("configs %+v; want the embedded sandbox's URL and client", cfgs)
	}
	if !strings.Contains(r.err, "embedded sandbox at "+cfgs[0].BaseURL) {
		t.Errorf("stderr does not say the sandbox is used: %q", r.err)
	}
}

// Usage errors are exit 2, said before anything runs: an unknown flag, an
// --operation that is not an operationId of the spec, a --junit that is a
// directory, a base URL the secret would cross the network in clear to.
func TestConformUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"conform", "--bogus"}, "unknown flag: --bogus"},
		{[]string{"conform", "--operation", "getCountry,getCountyr"}, `--operation "getCountyr": not an operationId of the spec`},
		{[]string{"conform", "--junit", t.TempDir()}, "a directory"},
		{[]string{"conform", "--base-url", "http://api.example.test"}, "use https"},
		{[]string{"conform", "extra"}, "unknown command"},
	} {
		canned := &cannedConform{report: cannedReport(false)}
		f := &Factory{Getenv: apiEnv(t), Conform: canned.check}
		r := run(t, f, tc.args...)
		if r.code != ExitUsage || !strings.Contains(r.err, tc.want) {
			t.Errorf("axa %s: exit %d, err %q; want 2 and %q", strings.Join(tc.args, " "), r.code, r.err, tc.want)
		}
		if n := len(canned.configs()); n != 0 {
			t.Errorf("axa %s: the run was called", strings.Join(tc.args, " "))
		}
	}
	// Without credentials, an unknown operation starts no sandbox.
	r := run(t, &Factory{Conform: (&cannedConform{}).check}, "conform", "--operation", "nope")
	if r.code != ExitUsage || strings.Contains(r.err, "sandbox") {
		t.Errorf("unknown operation without credentials: exit %d, err %q; want 2 and no sandbox", r.code, r.err)
	}
}

// The --operation values are checked against the spec's operationIds: any
// of them is accepted.
func TestConformAcceptsEveryOperationOfTheSpec(t *testing.T) {
	var ids []string
	for _, op := range gen.Operations() {
		ids = append(ids, string(op.ID))
	}
	canned := &cannedConform{report: cannedReport(false)}
	r := run(t, &Factory{Getenv: apiEnv(t), Conform: canned.check}, "conform", "--operation", strings.Join(ids, ","))
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	if cfgs := canned.configs(); len(cfgs) != 1 || !reflect.DeepEqual(cfgs[0].Operations, ids) {
		t.Errorf("configs %+v; want the operations %v", cfgs, ids)
	}
}

// The run is bounded by --timeout when given, else by five minutes: the
// 30 seconds of one command are short for a run's many requests.
func TestConformTimeout(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		min, max time.Duration
	}{
		{[]string{"conform"}, 4 * time.Minute, conformTimeout},
		{[]string{"conform", "--timeout", "10s"}, time.Second, 10 * time.Second},
	} {
		canned := &cannedConform{report: cannedReport(false)}
		r := run(t, &Factory{Getenv: apiEnv(t), Conform: canned.check}, tc.args...)
		if r.code != ExitOK {
			t.Fatalf("axa %s: exit %d: %s", strings.Join(tc.args, " "), r.code, r.err)
		}
		canned.mu.Lock()
		left := canned.left
		canned.mu.Unlock()
		if len(left) != 1 || left[0] < tc.min || left[0] > tc.max {
			t.Errorf("axa %s: the run had %v left; want between %v and %v", strings.Join(tc.args, " "), left, tc.min, tc.max)
		}
	}
	// The help says the default the run has, not the other commands' 30s.
	if r := run(t, &Factory{Getenv: apiEnv(t)}, "conform", "--help"); !strings.Contains(r.out, "(default 5m0s)") || strings.Contains(r.out, "(default 30s)") {
		t.Errorf("conform --help does not show its 5m default:\n%s", r.out)
	}
	// A bad --timeout is refused before any server is reached.
	canned := &cannedConform{report: cannedReport(false)}
	if r := run(t, &Factory{Getenv: apiEnv(t), Conform: canned.check}, "conform", "--timeout", "0"); r.code != ExitUsage || len(canned.configs()) != 0 {
		t.Errorf("conform --timeout 0: exit %d, %d runs; want 2 and none", r.code, len(canned.configs()))
	}
}

// A run that cannot start (no token at all, the server unreachable) is
// exit 1, its error on one line, and no --junit file is written.
func TestConformRunErrorExitsOne(t *testing.T) {
	canned := &cannedConform{err: errors.New("token endpoint: connection refused")}
	junit := filepath.Join(t.TempDir(), "report.xml")
	r := run(t, &Factory{Getenv: apiEnv(t), Conform: canned.check}, "conform", "--junit", junit)
	if r.code != ExitError || !strings.Contains(r.err, "conformance run against https://api.example.test: token endpoint: connection refused") {
		t.Errorf("exit %d, err %q; want 1 and the run's error", r.code, r.err)
	}
	if _, err := os.Stat(junit); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a --junit file was written for a run that did not happen: %v", err)
	}
}

// End to end: `axa conform` against the embedded sandbox, with the real
// run, passes every check of every operation. (It needs the conformance
// engine; conformance.Check is a stub until it lands.)
func TestConformEmbeddedSandboxEndToEnd(t *testing.T) {
	r := run(t, nil, "conform")
	if r.code != ExitOK {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", r.code, r.out, r.err)
	}
	for _, op := range gen.Operations() {
		if !strings.Contains(r.out, "\n"+string(op.ID)+"  "+op.Method+" "+op.Path+"\n") {
			t.Errorf("the table does not list %s %s %s:\n%s", op.ID, op.Method, op.Path, r.out)
		}
	}
	if strings.Contains(r.out+r.err, sandbox.DefaultClientSecret) {
		t.Error("the client secret was printed")
	}
}
