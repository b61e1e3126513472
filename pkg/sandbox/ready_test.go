package sandbox_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// New returns before the spec is loaded; Ready waits for it, and the API
// answers once it returns.
func TestReadyWaitsForTheAPI(t *testing.T) {
	sb, err := sandbox.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Ready(); err != nil {
		t.Fatalf("Ready: %v", err)
	}
	rec := httptest.NewRecorder()
	sb.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/version", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("GET /version after Ready: %d %s", rec.Code, rec.Body)
	}
}
