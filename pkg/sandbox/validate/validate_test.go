package validate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/gen"

	"github.com/axa-assistance-go/axa/gen/server"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/apierr"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/sandboxtest"
)

// The tokens of stubVerifier: one with every scope of the API, one with
// the scope of the countries only.
const (
	tokenAll       = "token-with-every-scope"
	tokenCountries = "token-with-the-countries-scope"
)

// stubVerifier accepts tokenAll and tokenCountries, as the authorization
// server would accept tokens with those scopes, and refuses anything else.
type stubVerifier struct{}

// Verify implements Verifier.
func (stubVerifier) Verify(raw string) (*reqctx.Claims, error) {
	var scopes []string
	switch raw {
	case tokenAll:
		for _, s := range gen.AllScopes() {
			scopes = append(scopes, string(s))
		}
	case tokenCountries:
		scopes = []string{string(gen.ScopeTravelCountriesReadOnly)}
	default:
		return nil, errors.New("invalid token: the access token is not valid")
	}
	return &reqctx.Claims{ClientID: "client", Scope: strings.Join(scopes, " ")}, nil
}

// capturing stands for the resources: the operations with a body and the
// provider search record what the generated handler hands them and answer
// 418; the others are not called by these tests (nil).
type capturing struct {
	server.StrictServerInterface
	mu     sync.Mutex
	quote  *gen.QuoteRequest
	policy *gen.PolicyRequest
	search *gen.SearchMedicalProvidersParams
}

// RequestQuote records the body.
func (c *capturing) RequestQuote(_ context.Context, req server.RequestQuoteRequestObject) (server.RequestQuoteResponseObject, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.quote = req.Body
	return nil, apierr.Errorf(http.StatusTeapot, "captured", "captured")
}

// CreatePolicy records the body.
func (c *capturing) CreatePolicy(_ context.Context, req server.CreatePolicyRequestObject) (server.CreatePolicyResponseObject, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.policy = req.Body
	return nil, apierr.Errorf(http.StatusTeapot, "captured", "captured")
}

// SearchMedicalProviders records the parameters.
func (c *capturing) SearchMedicalProviders(_ context.Context, req server.SearchMedicalProvidersRequestObject) (server.SearchMedicalProvidersResponseObject, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.search = &req.Params
	return nil, apierr.Errorf(http.StatusTeapot, "captured", "captured")
}

// take returns and forgets what the handlers received.
func (c *capturing) take() (*gen.QuoteRequest, *gen.PolicyRequest) {
	c.mu.Lock()
	defer c.mu.Unlock()
	q, p := c.quote, c.policy
	c.quote, c.policy = nil, nil
	return q, p
}

// apiEnv is the validator in front of capturing, called in process the
// way a client calls the API over HTTP: JSON bodies as sent.
type apiEnv struct {
	t testing.TB
	h http.Handler
}

// newCaptureEnv is the validator, with a body limit of 64 KiB, in front of
// the generated server over capturing.
func newCaptureEnv(t testing.TB) (*apiEnv, *capturing) {
	t.Helper()
	c := &capturing{}
	log := slog.New(slog.DiscardHandler)
	h, err := New(Config{Verifier: stubVerifier{}, MaxBody: 64 << 10}, Handler(server.NewStrictHandlerWithOptions(c, nil, server.StrictHTTPServerOptions{
		ResponseErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) { apierr.Handle(log, w, r, err) },
	})))
	if err != nil {
		t.Fatal(err)
	}
	return &apiEnv{t: t, h: h}, c
}

// apiAnswer is a status, the headers and a decoded JSON body.
type apiAnswer = sandboxtest.Response

// do sends a request through the validator (see sandboxtest.Do).
func (e *apiEnv) do(token, method, path, key, body string) apiAnswer {
	e.t.Helper()
	return sandboxtest.Do(e.t, e.h, token, method, path, key, body)
}

