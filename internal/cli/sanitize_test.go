package cli

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/internal/testutil"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// Whatever a server sends is printed without its control characters: the
// text of an error answer on stderr, the fields of a table, and the strings
// of --json (escaped there, so that the JSON still carries them exactly).
func TestServerTextIsPrintedWithoutControlCharacters(t *testing.T) {
	const hostile = "\x1b[2J\x1b]0;owned\x07Fr\u202eance\u009b31m\x7f\u0085!"
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/auth/v1/token":
			_ = json.NewEncoder(w).Encode(map[string]any{
				"access_token": "not-a-secret-in-this-test", "token_type": "Bearer",
				"expires_in": 3600, "scope": r.PostFormValue("scope"),
			})
		case "/travel/v1/countries":
			_ = json.NewEncoder(w).Encode([]map[string]string{{"id": "fr", "label": hostile}})
		default:
			w.WriteHeader(http.StatusNotFound)
			_ = json.NewEncoder(w).Encode(map[string]any{"status_code": 404, "error": "not_found", "error_description": hostile})
		}
	}))
	t.Cleanup(api.Close)
	env := map[string]string{"AXA_BASE_URL": api.URL, "AXA_CLIENT_ID": sandbox.DefaultClientID, "AXA_CLIENT_SECRET": sandbox.DefaultClientSecret}
	newF := func() *Factory { return &Factory{Getenv: func(k string) string { return env[k] }} }

	r := run(t, newF(), "countries")
	if r.code != ExitOK || !strings.Contains(r.out, "France !") {
		t.Errorf("table: exit %d, out %q, err %q", r.code, r.out, r.err)
	}
	if c, bad := testutil.FirstUnsafe(r.out + r.err); bad {
		t.Errorf("table: %U reached the terminal: %q", c, r.out)
	}

	r = run(t, newF(), "countries", "--json")
	var list []struct{ Label string }
	if err := json.Unmarshal([]byte(r.out), &list); r.code != ExitOK || err != nil || len(list) != 1 || list[0].Label != hostile {
		t.Errorf("--json: exit %d, %v, %+v; want the label exactly, escaped: %q", r.code, err, list, r.out)
	}
	if c, bad := testutil.FirstUnsafe(r.out + r.err); bad {
		t.Errorf("--json: %U reached the terminal: %q", c, r.out)
	}

	r = run(t, newF(), "countries", "xx")
	if r.code != ExitError || !strings.Contains(r.err, "not_found: France !") {
		t.Errorf("error: exit %d, err %q", r.code, r.err)
	}
	if c, bad := testutil.FirstUnsafe(r.err); bad {
		t.Errorf("error: %U reached the terminal: %q", c, r.err)
	}
}

// Every error line goes through the sanitizer, whatever made it.
func TestErrorLineIsSanitized(t *testing.T) {
	got := oneLine(errors.New("boom\x1b[2J\nsecond line\u202e"), func(s string) string { return s })
	if got != "axa: boom second line" {
		t.Errorf("oneLine = %q", got)
	}
}
