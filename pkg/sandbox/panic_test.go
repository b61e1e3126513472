package sandbox_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// A panic while serving a request (here in the clock a test gave the
// sandbox) is answered 500 with the API's Error and logged with its stack:
// it used to go up to net/http, which drops the connection (or, served in
// process, to the caller).
func TestPanicIsAnswered500(t *testing.T) {
	var broken atomic.Bool
	var logs bytes.Buffer
	sb, err := sandbox.New(
		sandbox.WithClock(func() time.Time {
			if broken.Load() {
				panic("the test's clock broke")
			}
			return time.Now()
		}),
		sandbox.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))),
	)
	if err != nil {
		t.Fatal(err)
	}
	tok := token(t, sb, allScopes()...)
	broken.Store(true)
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/travel/v1/countries/fr", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Errorf("the panic reached the caller: %v", p)
			}
		}()
		sb.ServeHTTP(rec, req)
	}()
	var e struct {
		StatusCode int    `json:"status_code"`
		Error      string `json:"error"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || rec.Code != http.StatusInternalServerError || e.StatusCode != http.StatusInternalServerError || e.Error == "" {
		t.Errorf("a panic: %d %q; want 500 with the API's Error", rec.Code, rec.Body)
	}
	if !strings.Contains(logs.String(), "the test's clock broke") {
		t.Errorf("the panic was not logged: %s", logs.String())
	}
}
