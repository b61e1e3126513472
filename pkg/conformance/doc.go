// Package conformance checks a server against the AXA Assistance API's
// spec (api/openapi.yaml): every operation is called with a token carrying
// only its scope, and every answer is validated with kin-openapi; the
// security contract (401 without a token or with a tampered one, 403
// insufficient_scope with a token of another scope) and idempotency of
// POSTs are checked too.
//
// It is what `axa conform` runs, and what a user's own tests run with
// Run(t, cfg). Importers of the SDK (pkg/axa) do not compile it: it pulls
// kin-openapi and the spec.
package conformance
