package cli

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A server's 4 MiB error description: the error line stays a line a
// terminal or a CI log can take.
func TestHugeErrorIsCut(t *testing.T) {
	big := strings.Repeat("y", 4<<20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", big[:100000])
		if r.URL.Path == "/auth/v1/token" {
			_, _ = w.Write([]byte(`{"access_token":"abcd","token_type":"Bearer","expires_in":3600}`))
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_request", "error_description": big})
	}))
	t.Cleanup(srv.Close)
	env := map[string]string{"AXA_BASE_URL": srv.URL, "AXA_CLIENT_ID": "a", "AXA_CLIENT_SECRET": "bbbb", EnvStateDir: t.TempDir()}
	for _, args := range [][]string{{"countries", "fr"}, {"api", "getCountry", "--country_id", "fr"}} {
		r := run(t, &Factory{Getenv: func(k string) string { return env[k] }}, args...)
		if r.code != ExitError || len(r.err) > 8<<10 || strings.Count(r.err, "\n") != 1 || !strings.Contains(r.err, "…") {
			t.Errorf("axa %q: exit %d, an error of %d bytes, %d lines; want exit 1 and one line of at most 8 KiB, cut", args, r.code, len(r.err), strings.Count(r.err, "\n"))
		}
	}
}
