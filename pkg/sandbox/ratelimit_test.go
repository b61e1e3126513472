package sandbox_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// The default rate limit lets a test suite's burst through: 500 requests
// of one client at the same instant (a stopped clock, so no budget comes
// back meanwhile) are all answered 200. It still is a limit: at that
// instant, the request after the default burst is refused with 429 and
// Retry-After.
func TestDefaultRateLimitFitsATestSuite(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	sb, err := sandbox.New(sandbox.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	tok := token(t, sb, allScopes()...) // the token request spends one
	get := func() *httptest.ResponseRecorder {
		req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/travel/v1/countries/fr", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		sb.ServeHTTP(rec, req)
		return rec
	}
	const suite = 500
	for i := range suite {
		if rec := get(); rec.Code != http.StatusOK {
			t.Fatalf("request %d of a burst of %d: %d %s", i+1, suite, rec.Code, rec.Body)
		}
	}
	for i := 1 + suite; i < sandbox.DefaultRateBurst; i++ {
		if rec := get(); rec.Code != http.StatusOK {
			t.Fatalf("request %d, within the default burst of %d: %d", i+1, sandbox.DefaultRateBurst, rec.Code)
		}
	}
	if rec := get(); rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Errorf("request %d at the same instant: %d, Retry-After %q; want 429 with Retry-After",
			sandbox.DefaultRateBurst+1, rec.Code, rec.Header().Get("Retry-After"))
	}
}
