package conformance

import (
	"errors"
	"strings"
	"testing"
)

// What Run writes to the test's log holds the server's words: without
// terminal controls, escape sequences or bidi controls, on one line, as
// the table and the JUnit XML.
func TestRunLinesAreSanitized(t *testing.T) {
	evil := "a\x1b]52;c;Y2xpcA==\x07\x1b[2J\u202eb\r\nFAIL: fake\x00\xff"
	c := Result{Name: "response" + evil, Outcome: Fail, Status: 500, Pointer: "/x" + evil, Expected: evil, Got: evil, Message: evil}
	for _, line := range []string{describe(c), skipped(c), startFailure(errors.New(evil))} {
		for _, bad := range []string{"\x1b", "\x07", "\u202e", "\r", "\n", "\x00", "\xff"} {
			if strings.Contains(line, bad) {
				t.Errorf("%q holds %q", line, bad)
			}
		}
	}
}
