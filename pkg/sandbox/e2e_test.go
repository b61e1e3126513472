package sandbox_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/getkin/kin-openapi/openapi3"
	"go.uber.org/goleak"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/axatest"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

func date(s string) axa.Date {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return axa.Date{Time: t}
}

// future returns a date days from now, so that quotes never start in the
// past whatever day the test runs.
func future(days int) axa.Date {
	return axa.Date{Time: time.Now().UTC().AddDate(0, 0, days).Truncate(24 * time.Hour)}
}

func quoteRequest() axa.QuoteRequest {
	return axa.QuoteRequest{
		TripType:             axa.TripTypeSingleTrip,
		OriginCountry:        "fr",
		DestinationCountries: []axa.CountryID{"jp", "kr"},
		StartDate:            future(30),
		EndDate:              future(44),
		Travellers:           []axa.Traveller{{BirthDate: date("1985-04-12")}, {BirthDate: date("2015-09-30")}},
		PlanCode:             axa.PlanCodeComfort,
	}
}

func policyRequest(q *axa.Quote) axa.PolicyRequest {
	camille := axa.Person{FirstName: "Camille", LastName: "Martin", BirthDate: date("1985-04-12")}
	leo := axa.Person{FirstName: "Léo", LastName: "Martin", BirthDate: date("2015-09-30")}
	return axa.PolicyRequest{
		QuoteID: q.ID,
		PolicyHolder: axa.PolicyHolder{
			Person: camille, Email: "camille.martin@example.com",
			Address: axa.Address{StreetAddress: "6 rue André Gide", PostalCode: "92320", Locality: "Châtillon", Country: "fr"},
		},
		Travellers: []axa.Person{camille, leo},
	}
}

