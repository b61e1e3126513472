package sandbox_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// A client that authenticates with client_secret_post (its secret in the
// form, RFC 6749 section 2.3.1) has a rate budget of its own, as one using
// HTTP Basic has: another client's flood of token requests, or anyone's
// requests without valid credentials, do not refuse it. Credentials that
// are not valid name nobody: they spend the address's budget, never the
// client's they name.
func TestFormAuthenticatedClientHasItsOwnBudget(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	sb, err := sandbox.New(
		sandbox.WithClock(func() time.Time { return now }), // stopped: no budget comes back
		sandbox.WithRateLimit(1, 2),
		sandbox.WithClient(sandbox.Client{ID: "alpha", Secret: "alpha-secret", Scopes: allScopes()}),
		sandbox.WithClient(sandbox.Client{ID: "beta", Secret: "beta-secret", Scopes: allScopes()}),
	)
	if err != nil {
		t.Fatal(err)
	}
	tokenRequest := func(id, secret string) *httptest.ResponseRecorder {
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}
		req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, gen.TokenPath, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		sb.ServeHTTP(rec, req)
		return rec
	}
	for i := range 2 {
		if rec := tokenRequest("alpha", "alpha-secret"); rec.Code != http.StatusOK {
			t.Fatalf("alpha's request %d, within its burst: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	if rec := tokenRequest("alpha", "alpha-secret"); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("alpha past its burst: %d, want 429", rec.Code)
	}
	// A wrong secret naming beta spends the address's budget, not beta's.
	for range 3 {
		tokenRequest("beta", "wrong")
	}
	for i := range 2 {
		if rec := tokenRequest("beta", "beta-secret"); rec.Code != http.StatusOK {
			t.Errorf("beta's request %d, after alpha's flood and a wrong secret: %d %s; want 200 (its own budget)", i+1, rec.Code, rec.Body)
		}
	}
}
