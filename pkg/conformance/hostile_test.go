package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/conformance"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// hostileProxy serves the sandbox's authorization server (tokens come
// from it) and answers every API request with bad.
func hostileProxy(t *testing.T, bad http.HandlerFunc) string {
	t.Helper()
	u, err := url.Parse(startSandbox(t))
	if err != nil {
		t.Fatal(err)
	}
	p := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		id, _, ok := gen.MatchOperation(req.Method, req.URL.EscapedPath())
		op, _ := gen.LookupOperation(id)
		if ok && op.AuthorizationServer {
			p.ServeHTTP(w, req)
			return
		}
		bad(w, req)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// checkHostile runs the check against base and returns the report, or
// fails the test when the run does not end (a failure guard).
func checkHostile(ctx context.Context, t *testing.T, base string, ops ...string) (*conformance.Report, error) {
	t.Helper()
	type out struct {
		rep *conformance.Report
		err error
	}
	done := make(chan out, 1)
	go func() {
		rep, err := conformance.Check(ctx, conformance.Config{BaseURL: base, ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret, Operations: ops})
		done <- out{rep, err}
	}()
	select {
	case o := <-done:
		return o.rep, o.err
	case <-time.After(2 * time.Minute): // a failure guard, not a timing
		t.Fatal("the run did not end")
		return nil, nil
	}
}

// A server that redirects every API request to another host: the run does
// not follow, so the other host is sent no token.
func TestHostileRedirectIsNotFollowed(t *testing.T) {
	var mu sync.Mutex
	var got []string
	other := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization"))
		mu.Unlock()
	}))
	t.Cleanup(other.Close)
	base := hostileProxy(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	})
	rep, err := checkHostile(t.Context(), t, base)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed() == 0 {
		t.Error("no check failed against a server that redirects every request")
	}
	// The token endpoint too: the client's Basic credentials stay.
	all := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(all.Close)
	if _, err := checkHostile(t.Context(), t, all.URL); err == nil {
		t.Error("a run with no token at all did not fail")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) > 0 {
		t.Errorf("the run followed redirects to another host: %q", got)
	}
}

// Answers that never end, or nest deeply, or throttle for ever: the run
// ends, with failures, and its report stays valid.
func TestHostileBodiesAndThrottles(t *testing.T) {
	chunk := bytes.Repeat([]byte("["), 64<<10)
	cases := map[string]http.HandlerFunc{
		"endless": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			for {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		},
		"deep": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(bytes.Repeat([]byte("["), 1<<20))
			_, _ = w.Write(bytes.Repeat([]byte("]"), 1<<20))
		},
		"retry-after huge": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "999999")
			w.WriteHeader(http.StatusTooManyRequests)
		},
		"retry-after negative": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "-3")
			w.WriteHeader(http.StatusTooManyRequests)
		},
		"retry-after past": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")
			w.WriteHeader(http.StatusServiceUnavailable)
		},
	}
	for name, bad := range cases {
		t.Run(name, func(t *testing.T) {
			// Two operations: each request reads up to the run's bound.
			rep, err := checkHostile(t.Context(), t, hostileProxy(t, bad), string(gen.OperationGetCountry), string(gen.OperationListCountries))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Failed() == 0 {
				t.Error("no check failed")
			}
			assertValidOutputs(t, rep)
		})
	}
}

// A server that sends headers never: the run ends with its context.
func TestHostileSlowHeadersEndWithTheContext(t *testing.T) {
	release := make(chan struct{})
	base := hostileProxy(t, func(http.ResponseWriter, *http.Request) { <-release })
	t.Cleanup(func() { close(release) })
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	_, err := checkHostile(ctx, t, base)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err %v, want the context's deadline", err)
	}
}

// A server whose words are hostile: control characters, escape sequences,
// markup, invalid UTF-8, in its error codes, descriptions and request ids.
func TestHostileTextKeepsTheReportsValid(t *testing.T) {
	evil := "\x1b]52;c;Y2xpcA==\x07\x1b[2J</failure><x a=\"\"/>&amp;\u202e\xff\xfe\x00\r\nnext"
	base := hostileProxy(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "id\x1b[31m\u202e")
		w.Header().Set("WWW-Authenticate", `Bearer error="`+strings.ReplaceAll(evil, `"`, "")+`"`)
		w.WriteHeader(http.StatusBadRequest)
		b, _ := json.Marshal(map[string]string{"error": evil, "error_description": evil, "id": evil})
		_, _ = w.Write(b)
	})
	rep, err := checkHostile(t.Context(), t, base)
	if err != nil {
		t.Fatal(err)
	}
	assertValidOutputs(t, rep)
}

