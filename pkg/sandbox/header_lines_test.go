package sandbox_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// A list-based field (If-None-Match, Accept-Language) may come on several
// field lines, which mean the same as one line of their values joined by
// commas (RFC 9110 section 5.3): the sandbox answers them as such, where it
// used to refuse them ("must be sent once").
func TestListHeadersOnSeveralLines(t *testing.T) {
	sb, err := sandbox.New()
	if err != nil {
		t.Fatal(err)
	}
	tok := token(t, sb, allScopes()...)
	get := func(h http.Header) *httptest.ResponseRecorder {
		req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/travel/v1/countries/fr", nil)
		for k, vs := range h {
			req.Header[k] = vs
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		sb.ServeHTTP(rec, req)
		return rec
	}
	fr := get(http.Header{"Accept-Language": {"fr"}})
	if fr.Code != http.StatusOK {
		t.Fatalf("GET in French: %d %s", fr.Code, fr.Body)
	}
	etag := fr.Header().Get("ETag")
	if rec := get(http.Header{"Accept-Language": {"fr"}, "If-None-Match": {`"other"`, etag}}); rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match on two lines, the second the ETag: %d %s; want 304", rec.Code, rec.Body)
	}
	if rec := get(http.Header{"Accept-Language": {"en;q=0.1", "fr;q=0.9"}}); rec.Code != http.StatusOK || rec.Header().Get("Content-Language") != "fr" {
		t.Errorf("Accept-Language on two lines: %d %q %s; want 200 in fr", rec.Code, rec.Header().Get("Content-Language"), rec.Body)
	}
}

// Authorization is a singleton field: a request with two (a default header
// and a per-call one, say) is refused, 400 invalid_request (RFC 6750
// section 3.1), whichever comes first; it used to be served as the first,
// a client bug a gateway taking the last would not forgive.
func TestTwoAuthorizationHeadersAreRefused(t *testing.T) {
	sb, err := sandbox.New()
	if err != nil {
		t.Fatal(err)
	}
	tok := token(t, sb, allScopes()...)
	for _, lines := range [][]string{{"Bearer " + tok, "Bearer other"}, {"Bearer other", "Bearer " + tok}} {
		req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/travel/v1/countries/fr", nil)
		req.Header["Authorization"] = lines
		rec := httptest.NewRecorder()
		sb.ServeHTTP(rec, req)
		var e struct {
			Error string `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || rec.Code != http.StatusBadRequest || e.Error != "invalid_request" {
			t.Errorf("two Authorization lines: %d %s; want 400 invalid_request", rec.Code, rec.Body)
		}
	}
	// The token endpoint too: two sets of client credentials.
	basic := func(id, secret string) string {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.SetBasicAuth(id, secret)
		return r.Header.Get("Authorization")
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, gen.TokenPath, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header["Authorization"] = []string{basic(sandbox.DefaultClientID, sandbox.DefaultClientSecret), basic("other", "secret")}
	rec := httptest.NewRecorder()
	sb.ServeHTTP(rec, req)
	var e struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || rec.Code != http.StatusBadRequest || e.Error != "invalid_request" {
		t.Errorf("token request with two Authorization lines: %d %s; want 400 invalid_request", rec.Code, rec.Body)
	}
}
