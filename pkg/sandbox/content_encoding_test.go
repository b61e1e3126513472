package sandbox_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/pkg/sandbox"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/sandboxtest"
)

// The sandbox reads request bodies as sent: it decodes no Content-Encoding.
// A body sent with one other than identity is refused, 400 with a problem
// at header/Content-Encoding, whether it is compressed (it used to be "not
// valid JSON", which misled) or not (a client that names gzip and forgot
// to compress passed here, and would fail against a server that decodes).
func TestContentEncodingIsRefused(t *testing.T) {
	sb, err := sandbox.New()
	if err != nil {
		t.Fatal(err)
	}
	tok := token(t, sb, allScopes()...)
	plain := sandboxtest.QuoteJSON("")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write([]byte(plain)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	send := func(key, encoding, body string) (int, []byte) {
		req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/travel/v1/quotes", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", key)
		if encoding != "" {
			req.Header.Set("Content-Encoding", encoding)
		}
		rec := httptest.NewRecorder()
		sb.ServeHTTP(rec, req)
		return rec.Code, rec.Body.Bytes()
	}
	for _, c := range []struct{ key, encoding, body string }{
		{"gzip-compressed", "gzip", gz.String()},
		{"gzip-not-compressed", "gzip", plain},
		{"br", "br", plain},
	} {
		status, body := send(c.key, c.encoding, c.body)
		var e struct {
			Problems []struct{ Location string }
		}
		if err := json.Unmarshal(body, &e); err != nil || status != http.StatusBadRequest ||
			len(e.Problems) != 1 || e.Problems[0].Location != "header/Content-Encoding" {
			t.Errorf("%s: %d %s; want 400 with one problem at header/Content-Encoding", c.key, status, body)
		}
	}
	for _, encoding := range []string{"", "identity", "Identity"} {
		if status, body := send("plain-"+encoding, encoding, plain); status != http.StatusCreated {
			t.Errorf("Content-Encoding %q: %d %s; want 201", encoding, status, body)
		}
	}
}
