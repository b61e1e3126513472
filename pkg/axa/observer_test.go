package axa

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/gen"
)

// scopeTag is the context key under which the recorder's Start hooks name
// the scope they opened, so that each hook's context says where it is.
type scopeTag struct{ name string }

// hookRecorder is an Observer that writes each hook's call as a line: what it
// was told, and in which of its own scopes (the context of the enclosing
// Start hook). It keeps every info it was given, for the secret checks.
type hookRecorder struct {
	name string // its scopes are "<name>:call", "<name>:attempt 1", ...

	mu     sync.Mutex
	events []string
	infos  []any
	// kept are the AttemptStartInfos it was given, to use after the hook.
	kept []*AttemptStartInfo
	// onAttempt and onToken, when set, run in the Start hooks.
	onAttempt func(*AttemptStartInfo)
	onToken   func(*TokenFetchStartInfo)
}

func (r *hookRecorder) add(ctx context.Context, info any, format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	in, _ := ctx.Value(scopeTag{r.name}).(string)
	r.events = append(r.events, fmt.Sprintf(format, args...)+" in "+in)
	r.infos = append(r.infos, info)
}

func (r *hookRecorder) open(ctx context.Context, scope string) context.Context {
	return context.WithValue(ctx, scopeTag{r.name}, r.name+":"+scope)
}

func (r *hookRecorder) Events() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

func (r *hookRecorder) observer() Observer {
	return Observer{
		CallStart: func(ctx context.Context, i CallStartInfo) context.Context {
			r.add(ctx, i, "call start %s %s %s %v", i.Operation, i.Method, i.Route, i.Scopes)
			return r.open(ctx, "call")
		},
		CallEnd: func(ctx context.Context, i CallEndInfo) {
			r.add(ctx, i, "call end %s %d id=%q attempts=%d cache=%t replayed=%t err=%v", i.Operation, i.StatusCode, i.RequestID, i.Attempts, i.FromCache, i.IdempotentReplayed, i.Err)
		},
		AttemptStart: func(ctx context.Context, i *AttemptStartInfo) context.Context {
			if r.onAttempt != nil {
				r.onAttempt(i)
			}
			r.mu.Lock()
			r.kept = append(r.kept, i)
			r.mu.Unlock()
			r.add(ctx, *i, "attempt start %d %s reason=%q %s %s", i.Attempt, i.Operation, i.Reason, i.Method, i.Route)
			return r.open(ctx, fmt.Sprintf("attempt %d", i.Attempt))
		},
		AttemptEnd: func(ctx context.Context, i AttemptEndInfo) {
			r.add(ctx, i, "attempt end %d %d id=%q retry-after=%s replayed=%t err=%v", i.Attempt, i.StatusCode, i.RequestID, i.RetryAfter, i.IdempotentReplayed, i.Err)
		},
		Retry: func(ctx context.Context, i RetryInfo) {
			r.add(ctx, i, "retry after %d %s status=%d delay=%s retry-after=%s", i.Attempt, i.Reason, i.StatusCode, i.Delay, i.RetryAfter)
		},
		TokenFetchStart: func(ctx context.Context, i *TokenFetchStartInfo) context.Context {
			if r.onToken != nil {
				r.onToken(i)
			}
			r.add(ctx, *i, "token start %s %v background=%t", i.Grant, i.Scopes, i.Background)
			return r.open(ctx, "token")
		},
		TokenFetchEnd: func(ctx context.Context, i TokenFetchEndInfo) {
			r.add(ctx, i, "token end %s %v granted=%v lifetime=%s err=%v", i.Grant, i.Scopes, i.GrantedScopes, i.Lifetime, i.Err)
		},
		CacheHit: func(ctx context.Context, i CacheHitInfo) {
			r.add(ctx, i, "cache hit %s age=%s shared=%t", i.Operation, i.Age, i.Shared)
		},
		CacheRevalidateStart: func(ctx context.Context, i CacheRevalidateStartInfo) context.Context {
			r.add(ctx, i, "revalidate start %s age=%s", i.Operation, i.Age)
			return r.open(ctx, "revalidate")
		},
		CacheRevalidateEnd: func(ctx context.Context, i CacheRevalidateEndInfo) {
			r.add(ctx, i, "revalidate end %s not-modified=%t %d err=%v", i.Operation, i.NotModified, i.StatusCode, i.Err)
		},
	}
}

