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
// example written today still makes a valid quote years later. A body goes
// in the media type the SDK picks (application/json, a +json type, a form,
// multipart/form-data, else raw bytes): a multipart form with its required
// fields and a small file part of the type its encoding names, raw bytes as
// the spec's string example or a small document of the type; the same
// inputs send the same bytes, so that a replay is the same request. Accept
// names the media types of the operation's successes.
//
// # The authorization server
//
// Tokens come from the API's OAuth 2.0 authorization server, which may live
// on another host than the API (the real API's does, one per environment):
// Config.AuthorizationServer, its endpoints or its issuer. Left zero, it is
// the one the SDK uses for Config.BaseURL, resolved by the SDK itself
// (axa.Client.AuthorizationServer of a client of that base URL without
// environment variables): the authorization server of the spec's
// environment whose URL the base URL is (for the local sandbox on any port,
// its own origin, whose issuer is the base URL), else the local sandbox's
// paths (gen.TokenPath and the others) under the base URL, without an
// issuer. The run asks one token per scope with the client credentials
// grant at the token endpoint, HTTP Basic client authentication,
// Config.TokenParameters (an audience, a resource) and the environment's
// added to the form, and keeps it for the run.
//
// The authorization server's operations (tag oauth) are checked where it
// serves them, each known by its path in the spec: the operation at
// gen.TokenPath at the token endpoint, at gen.AuthorizePath at the
// authorization endpoint, at gen.RevocationPath at the revocation endpoint,
// at /.well-known/oauth-authorization-server at the issuer's RFC 8414
// metadata URL, and any other (the key set) at the URL the metadata names
// for it (the member the spec's example of the metadata names it with:
// jwks_uri), else at the issuer's origin and its path. Given an issuer, the
// run reads its metadata first (that request is the metadata operation's
// response check) and takes from it the endpoints left empty, provided it
// names that very issuer and https or loopback endpoints only. An operation
// whose endpoint the authorization server does not name (no issuer, no
// revocation endpoint) is skipped, saying so, and never sent to the API's
// origin instead. The client secret goes to the token and revocation
// endpoints only, the tokens to the base URL's origin only; a request that
// would carry either elsewhere is not sent, and no redirect is ever
// followed. Every URL that gets the secret or a token is https, or http to
// a loopback address: the run refuses any other before it sends anything.
//
// # The checks
//
// The checks of an operation, as Result.Name says them:
//
//   - "response": a documented success (any of them), valid against the
//     spec (status, headers, body: none where the spec documents none, a
//     document of its media type for a binary answer); for the authorization server's metadata, also naming
//     the issuer it was asked of (RFC 8414 section 3.3) and https or
//     loopback endpoints;
//   - "no token", "scope <scope>" (one per other scope of the API) and
//     "tampered token" for an OAuth2 operation: 401 with a Bearer challenge,
//     403 insufficient_scope naming the needed scope, 401 invalid_token;
//   - "no credentials" and "wrong credentials" for an HTTP Basic one (the
//     token and revocation endpoints): 401 invalid_client with a Basic
//     challenge; "security" (skipped) for an operation without security;
//   - "idempotent replay" and "key reused with another body" for a POST
//     that takes an Idempotency-Key, whatever its body's media type: the
//     same resource, marked Idempotent-Replayed, then 422 (skipped for a
//     POST without a body).
//
// Every answer must have a status the spec documents and validate against
// it. Against a server that is not on a loopback address (the API's, or the
// authorization server's for its operations) the run is read only: the
// POSTs, and what needs their resources, are skipped unless
// Config.AllowWrites; the token requests the run needs are always sent. A
// valid 429 or 503 whose Retry-After is at most 10 seconds is waited out and
// the request sent again (three sends at most), so a server's rate limit
// does not fail the run. No client secret, token or Authorization header is
// ever in a report or an error.
package conformance
