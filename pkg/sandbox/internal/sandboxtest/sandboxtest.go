// Package sandboxtest holds what the tests of the sandbox's packages share:
// the API's request bodies as raw JSON, and one in-process request with its
// decoded response. Only tests import it.
package sandboxtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Response is a status, the headers and a JSON object body.
type Response struct {
	Status int
	Header http.Header
	Body   map[string]any
}

// Str returns a string field of the body, empty when absent.
func (r Response) Str(k string) string { s, _ := r.Body[k].(string); return s }

// Do sends a request to h in process, the way a client sends it over HTTP:
// a bearer token when token is not empty, an Idempotency-Key when key is
// not empty, and a raw JSON body when body is not empty. A response whose
// body is not a JSON object fails t.
func Do(t testing.TB, h http.Handler, token, method, path, key, body string) Response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	r := Response{Status: rec.Code, Header: rec.Header(), Body: map[string]any{}}
	if err := json.Unmarshal(rec.Body.Bytes(), &r.Body); err != nil {
		t.Fatalf("%s %s: %d, body not JSON: %q", method, path, rec.Code, rec.Body)
	}
	return r
}

// Day is a date days from today, as the API writes it.
func Day(days int) string { return time.Now().UTC().AddDate(0, 0, days).Format(time.DateOnly) }

// QuoteJSON is a quote request for one traveller, with extra members
// spliced in before the closing brace.
func QuoteJSON(extra string) string {
	return fmt.Sprintf(`{"trip_type":"single_trip","origin_country":"fr","destination_countries":["jp"],`+
		`"start_date":%q,"end_date":%q,"travellers":[{"birth_date":"1985-04-12"}],"plan_code":"comfort"%s}`, Day(30), Day(44), extra)
}

// TravellersJSON is n travellers of a quote request.
func TravellersJSON(n int) string {
	return "[" + strings.TrimSuffix(strings.Repeat(`{"birth_date":"1990-01-01"},`, n), ",") + "]"
}

// AddressJSON is the policy holder's address, with extra members.
func AddressJSON(extra string) string {
	return `{"street_address":"6 rue André Gide","postal_code":"92320","locality":"Châtillon","country":"fr"` + extra + `}`
}

// HolderJSON is a policy holder living at address, with extra members.
func HolderJSON(address, extra string) string {
	return `{"person":{"first_name":"Camille","last_name":"Martin","birth_date":"1985-04-12"},` +
		`"email":"camille.martin@example.com","address":` + address + extra + `}`
}

// PolicyJSON is a policy request for a one-traveller quote, with extra
// members.
func PolicyJSON(quoteID, holder, extra string) string {
	return `{"quote_id":"` + quoteID + `","policy_holder":` + holder +
		`,"travellers":[{"first_name":"Camille","last_name":"Martin","birth_date":"1985-04-12"}]` + extra + `}`
}