// Every operation of the spec, called through the SDK against the sandbox,
// answers what the spec says: axatest checks each answer, success or error,
// with kin-openapi's ValidateResponse. The operations below are called
// through their typed methods, with checks of what they mean; every other
// API operation of the spec (one it gains, say) is called through Invoke
// with the spec's examples (invokeTheRest), so a new operation needs no
// edit here.
func TestEveryOperationThroughTheSDK(t *testing.T) {
	env := axatest.New(t)
	c := env.Client
	ctx := t.Context()
	called := map[gen.OperationID]bool{}
	answers := map[gen.OperationID]specAnswer{}
	must := func(op gen.OperationID, answer any, err error) {
		t.Helper()
		called[op] = true
		if err != nil {
			t.Errorf("%s: %v", op, err)
			return
		}
		// For the links out of it (a policy's id into an operation on it).
		if b, err := json.Marshal(answer); err == nil {
			answers[op] = specAnswer{body: b}
		}
	}
	mustFail := func(op gen.OperationID, err, want error) {
		t.Helper()
		if !errors.Is(err, want) {
			t.Errorf("%s: err = %v, want %v", op, err, want)
		}
	}

	v, err := c.GetVersion(ctx)
	must(gen.OperationGetVersion, v, err)
	if err == nil && v.CommitSHA == "" {
		t.Error("version without commit")
	}

	countries, err := c.ListCountries(ctx, nil)
	must(gen.OperationListCountries, countries, err)
	if len(countries) != 249 || countries[0].ID != "ad" || countries[len(countries)-1].ID != "zw" {
		t.Errorf("countries: %d, first %v", len(countries), countries[:min(1, len(countries))])
	}
	fr := "fr-FR"
	french, err := c.ListCountries(ctx, &axa.ListCountriesParams{AcceptLanguage: &fr})
	must(gen.OperationListCountries, french, err)
	if err == nil && len(french) == len(countries) && french[0].Label == countries[0].Label && french[1].Label == countries[1].Label {
		t.Errorf("Accept-Language fr-FR changed no label: %v", french[:2])
	}

	country, err := c.GetCountry(ctx, "fr", nil)
	must(gen.OperationGetCountry, country, err)
	_, err = c.GetCountry(ctx, "xx", nil)
	mustFail(gen.OperationGetCountry, err, axa.ErrNotFound)
	health, err := c.GetCountryHealth(ctx, "br", nil)
	must(gen.OperationGetCountryHealth, health, err)
	security, err := c.GetCountrySecurity(ctx, "jp", nil)
	must(gen.OperationGetCountrySecurity, security, err)
	alerts, err := c.ListAlerts(ctx, nil)
	must(gen.OperationListAlerts, alerts, err)
	countryAlerts, err := c.ListCountryAlerts(ctx, "fr", nil)
	must(gen.OperationListCountryAlerts, countryAlerts, err)

	q, err := c.RequestQuote(ctx, quoteRequest(), nil)
	must(gen.OperationRequestQuote, q, err)
	bad := quoteRequest()
	bad.EndDate = bad.StartDate
	bad.StartDate = future(50)
	_, err = c.RequestQuote(ctx, bad, nil)
	mustFail(gen.OperationRequestQuote, err, axa.ErrValidation)
	if q != nil {
		p, err := c.CreatePolicy(ctx, policyRequest(q), nil)
		must(gen.OperationCreatePolicy, p, err)
		if p != nil {
			got, err := c.GetPolicy(ctx, p.ID)
			must(gen.OperationGetPolicy, got, err)
			if err == nil && got.PolicyNumber != p.PolicyNumber {
				t.Errorf("GetPolicy = %s, want %s", got.PolicyNumber, p.PolicyNumber)
			}
			for _, op := range policyLife(t, c, p.ID) {
				called[op] = true
			}
		}
	}

	radius := int32(20000)
	providers, err := c.SearchMedicalProviders(ctx, &axa.SearchMedicalProvidersParams{Lat: 48.8566, Lng: 2.3522, Radius: &radius})
	must(gen.OperationSearchMedicalProviders, providers, err)
	if len(providers) == 0 {
		t.Error("no medical provider within 20 km of Paris")
	}
	_, err = c.SearchMedicalProviders(ctx, &axa.SearchMedicalProvidersParams{Lat: 123, Lng: 2})
	mustFail(gen.OperationSearchMedicalProviders, err, axa.ErrValidation)
	kinds, err := c.ListProviderKinds(ctx, nil)
	must(gen.OperationListProviderKinds, kinds, err)
	specialities, err := c.ListProviderSpecialities(ctx, nil)
	must(gen.OperationListProviderSpecialities, specialities, err)

	// 403 through the SDK: a token fixed to one scope.
	narrow := env.NewClient(axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret), axa.WithScopes(axa.ScopeCountries))
	_, err = narrow.ListAlerts(ctx, nil)
	mustFail(gen.OperationListAlerts, err, axa.ErrInsufficientScope)
	var ae *axa.Error
	if errors.As(err, &ae) && (len(ae.RequiredScopes) != 1 || ae.RequiredScopes[0] != axa.ScopeAlerts) {
		t.Errorf("403 names %v, want %s", ae.RequiredScopes, axa.ScopeAlerts)
	}

	// The authorization server's operations: TestValidatingProxyInFront.
	invokeTheRest(t, c, called, answers)
}

