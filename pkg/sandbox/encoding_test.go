package sandbox_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/pkg/sandbox"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/sandboxtest"
)

// A JSON body must be UTF-8 (RFC 8259 section 8.1): one that is not (here
// Latin-1, as its Content-Type says) is refused with 400 and a problem at
// "body". encoding/json would read each invalid byte in a string as U+FFFD,
// so the sandbox would act on, and store, text the client never sent.
func TestBodyMustBeUTF8(t *testing.T) {
	sb, err := sandbox.New()
	if err != nil {
		t.Fatal(err)
	}
	tok := token(t, sb, allScopes()...)
	n := 0
	quote := func(contentType, body string) (int, []byte) {
		n++
		req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/travel/v1/quotes", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Idempotency-Key", "latin-1-"+strconv.Itoa(n))
		rec := httptest.NewRecorder()
		sb.ServeHTTP(rec, req)
		return rec.Code, rec.Body.Bytes()
	}
	// "Côte": ô as Latin-1 (0xF4), not UTF-8.
	latin1 := sandboxtest.QuoteJSON(`,"promo_code":"C` + "\xf4" + `te"`)
	for _, ct := range []string{"application/json", "application/json; charset=iso-8859-1"} {
		status, body := quote(ct, latin1)
		var e struct {
			Problems []struct{ Location, Message string }
		}
		if err := json.Unmarshal(body, &e); err != nil || status != http.StatusBadRequest ||
			len(e.Problems) != 1 || e.Problems[0].Location != "body" || !strings.Contains(e.Problems[0].Message, "UTF-8") {
			t.Errorf("Content-Type %s, a body not UTF-8: %d %s; want 400, one problem at body about UTF-8", ct, status, body)
		}
	}
	// A lone surrogate escape (\ud800) is no character: encoding/json read
	// it as U+FFFD, as it reads invalid UTF-8. A pair is one character.
	for _, esc := range []string{`\ud800`, `\udc00`, `\ud800x`, `\ud800\u0041`} {
		status, body := quote("application/json", sandboxtest.QuoteJSON(`,"promo_code":"`+esc+`"`))
		var e struct {
			Problems []struct{ Location, Message string }
		}
		if err := json.Unmarshal(body, &e); err != nil || status != http.StatusBadRequest ||
			len(e.Problems) != 1 || e.Problems[0].Location != "body" {
			t.Errorf("a lone surrogate %s: %d %s; want 400, one problem at body", esc, status, body)
		}
	}
	if status, body := quote("application/json", sandboxtest.QuoteJSON(`,"promo_code":"\ud83d\ude00 \\ud800"`)); status != http.StatusUnprocessableEntity {
		t.Errorf("a surrogate pair, and an escaped backslash before ud800: %d %s; want 422 invalid_promo_code", status, body)
	}
	// Neither JSON nor UTF-8: each problem once.
	status, body := quote("application/json", "{\xff")
	var e struct {
		Problems []struct{ Location, Message string }
	}
	if err := json.Unmarshal(body, &e); err != nil || status != http.StatusBadRequest || len(e.Problems) != 2 {
		t.Errorf("a body neither JSON nor UTF-8: %d %s; want 400, two problems (not JSON, not UTF-8)", status, body)
	}
	// The same in UTF-8 reaches the handler (which knows no such code).
	if status, body := quote("application/json", strings.ReplaceAll(latin1, "\xf4", "ô")); status != http.StatusUnprocessableEntity {
		t.Errorf("the body in UTF-8: %d %s; want 422 invalid_promo_code", status, body)
	}
}
