package specchange

import (
	"fmt"
	"os"
	"testing"
)

// TestMain runs none of this package's tests in the copy that
// TestANewOperationNeedsOnlyTheSpec makes (inCopy set): they edit the spec,
// which in the copy has the additions already; the original module runs
// them.
func TestMain(m *testing.M) {
	if os.Getenv(inCopy) != "" {
		fmt.Println("specchange: in the proof's copy of the module: its tests run in the original")
		os.Exit(0)
	}
	os.Exit(m.Run())
}
