// Package axa is a Go client for the AXA Assistance API: travel information
// and alerts, travel insurance quotes and policies, and medical providers.
//
// The client is generated from api/openapi.yaml (package gen) and wrapped
// here with what production use needs:
//
//   - OAuth2 tokens (golang.org/x/oauth2 underneath) for the client
//     credentials, password and authorization code grants, with PKCE and
//     refresh-token rotation; least privilege by default: each call asks for
//     a token with only the scope its operation needs, taken from the
//     generated operation → scope table;
//   - a token cache safe under load: one fetch at a time per scope set,
//     waiters that honour their own context, refresh before expiry, a
//     cool-down after a failure;
//   - retries with exponential backoff and full jitter for idempotent
//     requests and for POSTs that carry an Idempotency-Key (every POST made
//     through this package carries one), honouring Retry-After;
//   - timeouts: 30 s per attempt and 2 min per call when the context has no
//     deadline ([DefaultAttemptTimeout], [DefaultCallTimeout], [WithTimeouts]);
//   - per-call options, last on every method and on Invoke
//     ([RequestOption]): [WithRequestTimeout], [WithHeader],
//     [WithMaxRetries], [WithIdempotencyKey], and [WithResponseInto], the way
//     to read the status, headers, request id (X-Request-Id) and replay flag
//     (Idempotent-Replayed) of a successful call without Raw;
//   - typed errors ([Error], [TokenError], [DecodeError]) with errors.Is
//     sentinels such as [ErrNotFound] and [ErrInsufficientScope];
//   - opt-in HTTP caching of the reference data ([WithCache], [Cache],
//     [NewMemoryCache], bounded in entries and bytes): fresh answers reused
//     without an API request, stale ones revalidated with If-None-Match, a
//     304 turned into the stored 200, concurrent misses of one answer
//     sharing one request;
//   - secrets (client secret, password, tokens) that never appear in logs,
//     errors or fmt output, and tokens that are never sent over plain HTTP
//     (except to loopback) or to another host.
//
// The order in which a request passes through these layers is written down
// once, in transport.go.
//
// A minimal program:
//
//	client, err := axa.NewClient(axa.WithClientCredentials(id, secret))
//	if err != nil { ... }
//	defer client.Close()
//	countries, err := client.ListCountries(ctx, nil)
//
//	var resp axa.Response
//	policy, err := client.CreatePolicy(ctx, order, nil,
//		axa.WithIdempotencyKey("booking-"+bookingID), axa.WithResponseInto(&resp))
//	log.Print(resp.RequestID, resp.IdempotentReplayed)
package axa
