package oauth

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/gen"
)

// BenchmarkPasswordGrantStoreSize is a password grant (POST
// /auth/v1/token, in process, the server's own endpoints) with the
// authorization server holding records refresh tokens, none expired:
// forgetting expired state must not walk the rest, so the cost stays the
// same from 0 to 300,000 records.
func BenchmarkPasswordGrantStoreSize(b *testing.B) {
	form := passwordForm("").Encode()
	for _, n := range []int{0, 300_000} {
		b.Run("records="+strconv.Itoa(n), func(b *testing.B) {
			a, h := newServer(b)
			benchFillRefresh(a, n)
			b.ReportAllocs()
			for b.Loop() {
				r := httptest.NewRequestWithContext(b.Context(), http.MethodPost, gen.TokenPath, strings.NewReader(form))
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				r.SetBasicAuth(defaultClientID, defaultClientSecret)
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("password grant: %d %s", w.Code, w.Body)
				}
			}
		})
	}
}

// benchFillRefresh stores n refresh tokens of one grant in a, valid for
// the server's refresh token lifetime.
func benchFillRefresh(a *Server, n int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	g := newGrant(defaultClientID, defaultUsername, AllScopes())
	exp := a.cfg.Now().Add(a.cfg.RefreshLifetime)
	for i := range n {
		a.addRefresh(secretKey("rt_bench_"+strconv.Itoa(i)), &refreshToken{grant: g, expires: exp})
	}
}

// BenchmarkSignatureCheck is the signer's full check of an access token
// (EdDSA signature, type, expiry, issuer, audience, claims): what Verify
// costs for a token it has not seen, next to "cached", Verify of a token it
// has (BenchmarkVerifyJWT in package sandbox measures the same through the
// sandbox).
func BenchmarkSignatureCheck(b *testing.B) {
	a, _ := newServer(b)
	tok, err := a.Issue(defaultClientID, "", AllScopes(), time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("signature", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := a.signer.verify(tok, a.cfg.Now()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := a.Verify(tok); err != nil {
				b.Fatal(err)
			}
		}
	})
}
