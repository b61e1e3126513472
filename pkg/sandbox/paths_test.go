package sandbox_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/pkg/sandbox"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/sandboxtest"
)

// A path that is an operation's but for a trailing slash passes the
// operation's checks (the generated matcher ignores the slash) and then
// finds no route: it is answered as any unknown path, with the API's Error
// (404 not_found, JSON), never net/http's text/plain "404 page not found".
func TestTrailingSlashIsTheAPIsNotFound(t *testing.T) {
	sb, err := sandbox.New()
	if err != nil {
		t.Fatal(err)
	}
	tok := token(t, sb, allScopes()...)
	for _, c := range []struct{ method, path, body string }{
		{http.MethodGet, "/version/", ""},
		{http.MethodGet, "/travel/v1/countries/", ""},
		{http.MethodGet, "/travel/v1/countries/fr/", ""},
		{http.MethodGet, "/travel/v1/countries/alerts/", ""},
		{http.MethodGet, "/travel/v1/countries/fr/health_cards/", ""},
		{http.MethodPost, "/travel/v1/quotes/", sandboxtest.QuoteJSON("")},
	} {
		var req *http.Request
		if c.body != "" {
			req = httptest.NewRequestWithContext(t.Context(), c.method, c.path, strings.NewReader(c.body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", "trailing-slash")
		} else {
			req = httptest.NewRequestWithContext(t.Context(), c.method, c.path, nil)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		sb.ServeHTTP(rec, req)
		var e struct {
			StatusCode int    `json:"status_code"`
			Error      string `json:"error"`
		}
		err := json.Unmarshal(rec.Body.Bytes(), &e)
		if rec.Code != http.StatusNotFound || err != nil || e.StatusCode != http.StatusNotFound || e.Error != "not_found" ||
			!strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Errorf("%s %s: %d %q %q; want 404 and the API's Error, not_found", c.method, c.path, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
	}
}

// A path with an empty or a dot segment (a client that joins its base URL
// and a path with a slash too many, say) is no operation: it is the API's
// 404, as any unknown path. net/http's ServeMux redirected it (307, an HTML
// body) to its clean form, which hid the client's bug: a Go client follows
// the redirect and succeeds, where a gateway in front of the API would not.
func TestUncleanPathIsTheAPIsNotFound(t *testing.T) {
	sb, err := sandbox.New()
	if err != nil {
		t.Fatal(err)
	}
	tok := token(t, sb, allScopes()...)
	for _, path := range []string{
		"//version",
		"/travel/v1//countries",
		"/travel/v1/countries/./fr",
		"/travel/v1/countries/fr//alerts",
		"/travel/v1/x/../countries/fr",
		"//auth/v1/jwks",
	} {
		req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		sb.ServeHTTP(rec, req)
		var e struct {
			StatusCode int    `json:"status_code"`
			Error      string `json:"error"`
		}
		err := json.Unmarshal(rec.Body.Bytes(), &e)
		if rec.Code != http.StatusNotFound || err != nil || e.Error != "not_found" || rec.Header().Get("Location") != "" {
			t.Errorf("GET %s: %d, Location %q, %q; want 404 and the API's Error, not_found", path, rec.Code, rec.Header().Get("Location"), rec.Body)
		}
	}
}