// The validator matches names exactly; encoding/json, which the generated
// handler used to decode the body with, matches them case-insensitively
// and the last one wins. A body whose names the two would read differently
// is refused with 400, at any depth, before any handler acts on it.
func TestBodyNamesReadTwoWaysAreRefused(t *testing.T) {
	e, handled := newCaptureEnv(t)
	tok := tokenAll
	quote := e.do(tok, http.MethodPost, "/travel/v1/quotes", "q-ok", sandboxtest.QuoteJSON(""))
	if q, _ := handled.take(); quote.Status != http.StatusTeapot || q == nil {
		t.Fatalf("the plain quote did not reach the handler: %d %v", quote.Status, quote.Body)
	}
	qid := "0c6f2a3b-1d4e-4f5a-8b9c-7d6e5f4a3b2c"
	long := strings.Repeat("W", 5000)
	for name, c := range map[string]struct{ path, body string }{
		"20 TRAVELLERS after 1 traveller": {"/travel/v1/quotes", sandboxtest.QuoteJSON(`,"TRAVELLERS":` + sandboxtest.TravellersJSON(20))},
		"Promo_Code of 5,000 characters":  {"/travel/v1/quotes", sandboxtest.QuoteJSON(`,"Promo_Code":"` + long + `"`)},
		"Promo_Code alone":                {"/travel/v1/quotes", sandboxtest.QuoteJSON(`,"Promo_Code":"WELCOME10"`)},
		"PROMO_CODE escaped":              {"/travel/v1/quotes", sandboxtest.QuoteJSON(`,"PROMO\u005FCODE":"WELCOME10"`)},
		"promo_code twice":                {"/travel/v1/quotes", sandboxtest.QuoteJSON(`,"promo_code":"NOPE","promo_code":"WELCOME10"`)},
		"travellers twice":                {"/travel/v1/quotes", sandboxtest.QuoteJSON(`,"travellers":` + sandboxtest.TravellersJSON(9))},
		"case variant in an array item": {"/travel/v1/quotes", strings.Replace(sandboxtest.QuoteJSON(""),
			`{"birth_date":"1985-04-12"}`, `{"birth_date":"1985-04-12","Birth_Date":"2020-01-01"}`, 1)},
		"undeclared names differing in case": {"/travel/v1/quotes", sandboxtest.QuoteJSON(`,"note":"a","NOTE":"b"`)},
		"a second JSON value after the body": {"/travel/v1/quotes", sandboxtest.QuoteJSON("") + `{"travellers":[]}`},
		"LOCALITY in the address":            {"/travel/v1/policies", sandboxtest.PolicyJSON(qid, sandboxtest.HolderJSON(sandboxtest.AddressJSON(`,"LOCALITY":"x"`), ""), "")},
		"long s for s in the address (ſtreet_address)": {"/travel/v1/policies", sandboxtest.PolicyJSON(qid,
			sandboxtest.HolderJSON(sandboxtest.AddressJSON(`,"ſtreet_address":"<script>"`), ""), "")},
		"COUNTRY in the address": {"/travel/v1/policies", sandboxtest.PolicyJSON(qid, sandboxtest.HolderJSON(sandboxtest.AddressJSON(`,"COUNTRY":"xx"`), ""), "")},
		"policy_holder twice, merged by encoding/json": {"/travel/v1/policies", sandboxtest.PolicyJSON(qid,
			sandboxtest.HolderJSON(sandboxtest.AddressJSON(""), `,"phone":{"phone_type":"mobile","international_prefix":"not a prefix","number":"x"}`),
			`,"policy_holder":`+sandboxtest.HolderJSON(sandboxtest.AddressJSON(""), ""))},
	} {
		t.Run(name, func(t *testing.T) {
			got := e.do(tok, http.MethodPost, c.path, "k-"+url.PathEscape(name), c.body)
			if got.Status != http.StatusBadRequest || got.Str("error") != "invalid_request" {
				t.Fatalf("%d %v, want 400 invalid_request", got.Status, got.Body)
			}
			ps := answerProblems(t, got)
			for loc := range ps {
				if loc != "body" && !strings.HasPrefix(loc, "body/") {
					t.Errorf("a problem at %s, not in the body: %v", loc, ps)
				}
			}
			if len(ps) == 0 {
				t.Errorf("no problem listed: %v", got.Body)
			}
			if d := got.Str("error_description"); strings.Contains(d, long) || len(d) > 300 {
				t.Errorf("the description echoes the body: %.300s", d)
			}
			if q, p := handled.take(); q != nil || p != nil {
				t.Error("a refused body reached the handler")
			}
		})
	}
	// Names the spec does not declare, distinct whatever their case, are
	// still allowed (the spec does not forbid additional properties), and
	// an escaped name is the name it spells.
	ok := e.do(tok, http.MethodPost, "/travel/v1/quotes", "k-extra", sandboxtest.QuoteJSON(`,"note":"a","notes":"b","promo\u005fcode":"WELCOME10"`))
	if q, _ := handled.take(); ok.Status != http.StatusTeapot || q == nil || q.PromoCode == nil || *q.PromoCode != "WELCOME10" {
		t.Errorf("extra names: %d %v, the handler got %+v", ok.Status, ok.Body, q)
	}
	p := e.do(tok, http.MethodPost, "/travel/v1/policies", "p-ok", sandboxtest.PolicyJSON(qid, sandboxtest.HolderJSON(sandboxtest.AddressJSON(""), ""), ""))
	if _, got := handled.take(); p.Status != http.StatusTeapot || got == nil {
		t.Errorf("the plain policy did not reach the handler: %d %v", p.Status, p.Body)
	}
}

// A name that differs only in case from a declared property, alone, never
// reaches the handler's field.
func TestCaseVariantOfDeclaredPropertyNeverReachesTheHandler(t *testing.T) {
	e, c := newCaptureEnv(t)
	tok := tokenAll
	for _, body := range []string{
		sandboxtest.QuoteJSON(`,"Promo_Code":"WELCOME10"`),
		strings.Replace(sandboxtest.QuoteJSON(""), `"plan_code":"comfort"`, `"plan_code":"comfort","Plan_Code":"premium"`, 1),
	} {
		got := e.do(tok, http.MethodPost, "/travel/v1/quotes", "k", body)
		q, _ := c.take()
		if q != nil && (q.PromoCode != nil || q.PlanCode != gen.PlanCodeComfort) {
			t.Errorf("the handler got promo code %v, plan %s from %.300s", q.PromoCode, q.PlanCode, body)
		}
		if got.Status != http.StatusBadRequest {
			t.Errorf("%d %v, want 400", got.Status, got.Body)
		}
	}
}

// requestSchema returns the request body schema of a path's POST.
func requestSchema(t testing.TB, path string) *openapi3.Schema {
	t.Helper()
	doc, err := api.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	op := doc.Paths.Value(path).Post
	return op.RequestBody.Value.Content.Get("application/json").Schema.Value
}

// strictDecode decodes data as the validator reads it: names matched
// exactly, only the properties the schema declares kept, the last of
// duplicate names winning; then into v.
func strictDecode(data []byte, schema *openapi3.Schema, v any) error {
	var value any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&value); err != nil {
		return fmt.Errorf("strict decode: %w", err)
	}
	b, err := json.Marshal(declaredOnly(value, schema))
	if err != nil {
		return fmt.Errorf("strict decode: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("strict decode: %w", err)
	}
	return nil
}

