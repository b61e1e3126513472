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
//
// Everything comes from the spec. The operations are the document's, in
// operationId order. Inputs are the examples of the parameters and media
// types, else the schemas' examples, enums and defaults, else values
// generated from the schemas; an Idempotency-Key is fresh per logical
// request. An operation that needs a live resource gets it through the
// links of the spec's responses (requestQuote's 201 links to createPolicy,
// createPolicy's 201 to getPolicy): the standard parameters of a link fill
// the linked operation's parameters, and the x-request-body-fields
// extension, a map from a JSON pointer into the linked request body to a
// runtime expression, fills one field of its body. A date property marked
// x-relative-date (a trip's start and end) is relative to the day the
// example is used: the run moves every such date of a body by the same
// number of days so that the earliest is tomorrow (Config.Now), and an
// example written today still makes a valid quote years later. Tokens come from the
// token endpoint (gen.TokenPath) with the client credentials grant, one per
// scope, kept for the run; operations secured by HTTP Basic are called with
// the client credentials.
//
// The checks of an operation, as Result.Name says them:
//
//   - "response": the documented success, valid against the spec (status,
//     headers, body);
//   - "no token", "scope <scope>" (one per other scope of the API) and
//     "tampered token" for an OAuth2 operation: 401 with a Bearer challenge,
//     403 insufficient_scope naming the needed scope, 401 invalid_token;
//   - "no credentials" and "wrong credentials" for an HTTP Basic one: 401
//     invalid_client with a Basic challenge; "security" (skipped) for an
//     operation without security;
//   - "idempotent replay" and "key reused with another body" for a POST
//     that takes an Idempotency-Key: the same resource, marked
//     Idempotent-Replayed, then 422.
//
// Every answer must have a status the spec documents and validate against
// it. Against a server that is not on a loopback address the run is read
// only: the POSTs, and what needs their resources, are skipped unless
// Config.AllowWrites. A valid 429 or 503 whose Retry-After is at most 10
// seconds is waited out and the request sent again (three sends at most),
// so a server's rate limit does not fail the run. No client secret, token or Authorization header is
// ever in a report or an error.
package conformance
