package oauth

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/gen"
)

// The RFC 8414 metadata names the issuer fixed when the server was made
// (or by SetIssuer, as Start does) and endpoints under it, whatever Host
// the request carries: a request never changes them (RFC 8414 sections 2
// and 3.3).
func TestMetadataIgnoresTheHostHeader(t *testing.T) {
	for name, c := range map[string]struct {
		opts   []option
		set    string // SetIssuer's, when not empty
		issuer string
	}{
		"as configured":    {issuer: testConfig().Issuer},
		"another issuer":   {opts: []option{withIssuer("https://proxy.example/axa")}, issuer: "https://proxy.example/axa"},
		"issuer set later": {set: "http://127.0.0.1:41234", issuer: "http://127.0.0.1:41234"},
	} {
		t.Run(name, func(t *testing.T) {
			a, h := newServer(t, c.opts...)
			if c.set != "" {
				a.SetIssuer(c.set)
			}
			if a.Issuer() != c.issuer {
				t.Errorf("Issuer() = %s, want %s", a.Issuer(), c.issuer)
			}
			for _, host := range []string{"evil.example", "127.0.0.1:1", ""} {
				req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, metadataPath, nil)
				req.Host = host
				req.Header.Set("X-Forwarded-Host", "evil.example")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					t.Fatalf("Host %q: %d %s", host, rec.Code, rec.Body)
				}
				if strings.Contains(rec.Body.String(), "evil.example") {
					t.Errorf("Host %q: the metadata names the request's host: %s", host, rec.Body)
				}
				var md map[string]any
				if err := json.Unmarshal(rec.Body.Bytes(), &md); err != nil {
					t.Fatal(err)
				}
				want := map[string]string{
					"issuer":                 c.issuer,
					"authorization_endpoint": c.issuer + gen.AuthorizePath,
					"token_endpoint":         c.issuer + gen.TokenPath,
					"jwks_uri":               c.issuer + jwksPath,
					"revocation_endpoint":    c.issuer + revokePath,
				}
				for k, v := range want {
					if md[k] != v {
						t.Errorf("Host %q: %s = %v, want %s", host, k, md[k], v)
					}
				}
			}
		})
	}
}
