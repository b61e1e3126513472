package sandbox

import "github.com/axa-assistance-go/axa/gen"

// IssuedPolicies returns every policy sb issued, for the fault suite of
// e2e_test.go (package sandbox_test), which checks the server's ledger
// against what the client reported. It exists in test builds only.
func IssuedPolicies(sb *Sandbox) []gen.Policy { return sb.res.IssuedPolicies() }
