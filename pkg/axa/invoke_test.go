package axa

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/axa-assistance-go/axa/gen"
)

// seen is what the fake API saw of the requests a test scripts.
type seen struct {
	mu   sync.Mutex
	reqs []seenRequest
}

type seenRequest struct {
	method, escapedPath, rawQuery, contentType, acceptLanguage, idempotencyKey, body string
}

func (s *seen) add(r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = append(s.reqs, seenRequest{
		method: r.Method, escapedPath: r.URL.EscapedPath(), rawQuery: r.URL.RawQuery,
		contentType: r.Header.Get("Content-Type"), acceptLanguage: r.Header.Get("Accept-Language"),
		idempotencyKey: r.Header.Get("Idempotency-Key"), body: string(b),
	})
}

func (s *seen) all() []seenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seenRequest(nil), s.reqs...)
}

// A GET by operation id fills its path parameter (escaped), its query and
// header parameters by their spec names, gets a token of the operation's
// scope, and answers the raw JSON.
func TestInvokeGETFillsPathQueryAndHeaderAndUsesTheOperationScope(t *testing.T) {
	f := newFakeAPI(t)
	var s seen
	const answer = `{"country_id":"fr","axa_health_alerts":[],"axa_security_alerts":[]}`
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, r *http.Request, _ int) bool {
			s.add(r)
			if !f.validToken(r.Header.Get("Authorization")) {
				return false
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, answer)
			return true
		}
	})
	c := newTestClient(t, f, newFakeClock())

	got, err := c.Invoke(t.Context(), "listCountryAlerts", map[string][]string{
		"country_id":      {"f/r"},
		"min_level":       {"high"},
		"accept-language": {"fr"}, // header names are case-insensitive
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != answer {
		t.Errorf("Invoke = %s, want the answer as sent: %s", got, answer)
	}
	reqs := s.all()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.method != http.MethodGet || r.escapedPath != "/travel/v1/countries/f%2Fr/alerts" || r.rawQuery != "min_level=high" {
		t.Errorf("request %s %s?%s, want GET /travel/v1/countries/f%%2Fr/alerts?min_level=high", r.method, r.escapedPath, r.rawQuery)
	}
	if r.acceptLanguage != "fr" {
		t.Errorf("Accept-Language %q, want fr", r.acceptLanguage)
	}
	if r.body != "" || r.contentType != "" {
		t.Errorf("a GET sent a body %q (Content-Type %q)", r.body, r.contentType)
	}
	toks := f.TokenRequests()
	if len(toks) != 1 || toks[0].Form.Get("scope") != ScopeAlerts {
		t.Errorf("token requests %+v, want one for scope %s", toks, ScopeAlerts)
	}
}

// Every problem of the parameters and body is said at once, and nothing is
// sent: no token, no request.
func TestInvokeRefusesBadParametersBeforeAnyRequest(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, newFakeClock())

	_, err := c.Invoke(t.Context(), "listCountryAlerts", map[string][]string{
		"min_level": {"low", "high"},
		"countryId": {"fr"},
	}, []byte(`{}`))
	var ie *InvalidRequestError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v (%T), want an *InvalidRequestError", err, err)
	}
	if ie.Operation != "listCountryAlerts" {
		t.Errorf("Operation = %q", ie.Operation)
	}
	msg := err.Error()
	for _, want := range []string{
		"listCountryAlerts",
		"missing required path parameter country_id",
		"unknown parameter countryId",
		"min_level: 2 values",
		"takes no body",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	if len(ie.Problems) != 4 {
		t.Errorf("Problems = %q, want 4", ie.Problems)
	}
	if n, m := len(f.TokenRequests()), len(f.APIRequests()); n != 0 || m != 0 {
		t.Errorf("%d token and %d API requests were made, want none", n, m)
	}
}

func TestInvokeRefusesAnEmptyPathParameter(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, newFakeClock())
	_, err := c.Invoke(t.Context(), "getCountry", map[string][]string{"country_id": {""}}, nil)
	var ie *InvalidRequestError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "country_id") {
		t.Fatalf("err = %v, want an *InvalidRequestError naming country_id", err)
	}
	if len(f.APIRequests()) != 0 {
		t.Error("a request was made")
	}
}