// declaredOnly keeps the members of value that schema declares, by their
// exact names, at every depth.
func declaredOnly(value any, schema *openapi3.Schema) any {
	switch v := value.(type) {
	case map[string]any:
		out := map[string]any{}
		for name, ref := range schema.Properties {
			if m, ok := v[name]; ok {
				out[name] = declaredOnly(m, ref.Value)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = item
			if schema.Items != nil {
				out[i] = declaredOnly(item, schema.Items.Value)
			}
		}
		return out
	default:
		return v
	}
}

// FuzzValidatedBodyIsHandledBody: whatever body the validator lets through
// to a handler, the handler gets the value a strict, exact-name decode of
// that body gives: what was validated is what is acted on.
func FuzzValidatedBodyIsHandledBody(f *testing.F) {
	long := strings.Repeat("W", 5000)
	for _, seed := range []struct {
		policy bool
		body   string
	}{
		{false, sandboxtest.QuoteJSON("")},
		{false, sandboxtest.QuoteJSON(`,"promo_code":"WELCOME10"`)},
		{false, sandboxtest.QuoteJSON(`,"TRAVELLERS":` + sandboxtest.TravellersJSON(20))},
		{false, sandboxtest.QuoteJSON(`,"Promo_Code":"` + long + `"`)},
		{false, sandboxtest.QuoteJSON(`,"travellers":` + sandboxtest.TravellersJSON(3))},
		{false, sandboxtest.QuoteJSON(`,"note":"a","NOTE":"b"`)},
		{false, sandboxtest.QuoteJSON("") + ` {"travellers":[]}`},
		{true, sandboxtest.PolicyJSON("0c6f2a3b-1d4e-4f5a-8b9c-7d6e5f4a3b2c", sandboxtest.HolderJSON(sandboxtest.AddressJSON(""), ""), "")},
		{true, sandboxtest.PolicyJSON("0c6f2a3b-1d4e-4f5a-8b9c-7d6e5f4a3b2c", sandboxtest.HolderJSON(sandboxtest.AddressJSON(`,"ſtreet_address":"x"`), ""), "")},
		{true, sandboxtest.PolicyJSON("0c6f2a3b-1d4e-4f5a-8b9c-7d6e5f4a3b2c", sandboxtest.HolderJSON(sandboxtest.AddressJSON(`,"Country":"xx"`), ""), "")},
		{true, sandboxtest.PolicyJSON("0c6f2a3b-1d4e-4f5a-8b9c-7d6e5f4a3b2c", sandboxtest.HolderJSON(sandboxtest.AddressJSON(""),
			`,"phone":{"phone_type":"mobile","international_prefix":"bad","number":"x"}`), `,"policy_holder":`+sandboxtest.HolderJSON(sandboxtest.AddressJSON(""), ""))},
	} {
		f.Add(seed.policy, seed.body)
	}
	e, c := newCaptureEnv(f)
	tok := tokenAll
	quoteSchema, policySchema := requestSchema(f, "/travel/v1/quotes"), requestSchema(f, "/travel/v1/policies")
	f.Fuzz(func(t *testing.T, policy bool, body string) {
		path := "/travel/v1/quotes"
		if policy {
			path = "/travel/v1/policies"
		}
		if body == "" {
			return
		}
		got := e.doRaw(t, tok, path, body)
		q, p := c.take()
		if got == http.StatusTeapot && q == nil && p == nil {
			t.Fatal("418 without a captured body")
		}
		switch {
		case q != nil:
			var want gen.QuoteRequest
			if err := strictDecode([]byte(body), quoteSchema, &want); err != nil {
				t.Fatalf("the handler got a body the strict decode refuses (%v): %.300q", err, body)
			}
			if !reflect.DeepEqual(*q, want) {
				t.Fatalf("the handler got\n%+v\nthe validator read\n%+v\nfrom %.300q", *q, want, body)
			}
		case p != nil:
			var want gen.PolicyRequest
			if err := strictDecode([]byte(body), policySchema, &want); err != nil {
				t.Fatalf("the handler got a body the strict decode refuses (%v): %.300q", err, body)
			}
			if !reflect.DeepEqual(*p, want) {
				t.Fatalf("the handler got\n%+v\nthe validator read\n%+v\nfrom %.300q", *p, want, body)
			}
		}
	})
}

// doRaw posts body as JSON and answers the status only: a fuzzed body may
// make any answer, which must still be JSON, and a 400 the spec's Error
// with its problems.
func (e *apiEnv) doRaw(t testing.TB, token, path, body string) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", "fuzz")
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	if !json.Valid(rec.Body.Bytes()) {
		t.Fatalf("%d, answer not JSON: %q", rec.Code, rec.Body)
	}
	if rec.Code == http.StatusBadRequest {
		// A refused body is the spec's Error, listing its problems.
		a := apiAnswer{Status: rec.Code, Body: map[string]any{}}
		if err := json.Unmarshal(rec.Body.Bytes(), &a.Body); err != nil {
			t.Fatal(err)
		}
		if ps := answerProblems(t, a); len(ps) == 0 {
			t.Fatalf("a 400 without problems: %s", rec.Body)
		}
	}
	return rec.Code
}

// A method the spec does not have on a path is 405 with Allow; a path it
// does not have is 404.
func TestMethodNotAllowedIs405WithAllow(t *testing.T) {
	e, _ := newCaptureEnv(t)
	got := e.do(tokenAll, http.MethodDelete, "/travel/v1/countries", "", "")
	if got.Status != http.StatusMethodNotAllowed || got.Header.Get("Allow") != "GET" || got.Str("error") != "method_not_allowed" {
		t.Fatalf("DELETE /travel/v1/countries: %d, Allow %q, %v; want 405, GET", got.Status, got.Header.Get("Allow"), got.Body)
	}
	if got := e.do(tokenAll, http.MethodGet, "/travel/v1/nowhere", "", ""); got.Status != http.StatusNotFound || got.Str("error") != "not_found" {
		t.Fatalf("GET /travel/v1/nowhere: %d %v, want 404", got.Status, got.Body)
	}
}

