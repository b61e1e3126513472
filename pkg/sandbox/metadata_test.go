package sandbox

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/gen"
)

// The RFC 8414 metadata names the issuer fixed when the sandbox was made
// (or by Start, or WithIssuer) and endpoints under it, whatever Host the
// request carries: a request never changes them (RFC 8414 sections 2 and
// 3.3).
func TestMetadataIgnoresTheHostHeader(t *testing.T) {
	started, err := New()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := started.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	for name, c := range map[string]struct {
		opts   []Option
		sb     *Sandbox
		issuer string
	}{
		"served without Start": {issuer: defaultConfig().issuer},
		"WithIssuer":           {opts: []Option{WithIssuer("https://proxy.example/axa/")}, issuer: "https://proxy.example/axa"},
		"started":              {sb: started, issuer: srv.URL()},
	} {
		t.Run(name, func(t *testing.T) {
			sb := c.sb
			if sb == nil {
				var err error
				if sb, err = New(c.opts...); err != nil {
					t.Fatal(err)
				}
			}
			for _, host := range []string{"evil.example", "127.0.0.1:1", ""} {
				req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, metadataPath, nil)
				req.Host = host
				req.Header.Set("X-Forwarded-Host", "evil.example")
				rec := httptest.NewRecorder()
				sb.ServeHTTP(rec, req)
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