func assertValidOutputs(t *testing.T, rep *conformance.Report) {
	t.Helper()
	var js, table, junit bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil || !json.Valid(js.Bytes()) {
		t.Errorf("WriteJSON: %v, valid %v", err, json.Valid(js.Bytes()))
	}
	if err := rep.WriteTable(&table); err != nil {
		t.Error(err)
	}
	if err := rep.WriteJUnit(&junit); err != nil {
		t.Error(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(junit.Bytes()))
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Errorf("the JUnit XML is not well-formed: %v", err)
			break
		}
	}
	for _, out := range []struct {
		name string
		b    []byte
	}{{"table", table.Bytes()}, {"junit", junit.Bytes()}, {"json", js.Bytes()}} {
		for _, bad := range []string{"\x1b", "\x07", "\x00", "\u202e", "\xff", "\u009b"} {
			if bytes.Contains(out.b, []byte(bad)) {
				t.Errorf("the %s holds %q", out.name, bad)
			}
		}
	}
	if js.Len()+junit.Len()+table.Len() > 1<<20 {
		t.Errorf("the reports are large: json %d bytes, junit %d bytes, table %d bytes", js.Len(), junit.Len(), table.Len())
	}
	if n := strings.Count(table.String(), "\n"); n > 40*len(rep.Operations)+10 {
		t.Errorf("the table has %d lines", n)
	}
}

// methodRecorder records the method and path of every request it carries.
type methodRecorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	seen []string
}

func (m *methodRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	m.mu.Lock()
	m.seen = append(m.seen, req.Method+" "+req.URL.Path)
	m.mu.Unlock()
	return m.next.RoundTrip(req)
}

// Against a server not on loopback, without AllowWrites, the only POST
// sent is the token request.
func TestRemoteRunSendsNoWrite(t *testing.T) {
	rec := &methodRecorder{next: remoteTransport(t, startSandbox(t))}
	for _, base := range []string{"https://conform.test", "https://127.0.0.1.conform.test", "https://localhost.conform.test"} {
		if _, err := conformance.Check(t.Context(), conformance.Config{BaseURL: base, ClientID: sandbox.DefaultClientID,
			ClientSecret: sandbox.DefaultClientSecret, Transport: rec}); err != nil {
			t.Fatal(err)
		}
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, s := range rec.seen {
		if m, path, _ := strings.Cut(s, " "); m != http.MethodGet && m != http.MethodHead && path != gen.TokenPath {
			t.Errorf("sent %s to a remote server without AllowWrites", s)
		}
	}
}

// Plain HTTP to a host that is not loopback would carry the client secret
// and the tokens in clear: the run refuses it before sending anything, as
// the SDK and the CLI do.
func TestPlainHTTPToARemoteHostIsRefused(t *testing.T) {
	rec := &methodRecorder{next: http.DefaultTransport}
	for _, base := range []string{"http://conform.test", "http://10.0.0.1:8080", "http://127.0.0.1.conform.test"} {
		_, err := conformance.Check(t.Context(), conformance.Config{BaseURL: base, ClientID: "id", ClientSecret: "canary-secret-Pp0", Transport: rec})
		if err == nil || !strings.Contains(err.Error(), "https") {
			t.Errorf("Check(%s): %v, want a refusal naming https", base, err)
		}
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.seen) > 0 {
		t.Errorf("sent %q", rec.seen)
	}
}

// Huge headers (a 4 MiB challenge and request id, within what the client
// takes) are quoted in the report: each string of a check is bounded, so
// that a hostile server cannot make the report, kept in memory and written
// three times, hundreds of megabytes.
func TestHugeHeadersKeepTheReportSmall(t *testing.T) {
	big := strings.Repeat("x", 4<<20)
	base := hostileProxy(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="`+big+`"`)
		w.Header().Set("X-Request-Id", big)
		w.WriteHeader(http.StatusUnauthorized)
	})
	rep, err := checkHostile(t.Context(), t, base, string(gen.OperationGetCountry))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed() == 0 {
		t.Error("no check failed")
	}
	var js, junit bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteJUnit(&junit); err != nil {
		t.Fatal(err)
	}
	if js.Len() > 1<<20 || junit.Len() > 1<<20 {
		t.Errorf("the report of one operation is %d bytes of JSON, %d of JUnit", js.Len(), junit.Len())
	}
	assertValidOutputs(t, rep)
}

// A token endpoint whose error code is megabytes long: the run's error
// stays short.
func TestHugeTokenErrorIsCut(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": strings.Repeat("e", 1<<20)})
	}))
	t.Cleanup(srv.Close)
	_, err := checkHostile(t.Context(), t, srv.URL)
	if err == nil || len(err.Error()) > 4<<10 {
		t.Errorf("an error of %d bytes, want a short one", len(fmt.Sprint(err)))
	}
}

// An answer over the run's bound (4 MiB) is not judged on its first 4 MiB
// as if they were the body: the check says the body was too large.
func TestBodyOverTheBoundIsSaidSo(t *testing.T) {
	chunk := bytes.Repeat([]byte(" "), 64<<10)
	base := hostileProxy(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"id":"fr","label":"France"}`))
		for range 80 { // 5 MiB of blanks: valid JSON once closed
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		_, _ = w.Write([]byte(`]`))
	})
	rep, err := checkHostile(t.Context(), t, base, string(gen.OperationListCountries))
	if err != nil {
		t.Fatal(err)
	}
	c := rep.Operations[0].Checks[0]
	if c.Outcome != conformance.Fail || !strings.Contains(c.Message, "MiB") {
		t.Errorf("response: %s %q (at %q, got %q); want a failure saying the body is over the bound", c.Outcome, c.Message, c.Pointer, c.Got)
	}
}

