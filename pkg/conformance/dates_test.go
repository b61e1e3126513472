package conformance_test

import (
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/pkg/conformance"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// TestExamplesStayValidYearsLater: the quote request's example starts a
// trip in December 2026; years later, on the server's and the run's clock,
// the run moves its trip dates (x-relative-date) and the quote and the
// policy made from it still pass.
func TestExamplesStayValidYearsLater(t *testing.T) {
	later := time.Date(2031, 7, 14, 9, 0, 0, 0, time.UTC)
	url := startSandbox(t, sandbox.WithClock(func() time.Time { return later }))
	rep, err := conformance.Check(t.Context(), conformance.Config{
		BaseURL: url, ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret,
		Now: func() time.Time { return later }, Operations: []string{"requestQuote", "createPolicy", "getPolicy"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range rep.Operations {
		for _, c := range op.Checks {
			if c.Outcome != conformance.Pass {
				t.Errorf("%s: %s %s (%d) at %s: expected %s, got %s; %s", op.ID, c.Name, c.Outcome, c.Status, c.Pointer, c.Expected, c.Got, c.Message)
			}
		}
	}
	if len(rep.Operations) != 3 {
		t.Errorf("operations = %+v, want the three asked for", rep.Operations)
	}
}
