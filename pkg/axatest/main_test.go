package axatest_test

import (
	"fmt"
	"net/http"
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/axatest"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// shared is one sandbox for the whole package, started in TestMain, as the
// package documentation shows for suites that want one.
var shared *sandbox.Server

// TestMain starts the shared sandbox, and checks that no test of the
// package leaves a goroutine behind: every axatest.New stops its sandbox
// and its clients.
func TestMain(m *testing.M) {
	sb, err := sandbox.New()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	shared, err = sb.Start("127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		_ = shared.Close()
		os.Exit(code)
	}), goleak.IgnoreCurrent())
}

// A sandbox shared by the package (started in TestMain), each test with
// its own client whose answers are checked.
func TestSharedSandboxFromTestMain(t *testing.T) {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	c, err := axa.NewClient(axa.WithoutEnvironment(), axa.WithBaseURL(shared.URL()),
		axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret),
		axa.WithTransport(axatest.SpecChecker(t, tr)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if _, err := c.ListCountries(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
}