// The authorization server's operations are not the validator's: one
// that reaches it anyway (the authorization server is mounted in front of
// it) is not validated as an API call, and is answered the RFC 6749 error,
// never the API's Error, nor a Bearer challenge.
func TestAuthorizationServerRequestsAreNotValidatedAsTheAPIs(t *testing.T) {
	e, _ := newCaptureEnv(t)
	for _, op := range gen.Operations() {
		if !op.AuthorizationServer {
			continue
		}
		got := e.do("", op.Method, op.Path, "", "")
		if _, apiShape := got.Body["status_code"]; apiShape || got.Str("error") == "" || got.Header.Get("WWW-Authenticate") != "" {
			t.Errorf("%s %s: %d %v (WWW-Authenticate %q); want an RFC 6749 error", op.Method, op.Path, got.Status, got.Body, got.Header.Get("WWW-Authenticate"))
		}
	}
}

// A 401 for a missing token carries an error code in its body (the spec's
// Error requires one) but none in its challenge (RFC 6750 section 3.1); a
// token the verifier refuses is 401 invalid_token, without echoing it.
func TestMissingOrInvalidTokenIs401(t *testing.T) {
	e, _ := newCaptureEnv(t)
	got := e.do("", http.MethodGet, "/travel/v1/countries", "", "")
	if got.Status != http.StatusUnauthorized || got.Str("error") != "unauthorized" {
		t.Errorf("no token: %d %v", got.Status, got.Body)
	}
	if c := got.Header.Get("WWW-Authenticate"); !strings.HasPrefix(c, "Bearer") || strings.Contains(c, "error=") {
		t.Errorf("no token: challenge %q names an error though no token was sent", c)
	}
	got = e.do("forged-token", http.MethodGet, "/travel/v1/countries", "", "")
	if c := got.Header.Get("WWW-Authenticate"); got.Status != http.StatusUnauthorized || !strings.Contains(c, `error="invalid_token"`) ||
		strings.Contains(c, "forged-token") || strings.Contains(got.Str("error_description"), "invalid token:") {
		t.Errorf("a refused token: %d %q %v", got.Status, c, got.Body)
	}
}

// A token without the operation's scope is 403 insufficient_scope, whose
// challenge names the scope needed.
func TestInsufficientScopeIs403NamingTheScope(t *testing.T) {
	e, handled := newCaptureEnv(t)
	got := e.do(tokenCountries, http.MethodPost, "/travel/v1/quotes", "k", sandboxtest.QuoteJSON(""))
	c := got.Header.Get("WWW-Authenticate")
	if got.Status != http.StatusForbidden || !strings.Contains(c, `error="insufficient_scope"`) ||
		!strings.Contains(c, `scope="`+string(gen.ScopeTravelPoliciesQuoteRequest)+`"`) {
		t.Errorf("%d, WWW-Authenticate %q; want 403 insufficient_scope naming %s", got.Status, c, gen.ScopeTravelPoliciesQuoteRequest)
	}
	if q, _ := handled.take(); q != nil {
		t.Error("the handler acted on a request without its scope")
	}
}

// A body over the limit is 413.
func TestBodyTooLargeIs413(t *testing.T) {
	e, _ := newCaptureEnv(t)
	big := `{"promo_code":"` + strings.Repeat("x", 100<<10) + `"}`
	if got := e.do(tokenAll, http.MethodPost, "/travel/v1/quotes", "k1", big); got.Status != http.StatusRequestEntityTooLarge || got.Str("error") != "request_too_large" {
		t.Fatalf("%d %v, want 413", got.Status, got.Body)
	}
}

// Invalid input gets a short, readable message: where and why, not a dump
// of the schema.
func TestValidationMessagesAreShort(t *testing.T) {
	e, _ := newCaptureEnv(t)
	got := e.do(tokenAll, http.MethodGet, "/health/v1/medical_providers/search?lat=123&lng=2", "", "")
	d := got.Str("error_description")
	if got.Status != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", got.Status)
	}
	if !strings.Contains(d, "lat") || strings.Contains(d, "Schema") || strings.Contains(d, "\n") || len(d) > 300 {
		t.Errorf("message is not short and readable: %s", d)
	}
}

// The validator enforces the spec's bounds and enums of a provider search,
// so that the handler need not: coordinates, radius and limit out of
// bounds and an unknown kind never reach it; the bounds themselves do.
func TestProviderSearchBoundsAreTheValidators(t *testing.T) {
	e, handled := newCaptureEnv(t)
	const search = "/health/v1/medical_providers/search?"
	for _, q := range []string{
		"lat=90.01&lng=2", "lat=-90.01&lng=2", "lat=48&lng=180.01", "lat=48&lng=-180.01", "lng=2", "lat=48",
		"lat=48&lng=2&radius=99", "lat=48&lng=2&radius=50001", "lat=48&lng=2&radius=1.5",
		"lat=48&lng=2&limit=0", "lat=48&lng=2&limit=101",
		"lat=48&lng=2&kind=vet", "lat=48&lng=2&speciality=Not-A-Speciality",
	} {
		got := e.do(tokenAll, http.MethodGet, search+q, "", "")
		handled.mu.Lock()
		reached := handled.search
		handled.search = nil
		handled.mu.Unlock()
		if got.Status != http.StatusBadRequest || got.Str("error") != "invalid_request" || reached != nil {
			t.Errorf("%s: %d %v (handler reached: %v), want 400 invalid_request", q, got.Status, got.Body, reached != nil)
		}
	}
	for _, q := range []string{
		"lat=90&lng=180", "lat=-90&lng=-180", "lat=48&lng=2&radius=100&limit=1", "lat=48&lng=2&radius=50000&limit=100&kind=hospital",
	} {
		got := e.do(tokenAll, http.MethodGet, search+q, "", "")
		handled.mu.Lock()
		reached := handled.search
		handled.search = nil
		handled.mu.Unlock()
		if got.Status != http.StatusTeapot || reached == nil {
			t.Errorf("%s: %d %v, want it to reach the handler", q, got.Status, got.Body)
		}
	}
}

