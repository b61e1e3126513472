package axaotel_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/axaotel"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// The canary credentials of the secret checks: a sandbox client and user
// registered with them.
const (
	canaryClientID = "canary-client"
	canarySecret   = "CANARY-client-secret-4b7e"
	canaryUser     = "canary-user"
	canaryPassword = "CANARY-password-0c9d"
)

// handlerTransport serves each request with h in the process, as a
// server would: a fresh context (nothing of the client's reaches the
// server but the request's headers), no network, so that a test can run
// in a synctest bubble where a Retry-After costs no time.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	sr := r.Clone(context.Background())
	sr.RequestURI = r.URL.RequestURI()
	sr.RemoteAddr = "127.0.0.1:40000"
	if sr.Body == nil {
		sr.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, sr)
	if r.Body != nil {
		_ = r.Body.Close()
	}
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

// world is a sandbox traced by ServerMiddleware and a client traced by
// WithTracing, both into one span recorder and one meter provider, with
// the W3C trace context between them.
type world struct {
	client  *axa.Client
	base    []axa.Option // a client of the sandbox, traced, without credentials
	spans   *tracetest.SpanRecorder
	metrics *sdkmetric.ManualReader
	// tokens are the Authorization headers the sandbox was sent: the
	// canaries of the secret checks.
	mu    sync.Mutex
	auths []string
}

// newWorld builds a world in the test's synctest bubble: the sandbox with
// sbOpts then inner (a middleware of the test, inside the tracing one),
// and a client with clientOpts (the sandbox's client credentials unless
// they give others).
func newWorld(t *testing.T, inner func(http.Handler) http.Handler, sbOpts []sandbox.Option, clientOpts ...axa.Option) *world {
	t.Helper()
	w := &world{spans: tracetest.NewSpanRecorder(), metrics: sdkmetric.NewManualReader()}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(w.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(w.metrics))
	t.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	otelOpts := []axaotel.Option{axaotel.WithTracerProvider(tp), axaotel.WithMeterProvider(mp), axaotel.WithPropagators(propagation.TraceContext{})}
	record := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if a := r.Header.Get("Authorization"); a != "" {
				w.mu.Lock()
				w.auths = append(w.auths, a[strings.IndexByte(a, ' ')+1:])
				w.mu.Unlock()
			}
			next.ServeHTTP(rw, r)
		})
	}
	opts := append([]sandbox.Option{sandbox.WithMiddleware(axaotel.ServerMiddleware(otelOpts...)), sandbox.WithMiddleware(record)}, sbOpts...)
	if inner != nil {
		opts = append(opts, sandbox.WithMiddleware(inner))
	}
	sb, err := sandbox.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	w.base = []axa.Option{
		axa.WithoutEnvironment(), axa.WithSandbox(), axa.WithTransport(handlerTransport{sb}),
		axaotel.WithTracing(otelOpts...),
	}
	w.client = w.newClient(t, clientOpts...)
	return w
}

