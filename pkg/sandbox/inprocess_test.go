package sandbox_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// A Sandbox is an http.Handler: a request built for a client
// (http.NewRequest with a nil body, whose Body is nil) may be served in
// process. The OAuth2 endpoints that read a form answer it as an empty
// form, 400 with the RFC 6749 error (the authorization endpoint: its error
// page), instead of panicking on the nil Body.
func TestInProcessRequestWithoutBody(t *testing.T) {
	sb, err := sandbox.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/auth/v1/token", "/auth/v1/revoke", "/auth/v1/authorize"} {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, "http://sandbox.test"+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(sandbox.DefaultClientID, sandbox.DefaultClientSecret)
		rec := httptest.NewRecorder()
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("POST %s without a body: panic: %v", path, p)
				}
			}()
			sb.ServeHTTP(rec, req)
		}()
		var e struct {
			Error string `json:"error"`
		}
		if path == "/auth/v1/authorize" {
			if rec.Code != http.StatusBadRequest {
				t.Errorf("POST %s without a body: %d %q; want 400, the error page", path, rec.Code, rec.Body)
			}
			continue
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || rec.Code != http.StatusBadRequest || e.Error == "" {
			t.Errorf("POST %s without a body: %d %q; want 400 with an OAuth error", path, rec.Code, rec.Body)
		}
	}
}
