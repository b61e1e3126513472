package validate

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/sandboxtest"
)

// BenchmarkQuoteBody is the validation of a valid quote request, token
// and parameters included, in front of a handler that answers 204 without
// reading anything: on the fast path for its body, and on the general path
// alone (kin-openapi, checkNames, encodingProblems) for comparison.
func BenchmarkQuoteBody(b *testing.B) {
	doc, err := api.Load(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	body := sandboxtest.QuoteJSON("")
	for _, fast := range []bool{true, false} {
		name := "general"
		if fast {
			name = "fast"
		}
		b.Run(name, func(b *testing.B) {
			v := newValidator(Config{Verifier: stubVerifier{}, MaxBody: 64 << 10}, doc, gen.Operations(), http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusNoContent)
			}))
			if !fast {
				v.fast = nil
			}
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/travel/v1/quotes", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+tokenAll)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", "k")
				rec := httptest.NewRecorder()
				v.ServeHTTP(rec, req)
				if rec.Code != http.StatusNoContent {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}