func TestInvokeRefusesAHeaderValueWithALineBreak(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, newFakeClock())
	_, err := c.Invoke(t.Context(), "listCountries", map[string][]string{"Accept-Language": {"fr\r\nX-Evil: 1"}}, nil)
	var ie *InvalidRequestError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "Accept-Language") {
		t.Fatalf("err = %v, want an *InvalidRequestError naming Accept-Language", err)
	}
	if len(f.APIRequests()) != 0 {
		t.Error("a request was made")
	}
}

func TestInvokeUnknownOperation(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, newFakeClock())
	_, err := c.Invoke(t.Context(), "listPlanets", nil, nil)
	if !errors.Is(err, ErrUnknownOperation) || !strings.Contains(err.Error(), `"listPlanets"`) {
		t.Fatalf("err = %v, want ErrUnknownOperation naming listPlanets", err)
	}
	if len(f.APIRequests())+len(f.TokenRequests()) != 0 {
		t.Error("a request was made")
	}
}

// A POST sends its JSON body with an Idempotency-Key made once: a retry
// sends the same key and the same body.
func TestInvokePOSTSendsTheBodyWithOneIdempotencyKey(t *testing.T) {
	f := newFakeAPI(t)
	var s seen
	const quote = `{"id":"0c6f2a3b-1d4e-4f5a-8b9c-7d6e5f4a3b2c"}`
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, r *http.Request, n int) bool {
			s.add(r)
			if n == 1 {
				writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status_code": 503, "error": "unavailable"})
				return true
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, quote)
			return true
		}
	})
	c := newTestClient(t, f, newFakeClock())
	const body = `{"trip_type":"single_trip"}`
	got, err := c.Invoke(t.Context(), "requestQuote", nil, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != quote {
		t.Errorf("Invoke = %s, want %s", got, quote)
	}
	reqs := s.all()
	if len(reqs) != 2 {
		t.Fatalf("%d attempts, want 2 (one retry of the 503)", len(reqs))
	}
	for i, r := range reqs {
		if r.method != http.MethodPost || r.escapedPath != "/travel/v1/quotes" {
			t.Errorf("attempt %d: %s %s", i+1, r.method, r.escapedPath)
		}
		if r.body != body || r.contentType != "application/json" {
			t.Errorf("attempt %d: body %q (Content-Type %q), want %q as application/json", i+1, r.body, r.contentType, body)
		}
		if r.idempotencyKey == "" || r.idempotencyKey != reqs[0].idempotencyKey {
			t.Errorf("attempt %d: Idempotency-Key %q, want one key on every attempt (first %q)", i+1, r.idempotencyKey, reqs[0].idempotencyKey)
		}
	}
	if toks := f.TokenRequests(); len(toks) == 0 || toks[0].Form.Get("scope") != ScopeQuotes {
		t.Errorf("token requests %+v, want scope %s", toks, ScopeQuotes)
	}
}

func TestInvokePOSTSendsTheCallersIdempotencyKey(t *testing.T) {
	f := newFakeAPI(t)
	var s seen
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, r *http.Request, _ int) bool {
			s.add(r)
			writeJSON(w, http.StatusCreated, map[string]string{"id": "x"})
			return true
		}
	})
	c := newTestClient(t, f, newFakeClock())
	if _, err := c.Invoke(t.Context(), "requestQuote", map[string][]string{"Idempotency-Key": {"booking-42"}}, []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if reqs := s.all(); len(reqs) != 1 || reqs[0].idempotencyKey != "booking-42" {
		t.Errorf("requests %+v, want one with Idempotency-Key booking-42", reqs)
	}
}

func TestInvokeBodyMissingOrNotJSON(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, newFakeClock())
	for _, tc := range []struct {
		body []byte
		want string
	}{
		{nil, "missing the required body (a QuoteRequest, as JSON)"},
		{[]byte("  "), "missing the required body"},
		{[]byte(`{"trip_type":`), "not valid JSON"},
	} {
		_, err := c.Invoke(t.Context(), "requestQuote", nil, tc.body)
		var ie *InvalidRequestError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("body %q: err = %v, want an *InvalidRequestError saying %q", tc.body, err, tc.want)
		}
	}
	if len(f.APIRequests())+len(f.TokenRequests()) != 0 {
		t.Error("a request was made")
	}
}

