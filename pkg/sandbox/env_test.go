package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/sandbox/oauth"
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
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {strings.Join(oauth.AllScopes(), " ")}}
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