// assertEvents compares the recorded lines with want, line by line.
func assertEvents(t *testing.T, r *hookRecorder, want []string) {
	t.Helper()
	got := r.Events()
	if !slices.Equal(got, want) {
		t.Errorf("%s was told:\n\t%s\nwant:\n\t%s", r.name, strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

// countriesScope is the scope of listCountries, as the events print it.
func countriesScope() string {
	return fmt.Sprint(operationAuths()[gen.OperationListCountries].scopes)
}

// A call retried after a 503 with Retry-After: the observer is told the
// call, its token fetch, each attempt with its outcome, and the retry with
// its reason and wait, in that order, each hook in the scope (context) of
// the one that encloses it.
func TestObserverIsToldARetriedCallInOrder(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, n int) bool {
			w.Header().Set("X-Request-Id", fmt.Sprintf("req-%d", n))
			if n == 1 {
				w.Header().Set("Retry-After", "2")
				unavailable(w)
				return true
			}
			return false
		}
	})
	rec := &hookRecorder{name: "client"}
	clk := newFakeClock()
	c := newTestClient(t, f, clk, WithObserver(rec.observer()))
	if _, err := c.ListCountries(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if slept := clk.Slept(); !slices.Equal(slept, []time.Duration{2 * time.Second}) {
		t.Fatalf("the client waited %v, want the 2s of Retry-After", slept)
	}
	scope := countriesScope()
	assertEvents(t, rec, []string{
		"call start listCountries GET /travel/v1/countries " + scope + " in ",
		"token start client_credentials " + scope + " background=false in client:call",
		"token end client_credentials " + scope + " granted=" + scope + " lifetime=1h0m0s err=<nil> in client:token",
		`attempt start 1 listCountries reason="" GET /travel/v1/countries in client:call`,
		`attempt end 1 503 id="req-1" retry-after=2s replayed=false err=<nil> in client:attempt 1`,
		"retry after 1 status_503 status=503 delay=2s retry-after=2s in client:call",
		`attempt start 2 listCountries reason="status_503" GET /travel/v1/countries in client:call`,
		`attempt end 2 200 id="req-2" retry-after=0s replayed=false err=<nil> in client:attempt 2`,
		`call end listCountries 200 id="req-2" attempts=2 cache=false replayed=false err=<nil> in client:call`,
	})
}

// A 401 invalid_token: the observer is told the token is fetched again
// within the call, and the replay is an attempt of its own with its reason.
func TestObserverIsToldTheReplayAfterInvalidToken(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, n int) bool {
			if n == 1 {
				w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
				writeJSON(w, http.StatusUnauthorized, map[string]any{"status_code": 401, "error": "invalid_token"})
				return true
			}
			return false
		}
	})
	rec := &hookRecorder{name: "client"}
	c := newTestClient(t, f, newFakeClock(), WithObserver(rec.observer()))
	if _, err := c.ListCountries(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	scope := countriesScope()
	assertEvents(t, rec, []string{
		"call start listCountries GET /travel/v1/countries " + scope + " in ",
		"token start client_credentials " + scope + " background=false in client:call",
		"token end client_credentials " + scope + " granted=" + scope + " lifetime=1h0m0s err=<nil> in client:token",
		`attempt start 1 listCountries reason="" GET /travel/v1/countries in client:call`,
		`attempt end 1 401 id="" retry-after=0s replayed=false err=<nil> in client:attempt 1`,
		"token start client_credentials " + scope + " background=false in client:call",
		"token end client_credentials " + scope + " granted=" + scope + " lifetime=1h0m0s err=<nil> in client:token",
		`attempt start 2 listCountries reason="invalid_token" GET /travel/v1/countries in client:call`,
		`attempt end 2 200 id="" retry-after=0s replayed=false err=<nil> in client:attempt 2`,
		`call end listCountries 200 id="" attempts=2 cache=false replayed=false err=<nil> in client:call`,
	})
}