// newClient returns another traced client of the world's sandbox, with
// opts; it is closed when the test ends.
func (w *world) newClient(t *testing.T, opts ...axa.Option) *axa.Client {
	t.Helper()
	c, err := axa.NewClient(append(slices.Clone(w.base), opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// tree renders the spans of the trace whose root is named root (the last
// such trace), one line per span, "name kind", children indented under
// their parent in the order they started.
func (w *world) tree(t *testing.T, root string) string {
	t.Helper()
	started := w.spans.Started()
	var top sdktrace.ReadOnlySpan
	for _, s := range started {
		if s.Name() == root && !s.Parent().IsValid() {
			top = s
		}
	}
	if top == nil {
		t.Fatalf("no root span %q among %d spans", root, len(started))
	}
	var b strings.Builder
	var walk func(s sdktrace.ReadOnlySpan, depth int)
	walk = func(s sdktrace.ReadOnlySpan, depth int) {
		fmt.Fprintf(&b, "%s%s %s\n", strings.Repeat("  ", depth), s.Name(), s.SpanKind())
		for _, c := range started {
			if c.Parent().SpanID() == s.SpanContext().SpanID() && c.Parent().TraceID() == s.SpanContext().TraceID() {
				walk(c, depth+1)
			}
		}
	}
	walk(top, 0)
	return b.String()
}

// trace returns the spans of the last trace whose root is named root, in
// the order they started, every one ended.
func (w *world) trace(t *testing.T, root string) []sdktrace.ReadOnlySpan {
	t.Helper()
	var id trace.TraceID
	for _, s := range w.spans.Started() {
		if s.Name() == root && !s.Parent().IsValid() {
			id = s.SpanContext().TraceID()
		}
	}
	ended := map[trace.SpanID]sdktrace.ReadOnlySpan{}
	for _, s := range w.spans.Ended() {
		ended[s.SpanContext().SpanID()] = s
	}
	var out []sdktrace.ReadOnlySpan
	for _, s := range w.spans.Started() {
		if s.SpanContext().TraceID() != id {
			continue
		}
		e, ok := ended[s.SpanContext().SpanID()]
		if !ok {
			t.Errorf("span %q never ended", s.Name())
			continue
		}
		out = append(out, e)
	}
	return out
}

// assertTree compares the rendered tree with want (its lines trimmed of
// the tabs of the test's indentation).
func assertTree(t *testing.T, got, want string) {
	t.Helper()
	var lines []string
	for line := range strings.Lines(want) {
		if line = strings.TrimLeft(line, "\t"); strings.TrimSpace(line) != "" {
			lines = append(lines, strings.TrimRight(line, "\n"))
		}
	}
	if want = strings.Join(lines, "\n") + "\n"; got != want {
		t.Errorf("span tree:\n%s\nwant:\n%s", got, want)
	}
}

// attrs returns the attributes of s by key.
func attrs(s sdktrace.ReadOnlySpan) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, a := range s.Attributes() {
		m[a.Key] = a.Value
	}
	return m
}

// expectAttrs fails for each attribute of want that s lacks or holds
// otherwise, and for each key of absent that s has.
func expectAttrs(t *testing.T, s sdktrace.ReadOnlySpan, want []attribute.KeyValue, absent ...attribute.Key) {
	t.Helper()
	got := attrs(s)
	for _, kv := range want {
		if v, ok := got[kv.Key]; !ok || v.String() != kv.Value.String() {
			t.Errorf("span %q: %s = %q (present %t), want %q", s.Name(), kv.Key, v.String(), ok, kv.Value.String())
		}
	}
	for _, k := range absent {
		if v, ok := got[k]; ok {
			t.Errorf("span %q has %s = %q, want none", s.Name(), k, v.String())
		}
	}
}

// named returns the spans of spans named name, of kind kind.
func named(spans []sdktrace.ReadOnlySpan, name string, kind trace.SpanKind) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range spans {
		if s.Name() == name && s.SpanKind() == kind {
			out = append(out, s)
		}
	}
	return out
}

// assertChildOf fails unless child's parent is parent.
func assertChildOf(t *testing.T, child, parent sdktrace.ReadOnlySpan) {
	t.Helper()
	if child.Parent().SpanID() != parent.SpanContext().SpanID() || child.Parent().TraceID() != parent.SpanContext().TraceID() {
		t.Errorf("span %q (%s) is not a child of %q (%s)", child.Name(), child.SpanKind(), parent.Name(), parent.SpanKind())
	}
}

const countriesRoute = "GET /travel/v1/countries"

// A call retried after a 503 with Retry-After: a call span named by its
// operationId, its token fetch, two attempt spans (HTTP client spans, the
// second a resend for status_503) each the parent of the sandbox's server
// span through the W3C traceparent, and a retry event with its reason,
// delay and Retry-After.
func TestRetryAfter503IsTracedEndToEnd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, nil, []sandbox.Option{sandbox.WithFault("listCountries", sandbox.Fault{FailFirst: 1, RetryAfter: 2 * time.Second})})
		start := time.Now()
		countries, err := w.client.ListCountries(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(countries) != 249 {
			t.Fatalf("%d countries, want 249", len(countries))
		}
		if waited := time.Since(start); waited != 2*time.Second {
			t.Fatalf("the call took %s of the bubble's clock, want the 2s of Retry-After", waited)
		}
		assertTree(t, w.tree(t, "listCountries"), `
			listCountries internal
			  axa.token.fetch internal
			    POST /auth/v1/token server
			  GET /travel/v1/countries client
			    GET /travel/v1/countries server
			  GET /travel/v1/countries client
			    GET /travel/v1/countries server
		`)
		spans := w.trace(t, "listCountries")
		call := spans[0]
		attempts := named(spans, countriesRoute, trace.SpanKindClient)
		servers := named(spans, countriesRoute, trace.SpanKindServer)
		if len(attempts) != 2 || len(servers) != 2 {
			t.Fatalf("%d attempt spans and %d server spans, want 2 of each", len(attempts), len(servers))
		}
		scope := string(gen.ScopeTravelCountriesReadOnly)
		expectAttrs(t, call, []attribute.KeyValue{
			axaotel.OperationIDKey.String("listCountries"),
			axaotel.ScopesKey.StringSlice([]string{scope}),
			axaotel.AttemptsKey.Int(2),
			axaotel.CacheHitKey.Bool(false),
			attribute.Int("http.response.status_code", 200),
		})
		expectAttrs(t, attempts[0], []attribute.KeyValue{
			attribute.String("http.request.method", "GET"),
			attribute.String("url.full", "http://127.0.0.1:8080/travel/v1/countries"),
			attribute.String("url.template", "/travel/v1/countries"),
			attribute.String("server.address", "127.0.0.1"),
			attribute.Int("server.port", 8080),
			attribute.Int("http.response.status_code", 503),
			attribute.String("error.type", "503"),
			axaotel.AttemptKey.Int(1),
			axaotel.RetryAfterKey.Float64(2),
		}, "http.request.resend_count", axaotel.RetryReasonKey)
		if attempts[0].Status().Code != codes.Error {
			t.Errorf("the 503 attempt's status is %v, want Error", attempts[0].Status())
		}
		expectAttrs(t, attempts[1], []attribute.KeyValue{
			attribute.Int("http.response.status_code", 200),
			attribute.Int("http.request.resend_count", 1),
			axaotel.AttemptKey.Int(2),
			axaotel.RetryReasonKey.String("status_503"),
		}, "error.type")
		for i := range 2 {
			assertChildOf(t, servers[i], attempts[i])
			expectAttrs(t, servers[i], []attribute.KeyValue{
				axaotel.OperationIDKey.String("listCountries"),
				attribute.String("http.route", "/travel/v1/countries"),
				attribute.Int("http.response.status_code", []int{503, 200}[i]),
			})
			// The server's request id is the one the client saw.
			if got, want := attrs(servers[i])[axaotel.RequestIDKey].AsString(), attrs(attempts[i])[axaotel.RequestIDKey].AsString(); got == "" || got != want {
				t.Errorf("attempt %d: the server span's request id %q, the client's %q", i+1, got, want)
			}
		}
		var retry *sdktrace.Event
		for _, e := range call.Events() {
			if e.Name == axaotel.RetryEvent {
				retry = &e
			}
		}
		if retry == nil {
			t.Fatal("the call span has no retry event")
		}
		ev := map[attribute.Key]string{}
		for _, a := range retry.Attributes {
			ev[a.Key] = a.Value.String()
		}
		for k, v := range map[attribute.Key]string{axaotel.AttemptKey: "1", axaotel.RetryReasonKey: "status_503", axaotel.RetryDelayKey: "2", axaotel.RetryAfterKey: "2", "http.response.status_code": "503"} {
			if ev[k] != v {
				t.Errorf("the retry event's %s = %q, want %q", k, ev[k], v)
			}
		}
		token := named(spans, axaotel.TokenFetchSpan, trace.SpanKindInternal)[0]
		expectAttrs(t, token, []attribute.KeyValue{
			axaotel.GrantKey.String("client_credentials"),
			axaotel.TokenScopesKey.StringSlice([]string{scope}),
			axaotel.GrantedScopesKey.StringSlice([]string{scope}),
			axaotel.TokenBackgroundKey.Bool(false),
			axaotel.TokenLifetimeKey.Float64(3600),
		})

		w.assertMetrics(t, map[string][]string{
			axaotel.CallDurationName:       {"axa.cache.hit=false axa.operation.id=listCountries count=1"},
			axaotel.AttemptsName:           {"axa.operation.id=listCountries error.type=503 http.response.status_code=503 value=1", "axa.operation.id=listCountries http.response.status_code=200 value=1"},
			axaotel.TokenFetchesName:       {"axa.token.grant=client_credentials value=1"},
			axaotel.TokenFetchDurationName: {"axa.token.grant=client_credentials count=1"},
			axaotel.HTTPClientDurationName: {
				"error.type=503 http.request.method=GET http.response.status_code=503 server.address=127.0.0.1 server.port=8080 url.template=/travel/v1/countries count=1",
				"http.request.method=GET http.response.status_code=200 server.address=127.0.0.1 server.port=8080 url.template=/travel/v1/countries count=1",
			},
		})
	})
}

