package conformance

import (
	"fmt"
	"testing"

	"github.com/axa-assistance-go/axa/internal/termtext"
)

// Run checks the server cfg names from a test: it runs Check, then reports
// each operation of the spec as a subtest (t.Run with its operationId),
// each failed check as t.Errorf (where, what the spec expects, what came)
// and each skipped one as t.Log, one line each without terminal controls. A run that cannot start is t.Fatalf. It
// returns the report, for assertions of the test's own.
//
//	func TestMyServerConforms(t *testing.T) {
//		conformance.Run(t, conformance.Config{BaseURL: srv.URL, ClientID: id, ClientSecret: secret})
//	}
func Run(t *testing.T, cfg Config) *Report {
	t.Helper()
	rep, err := Check(t.Context(), cfg)
	if err != nil {
		t.Fatal(startFailure(err))
	}
	for _, op := range rep.Operations {
		t.Run(op.ID, func(t *testing.T) {
			for _, c := range op.Checks {
				switch c.Outcome {
				case Fail:
					t.Errorf("%s %s: %s", op.Method, op.Path, describe(c))
				case Skip:
					t.Log(skipped(c))
				}
			}
		})
	}
	return rep
}

// startFailure writes the error of a run that could not start: it may
// quote the server (its token endpoint's error code).
func startFailure(err error) string {
	return termtext.Line("conformance: " + err.Error())
}

// skipped writes a skipped check on one line.
func skipped(c Result) string {
	return termtext.Line(c.Name + ": skipped: " + c.Message)
}

// describe writes a failed check on one line.
func describe(c Result) string {
	s := c.Name + ": failed"
	if c.Status != 0 {
		s += fmt.Sprintf(" (status %d)", c.Status)
	}
	if c.Pointer != "" {
		s += " at " + c.Pointer
	}
	if c.Expected != "" {
		s += ": expected " + c.Expected
	}
	if c.Got != "" {
		s += ", got " + c.Got
	}
	if c.Message != "" {
		s += "; " + c.Message
	}
	// The server's words, in a test log a terminal shows: sanitized, as
	// the table and the JUnit XML.
	return termtext.Line(s)
}