// The validator routes by the operation the outermost handler resolved
// (reqctx), not by matching the request again: a state that says getVersion
// is validated as getVersion, which needs no token.
func TestValidatorUsesTheResolvedOperation(t *testing.T) {
	reached := false
	h, err := New(Config{Verifier: stubVerifier{}, MaxBody: 1 << 10}, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		reached = true
		w.WriteHeader(http.StatusNoContent)
	}))
	if err != nil {
		t.Fatal(err)
	}
	r, st := reqctx.Begin(httptest.NewRequest(http.MethodGet, "/travel/v1/countries", nil), "req_1")
	if st.Operation != gen.OperationListCountries {
		t.Fatalf("resolved %s", st.Operation)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != http.StatusUnauthorized || reached {
		t.Fatalf("listCountries without a token: %d", rec.Code)
	}
	st.Operation = gen.OperationGetVersion
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != http.StatusNoContent || !reached {
		t.Errorf("the state's getVersion: %d %s, want it served without a token", rec.Code, rec.Body)
	}
}

// The Idempotency-Key and the body of a POST, the trip type and the plan
// code's enums and the destinations and travellers' minimum counts are the
// spec's, enforced here: the handlers do not check them again.
func TestRequiredInputsAreTheValidators(t *testing.T) {
	e, handled := newCaptureEnv(t)
	for name, c := range map[string]struct{ path, key, body string }{
		"quote without Idempotency-Key":  {"/travel/v1/quotes", "", sandboxtest.QuoteJSON("")},
		"quote without body":             {"/travel/v1/quotes", "k", ""},
		"policy without Idempotency-Key": {"/travel/v1/policies", "", sandboxtest.PolicyJSON("0c6f2a3b-1d4e-4f5a-8b9c-7d6e5f4a3b2c", sandboxtest.HolderJSON(sandboxtest.AddressJSON(""), ""), "")},
		"policy without body":            {"/travel/v1/policies", "k", ""},
		"unknown trip type":              {"/travel/v1/quotes", "k", strings.Replace(sandboxtest.QuoteJSON(""), `"single_trip"`, `"round_the_world"`, 1)},
		"unknown plan":                   {"/travel/v1/quotes", "k", strings.Replace(sandboxtest.QuoteJSON(""), `"comfort"`, `"gold"`, 1)},
		"no destination":                 {"/travel/v1/quotes", "k", strings.Replace(sandboxtest.QuoteJSON(""), `["jp"]`, `[]`, 1)},
		"no traveller":                   {"/travel/v1/quotes", "k", strings.Replace(sandboxtest.QuoteJSON(""), `[{"birth_date":"1985-04-12"}]`, `[]`, 1)},
	} {
		got := e.do(tokenAll, http.MethodPost, c.path, c.key, c.body)
		if q, p := handled.take(); got.Status != http.StatusBadRequest || got.Str("error") != "invalid_request" || q != nil || p != nil {
			t.Errorf("%s: %d %v (handler reached: %v), want 400 invalid_request", name, got.Status, got.Body, q != nil || p != nil)
		}
	}
}

// loadSpec loads the spec once for the tests that read it.
var loadSpec = sync.OnceValues(func() (*openapi3.T, error) { return api.Load(context.Background()) })

// answerProblems returns the problems of an answer as location → message
// (the first message of a location), and checks the answer against the
// spec's Error schema, each problem listed once.
func answerProblems(t testing.TB, a apiAnswer) map[string]string {
	t.Helper()
	doc, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(a.Body)
	if err != nil {
		t.Fatal(err)
	}
	var value any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&value); err != nil {
		t.Fatal(err)
	}
	if err := doc.Components.Schemas["Error"].Value.VisitJSON(value); err != nil {
		t.Errorf("the answer is not the spec's Error: %v", err)
	}
	var body struct {
		Problems []gen.Problem `json:"problems"`
	}
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	seen := map[gen.Problem]bool{}
	for _, p := range body.Problems {
		if seen[p] {
			t.Errorf("%s: %s is listed twice: %v", p.Location, p.Message, body.Problems)
		}
		seen[p] = true
		if _, ok := out[p.Location]; !ok {
			out[p.Location] = p.Message
		}
	}
	if d := a.Str("error_description"); strings.Contains(d, "\n") || !strings.HasPrefix(d, fmt.Sprint(len(body.Problems))+" problem") && len(body.Problems) > 1 && len(body.Problems) < apierr.MaxProblems {
		t.Errorf("error_description is not a one-line summary of the %d problems: %q", len(body.Problems), d)
	}
	return out
}

// enumProblem is the problem of a value outside the enum of the spec's
// schema name: "must be one of" its values, as the spec lists them, so that
// a value the spec gains needs no edit of a test.
func enumProblem(t *testing.T, name string) string {
	t.Helper()
	doc, err := api.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ref, ok := doc.Components.Schemas[name]
	if !ok || ref.Value == nil || len(ref.Value.Enum) == 0 {
		t.Fatalf("the spec has no enum schema %s: update this test", name)
	}
	values := make([]string, len(ref.Value.Enum))
	for i, v := range ref.Value.Enum {
		values[i] = fmt.Sprint(v)
	}
	return "must be one of " + strings.Join(values, ", ")
}