// The authorization code grant end to end through the SDK, with PKCE; a
// wrong verifier, a reused code and a reused refresh token are refused.
func TestAuthorizationCodeThroughTheSDK(t *testing.T) {
	env := axatest.New(t, sandbox.WithAutoApprove(), sandbox.WithTokenLifetime(time.Minute))
	ctx := t.Context()
	var persisted []string
	var mu sync.Mutex
	newClient := func(opts ...axa.Option) *axa.Client {
		return env.NewClient(append([]axa.Option{
			axa.WithAuthorizationCode(sandbox.DefaultClientID, sandbox.DefaultClientSecret, "http://127.0.0.1:9999/callback"),
			axa.WithTokenHook(func(_ context.Context, tok axa.Token) error {
				mu.Lock()
				defer mu.Unlock()
				persisted = append(persisted, tok.RefreshToken())
				return nil
			}),
		}, opts...)...)
	}
	c := newClient()

	// The browser: follow the authorization URL, stop at the redirect.
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	authorize := func(req *axa.AuthRequest) (code, state string) {
		t.Helper()
		r, err := http.NewRequestWithContext(ctx, http.MethodGet, req.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := browser.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		loc, err := url.Parse(resp.Header.Get("Location"))
		if err != nil || resp.StatusCode/100 != 3 {
			t.Fatalf("authorize answered %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		return loc.Query().Get("code"), loc.Query().Get("state")
	}

	req, err := c.AuthCodeURL(t.Context(), axa.ScopeCountries, axa.ScopeAlerts)
	if err != nil {
		t.Fatal(err)
	}
	code, state := authorize(req)
	if state != req.State {
		t.Fatalf("state came back as %q, sent %q", state, req.State)
	}
	tok, err := c.Exchange(ctx, req, state, code)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListCountries(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListAlerts(ctx, nil); err != nil {
		t.Fatal(err)
	}

	// A code exchanged with another request's verifier: refused.
	other, err := c.AuthCodeURL(t.Context(), axa.ScopeCountries)
	if err != nil {
		t.Fatal(err)
	}
	third, err := c.AuthCodeURL(t.Context(), axa.ScopeCountries)
	if err != nil {
		t.Fatal(err)
	}
	code2, _ := authorize(other)
	var te *axa.TokenError
	if _, err := c.Exchange(ctx, third, third.State, code2); !errors.As(err, &te) || te.Code != "invalid_grant" {
		t.Errorf("wrong PKCE verifier: err = %v, want invalid_grant", err)
	}

	// A refresh token used twice: the second use is refused.
	first := tok.RefreshToken()
	a := newClient(axa.WithRefreshToken(first))
	if _, err := a.ListCountries(ctx, nil); err != nil {
		t.Fatalf("refresh with a fresh refresh token: %v", err)
	}
	b := newClient(axa.WithRefreshToken(first))
	if _, err := b.ListCountries(ctx, nil); !errors.As(err, &te) || te.Code != "invalid_grant" {
		t.Errorf("a rotated refresh token was accepted again: %v", err)
	}
	// The same code again: refused.
	if _, err := c.Exchange(ctx, req, state, code); err == nil {
		t.Error("a reused authorization code was accepted")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(persisted) < 2 {
		t.Errorf("the hook saw %d refresh tokens, want the exchanged and the rotated one", len(persisted))
	}
}

// 50 concurrent identical POSTs with one Idempotency-Key create one policy.
func TestConcurrentDuplicatePoliciesCreateOne(t *testing.T) {
	env := axatest.New(t)
	ctx := t.Context()
	q, err := env.Client.RequestQuote(ctx, quoteRequest(), nil)
	if err != nil {
		t.Fatal(err)
	}
	body := policyRequest(q)
	params := &axa.CreatePolicyParams{IdempotencyKey: "booking-42"}

	var wg sync.WaitGroup
	numbers := make(chan string, 50)
	errs := make(chan error, 50)
	for range 50 {
		wg.Go(func() {
			p, err := env.Client.CreatePolicy(ctx, body, params)
			if err != nil {
				errs <- err
				return
			}
			numbers <- p.PolicyNumber
		})
	}
	wg.Wait()
	close(numbers)
	close(errs)
	distinct := map[string]bool{}
	for n := range numbers {
		distinct[n] = true
	}
	for err := range errs {
		if !errors.Is(err, axa.ErrConflict) {
			t.Errorf("a duplicate failed otherwise than with 409: %v", err)
		}
	}
	if len(distinct) != 1 {
		t.Fatalf("%d distinct policies issued for one Idempotency-Key: %v", len(distinct), distinct)
	}
}

// exampleRequest builds a request for op from the spec's own examples: path
// and required parameters (paramValue), and the request body: the JSON
// example of a JSON body, else an empty body of its media type (the
// matrices check tokens and scopes, which come first).
func exampleRequest(t *testing.T, doc *openapi3.T, base string, op gen.Operation) *http.Request {
	t.Helper()
	item := doc.Paths.Value(op.Path)
	spec := item.GetOperation(op.Method)
	path, query, header := op.Path, url.Values{}, http.Header{}
	for _, ref := range append(item.Parameters, spec.Parameters...) {
		p := ref.Value
		ex, ok := paramValue(p)
		if !ok {
			if p.Required {
				t.Fatalf("%s: required parameter %s has no example", op.ID, p.Name)
			}
			continue
		}
		vs := textValues(ex)
		switch {
		case p.In == openapi3.ParameterInPath:
			path = strings.ReplaceAll(path, "{"+p.Name+"}", url.PathEscape(strings.Join(vs, ",")))
		case p.Required && p.In == openapi3.ParameterInQuery:
			query[p.Name] = vs
		case p.Required && p.In == openapi3.ParameterInHeader:
			header.Set(p.Name, strings.Join(vs, ","))
		}
	}
	var body io.Reader
	if spec.RequestBody != nil && spec.RequestBody.Value != nil && len(spec.RequestBody.Value.Content) > 0 {
		content := spec.RequestBody.Value.Content
		media := slices.Sorted(maps.Keys(content))
		i := max(slices.IndexFunc(media, isJSON), 0)
		header.Set("Content-Type", media[i])
		body = strings.NewReader("")
		if mt := content[media[i]]; isJSON(media[i]) {
			ex := mt.Example
			if ex == nil && mt.Schema != nil {
				ex = schemaExample(mt.Schema, 0)
			}
			b, err := json.Marshal(ex)
			if err != nil {
				t.Fatal(err)
			}
			body = bytes.NewReader(b)
		}
	}
	target := base + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(t.Context(), op.Method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	return req
}

// matrixEnv is a sandbox served by httptest, with a clock the test moves.
type matrixEnv struct {
	srv   *httptest.Server
	doc   *openapi3.T
	mu    sync.Mutex
	clock time.Time
}

func newMatrixEnv(t *testing.T) *matrixEnv {
	t.Helper()
	e := &matrixEnv{clock: time.Now()}
	sb, err := sandbox.New(sandbox.WithClock(func() time.Time {
		e.mu.Lock()
		defer e.mu.Unlock()
		return e.clock
	}), sandbox.WithRateLimit(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(sb)
	t.Cleanup(e.srv.Close)
	if e.doc, err = api.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
	return e
}

// token is an access token of DefaultClientID with scopes, from the
// token endpoint of h (client credentials).
func token(t *testing.T, h http.Handler, scopes ...string) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {strings.Join(scopes, " ")}}
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, gen.TokenPath, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(sandbox.DefaultClientID, sandbox.DefaultClientSecret)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var a struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil || rec.Code != http.StatusOK || a.AccessToken == "" {
		t.Fatalf("token for %v: %d %s", scopes, rec.Code, rec.Body)
	}
	return a.AccessToken
}

// token is an access token of the served sandbox with scopes.
func (e *matrixEnv) token(t *testing.T, scopes ...string) string {
	t.Helper()
	return token(t, e.srv.Config.Handler, scopes...)
}

// allScopes are the API's scopes.
func allScopes() []string {
	var out []string
	for _, s := range gen.AllScopes() {
		out = append(out, string(s))
	}
	return out
}

// advance moves the sandbox's clock.
func (e *matrixEnv) advance(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.clock = e.clock.Add(d)
}

// matrixAnswer is what a request got back.
type matrixAnswer struct {
	StatusCode int
	Header     http.Header
}

func (e *matrixEnv) do(t *testing.T, op gen.Operation, bearer string) (matrixAnswer, string) {
	t.Helper()
	req := exampleRequest(t, e.doc, e.srv.URL, op)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	return matrixAnswer{resp.StatusCode, resp.Header}, string(b)
}

// The scope matrix, derived from the spec's security table: every secured
// operation × a token with each single scope passes the token check only
// with the scope it requires, and is refused 403 insufficient_scope, naming
// that scope, otherwise.
func TestScopeMatrix(t *testing.T) {
	e := newMatrixEnv(t)
	for _, op := range gen.Operations() {
		if len(op.Security) == 0 || op.AuthorizationServer { // no bearer token there
			continue
		}
		need := string(op.Security[0][0].Scopes[0])
		for _, scope := range allScopes() {
			resp, body := e.do(t, op, e.token(t, scope))
			if scope == need {
				if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
					t.Errorf("%s with its scope %s: %d %s", op.ID, scope, resp.StatusCode, body)
				}
				continue
			}
			challenge := resp.Header.Get("WWW-Authenticate")
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(challenge, `error="insufficient_scope"`) || !strings.Contains(challenge, `scope="`+need+`"`) {
				t.Errorf("%s with scope %s: %d, WWW-Authenticate %q; want 403 insufficient_scope naming %s", op.ID, scope, resp.StatusCode, challenge, need)
			}
		}
	}
}

// Every secured operation refuses, with 401, requests without a valid
// token: the validator asks the authorization server, whose Verify refuses
// every kind of bad token (oauth's TestVerifyRefusesBadTokens).
func TestBadTokensAreRefused(t *testing.T) {
	e := newMatrixEnv(t)
	all := allScopes()
	other, err := sandbox.New()
	if err != nil {
		t.Fatal(err)
	}
	ofOther := token(t, other, all...)
	expired := e.token(t, all...)
	e.advance(2 * time.Hour)
	valid := e.token(t, all...)
	parts := strings.Split(valid, ".")
	// alg none: the header says so and there is no signature.
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
	cases := map[string]string{
		"no token":                "",
		"expired":                 expired,
		"another sandbox's token": ofOther,
		"alg none":                none,
		"not a JWT":               "opaque-token",
	}
	for _, op := range gen.Operations() {
		if len(op.Security) == 0 || op.AuthorizationServer { // no bearer token there
			continue
		}
		resp, body := e.do(t, op, valid)
		if resp.StatusCode == http.StatusUnauthorized {
			t.Fatalf("%s refused a valid token: %s", op.ID, body)
		}
		for name, tok := range cases {
			resp, body := e.do(t, op, tok)
			challenge := resp.Header.Get("WWW-Authenticate")
			if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(challenge, "Bearer") {
				t.Errorf("%s, %s: %d %s (WWW-Authenticate %q), want 401", op.ID, name, resp.StatusCode, body, challenge)
			}
			if name != "no token" && !strings.Contains(challenge, `error="invalid_token"`) {
				t.Errorf("%s, %s: WWW-Authenticate %q lacks invalid_token", op.ID, name, challenge)
			}
			if tok != "" && strings.Contains(body, tok) {
				t.Errorf("%s, %s: the answer echoes the token", op.ID, name)
			}
		}
	}
}

// GET /version needs no token.
func TestVersionIsPublic(t *testing.T) {
	e := newMatrixEnv(t)
	op, _ := gen.LookupOperation(gen.OperationGetVersion)
	resp, body := e.do(t, op, "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "commit-sha") {
		t.Fatalf("GET /version: %d %s", resp.StatusCode, body)
	}
}

func TestOptionsRefuseNonsense(t *testing.T) {
	for name, opt := range map[string]sandbox.Option{
		"fault on an unknown operation": sandbox.WithFault("noSuchOperation", sandbox.Fault{ErrorRate: 1}),
		"rate without burst":            sandbox.WithRateLimit(10, 0),
		"commit not hex":                sandbox.WithBuildInfo(time.Now(), "not-a-commit"),
		"fault rate above 1":            sandbox.WithFault(sandbox.FaultAll, sandbox.Fault{ErrorRate: 2}),
	} {
		if _, err := sandbox.New(opt); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := sandbox.New(sandbox.WithFault("createPolicy", sandbox.Fault{ErrorRate: 0.5}), sandbox.WithFault(sandbox.FaultToken, sandbox.Fault{}), sandbox.WithRateLimit(0, 0)); err != nil {
		t.Errorf("valid options refused: %v", err)
	}
}

// RFC 8414 section 3.3: a started sandbox's metadata names itself as the
// issuer, its endpoints under it, and its tokens carry that issuer.
func TestStartedSandboxIsItsOwnIssuer(t *testing.T) {
	sb, err := sandbox.New()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL()+"/.well-known/oauth-authorization-server", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var meta map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&meta); err != nil {
		t.Fatal(err)
	}
	if meta["issuer"] != srv.URL() || meta["token_endpoint"] != srv.URL()+"/auth/v1/token" {
		t.Errorf("metadata issuer %v, token endpoint %v; want them at %s", meta["issuer"], meta["token_endpoint"], srv.URL())
	}
	tok := token(t, sb, allScopes()...)
	payload, err := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		Issuer string `json:"iss"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil || claims.Issuer != srv.URL() {
		t.Errorf("token issuer %q (%v), want %s", claims.Issuer, err, srv.URL())
	}
	req, err = http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL()+"/travel/v1/countries", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	api, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = api.Body.Close()
	if api.StatusCode != http.StatusOK {
		t.Errorf("the started sandbox refuses its own token: %d", api.StatusCode)
	}
	if _, err := sandbox.New(sandbox.WithIssuer("not a url")); err == nil {
		t.Error("sandbox.WithIssuer accepted a non-URL")
	}
}

// faultyProxy is a loopback TCP proxy that delays, cuts and resets some of
// the connections it carries, chosen by a seeded generator.
type faultyProxy struct {
	ln      net.Listener
	target  string
	mu      sync.Mutex
	rnd     *rand.Rand
	wg      sync.WaitGroup
	counts  map[string]int
	closing chan struct{}
}

func newFaultyProxy(t *testing.T, target string, seed uint64) *faultyProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &faultyProxy{ln: ln, target: target, rnd: rand.New(rand.NewPCG(seed, 7)), counts: map[string]int{}, closing: make(chan struct{})}
	p.wg.Go(p.serve)
	return p
}

func (p *faultyProxy) URL() string { return "http://" + p.ln.Addr().String() }

func (p *faultyProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		draw := p.rnd.Float64()
		p.mu.Unlock()
		action := "pass"
		switch {
		case draw < 0.03:
			action = "reset" // the request reaches the server, the answer never comes back
		case draw < 0.05:
			action = "cut" // closed before the request is forwarded
		case draw < 0.08:
			action = "delay"
		}
		p.mu.Lock()
		p.counts[action]++
		p.mu.Unlock()
		p.wg.Go(func() { p.handle(c, action) })
	}
}

func (p *faultyProxy) handle(client net.Conn, action string) {
	defer func() { _ = client.Close() }()
	if action == "cut" {
		return
	}
	if action == "delay" {
		select {
		case <-time.After(20 * time.Millisecond):
		case <-p.closing:
			return
		}
	}
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer func() { _ = server.Close() }()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(server, client); done <- struct{}{} }()
	if action == "reset" {
		// Let the answer start, then reset the client's side.
		buf := make([]byte, 1)
		if _, err := server.Read(buf); err == nil {
			if tcp, ok := client.(*net.TCPConn); ok {
				_ = tcp.SetLinger(0)
			}
		}
		_ = client.Close()
		_ = server.Close()
		<-done
		return
	}
	go func() { _, _ = io.Copy(client, server); done <- struct{}{} }()
	select {
	case <-done:
	case <-p.closing:
	}
	_ = client.Close()
	_ = server.Close()
	<-done
}

func (p *faultyProxy) Close() {
	close(p.closing)
	_ = p.ln.Close()
	p.wg.Wait()
}

// outcome is what the client reported for one booking.
type outcome int

const (
	succeeded outcome = iota // the client has the policy
	refused                  // a definite failure: the API said no
	unknown                  // retries exhausted: the policy may or may not exist
)

// The fault suite: mixed operations through a proxy that delays, cuts and
// resets connections, against a sandbox injecting 503s and resets after
// commit (about 10% of requests fail somewhere). The server's ledger must
// show every policy the client reported exactly once, none for a definite
// failure, never two for one booking; and nothing may be left running.
func TestFaultSoak(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	sb, err := sandbox.New(sandbox.WithRateLimit(0, 0), sandbox.WithSeed(7),
		sandbox.WithFault(sandbox.FaultAll, sandbox.Fault{ErrorRate: 0.04, ResetAfterCommitRate: 0.04}),
		sandbox.WithFault(sandbox.FaultToken, sandbox.Fault{ErrorRate: 0.02}))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	proxy := newFaultyProxy(t, strings.TrimPrefix(srv.URL(), "http://"), 11)
	tr := &http.Transport{DisableKeepAlives: true} // a connection per request: per-request faults
	client, err := axa.NewClient(axa.WithoutEnvironment(), axa.WithBaseURL(proxy.URL()),
		axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret),
		axa.WithTransport(tr),
		axa.WithRetryOptions(axa.RetryOptions{MaxAttempts: 6, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond}),
		axa.WithTokenOptions(axa.TokenOptions{BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond, FailureCooldown: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	const bookings, workers = 80, 4
	type result struct {
		quote   uuid.UUID
		outcome outcome
		number  string
	}
	results := make([]result, bookings)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				_, _ = client.ListCountries(ctx, nil) // load; faults absorbed or not
				_, _ = client.GetCountry(ctx, "jp", nil)
				q, err := client.RequestQuote(ctx, soakQuote(), nil)
				if err != nil {
					results[i] = result{outcome: refused}
					continue
				}
				p, err := client.CreatePolicy(ctx, soakPolicy(q), &axa.CreatePolicyParams{IdempotencyKey: fmt.Sprintf("booking-%d", i)})
				var apiErr *axa.Error
				switch {
				case err == nil:
					results[i] = result{q.ID, succeeded, p.PolicyNumber}
				case errors.As(err, &apiErr) && !apiErr.Retryable && apiErr.StatusCode != http.StatusConflict:
					results[i] = result{q.ID, refused, ""}
				default:
					results[i] = result{q.ID, unknown, ""}
				}
			}
		})
	}
	for i := range bookings {
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	// The ledger.
	perQuote := map[uuid.UUID][]string{}
	for _, p := range sandbox.IssuedPolicies(sb) {
		perQuote[p.QuoteID] = append(perQuote[p.QuoteID], p.PolicyNumber)
	}
	counts := map[outcome]int{}
	for i, r := range results {
		counts[r.outcome]++
		issued := perQuote[r.quote]
		switch r.outcome {
		case succeeded:
			if len(issued) != 1 || issued[0] != r.number {
				t.Errorf("booking %d: the client has policy %s, the server issued %v", i, r.number, issued)
			}
		case refused:
			if r.quote != uuid.Nil && len(issued) != 0 {
				t.Errorf("booking %d: a definite failure, yet the server issued %v", i, issued)
			}
		case unknown:
			if len(issued) > 1 {
				t.Errorf("booking %d: %d policies for one booking", i, len(issued))
			}
		}
	}
	for q, issued := range perQuote {
		if len(issued) > 1 {
			t.Errorf("quote %s has %d policies", q, len(issued))
		}
	}
	proxy.mu.Lock()
	t.Logf("bookings: %d succeeded, %d refused, %d unknown; proxy: %v", counts[succeeded], counts[refused], counts[unknown], proxy.counts)
	faulted := proxy.counts["reset"] + proxy.counts["cut"]
	proxy.mu.Unlock()
	if counts[succeeded] < bookings/2 {
		t.Errorf("only %d of %d bookings succeeded: the retries absorb too little", counts[succeeded], bookings)
	}
	if faulted == 0 {
		t.Error("the proxy injected no fault: the soak proves nothing")
	}

	_ = client.Close()
	proxy.Close()
	_ = srv.Close()
	tr.CloseIdleConnections()
	goleak.VerifyNone(t, ignore)
}

func soakQuote() axa.QuoteRequest {
	start := time.Now().UTC().AddDate(0, 1, 0)
	return axa.QuoteRequest{
		TripType: axa.TripTypeSingleTrip, OriginCountry: "fr", DestinationCountries: []axa.CountryID{"jp"},
		StartDate: axa.Date{Time: start}, EndDate: axa.Date{Time: start.AddDate(0, 0, 10)},
		Travellers: []axa.Traveller{{BirthDate: axa.Date{Time: time.Date(1985, 4, 12, 0, 0, 0, 0, time.UTC)}}},
		PlanCode:   axa.PlanCodeEssential,
	}
}

func soakPolicy(q *axa.Quote) axa.PolicyRequest {
	p := axa.Person{FirstName: "Camille", LastName: "Martin", BirthDate: axa.Date{Time: time.Date(1985, 4, 12, 0, 0, 0, 0, time.UTC)}}
	return axa.PolicyRequest{
		QuoteID: q.ID,
		PolicyHolder: axa.PolicyHolder{Person: p, Email: "camille.martin@example.com",
			Address: axa.Address{StreetAddress: "6 rue André Gide", PostalCode: "92320", Locality: "Châtillon", Country: "fr"}},
		Travellers: []axa.Person{p},
	}
}

// Over HTTP, through every layer of the sandbox, a request with several
// problems is one 400 listing them all, at their locations, in an answer
// the spec allows (axatest's SpecChecker validates it).
func TestEveryProblemAtOnceOverHTTP(t *testing.T) {
	env := axatest.New(t)
	doc, err := api.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// The values of the spec's trip types, whatever it gains.
	var values []string
	for _, v := range doc.Components.Schemas["TripType"].Value.Enum {
		values = append(values, fmt.Sprint(v))
	}
	tripTypes := "must be one of " + strings.Join(values, ", ")
	tok, err := env.Client.Token(t.Context(), string(gen.ScopeTravelPoliciesQuoteRequest))
	if err != nil {
		t.Fatal(err)
	}
	body := `{"trip_type":"round_the_world","origin_country":"fr","destination_countries":["jp"],` +
		`"start_date":"` + future(30).Format(time.DateOnly) + `","end_date":"` + future(44).Format(time.DateOnly) + `",` +
		`"travellers":[{}` + strings.Repeat(`,{"birth_date":"1990-01-01"}`, 9) + `],"plan_code":"comfort"}`
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, env.URL+"/travel/v1/quotes", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken())
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", "every-problem")
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	resp, err := (&http.Client{Transport: axatest.SpecChecker(t, transport)}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got gen.Error
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	want := []gen.Problem{
		{Location: "body/travellers", Message: "must be at most 9 items"},
		{Location: "body/travellers/0/birth_date", Message: "required"},
		{Location: "body/trip_type", Message: tripTypes},
	}
	if resp.StatusCode != http.StatusBadRequest || got.Error != "invalid_request" || got.Problems == nil || !slices.Equal(*got.Problems, want) {
		t.Errorf("%d %+v, want 400 with %v", resp.StatusCode, got, want)
	}
	if got.ErrorDescription == nil || *got.ErrorDescription != "3 problems: body/travellers: must be at most 9 items; "+
		"body/travellers/0/birth_date: required; body/trip_type: "+tripTypes {
		t.Errorf("error_description %v", got.ErrorDescription)
	}
}