// A token endpoint that throttles (429, Retry-After: 0) every other token
// request: the run waits it out, as for the API's requests, instead of
// failing the checks of that scope.
func TestThrottledTokenRequestsAreSentAgain(t *testing.T) {
	base, refused := throttlingProxy(t, "0", func(req *http.Request) bool { return req.URL.Path == gen.TokenPath })
	rep, err := checkHostile(t.Context(), t, base, string(gen.OperationGetCountry), string(gen.OperationListAlerts))
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range rep.Operations {
		for _, c := range op.Checks {
			if c.Outcome == conformance.Fail {
				t.Errorf("%s: %s failed: %s", op.ID, c.Name, c.Message)
			}
		}
	}
	if refused() == 0 {
		t.Error("no token request was throttled: the test did not test")
	}
}

// A report a program built, with hostile text in every field, operation
// names, methods, paths, outcomes and the base URL included: the three
// forms stay valid and hold no control character.
func TestHostileNamesEverywhere(t *testing.T) {
	evil := "\x1b[2J\x1b]0;owned\x07op\u202e\u009b31m\x7f\x00\n<b>&]]></b>\xff"
	rep := &conformance.Report{BaseURL: "https://x/" + evil, SpecVersion: evil, Operations: []conformance.OperationResult{{
		ID: evil, Method: evil, Path: evil, Checks: []conformance.Result{
			{Name: evil, Outcome: conformance.Outcome(evil), Status: -1, Pointer: evil, Expected: evil, Got: evil, Message: evil},
			{Name: evil, Outcome: conformance.Fail, Pointer: evil, Expected: evil, Got: evil, Message: evil},
			{Name: evil, Outcome: conformance.Skip, Message: evil},
		},
	}}}
	assertValidOutputs(t, rep)
}

// A base URL with credentials in it: Go's client would send them as Basic
// credentials on every request the run means to send without any (the
// "no token" and "no credentials" checks). Refused, as the SDK does.
func TestBaseURLWithCredentialsIsRefused(t *testing.T) {
	rec := &methodRecorder{next: http.DefaultTransport}
	_, err := conformance.Check(t.Context(), conformance.Config{BaseURL: "http://user:canary-pw-Uu7@127.0.0.1:1", ClientID: "id", ClientSecret: "secret", Transport: rec})
	if err == nil || strings.Contains(err.Error(), "canary-pw-Uu7") {
		t.Errorf("Check: %v; want a refusal without the password", err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.seen) > 0 {
		t.Errorf("sent %q", rec.seen)
	}
}