// A quote with three problems (a traveller without a birth date, ten
// travellers, an unknown trip type) is one 400 listing all three, each at
// its JSON pointer; the missing field says "required".
func TestEveryBodyProblemIsListedAtOnce(t *testing.T) {
	e, handled := newCaptureEnv(t)
	body := strings.Replace(sandboxtest.QuoteJSON(""), `"single_trip"`, `"round_the_world"`, 1)
	body = strings.Replace(body, `[{"birth_date":"1985-04-12"}]`, `[{}`+strings.Repeat(`,{"birth_date":"1990-01-01"}`, 9)+`]`, 1)
	got := e.do(tokenAll, http.MethodPost, "/travel/v1/quotes", "k", body)
	if q, _ := handled.take(); got.Status != http.StatusBadRequest || got.Str("error") != "invalid_request" || q != nil {
		t.Fatalf("%d %v (handler reached: %v), want 400 invalid_request", got.Status, got.Body, q != nil)
	}
	want := map[string]string{
		"body/travellers/0/birth_date": "required",
		"body/travellers":              "must be at most 9 items",
		"body/trip_type":               enumProblem(t, "TripType"),
	}
	if ps := answerProblems(t, got); !reflect.DeepEqual(ps, want) {
		t.Errorf("problems %v, want %v", ps, want)
	}
	d := got.Str("error_description")
	for loc, msg := range want {
		if !strings.Contains(d, loc+": "+msg) {
			t.Errorf("error_description %q does not name %s: %s", d, loc, msg)
		}
	}
	if !strings.HasPrefix(d, "3 problems: ") {
		t.Errorf("error_description %q, want it to start with the count", d)
	}
}

// A missing required field says "required", in the body as in the query.
func TestMissingRequiredFieldSaysRequired(t *testing.T) {
	e, _ := newCaptureEnv(t)
	got := e.do(tokenAll, http.MethodPost, "/travel/v1/quotes", "k", strings.Replace(sandboxtest.QuoteJSON(""), `"birth_date":"1985-04-12"`, `"birthdate":"1985-04-12"`, 1))
	if ps := answerProblems(t, got); got.Status != http.StatusBadRequest || !reflect.DeepEqual(ps, map[string]string{"body/travellers/0/birth_date": "required"}) {
		t.Errorf("%d %v", got.Status, got.Body)
	}
	if d := got.Str("error_description"); d != "body/travellers/0/birth_date: required" {
		t.Errorf("error_description %q", d)
	}
	got = e.do(tokenAll, http.MethodGet, "/health/v1/medical_providers/search?lat=48", "", "")
	if ps := answerProblems(t, got); got.Status != http.StatusBadRequest || !reflect.DeepEqual(ps, map[string]string{"query/lng": "required"}) {
		t.Errorf("%d %v", got.Status, got.Body)
	}
	got = e.do(tokenAll, http.MethodPost, "/travel/v1/quotes", "", sandboxtest.QuoteJSON(""))
	if ps := answerProblems(t, got); got.Status != http.StatusBadRequest || !reflect.DeepEqual(ps, map[string]string{"header/Idempotency-Key": "required"}) {
		t.Errorf("%d %v", got.Status, got.Body)
	}
}

// A search with two bad query parameters lists both.
func TestEveryParameterProblemIsListedAtOnce(t *testing.T) {
	e, _ := newCaptureEnv(t)
	got := e.do(tokenAll, http.MethodGet, "/health/v1/medical_providers/search?lat=48&lng=2&radius=99&kind=vet", "", "")
	ps := answerProblems(t, got)
	if got.Status != http.StatusBadRequest || len(ps) != 2 || ps["query/radius"] != "must be at least 100" || !strings.HasPrefix(ps["query/kind"], "must be one of ") {
		t.Errorf("%d %v", got.Status, got.Body)
	}
	if d := got.Str("error_description"); !strings.HasPrefix(d, "2 problems: ") || !strings.Contains(d, "query/radius: must be at least 100") {
		t.Errorf("error_description %q", d)
	}
}

// A body that is not JSON is a problem of its Content-Type.
func TestContentTypeProblem(t *testing.T) {
	e, _ := newCaptureEnv(t)
	req := httptest.NewRequest(http.MethodPost, "/travel/v1/quotes", strings.NewReader(sandboxtest.QuoteJSON("")))
	req.Header.Set("Authorization", "Bearer "+tokenAll)
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("Idempotency-Key", "k")
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	a := apiAnswer{Status: rec.Code, Body: map[string]any{}}
	if err := json.Unmarshal(rec.Body.Bytes(), &a.Body); err != nil {
		t.Fatal(err)
	}
	if ps := answerProblems(t, a); a.Status != http.StatusBadRequest || !reflect.DeepEqual(ps, map[string]string{"header/Content-Type": "must be application/json"}) {
		t.Errorf("%d %v", a.Status, a.Body)
	}
}

// Parameter and body problems come in one answer; a body name refused
// (names.go) is one more problem, at its pointer.
func TestParameterBodyAndNameProblemsTogether(t *testing.T) {
	e, _ := newCaptureEnv(t)
	body := strings.Replace(sandboxtest.QuoteJSON(`,"Promo_Code":"X","a~b/c":1,"A~B/C":2`), `"comfort"`, `"gold"`, 1)
	got := e.do(tokenAll, http.MethodPost, "/travel/v1/quotes", "", body)
	want := map[string]string{
		"header/Idempotency-Key": "required",
		"body/plan_code":         enumProblem(t, "PlanCode"),
		"body/Promo_Code":        `differs only in case from the property "promo_code"`,
		"body/A~0B~1C":           `differs only in case from the name "a~b/c"`,
	}
	if ps := answerProblems(t, got); got.Status != http.StatusBadRequest || !reflect.DeepEqual(ps, want) {
		t.Errorf("%d %v, want %v", got.Status, got.Body, want)
	}
}

