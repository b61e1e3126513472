package sandbox

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/sandboxtest"
	"github.com/axa-assistance-go/axa/pkg/sandbox/oauth"
)

// An Idempotency-Key's record tells requests apart by what their bodies
// say, not by their bytes: the same quote sent again in other bytes (its
// members in another order, other spacing) is the same request and replays
// the answer, whichever path validated it (the fast path, or the general
// one for a body with an escape); another quote under the key is refused
// (422).
func TestIdempotencyKeyComparesBodiesNotBytes(t *testing.T) {
	sb, err := New(WithRateLimit(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := sb.auth.Issue(DefaultClientID, "", oauth.AllScopes(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	post := func(body string) (int, map[string]any, string) {
		t.Helper()
		r := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/travel/v1/quotes", strings.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+tok)
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Idempotency-Key", "same-key")
		w := httptest.NewRecorder()
		sb.ServeHTTP(w, r)
		var got map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatalf("%d %q: %v", w.Code, w.Body, err)
		}
		return w.Code, got, w.Header().Get("Idempotent-Replayed")
	}
	quote := sandboxtest.QuoteJSON("")
	var members map[string]json.RawMessage
	if err := json.Unmarshal([]byte(quote), &members); err != nil {
		t.Fatal(err)
	}
	// The same members, reversed and spaced; then with an escape, which
	// the fast path leaves to the general one.
	var reordered strings.Builder
	reordered.WriteString("{\n")
	names := []string{"plan_code", "travellers", "end_date", "start_date", "destination_countries", "origin_country", "trip_type"}
	for i, name := range names {
		if i > 0 {
			reordered.WriteString(" ,\n")
		}
		reordered.WriteString(`  "` + name + `" : ` + string(members[name]))
	}
	reordered.WriteString("\n}")
	escaped := strings.Replace(quote, `"comfort"`, `"comf\u006frt"`, 1)

	status, first, replayed := post(quote)
	if status != http.StatusCreated || replayed != "false" {
		t.Fatalf("first request: %d, replayed %q: %v", status, replayed, first)
	}
	for name, body := range map[string]string{"the same bytes": quote, "reordered and spaced": reordered.String(), "with an escape": escaped} {
		status, again, replayed := post(body)
		if status != http.StatusCreated || replayed != "true" || again["id"] != first["id"] {
			t.Errorf("%s: %d, replayed %q, id %v; want 201, replayed, id %v", name, status, replayed, again["id"], first["id"])
		}
	}
	for name, body := range map[string]string{
		"another plan":                   strings.Replace(quote, `"comfort"`, `"premium"`, 1),
		"another plan, with an escape":   strings.Replace(quote, `"comfort"`, `"pr\u0065mium"`, 1),
		"another plan, reordered":        strings.Replace(reordered.String(), `"comfort"`, `"essential"`, 1),
		"a promo code added to the same": sandboxtest.QuoteJSON(`,"promo_code":"WELCOME10"`),
	} {
		status, got, _ := post(body)
		if status != http.StatusUnprocessableEntity || got["error"] != "idempotency_key_reused" {
			t.Errorf("%s under the same key: %d %v, want 422 idempotency_key_reused", name, status, got)
		}
	}
}