// An error answer is the same *Error the typed methods return.
func TestInvokeErrorAnswerIsAnError(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, newFakeClock())
	_, err := c.Invoke(t.Context(), "getCountry", map[string][]string{"country_id": {"xx"}}, nil)
	var ae *Error
	if !errors.As(err, &ae) || !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v (%T), want an *Error matching ErrNotFound", err, err)
	}
	if ae.Operation != "getCountry" || ae.Method != http.MethodGet || ae.Path != "/travel/v1/countries/xx" || ae.Code != "not_found" {
		t.Errorf("*Error = %+v", ae)
	}
}

// A 2xx answer that is not JSON is the same *DecodeError the typed
// methods return.
func TestInvokeAnswerNotJSONIsADecodeError(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
			w.Header().Set("Content-Type", "text/html")
			_, _ = io.WriteString(w, "<html>maintenance</html>")
			return true
		}
	})
	c := newTestClient(t, f, newFakeClock())
	_, err := c.Invoke(t.Context(), "getVersion", nil, nil)
	var de *DecodeError
	if !errors.As(err, &de) || de.Operation != "getVersion" {
		t.Fatalf("err = %v (%T), want a *DecodeError of getVersion", err, err)
	}
}

// An operation that needs no token is sent without one, and its answer
// comes back as it was.
func TestInvokeOperationWithoutToken(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, newFakeClock())
	got, err := c.Invoke(t.Context(), "getVersion", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Commit string `json:"commit-sha"`
	}
	if err := json.Unmarshal(got, &v); err != nil || v.Commit == "" {
		t.Errorf("Invoke = %s (%v)", got, err)
	}
	if n := len(f.TokenRequests()); n != 0 {
		t.Errorf("%d token requests for an operation that needs none", n)
	}
}

// ValidateInvoke says, without a client, what Invoke would refuse.
func TestValidateInvoke(t *testing.T) {
	if err := ValidateInvoke("getCountry", map[string][]string{"country_id": {"fr"}}, nil); err != nil {
		t.Errorf("a valid call: %v", err)
	}
	if err := ValidateInvoke("requestQuote", nil, []byte(`{}`)); err != nil {
		t.Errorf("a POST without Idempotency-Key (the client makes one): %v", err)
	}
	if err := ValidateInvoke("getPlanet", nil, nil); !errors.Is(err, ErrUnknownOperation) {
		t.Errorf("an unknown operation: %v, want ErrUnknownOperation", err)
	}
	// The authorization server's operations are no calls of the API: the
	// client gets its tokens through golang.org/x/oauth2.
	for _, op := range gen.Operations() {
		if op.AuthorizationServer {
			if err := ValidateInvoke(string(op.ID), nil, []byte(`{}`)); !errors.Is(err, ErrUnknownOperation) {
				t.Errorf("%s: %v, want ErrUnknownOperation", op.ID, err)
			}
		}
	}
	var ie *InvalidRequestError
	err := ValidateInvoke("searchMedicalProviders", map[string][]string{"lat": {"1"}}, nil)
	if !errors.As(err, &ie) || len(ie.Problems) != 1 || !strings.Contains(ie.Problems[0], "lng") {
		t.Errorf("searchMedicalProviders without lng: %v, want one problem naming lng", err)
	}
}

// An array in the query goes repeated, or in one comma-separated value
// where the spec says explode: false (which a spec can add: the validator
// then refuses the repeated form); a value holding a comma cannot be sent
// that way.
func TestInvokeSendsQueryArraysAsTheSpecSays(t *testing.T) {
	op := gen.Operation{ID: "getThing", Method: http.MethodGet, Path: "/things"}
	doc := gen.OperationDoc{Parameters: []gen.Parameter{
		{Name: "repeated", In: "query", Type: "array", Items: "string"},
		{Name: "joined", In: "query", Type: "array", Items: "string", CommaSeparated: true},
	}}
	req, err := buildInvoke(op, doc, map[string][]string{"repeated": {"a", "b"}, "joined": {"c", "d"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := req.query.Encode(), "joined=c%2Cd&repeated=a&repeated=b"; got != want {
		t.Errorf("query = %s, want %s", got, want)
	}
	_, err = buildInvoke(op, doc, map[string][]string{"joined": {"c,d"}}, nil)
	var ie *InvalidRequestError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "joined") || !strings.Contains(err.Error(), "comma") {
		t.Errorf("a value with a comma: %v, want an InvalidRequestError naming it", err)
	}
}
