// Package specchange holds the proof that the spec is the one source: its
// test copies the module, adds an operation to the copy's api/openapi.yaml
// and nothing else, runs go generate, and calls the new operation through
// the SDK and through `axa api` against the sandbox.
package specchange