// The client's observer and a call's are both told, the client's first;
// the call's is given the context the client's returned. A call without
// its own observer is told to the client's alone.
func TestObserverOfTheClientAndOfTheCallAreBothTold(t *testing.T) {
	f := newFakeAPI(t)
	client, call := &hookRecorder{name: "client"}, &hookRecorder{name: "call"}
	var order []string
	var mu sync.Mutex
	co, ko := client.observer(), call.observer()
	cs, ks := co.CallStart, ko.CallStart
	co.CallStart = func(ctx context.Context, i CallStartInfo) context.Context {
		mu.Lock()
		order = append(order, "client")
		mu.Unlock()
		return cs(ctx, i)
	}
	ko.CallStart = func(ctx context.Context, i CallStartInfo) context.Context {
		mu.Lock()
		order = append(order, "call")
		mu.Unlock()
		if in, _ := ctx.Value(scopeTag{"client"}).(string); in != "client:call" {
			t.Errorf("the call's CallStart was given the context %q, want the client's observer's (client:call)", in)
		}
		return ks(ctx, i)
	}
	c := newTestClient(t, f, newFakeClock(), WithObserver(co))
	if _, err := c.GetVersion(t.Context(), WithRequestObserver(ko)); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(order, []string{"client", "call"}) {
		t.Errorf("CallStart told %v, want the client's observer first", order)
	}
	version := []string{
		"call start getVersion GET /version [] in ",
		`attempt start 1 getVersion reason="" GET /version in %s:call`,
		`attempt end 1 200 id="" retry-after=0s replayed=false err=<nil> in %s:attempt 1`,
		`call end getVersion 200 id="" attempts=1 cache=false replayed=false err=<nil> in %s:call`,
	}
	for _, r := range []*hookRecorder{client, call} {
		var want []string
		for _, line := range version {
			if strings.Contains(line, "%s") {
				line = fmt.Sprintf(line, r.name)
			}
			want = append(want, line)
		}
		assertEvents(t, r, want)
	}

	if _, err := c.GetVersion(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(call.Events()); n != len(version) {
		t.Errorf("the call's observer was told %d events, want the %d of its own call only", n, len(version))
	}
	if n := len(client.Events()); n != 2*len(version) {
		t.Errorf("the client's observer was told %d events, want %d: both calls", n, 2*len(version))
	}
}

// SetHeader adds a trace context to each attempt's request and to the
// token request, and refuses Authorization, the operation's own header
// parameters, what the request already carries, invalid headers and any
// use after the hook.
func TestObserverSetHeaderAddsOnlyWhatTheClientDoesNotOwn(t *testing.T) {
	f := newFakeAPI(t)
	type seen struct{ traceparent, tracestate, late, auth string }
	var (
		mu        sync.Mutex
		api       []seen
		tokenSeen []seen
	)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(_ http.ResponseWriter, r *http.Request, _ int) bool {
			mu.Lock()
			api = append(api, seen{r.Header.Get("Traceparent"), r.Header.Get("Tracestate"), r.Header.Get("Late"), r.Header.Get("Authorization")})
			mu.Unlock()
			return false
		}
		f.tokenFn = func(_ http.ResponseWriter, r *http.Request, _ int) bool {
			mu.Lock()
			tokenSeen = append(tokenSeen, seen{r.Header.Get("Traceparent"), "", "", ""})
			mu.Unlock()
			return false
		}
	})
	rec := &hookRecorder{name: "client"}
	var problems []string
	expect := func(what string, err error, refused bool) {
		if (err != nil) != refused {
			problems = append(problems, fmt.Sprintf("%s: err = %v, want refused %t", what, err, refused))
		}
	}
	rec.onAttempt = func(a *AttemptStartInfo) {
		expect("traceparent", a.SetHeader("traceparent", "00-attempt-"+fmt.Sprint(a.Attempt)), false)
		expect("tracestate", a.SetHeader("tracestate", "first"), false)
		expect("tracestate again", a.SetHeader("Tracestate", "second"), false)
		expect("Authorization", a.SetHeader("Authorization", "Bearer mine"), true)
		expect("Cookie", a.SetHeader("Cookie", "a=b"), true)
		expect("Accept-Language, a parameter of listCountries", a.SetHeader("Accept-Language", "fr"), true)
		expect("User-Agent, which the request has", a.SetHeader("User-Agent", "spy"), true)
		expect("X-Custom, which the call's WithHeader set", a.SetHeader("X-Custom", "other"), true)
		expect("a name with a space", a.SetHeader("bad name", "x"), true)
		expect("a value with a line break", a.SetHeader("X-Trace", "a\r\nb"), true)
	}
	rec.onToken = func(tf *TokenFetchStartInfo) {
		expect("token traceparent", tf.SetHeader("traceparent", "00-token"), false)
		expect("token Authorization", tf.SetHeader("Authorization", "Basic x"), true)
		expect("token Content-Type", tf.SetHeader("Content-Type", "text/plain"), true)
	}
	f.set(func(f *fakeAPI) {
		prev := f.apiFn
		f.apiFn = func(w http.ResponseWriter, r *http.Request, n int) bool {
			prev(w, r, n)
			if n == 1 {
				unavailable(w)
				return true
			}
			return false
		}
	})
	c := newTestClient(t, f, newFakeClock(), WithObserver(rec.observer()))
	if _, err := c.ListCountries(t.Context(), nil, WithHeader("X-Custom", "mine")); err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	for _, a := range rec.kept {
		if err := a.SetHeader("Late", "x"); err == nil {
			t.Error("SetHeader after AttemptStart returned was accepted")
		}
		if a.header != nil {
			t.Error("an AttemptStartInfo kept after its hook still reaches the request's headers")
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(api) != 2 {
		t.Fatalf("the API saw %d requests, want 2", len(api))
	}
	for i, s := range api {
		want := seen{"00-attempt-" + fmt.Sprint(i+1), "second", "", bearer(1)}
		if s != want {
			t.Errorf("attempt %d carried %+v, want %+v", i+1, s, want)
		}
	}
	if len(tokenSeen) != 1 || tokenSeen[0].traceparent != "00-token" {
		t.Errorf("the token requests carried %+v, want the traceparent the fetch's observer set", tokenSeen)
	}
}

// With WithCache, the observer is told a fresh answer served without a
// request (CacheHit, no attempt) and a stale one revalidated: the
// revalidation encloses its attempt, and a 304 serves the stored answer.
func TestObserverIsToldCacheHitsAndRevalidations(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, r *http.Request, n int) bool {
			if r.URL.Path != "/travel/v1/countries" {
				return false
			}
			w.Header().Set("X-Request-Id", fmt.Sprintf("req-%d", n))
			w.Header().Set("ETag", `"v1"`)
			w.Header().Set("Cache-Control", "private, max-age=60")
			if r.Header.Get("If-None-Match") == `"v1"` {
				w.WriteHeader(http.StatusNotModified)
				return true
			}
			writeJSON(w, http.StatusOK, []map[string]string{{"id": "fr", "label": "France"}})
			return true
		}
	})
	rec := &hookRecorder{name: "client"}
	clk := newFakeClock()
	c := newTestClient(t, f, clk, WithCache(), WithObserver(rec.observer()))
	for i := range 2 {
		if _, err := c.ListCountries(t.Context(), nil); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
	}
	clk.Advance(90 * time.Second)
	if _, err := c.ListCountries(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	scope := countriesScope()
	assertEvents(t, rec, []string{
		"call start listCountries GET /travel/v1/countries " + scope + " in ",
		"token start client_credentials " + scope + " background=false in client:call",
		"token end client_credentials " + scope + " granted=" + scope + " lifetime=1h0m0s err=<nil> in client:token",
		`attempt start 1 listCountries reason="" GET /travel/v1/countries in client:call`,
		`attempt end 1 200 id="req-1" retry-after=0s replayed=false err=<nil> in client:attempt 1`,
		`call end listCountries 200 id="req-1" attempts=1 cache=false replayed=false err=<nil> in client:call`,

		"call start listCountries GET /travel/v1/countries " + scope + " in ",
		"cache hit listCountries age=0s shared=false in client:call",
		`call end listCountries 200 id="" attempts=0 cache=true replayed=false err=<nil> in client:call`,

		"call start listCountries GET /travel/v1/countries " + scope + " in ",
		"revalidate start listCountries age=1m30s in client:call",
		`attempt start 1 listCountries reason="" GET /travel/v1/countries in client:revalidate`,
		`attempt end 1 304 id="req-2" retry-after=0s replayed=false err=<nil> in client:attempt 1`,
		"revalidate end listCountries not-modified=true 304 err=<nil> in client:revalidate",
		`call end listCountries 200 id="req-2" attempts=1 cache=false replayed=false err=<nil> in client:call`,
	})
}