// The order of the checks stays: a request without a token, or without
// the scope, is 401 or 403 whatever its other problems; a body over the
// limit is 413.
func TestAuthBeforeProblems(t *testing.T) {
	e, _ := newCaptureEnv(t)
	bad := strings.Replace(sandboxtest.QuoteJSON(""), `"comfort"`, `"gold"`, 1)
	if got := e.do("", http.MethodPost, "/travel/v1/quotes", "", bad); got.Status != http.StatusUnauthorized || got.Body["problems"] != nil {
		t.Errorf("no token: %d %v", got.Status, got.Body)
	}
	if got := e.do(tokenCountries, http.MethodPost, "/travel/v1/quotes", "", bad); got.Status != http.StatusForbidden || got.Body["problems"] != nil {
		t.Errorf("no scope: %d %v", got.Status, got.Body)
	}
	big := `{"promo_code":"` + strings.Repeat("x", 100<<10) + `"}`
	if got := e.do(tokenAll, http.MethodPost, "/travel/v1/quotes", "", big); got.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("too large: %d %v", got.Status, got.Body)
	}
}

// Each kind of failure has its short message, at its location.
func TestProblemMessages(t *testing.T) {
	e, _ := newCaptureEnv(t)
	const search = "/health/v1/medical_providers/search?"
	for _, c := range []struct{ path, body, location, message string }{
		{search + "lat=abc&lng=2", "", "query/lat", "must be a number"},
		{search + "lat=48&lng=2&limit=1.5", "", "query/limit", "must be an integer"},
		{search + "lat=48&lng=2&radius=", "", "query/radius", "must not be empty"},
		{search + "lat=48&lng=2&limit=101", "", "query/limit", "must be at most 100"},
		{"/travel/v1/countries/FRA", "", "path/country_id", "must match the pattern ^[a-z]{2}$"},
		{"/travel/v1/quotes", "{", "body", "not valid JSON"},
		{"/travel/v1/quotes", "[]", "body", "must be an object"},
		{"/travel/v1/quotes", strings.Replace(sandboxtest.QuoteJSON(""), sandboxtest.Day(30), "2027-13-45", 1), "body/start_date", "must be a valid date"},
		{"/travel/v1/quotes", strings.Replace(sandboxtest.QuoteJSON(""), `["jp"]`, `["jp","jp"]`, 1), "body/destination_countries", "must not repeat an item"},
		{"/travel/v1/quotes", strings.Replace(sandboxtest.QuoteJSON(""), `["jp"]`, `[]`, 1), "body/destination_countries", "must be at least 1 item"},
		{"/travel/v1/quotes", sandboxtest.QuoteJSON(`,"promo_code":"` + strings.Repeat("x", 33) + `"`), "body/promo_code", "must be at most 32 characters"},
		{"/travel/v1/quotes", sandboxtest.QuoteJSON(`,"promo_code":7`), "body/promo_code", "must be a string"},
		{"/travel/v1/quotes", sandboxtest.QuoteJSON(`,"a/b~c":1,"a/b~c":2`), "body/a~1b~0c", "appears twice"},
	} {
		method := http.MethodGet
		if c.body != "" {
			method = http.MethodPost
		}
		got := e.do(tokenAll, method, c.path, "k", c.body)
		ps := answerProblems(t, got)
		if got.Status != http.StatusBadRequest || len(ps) != 1 || ps[c.location] != c.message {
			t.Errorf("%s %.60s: %d %v, want %s: %s", c.path, c.body, got.Status, ps, c.location, c.message)
		}
		if d := got.Str("error_description"); d != c.location+": "+c.message {
			t.Errorf("%s %.60s: error_description %q", c.path, c.body, d)
		}
	}
}

// A body of a thousand bad items is answered the first problems only, its
// summary counting them all.
func TestManyProblemsAreCapped(t *testing.T) {
	e, _ := newCaptureEnv(t)
	body := strings.Replace(sandboxtest.QuoteJSON(""), `[{"birth_date":"1985-04-12"}]`, "["+strings.TrimSuffix(strings.Repeat(`{},`, 1000), ",")+"]", 1)
	got := e.do(tokenAll, http.MethodPost, "/travel/v1/quotes", "k", body)
	ps := answerProblems(t, got)
	if got.Status != http.StatusBadRequest || len(ps) != apierr.MaxProblems || ps["body/travellers"] != "must be at most 9 items" || ps["body/travellers/0/birth_date"] != "required" {
		t.Errorf("%d, %d problems", got.Status, len(ps))
	}
	if d := got.Str("error_description"); !strings.HasPrefix(d, "1001 problems: body/travellers: must be at most 9 items; body/travellers/0/birth_date: required;") || len(d) > 600 {
		t.Errorf("error_description %q", d)
	}
}