// A 401 invalid_token: the token is fetched again within the call (a
// second token fetch span), and the replay is an attempt of its own,
// its reason invalid_token.
func TestInvalidTokenRefreshIsTraced(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var once sync.Once
		refuseFirst := func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				refused := false
				if sandbox.OperationOf(r) == "listCountries" {
					once.Do(func() { refused = true })
				}
				if refused {
					rw.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="the token was revoked"`)
					rw.Header().Set("Content-Type", "application/json")
					rw.WriteHeader(http.StatusUnauthorized)
					_, _ = io.WriteString(rw, `{"status_code":401,"error":"invalid_token"}`)
					return
				}
				next.ServeHTTP(rw, r)
			})
		}
		w := newWorld(t, refuseFirst, nil)
		if _, err := w.client.ListCountries(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
		assertTree(t, w.tree(t, "listCountries"), `
			listCountries internal
			  axa.token.fetch internal
			    POST /auth/v1/token server
			  GET /travel/v1/countries client
			    GET /travel/v1/countries server
			  axa.token.fetch internal
			    POST /auth/v1/token server
			  GET /travel/v1/countries client
			    GET /travel/v1/countries server
		`)
		spans := w.trace(t, "listCountries")
		attempts := named(spans, countriesRoute, trace.SpanKindClient)
		expectAttrs(t, attempts[0], []attribute.KeyValue{
			attribute.Int("http.response.status_code", 401),
			attribute.String("error.type", "401"),
			axaotel.AttemptKey.Int(1),
		}, axaotel.RetryReasonKey)
		expectAttrs(t, attempts[1], []attribute.KeyValue{
			attribute.Int("http.response.status_code", 200),
			attribute.Int("http.request.resend_count", 1),
			axaotel.AttemptKey.Int(2),
			axaotel.RetryReasonKey.String("invalid_token"),
		})
		expectAttrs(t, spans[0], []attribute.KeyValue{axaotel.AttemptsKey.Int(2), attribute.Int("http.response.status_code", 200)})
		if spans[0].Status().Code == codes.Error {
			t.Errorf("the call span's status is %v: the call succeeded", spans[0].Status())
		}
	})
}

// WithCache: a stale answer revalidated is a revalidation span under the
// call, its attempt (304) under it and the server's span under that; a
// fresh answer is a call span with a cache hit event and no child.
func TestCacheRevalidationIsTraced(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, nil, nil, axa.WithCache())
		if _, err := w.client.ListCountries(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
		time.Sleep(301 * time.Second) // the bubble's clock: past the answer's max-age (300)
		if _, err := w.client.ListCountries(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
		assertTree(t, w.tree(t, "listCountries"), `
			listCountries internal
			  axa.cache.revalidate internal
			    GET /travel/v1/countries client
			      GET /travel/v1/countries server
		`)
		spans := w.trace(t, "listCountries")
		expectAttrs(t, spans[1], []attribute.KeyValue{
			axaotel.CacheNotModifiedKey.Bool(true),
			axaotel.CacheAgeKey.Float64(301),
			attribute.Int("http.response.status_code", 304),
		})
		expectAttrs(t, spans[2], []attribute.KeyValue{attribute.Int("http.response.status_code", 304)}, "error.type")
		expectAttrs(t, spans[3], []attribute.KeyValue{attribute.Int("http.response.status_code", 304)})
		expectAttrs(t, spans[0], []attribute.KeyValue{
			axaotel.AttemptsKey.Int(1),
			axaotel.CacheHitKey.Bool(false),
			attribute.Int("http.response.status_code", 200), // the stored answer, served
		})

		if _, err := w.client.ListCountries(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
		assertTree(t, w.tree(t, "listCountries"), "listCountries internal\n")
		hit := w.trace(t, "listCountries")[0]
		expectAttrs(t, hit, []attribute.KeyValue{axaotel.AttemptsKey.Int(0), axaotel.CacheHitKey.Bool(true)})
		if events := hit.Events(); len(events) != 1 || events[0].Name != axaotel.CacheHitEvent {
			t.Errorf("the cache hit's call span has events %v, want one %s", events, axaotel.CacheHitEvent)
		}
	})
}

// An error answer: the call span's status is Error with the message,
// error.type the status, an exception event; the attempt too.
func TestFailedCallIsRecorded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, nil, nil)
		if _, err := w.client.GetCountry(t.Context(), "zz", nil); err == nil {
			t.Fatal("GetCountry(zz) succeeded")
		}
		call := w.trace(t, "getCountry")[0]
		if call.Status().Code != codes.Error || !strings.Contains(call.Status().Description, "404") {
			t.Errorf("the failed call's status is %+v, want Error with the message", call.Status())
		}
		expectAttrs(t, call, []attribute.KeyValue{attribute.String("error.type", "404"), attribute.Int("http.response.status_code", 404)})
		if events := call.Events(); len(events) != 1 || events[0].Name != "exception" {
			t.Errorf("the failed call's events are %v, want one exception", events)
		}
	})
}

// Every operation of the spec, called through InvokeStream, is a call span
// named by its operationId, with an attempt span whose url.template is its
// path and, under it, the sandbox's span of the same operation: derived
// from the spec, so that an operation the spec gains needs no edit here.
func TestEveryOperationIsASpanNamedByItsID(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, nil, nil, axa.WithRetryOptions(axa.RetryOptions{MaxAttempts: 1}))
		ops := 0
		for _, op := range gen.Operations() {
			if op.AuthorizationServer {
				continue
			}
			ops++
			params, body := someInputs(t, op)
			stream, err := w.client.InvokeStream(t.Context(), string(op.ID), params, body)
			if err == nil {
				_, _ = io.Copy(io.Discard, stream)
				_ = stream.Close()
			}
			// Any answer will do: even a refusal is a traced call.
			spans := w.trace(t, string(op.ID))
			if len(spans) == 0 {
				t.Errorf("%s: no span named by its operationId", op.ID)
				continue
			}
			expectAttrs(t, spans[0], []attribute.KeyValue{axaotel.OperationIDKey.String(string(op.ID))})
			route := op.Method + " " + op.Path
			attempts, servers := named(spans, route, trace.SpanKindClient), named(spans, route, trace.SpanKindServer)
			if len(attempts) != 1 || len(servers) != 1 {
				t.Errorf("%s: %d attempt spans and %d server spans named %q, want one of each", op.ID, len(attempts), len(servers), route)
				continue
			}
			assertChildOf(t, attempts[0], spans[0])
			assertChildOf(t, servers[0], attempts[0])
			expectAttrs(t, servers[0], []attribute.KeyValue{axaotel.OperationIDKey.String(string(op.ID))})
		}
		if ops < 10 {
			t.Fatalf("called %d operations: gen.Operations lists too few", ops)
		}
	})
}

// someInputs returns parameters and a body that the SDK sends for op (its
// required parameters and body, of made-up values): the API may refuse
// them, but the call is made.
func someInputs(t *testing.T, op gen.Operation) (map[string][]string, *axa.RequestBody) {
	t.Helper()
	doc, ok := gen.LookupOperationDoc(op.ID)
	if !ok {
		t.Fatalf("%s has no OperationDoc", op.ID)
	}
	params := map[string][]string{}
	for _, p := range doc.Parameters {
		if p.Required && !strings.EqualFold(p.Name, "Idempotency-Key") {
			params[p.Name] = []string{"x"}
		}
	}
	var body *axa.RequestBody
	if doc.Body != nil && doc.Body.Required {
		ct := strings.Replace(doc.Body.ContentType, "*/*", "application/octet-stream", 1)
		ct = strings.Replace(ct, "/*", "/png", 1)
		body = &axa.RequestBody{ContentType: ct, Content: strings.NewReader("{}")}
	}
	return params, body
}

// Canary credentials (a client secret, a user's password) and the tokens
// and Basic credentials the sandbox was sent appear in no span name,
// attribute, event, link or status, nor in any metric's attributes: calls
// that fetch tokens by two grants, retry, fail, revalidate, and a token
// request the endpoint refuses.
func TestNoSpanOrMetricHoldsASecret(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, nil, []sandbox.Option{
			sandbox.WithClient(sandbox.Client{ID: canaryClientID, Secret: canarySecret, Scopes: allScopes()}),
			sandbox.WithUser(sandbox.User{Login: canaryUser, Password: canaryPassword}),
			sandbox.WithFault("getCountry", sandbox.Fault{FailFirst: 1}),
		}, axa.WithClientCredentials(canaryClientID, canarySecret), axa.WithCache())
		ctx := t.Context()
		if _, err := w.client.ListCountries(ctx, nil); err != nil {
			t.Fatal(err)
		}
		time.Sleep(301 * time.Second) // stale: the next call revalidates
		if _, err := w.client.ListCountries(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := w.client.GetCountry(ctx, "fr", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := w.client.GetCountry(ctx, "zz", nil); err == nil {
			t.Fatal("GetCountry(zz) succeeded")
		}
		user := w.newClient(t, axa.WithPassword(canaryClientID, canarySecret, canaryUser, canaryPassword))
		if _, err := user.ListPolicies(ctx, nil); err != nil {
			t.Fatal(err)
		}
		wrong := w.newClient(t, axa.WithClientCredentials(canaryClientID, canarySecret+"-wrong"))
		if _, err := wrong.ListCountries(ctx, nil); err == nil {
			t.Fatal("a wrong secret got a token")
		}

		w.mu.Lock()
		canaries := append([]string{canarySecret, canaryPassword}, w.auths...)
		w.mu.Unlock()
		if len(canaries) < 6 {
			t.Fatalf("the sandbox was sent %d credentials: the calls above did not run", len(canaries)-2)
		}
		check := func(where, text string) {
			for _, c := range canaries {
				if strings.Contains(text, c) {
					t.Errorf("%s holds a secret (%.10s…): %q", where, c, text)
				}
			}
		}
		spans := w.spans.Ended()
		if len(spans) < 20 {
			t.Fatalf("%d spans: the calls above were not traced", len(spans))
		}
		for _, s := range spans {
			where := fmt.Sprintf("span %q", s.Name())
			check(where+" name", s.Name())
			check(where+" status", s.Status().Description)
			for _, a := range s.Attributes() {
				check(where+" attribute "+string(a.Key), a.Value.String())
			}
			for _, e := range s.Events() {
				check(where+" event "+e.Name, e.Name)
				for _, a := range e.Attributes {
					check(where+" event "+e.Name+" attribute "+string(a.Key), a.Value.String())
				}
			}
			for _, l := range s.Links() {
				for _, a := range l.Attributes {
					check(where+" link attribute "+string(a.Key), a.Value.String())
				}
			}
		}
		for name, points := range w.collect(t) {
			for _, p := range points {
				check("metric "+name, p)
			}
		}
	})
}

// allScopes are the API's scopes.
func allScopes() []string {
	var out []string
	for _, s := range gen.AllScopes() {
		out = append(out, string(s))
	}
	return out
}

// assertMetrics collects the metrics and compares, for each name of want,
// its data points rendered "key=value ... count=N" (histograms) or
// "key=value ... value=N" (sums), sorted.
func (w *world) assertMetrics(t *testing.T, want map[string][]string) {
	t.Helper()
	got := w.collect(t)
	for name, points := range want {
		slices.Sort(points)
		if !slices.Equal(got[name], points) {
			t.Errorf("metric %s:\n\t%s\nwant:\n\t%s", name, strings.Join(got[name], "\n\t"), strings.Join(points, "\n\t"))
		}
	}
}

// collect renders every data point of every metric by metric name.
func (w *world) collect(t *testing.T) map[string][]string {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := w.metrics.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	render := func(set attribute.Set) string {
		var parts []string
		for _, kv := range set.ToSlice() {
			parts = append(parts, string(kv.Key)+"="+kv.Value.String())
		}
		return strings.Join(parts, " ")
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					out[m.Name] = append(out[m.Name], fmt.Sprintf("%s count=%d", render(p.Attributes), p.Count))
				}
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					out[m.Name] = append(out[m.Name], fmt.Sprintf("%s value=%d", render(p.Attributes), p.Value))
				}
			default:
				t.Errorf("metric %s is a %T", m.Name, m.Data)
			}
		}
	}
	for name := range out {
		slices.Sort(out[name])
	}
	return out
}
