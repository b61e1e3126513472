package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/gen/server"
)

// apiEnv is a sandbox without rate limit, called in process the way a
// client calls it over HTTP: tokens from its token endpoint, JSON bodies as
// sent.
type apiEnv struct {
	t  testing.TB
	sb *Sandbox
	h  http.Handler // the sandbox, or a chain a test built from its parts
}

func newAPIEnv(t testing.TB, opts ...Option) *apiEnv {
	t.Helper()
	sb, err := New(append([]Option{WithRateLimit(0, 0)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return &apiEnv{t: t, sb: sb, h: sb}
}

// token returns an access token of the default client carrying every
// scope of the API: a client credentials grant when login is empty, else
// a password grant of that user.
func (e *apiEnv) token(login, password string) string {
	e.t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {strings.Join(allScopes(), " ")}}
	if login != "" {
		form.Set("grant_type", "password")
		form.Set("username", login)
		form.Set("password", password)
	}
	req := httptest.NewRequest(http.MethodPost, gen.TokenPath, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(DefaultClientID, DefaultClientSecret)
	rec := httptest.NewRecorder()
	e.sb.ServeHTTP(rec, req)
	var a struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil || rec.Code != http.StatusOK || a.AccessToken == "" {
		e.t.Fatalf("token for %q: %d %s", login, rec.Code, rec.Body)
	}
	return a.AccessToken
}

// apiAnswer is a status and a decoded JSON body.
type apiAnswer struct {
	status int
	body   map[string]any
}

// str returns a string field of the body.
func (a apiAnswer) str(k string) string { s, _ := a.body[k].(string); return s }

// do sends a request with a bearer token, an Idempotency-Key when key is
// not empty and a raw JSON body when body is not empty.
func (e *apiEnv) do(token, method, path, key, body string) apiAnswer {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	a := apiAnswer{status: rec.Code, body: map[string]any{}}
	if err := json.Unmarshal(rec.Body.Bytes(), &a.body); err != nil {
		e.t.Fatalf("%s %s: %d, body not JSON: %q", method, path, rec.Code, rec.Body)
	}
	return a
}

// day is a date days from today, as the API writes it.
func day(days int) string { return time.Now().UTC().AddDate(0, 0, days).Format(time.DateOnly) }

// quoteJSON is a quote request for one traveller, as raw JSON, with extra
// members spliced in before the closing brace.
func quoteJSON(extra string) string {
	return fmt.Sprintf(`{"trip_type":"single_trip","origin_country":"fr","destination_countries":["jp"],`+
		`"start_date":%q,"end_date":%q,"travellers":[{"birth_date":"1985-04-12"}],"plan_code":"comfort"%s}`, day(30), day(44), extra)
}

// travellersJSON is n travellers.
func travellersJSON(n int) string {
	return "[" + strings.TrimSuffix(strings.Repeat(`{"birth_date":"1990-01-01"},`, n), ",") + "]"
}

// addressJSON is the policy holder's address, with extra members.
func addressJSON(extra string) string {
	return `{"street_address":"6 rue André Gide","postal_code":"92320","locality":"Châtillon","country":"fr"` + extra + `}`
}

// holderJSON is a policy holder living at address, with extra members.
func holderJSON(address, extra string) string {
	return `{"person":{"first_name":"Camille","last_name":"Martin","birth_date":"1985-04-12"},` +
		`"email":"camille.martin@example.com","address":` + address + extra + `}`
}

// policyJSON is a policy request for a one-traveller quote, as raw JSON,
// with extra members.
func policyJSON(quoteID, holder, extra string) string {
	return `{"quote_id":"` + quoteID + `","policy_holder":` + holder +
		`,"travellers":[{"first_name":"Camille","last_name":"Martin","birth_date":"1985-04-12"}]` + extra + `}`
}

// The validator matches names exactly; encoding/json, which the generated
// handler used to decode the body with, matches them case-insensitively
// and the last one wins. A body whose names the two would read differently
// is refused with 400, at any depth, before any handler acts on it.
func TestBodyNamesReadTwoWaysAreRefused(t *testing.T) {
	e := newAPIEnv(t)
	tok := e.token("", "")
	quote := e.do(tok, http.MethodPost, "/travel/v1/quotes", "q-ok", quoteJSON(""))
	if quote.status != http.StatusCreated {
		t.Fatalf("the plain quote: %d %v", quote.status, quote.body)
	}
	qid := quote.str("id")
	long := strings.Repeat("W", 5000)
	for name, c := range map[string]struct{ path, body string }{
		"20 TRAVELLERS after 1 traveller": {"/travel/v1/quotes", quoteJSON(`,"TRAVELLERS":` + travellersJSON(20))},
		"Promo_Code of 5,000 characters":  {"/travel/v1/quotes", quoteJSON(`,"Promo_Code":"` + long + `"`)},
		"Promo_Code alone":                {"/travel/v1/quotes", quoteJSON(`,"Promo_Code":"WELCOME10"`)},
		"PROMO_CODE escaped":              {"/travel/v1/quotes", quoteJSON(`,"PROMO\u005FCODE":"WELCOME10"`)},
		"promo_code twice":                {"/travel/v1/quotes", quoteJSON(`,"promo_code":"NOPE","promo_code":"WELCOME10"`)},
		"travellers twice":                {"/travel/v1/quotes", quoteJSON(`,"travellers":` + travellersJSON(9))},
		"case variant in an array item": {"/travel/v1/quotes", strings.Replace(quoteJSON(""),
			`{"birth_date":"1985-04-12"}`, `{"birth_date":"1985-04-12","Birth_Date":"2020-01-01"}`, 1)},
		"undeclared names differing in case": {"/travel/v1/quotes", quoteJSON(`,"note":"a","NOTE":"b"`)},
		"a second JSON value after the body": {"/travel/v1/quotes", quoteJSON("") + `{"travellers":[]}`},
		"LOCALITY in the address":            {"/travel/v1/policies", policyJSON(qid, holderJSON(addressJSON(`,"LOCALITY":"x"`), ""), "")},
		"long s for s in the address (ſtreet_address)": {"/travel/v1/policies", policyJSON(qid,
			holderJSON(addressJSON(`,"ſtreet_address":"<script>"`), ""), "")},
		"COUNTRY in the address": {"/travel/v1/policies", policyJSON(qid, holderJSON(addressJSON(`,"COUNTRY":"xx"`), ""), "")},
		"policy_holder twice, merged by encoding/json": {"/travel/v1/policies", policyJSON(qid,
			holderJSON(addressJSON(""), `,"phone":{"phone_type":"mobile","international_prefix":"not a prefix","number":"x"}`),
			`,"policy_holder":`+holderJSON(addressJSON(""), ""))},
	} {
		t.Run(name, func(t *testing.T) {
			got := e.do(tok, http.MethodPost, c.path, "k-"+url.PathEscape(name), c.body)
			if got.status != http.StatusBadRequest || got.str("error") != "invalid_request" || !strings.HasPrefix(got.str("error_description"), "request body") {
				t.Fatalf("%d %v, want 400 invalid_request", got.status, got.body)
			}
			if d := got.str("error_description"); strings.Contains(d, long) || len(d) > 300 {
				t.Errorf("the description echoes the body: %.300s", d)
			}
		})
	}
	if n := e.sb.store.policyCount(); n != 0 {
		t.Errorf("%d policies issued from refused bodies", n)
	}
	// Names the spec does not declare, distinct whatever their case, are
	// still allowed (the spec does not forbid additional properties), and
	// an escaped name is the name it spells.
	ok := e.do(tok, http.MethodPost, "/travel/v1/quotes", "k-extra", quoteJSON(`,"note":"a","notes":"b","promo\u005fcode":"WELCOME10"`))
	if ok.status != http.StatusCreated {
		t.Errorf("extra names: %d %v", ok.status, ok.body)
	}
	if p := e.do(tok, http.MethodPost, "/travel/v1/policies", "p-ok", policyJSON(qid, holderJSON(addressJSON(""), ""), "")); p.status != http.StatusCreated {
		t.Errorf("the plain policy: %d %v", p.status, p.body)
	}
}

// capturingResources are the real resources but for the two operations
// with a body, which record the body the generated handler hands them and
// answer 418.
type capturingResources struct {
	*resources
	mu     sync.Mutex
	quote  *gen.QuoteRequest
	policy *gen.PolicyRequest
}

func (c *capturingResources) RequestQuote(_ context.Context, req server.RequestQuoteRequestObject) (server.RequestQuoteResponseObject, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.quote = req.Body
	return nil, errorf(http.StatusTeapot, "captured", "captured")
}

func (c *capturingResources) CreatePolicy(_ context.Context, req server.CreatePolicyRequestObject) (server.CreatePolicyResponseObject, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.policy = req.Body
	return nil, errorf(http.StatusTeapot, "captured", "captured")
}

// take returns and forgets what the handlers received.
func (c *capturingResources) take() (*gen.QuoteRequest, *gen.PolicyRequest) {
	c.mu.Lock()
	defer c.mu.Unlock()
	q, p := c.quote, c.policy
	c.quote, c.policy = nil, nil
	return q, p
}

// newCaptureEnv is an apiEnv whose API is the spec validator in front of
// capturingResources.
func newCaptureEnv(t testing.TB) (*apiEnv, *capturingResources) {
	t.Helper()
	e := newAPIEnv(t)
	c := &capturingResources{resources: &resources{cfg: e.sb.cfg, data: e.sb.data, store: e.sb.store}}
	h, err := newValidator(e.sb.cfg, e.sb.auth, server.NewStrictHandlerWithOptions(c, nil, server.StrictHTTPServerOptions{
		RequestErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) {
			writeError(w, r, http.StatusBadRequest, "invalid_request", err.Error())
		},
		ResponseErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) { handlerError(e.sb.cfg.log, w, r, err) },
	}))
	if err != nil {
		t.Fatal(err)
	}
	e.h = h
	return e, c
}

// A name that differs only in case from a declared property, alone, never
// reaches the handler's field.
func TestCaseVariantOfDeclaredPropertyNeverReachesTheHandler(t *testing.T) {
	e, c := newCaptureEnv(t)
	tok := e.token("", "")
	for _, body := range []string{
		quoteJSON(`,"Promo_Code":"WELCOME10"`),
		strings.Replace(quoteJSON(""), `"plan_code":"comfort"`, `"plan_code":"comfort","Plan_Code":"premium"`, 1),
	} {
		got := e.do(tok, http.MethodPost, "/travel/v1/quotes", "k", body)
		q, _ := c.take()
		if q != nil && (q.PromoCode != nil || q.PlanCode != gen.PlanCodeComfort) {
			t.Errorf("the handler got promo code %v, plan %s from %.300s", q.PromoCode, q.PlanCode, body)
		}
		if got.status != http.StatusBadRequest {
			t.Errorf("%d %v, want 400", got.status, got.body)
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
		{false, quoteJSON("")},
		{false, quoteJSON(`,"promo_code":"WELCOME10"`)},
		{false, quoteJSON(`,"TRAVELLERS":` + travellersJSON(20))},
		{false, quoteJSON(`,"Promo_Code":"` + long + `"`)},
		{false, quoteJSON(`,"travellers":` + travellersJSON(3))},
		{false, quoteJSON(`,"note":"a","NOTE":"b"`)},
		{false, quoteJSON("") + ` {"travellers":[]}`},
		{true, policyJSON("0c6f2a3b-1d4e-4f5a-8b9c-7d6e5f4a3b2c", holderJSON(addressJSON(""), ""), "")},
		{true, policyJSON("0c6f2a3b-1d4e-4f5a-8b9c-7d6e5f4a3b2c", holderJSON(addressJSON(`,"ſtreet_address":"x"`), ""), "")},
		{true, policyJSON("0c6f2a3b-1d4e-4f5a-8b9c-7d6e5f4a3b2c", holderJSON(addressJSON(`,"Country":"xx"`), ""), "")},
		{true, policyJSON("0c6f2a3b-1d4e-4f5a-8b9c-7d6e5f4a3b2c", holderJSON(addressJSON(""),
			`,"phone":{"phone_type":"mobile","international_prefix":"bad","number":"x"}`), `,"policy_holder":`+holderJSON(addressJSON(""), ""))},
	} {
		f.Add(seed.policy, seed.body)
	}
	e, c := newCaptureEnv(f)
	tok := e.token("", "")
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
// make any answer, which must still be JSON.
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
	return rec.Code
}