// A call of the raw generated client is observed as one too, ending with
// its answer's headers.
func TestObserverIsToldRawCalls(t *testing.T) {
	f := newFakeAPI(t)
	rec := &hookRecorder{name: "client"}
	c := newTestClient(t, f, newFakeClock(), WithObserver(rec.observer()))
	resp, err := c.Raw().GetVersionWithResponse(t.Context())
	if err != nil || resp.StatusCode() != http.StatusOK {
		t.Fatalf("GetVersion: %v, %v", resp, err)
	}
	assertEvents(t, rec, []string{
		"call start getVersion GET /version [] in ",
		`attempt start 1 getVersion reason="" GET /version in client:call`,
		`attempt end 1 200 id="" retry-after=0s replayed=false err=<nil> in client:attempt 1`,
		`call end getVersion 200 id="" attempts=1 cache=false replayed=false err=<nil> in client:call`,
	})
}

// The errors an observer is told match the call's sentinels and name
// their kind, but are none of the SDK's error types: a failed call's body
// is not reachable through them.
func TestObserverErrorsMatchButHideTheirTypes(t *testing.T) {
	f := newFakeAPI(t)
	rec := &hookRecorder{name: "client"}
	c := newTestClient(t, f, newFakeClock(), WithObserver(rec.observer()))
	_, err := c.GetCountry(t.Context(), "zz", nil)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("GetCountry(zz) = %v, want ErrNotFound", err)
	}
	rec.mu.Lock()
	end, ok := rec.infos[len(rec.infos)-1].(CallEndInfo)
	rec.mu.Unlock()
	if !ok {
		t.Fatal("the last hook told was not CallEnd")
	}
	var e *Error
	switch {
	case !errors.Is(end.Err, ErrNotFound):
		t.Errorf("CallEndInfo.Err = %v, does not match ErrNotFound", end.Err)
	case errors.As(end.Err, &e):
		t.Errorf("CallEndInfo.Err is an *Error, whose Body the observer reaches")
	case end.Err.Error() != err.Error():
		t.Errorf("CallEndInfo.Err says %q, want the call's %q", end.Err, err)
	}
	if et, ok := end.Err.(interface{ ErrorType() string }); !ok || et.ErrorType() != "404" {
		t.Errorf("CallEndInfo.Err's ErrorType is not 404")
	}
}

