package oauth

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzTokenEndpoint posts arbitrary forms and Authorization headers to the
// token endpoint: it must never panic, always answer JSON with a status of
// the OAuth2 vocabulary, and never echo the client secret.
func FuzzTokenEndpoint(f *testing.F) {
	basic := "Basic c2FuZGJveC1jbGllbnQ6c2FuZGJveC1zZWNyZXQ=" // sandbox-client:sandbox-secret
	for _, seed := range [][2]string{
		{"grant_type=client_credentials&scope=urn%3Aaxa.assistance.travel.countries.read_only", basic},
		{"grant_type=password&username=demo&password=demo", basic},
		{"grant_type=authorization_code&code=x&code_verifier=y&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcallback", basic},
		{"grant_type=refresh_token&refresh_token=zzz", basic},
		{"grant_type=client_credentials&client_id=sandbox-client&client_secret=sandbox-secret", ""},
		{"grant_type=client_credentials&grant_type=password", basic},
		{"%zz&&==;", "Basic !!!"},
		{strings.Repeat("a", 20000), basic},
	} {
		f.Add(seed[0], seed[1])
	}
	_, h := newServer(f)
	f.Fuzz(func(t *testing.T, form, auth string) {
		req := httptest.NewRequest(http.MethodPost, "/auth/v1/token", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusUnauthorized, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("status %d for %q", rec.Code, form)
		}
		var v map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatalf("answer is not JSON: %q", rec.Body.String())
		}
		if rec.Code != http.StatusOK && v["error"] == nil {
			t.Fatalf("an error answer without an error code: %q", rec.Body.String())
		}
		if strings.Contains(rec.Body.String(), defaultClientSecret) {
			t.Fatal("the answer echoes the client secret")
		}
	})
}
