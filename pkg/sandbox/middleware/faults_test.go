package middleware

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/gen"
)

// Faults keys on the operation the access log resolved: the first request
// of listProviderKinds is 429 with Retry-After, the next one fails, the
// third is served; the token endpoint has its own fault; an operation
// without one is untouched; the access log gives every answer its id.
func TestFaultsFollowTheResolvedOperation(t *testing.T) {
	served := 0
	next := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { served++; w.WriteHeader(http.StatusOK) })
	h := AccessLog(slog.New(slog.DiscardHandler), Faults(map[string]Fault{
		string(gen.OperationListProviderKinds): {TooManyRequests: 1, FailFirst: 1, RetryAfter: 2 * time.Second},
		FaultToken:                             {ErrorRate: 1, Status: http.StatusBadGateway},
	}, 1, next))
	do := func(method, path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
		if rec.Header().Get("X-Request-Id") == "" {
			t.Errorf("%s %s: no X-Request-Id", method, path)
		}
		return rec
	}
	const kinds = "/health/v1/medical_providers/kinds"
	if rec := do(http.MethodGet, kinds); rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "2" {
		t.Errorf("first: %d, Retry-After %q; want 429, 2", rec.Code, rec.Header().Get("Retry-After"))
	}
	if rec := do(http.MethodGet, kinds); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("second: %d, want 503", rec.Code)
	}
	if rec := do(http.MethodGet, kinds); rec.Code != http.StatusOK || served != 1 {
		t.Errorf("third: %d, served %d", rec.Code, served)
	}
	if rec := do(http.MethodPost, gen.TokenPath); rec.Code != http.StatusBadGateway {
		t.Errorf("token endpoint: %d, want 502", rec.Code)
	}
	if rec := do(http.MethodGet, "/travel/v1/countries"); rec.Code != http.StatusOK || served != 2 {
		t.Errorf("unfaulted: %d, served %d", rec.Code, served)
	}
}
