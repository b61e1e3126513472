package cli

import (
	"testing"

	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// The command lines that never reach the api command's operations do not
// build them (a command per operation, issue 24's cold start); those that
// may do: the api command, in any case, the help and completion commands,
// and a command line cobra cannot place.
func TestOperationsAreBuiltOnlyWhenTheCommandLineMayNeedThem(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"countries"}, false},
		{[]string{"--help"}, false},
		{nil, false},
		{[]string{"--json", "alerts", "--country", "fr"}, false},
		{[]string{"countrie"}, false}, // a mistyped command: the root's own are suggested
		{[]string{"policy", "list"}, false},
		{[]string{"api"}, true},
		{[]string{"api", "getCountry", "--country-id", "fr"}, true},
		{[]string{"--json", "api", "getcountry"}, true},
		{[]string{"--timeout", "5s", "api", "listCountries"}, true},
		{[]string{"help", "api", "getCountry"}, true},
		{[]string{"__complete", "api", "get"}, true},
		{[]string{"completion", "bash"}, true},
	} {
		root := newCmdRootFor(&Factory{}, tc.args)
		if got := apiCommand(root).HasSubCommands(); got != tc.want {
			t.Errorf("axa %q: operations built %v, want %v", tc.args, got, tc.want)
		}
	}
	if !apiCommand(NewCmdRoot(&Factory{})).HasSubCommands() {
		t.Error("NewCmdRoot: no operations")
	}
}

// The sandbox's client as the CLI spells it without linking the sandbox
// is the sandbox's.
func TestSandboxClientIsTheSandboxs(t *testing.T) {
	if sandboxClientID != sandbox.DefaultClientID || sandboxClientSecret != sandbox.DefaultClientSecret {
		t.Errorf("sandboxClientID, sandboxClientSecret = %q, %q; the sandbox's are %q, %q",
			sandboxClientID, sandboxClientSecret, sandbox.DefaultClientID, sandbox.DefaultClientSecret)
	}
}
