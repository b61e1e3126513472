package conformance_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/pkg/conformance"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// specDay is a day the spec's examples are valid on: its quote request's
// trip starts after it.
var specDay = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// startSandbox starts a sandbox on loopback, on the spec's day and without
// a rate limit, and returns its URL.
func startSandbox(t *testing.T, opts ...sandbox.Option) string {
	t.Helper()
	opts = append([]sandbox.Option{sandbox.WithClock(func() time.Time { return specDay }), sandbox.WithRateLimit(0, 0)}, opts...)
	sb, err := sandbox.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return srv.URL()
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