// No secret, token or body reaches an observer: every exported field of
// every info told during calls that fetch tokens, fail to, get a 401
// invalid_token, an error answer and an undecodable one, walked by
// reflection with canary values, holds none of them; nor does a kept
// AttemptStartInfo after its call.
func TestObserverSeesNoSecretOrBody(t *testing.T) {
	const bodyCanary = "CANARY-body-5e1d"
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, r *http.Request, n int) bool {
			switch {
			case n == 1:
				w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
				writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "invalid_token"})
				return true
			case r.URL.Path == "/travel/v1/countries/zz":
				writeJSON(w, http.StatusNotFound, map[string]any{"error": "not_found", "detail": bodyCanary})
				return true
			case r.URL.Path == "/travel/v1/countries/alerts":
				w.Header().Set("Content-Type", "text/html")
				_, _ = w.Write([]byte("<html>" + bodyCanary + "</html>"))
				return true
			}
			return false
		}
		f.tokenFn = func(w http.ResponseWriter, r *http.Request, _ int) bool {
			if r.Header.Get("Traceparent") == "00-refused" {
				// An endpoint that echoes what it was sent.
				writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_client", "error_description": "bad " + testClientSecret})
				return true
			}
			return false
		}
	})
	rec := &hookRecorder{name: "client"}
	rec.onAttempt = func(a *AttemptStartInfo) { _ = a.SetHeader("traceparent", "00-x") }
	rec.onToken = func(tf *TokenFetchStartInfo) {
		if slices.Contains(tf.Scopes, "urn:axa.assistance.travel.policies.creation_request") {
			_ = tf.SetHeader("traceparent", "00-refused")
		}
	}
	c := newTestClient(t, f, newFakeClock(), WithObserver(rec.observer()), WithRetryOptions(RetryOptions{MaxAttempts: 1}),
		WithTokenOptions(TokenOptions{FailureCooldown: time.Nanosecond}))
	ctx := t.Context()
	if _, err := c.ListCountries(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetCountry(ctx, "zz", nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("GetCountry(zz) = %v, want ErrNotFound", err)
	}
	var de *DecodeError
	if _, err := c.ListAlerts(ctx, nil); !errors.As(err, &de) || !strings.Contains(de.Snippet, bodyCanary) {
		t.Fatalf("ListAlerts = %v, want a *DecodeError quoting the body", err)
	}
	if _, err := c.Token(ctx, "urn:axa.assistance.travel.policies.creation_request"); err == nil {
		t.Fatal("the token endpoint's refusal did not fail Token")
	}

	rec.mu.Lock()
	infos := slices.Clone(rec.infos)
	for _, a := range rec.kept {
		infos = append(infos, a)
	}
	rec.mu.Unlock()
	if len(infos) < 15 {
		t.Fatalf("the observer was told %d hooks: the flows above did not run", len(infos))
	}
	canaries := []string{testClientSecret, tokenPrefix, bodyCanary}
	for _, info := range infos {
		walkExported(reflect.ValueOf(info), fmt.Sprintf("%T", info), func(path, s string) {
			for _, canary := range canaries {
				if strings.Contains(s, canary) {
					t.Errorf("%s reveals %s…: %q", path, canary[:10], s)
				}
			}
		})
	}
}

// walkExported calls visit with every string reachable from v through
// exported fields, elements and errors' messages, and its path.
func walkExported(v reflect.Value, path string, visit func(path, s string)) {
	if !v.IsValid() {
		return
	}
	if v.CanInterface() {
		if err, ok := v.Interface().(error); ok && (v.Kind() != reflect.Pointer && v.Kind() != reflect.Interface || !v.IsNil()) {
			visit(path+".Error()", err.Error())
			visit(path+" %+v", fmt.Sprintf("%+v", err))
			return
		}
	}
	switch v.Kind() {
	case reflect.String:
		visit(path, v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkExported(v.Elem(), path, visit)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				walkExported(v.Field(i), path+"."+f.Name, visit)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walkExported(v.Index(i), fmt.Sprintf("%s[%d]", path, i), visit)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			walkExported(v.MapIndex(k), fmt.Sprintf("%s[%v]", path, k), visit)
		}
	}
}