// What the generated router cannot bind after the validator let it
// through (a header sent twice, which kin-openapi reads once) is a problem
// of that parameter too.
func TestBindingProblems(t *testing.T) {
	h := Handler(server.NewStrictHandler(&capturing{}, nil))
	for _, c := range []struct {
		target            string
		header            map[string][]string
		location, message string
	}{
		{"/health/v1/medical_providers/search?lng=2", nil, "query/lat", "required"},
		{"/health/v1/medical_providers/search?lat=x&lng=2", nil, "query/lat", "is not in the expected format"},
		{"/health/v1/medical_providers/search?lat=1&lng=2", map[string][]string{"Accept-Language": {"fr", "en"}}, "header/Accept-Language", "must be sent once"},
	} {
		r, _ := reqctx.Begin(httptest.NewRequest(http.MethodGet, c.target, nil), "req_1")
		for k, vs := range c.header {
			r.Header[k] = vs
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		a := apiAnswer{Status: rec.Code, Body: map[string]any{}}
		if err := json.Unmarshal(rec.Body.Bytes(), &a.Body); err != nil {
			t.Fatal(err)
		}
		if ps := answerProblems(t, a); a.Status != http.StatusBadRequest || !reflect.DeepEqual(ps, map[string]string{c.location: c.message}) {
			t.Errorf("%s: %d %v, want %s: %s", c.target, a.Status, a.Body, c.location, c.message)
		}
	}
	// Through the validator, a list header on two lines is one line
	// (RFC 9110 section 5.3): the handler gets both values.
	e, c := newCaptureEnv(t)
	r := httptest.NewRequest(http.MethodGet, "/health/v1/medical_providers/search?lat=1&lng=2", nil)
	r.Header.Set("Authorization", "Bearer "+tokenAll)
	r.Header["Accept-Language"] = []string{"fr", "en"}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, r)
	a := apiAnswer{Status: rec.Code, Body: map[string]any{}}
	if err := json.Unmarshal(rec.Body.Bytes(), &a.Body); err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if a.Status != http.StatusTeapot || c.search == nil || c.search.AcceptLanguage == nil || *c.search.AcceptLanguage != "fr, en" {
		t.Errorf("Accept-Language on two lines: %d %v, handler's %+v", a.Status, a.Body, c.search)
	}
}

// validTokens reads a valid body as json.Decoder does: the same
// delimiters and strings (escapes decoded), in the same order, then io.EOF;
// other values come back as their text.
func TestValidTokensReadAsTheDecoder(t *testing.T) {
	for _, body := range []string{
		`{}`, `[]`, `"s"`, `12.5e3`, `true`, `null`,
		` { "a" : 1 , "b":[true,false,null,-0.5,"x"], "c":{"d":{}} } `,
		`{"na\u006de":"v\"al\\ue","ſtreet":"\u00e9\ud83d\ude00","e\/f":[[],[{}]]}`,
		"{\"trip_type\":\"single_trip\",\"travellers\":[{\"birth_date\":\"1985-04-12\"}],\n\t\"n\":1}",
	} {
		if !json.Valid([]byte(body)) {
			t.Fatalf("%s: not valid JSON", body)
		}
		dec := json.NewDecoder(strings.NewReader(body))
		dec.UseNumber()
		fast := &validTokens{b: []byte(body)}
		for i := 0; ; i++ {
			want, wantErr := dec.Token()
			got, gotErr := fast.Token()
			if errors.Is(wantErr, io.EOF) != errors.Is(gotErr, io.EOF) || (wantErr != nil && !errors.Is(wantErr, io.EOF)) || (gotErr != nil && !errors.Is(gotErr, io.EOF)) {
				t.Fatalf("%s: token %d: errors %v and %v", body, i, gotErr, wantErr)
			}
			if wantErr != nil {
				break
			}
			switch w := want.(type) {
			case json.Delim, string, json.Number:
				if got != want {
					t.Errorf("%s: token %d: %#v, want %#v", body, i, got, want)
				}
			default: // bool or nil: its text
				if g, ok := got.(json.Number); !ok || (string(g) != fmt.Sprint(w) && (w != nil || g != "null")) {
					t.Errorf("%s: token %d: %#v, want the text of %#v", body, i, got, want)
				}
			}
			if dec.More() != fast.More() {
				t.Fatalf("%s: after token %d: More differs", body, i)
			}
		}
	}
}

// checkSecurity reads a list of requirements as OpenAPI does: none, or an
// empty one, lets any request through; otherwise one requirement whose
// every scheme passes does, and the refusal is the first requirement's.
// It never reads the body.
func TestCheckSecurityRequirements(t *testing.T) {
	v := &validator{cfg: Config{Verifier: stubVerifier{}}}
	body := &watchedBody{}
	countries, policies := string(gen.ScopeTravelCountriesReadOnly), string(gen.ScopeTravelPoliciesCreationRequest)
	req := func(token string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/travel/v1/quotes", body)
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		r, _ = reqctx.Ensure(r)
		return r
	}
	status := func(err error) int {
		var ae *authError
		if errors.As(err, &ae) {
			return ae.status
		}
		if err != nil {
			return -1
		}
		return 0
	}
	for _, tc := range []struct {
		name     string
		token    string
		security openapi3.SecurityRequirements
		want     int
	}{
		{"no requirement", "", nil, 0},
		{"an empty requirement", "", openapi3.SecurityRequirements{{}}, 0},
		{"no token", "", openapi3.SecurityRequirements{{"oauth2": {countries}}}, http.StatusUnauthorized},
		{"a bad token", "forged", openapi3.SecurityRequirements{{"oauth2": {countries}}}, http.StatusUnauthorized},
		{"the scope", tokenCountries, openapi3.SecurityRequirements{{"oauth2": {countries}}}, 0},
		{"a scope missing", tokenCountries, openapi3.SecurityRequirements{{"oauth2": {countries, policies}}}, http.StatusForbidden},
		{"the second alternative", tokenCountries, openapi3.SecurityRequirements{{"oauth2": {policies}}, {"oauth2": {countries}}}, 0},
		{"the first refusal", tokenCountries, openapi3.SecurityRequirements{{"oauth2": {policies}}, {"other": {policies}}}, http.StatusForbidden},
	} {
		if got := status(v.checkSecurity(req(tc.token), tc.security)); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	if body.read {
		t.Error("the body was read")
	}
}

// watchedBody is a body that records whether it was read.
type watchedBody struct{ read bool }

func (b *watchedBody) Read([]byte) (int, error) { b.read = true; return 0, io.EOF }
