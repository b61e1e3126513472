package sandbox_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// An injected latency cut short, by Server.Shutdown (which ends the
// requests' contexts) or by the request's own end, answers 503 with the
// API's Error and Retry-After: the request was not served. It used to
// return without a word, which net/http sends as 200 with an empty body,
// a success the client cannot decode.
func TestLatencyCutShortIsNotASuccess(t *testing.T) {
	sb, err := sandbox.New(sandbox.WithFault("getVersion", sandbox.Fault{Latency: time.Hour}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // as Shutdown does to every request in flight
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/version", nil)
	rec := httptest.NewRecorder()
	sb.ServeHTTP(rec, req)
	var e struct {
		StatusCode int    `json:"status_code"`
		Error      string `json:"error"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || rec.Code != http.StatusServiceUnavailable ||
		e.StatusCode != http.StatusServiceUnavailable || e.Error == "" || rec.Header().Get("Retry-After") == "" {
		t.Errorf("a latency cut short: %d %q, Retry-After %q; want 503, the API's Error and Retry-After",
			rec.Code, rec.Body, rec.Header().Get("Retry-After"))
	}
}
