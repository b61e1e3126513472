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
//     ([RequestOption]): [WithRequestTimeout], [WithHeader] (for headers the
//     spec does not declare), [WithMaxRetries], and [WithResponseInto], the
//     way to read the status, headers, request id (X-Request-Id) and replay
//     flag (Idempotent-Replayed) of a successful call without Raw;
//   - typed errors ([Error], [TokenError], [DecodeError]) with errors.Is
//     sentinels such as [ErrNotFound] and [ErrInsufficientScope];
//   - opt-in HTTP caching of the reference data ([WithCache], [Cache],
//     [NewMemoryCache], bounded in entries and bytes): fresh answers reused
//     without an API request, stale ones revalidated with If-None-Match, a
//     304 turned into the stored 200, concurrent misses of one answer
//     sharing one request;
//   - an [Observer] of each call as an operation ([WithObserver] for every
//     call, [WithRequestObserver] for one): its attempts and their outcome,
//     retries with their reason and Retry-After, token fetches, cache hits
//     and revalidations, request ids, idempotent replays; the hook of
//     tracing (pkg/axaotel, a module of its own, makes OpenTelemetry spans
//     and metrics of it) and of metrics of one's own, through which no
//     secret, token or body is reachable;
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
//	countries, err := client.ListCountries(ctx, &axa.ListCountriesParams{AcceptLanguage: new("fr")})
//
//	var resp axa.Response
//	policy, err := client.CreatePolicy(ctx, order,
//		&axa.CreatePolicyParams{IdempotencyKey: "booking-" + bookingID}, axa.WithResponseInto(&resp))
//	log.Print(resp.RequestID, resp.IdempotentReplayed)
//
// # One way for each thing
//
// A method takes the operation's path parameters as arguments, then its
// body, then params, a pointer to the operation's other parameters (query
// and header), nil when none are given; an operation with a required one
// refuses nil params before sending. Every parameter the spec declares is
// given there and only there: the Idempotency-Key of a POST (an empty one
// gets a random key, the same on every attempt), Accept-Language,
// If-None-Match; [WithHeader] refuses them. The trailing [RequestOption]s
// tune what the spec leaves to the client.
//
// Values are built with this package alone: [NewDate] and [DateOf] for
// dates, [ParseUUID] for ids, and Go's new for optional fields, which are
// pointers (new("fr"), new(axa.AlertLevelHigh)).
//
// # Models and their types
//
// The models (Country, Policy, the params types) are generated into package
// gen and declared here as aliases (type Country = gen.Country): they are the
// same types, so a value's %T prints gen.Country, and a program needs only
// this package to use them. Each model's doc lists its fields, and each
// enumeration's its values, declared here as constants of its type. Dates
// are [Date], ids [UUID], e-mail addresses [Email]: aliases of
// oapi-codegen's runtime types, which %T prints as types.Date and
// types.UUID. An amount of money is a [Money]: its Amount is a json.Number,
// the decimal the API sent, exactly (see Money).
package axa
