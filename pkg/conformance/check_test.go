package conformance_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/pkg/axatest"
	"github.com/axa-assistance-go/axa/pkg/conformance"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// specDay is a day the spec's examples are valid on: its quote request's
// trip starts after it.
var specDay = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// startSandbox starts a sandbox on loopback (axatest), on the spec's day and
// without a rate limit, and returns its URL.
func startSandbox(t *testing.T, opts ...sandbox.Option) string {
	t.Helper()
	return startEnv(t, opts...).URL
}

// startEnv is startSandbox's environment, the sandbox and its URLs.
func startEnv(t *testing.T, opts ...sandbox.Option) *axatest.Env {
	t.Helper()
	opts = append([]sandbox.Option{sandbox.WithClock(func() time.Time { return specDay }), sandbox.WithRateLimit(0, 0)}, opts...)
	return axatest.New(t, opts...)
}

// behindProxy starts a sandbox (startSandbox with opts) behind the handler
// proxy makes for its URL, and returns the proxy's URL, which is the
// sandbox's issuer (sandbox.WithIssuer): its metadata names the proxy, as
// the proxy's clients need (RFC 8414 section 3.3).
func behindProxy(t *testing.T, proxy func(target *url.URL) http.Handler, opts ...sandbox.Option) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	t.Cleanup(srv.Close)
	issuer := "http://" + srv.Listener.Addr().String()
	u, err := url.Parse(startSandbox(t, append(opts, sandbox.WithIssuer(issuer))...))
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = proxy(u)
	srv.Start()
	return srv.URL
}

// TestSandboxConforms: against the sandbox, every operation of the spec is
// in the report, in operationId order, with no failed check.
func TestSandboxConforms(t *testing.T) {
	url := startSandbox(t)
	rep, err := conformance.Check(t.Context(), conformance.Config{BaseURL: url, ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := api.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			want = append(want, op.OperationID)
		}
	}
	slices.Sort(want)
	var got []string
	for _, op := range rep.Operations {
		got = append(got, op.ID)
		for _, c := range op.Checks {
			if c.Outcome == conformance.Fail {
				t.Errorf("%s: %s failed at %s: expected %s, got %s; %s", op.ID, c.Name, c.Pointer, c.Expected, c.Got, c.Message)
			}
		}
		if len(op.Checks) == 0 || op.Checks[0].Name != "response" || op.Checks[0].Outcome != conformance.Pass {
			t.Errorf("%s: first check = %+v, want a passed response check", op.ID, op.Checks)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("operations = %v, want the spec's %v", got, want)
	}
	if rep.SpecVersion != doc.Info.Version || rep.BaseURL != url {
		t.Errorf("report of %q, spec %q", rep.BaseURL, rep.SpecVersion)
	}
}

// TestCheckRefusesABadConfig: a run that cannot start is an error, not a
// report.
func TestCheckRefusesABadConfig(t *testing.T) {
	url := startSandbox(t)
	for name, cfg := range map[string]conformance.Config{
		"relative base URL": {BaseURL: "/travel", ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret},
		"ftp base URL":      {BaseURL: "ftp://127.0.0.1", ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret},
		"unknown operation": {BaseURL: url, ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret, Operations: []string{"listCountries", "noSuchOperation"}},
		"unknown client":    {BaseURL: url, ClientID: "nobody", ClientSecret: "nothing-at-all"},
	} {
		if rep, err := conformance.Check(t.Context(), cfg); err == nil {
			t.Errorf("%s: no error, report of %d operations", name, len(rep.Operations))
		}
	}
}

// TestFailureNamesTheRequestID: a failed check carries the X-Request-Id of
// the answer, for a bug report.
func TestFailureNamesTheRequestID(t *testing.T) {
	proxy := mutatingProxy(t, func(resp *http.Response, body any) any {
		resp.Header.Set("X-Request-Id", "req_canary")
		if resp.StatusCode == http.StatusOK {
			resp.StatusCode = http.StatusTeapot
		}
		return body
	})
	rep, err := conformance.Check(t.Context(), conformance.Config{BaseURL: proxy, ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret, Operations: []string{"listCountries"}})
	if err != nil {
		t.Fatal(err)
	}
	if c := rep.Operations[0].Checks[0]; c.Outcome != conformance.Fail || !strings.Contains(c.Message, "X-Request-Id req_canary") {
		t.Errorf("response check = %+v, want a failure naming the request id", c)
	}
}
