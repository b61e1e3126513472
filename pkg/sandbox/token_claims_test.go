package sandbox_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// A token signed with the sandbox's own key (WithSigningKey), right in
// every claim but a scope claim whose scopes are separated by a tab, is
// refused 401 invalid_token: a scope claim is scope tokens separated by
// single spaces (RFC 6749 section 3.3, RFC 9068 section 2.2.3), as the
// token endpoint's scope parameter, and a token the sandbox did not issue
// gets no reading of it that the sandbox would not have written. With a
// space, the same token is good.
func TestAPIRefusesAScopeClaimNotSeparatedBySingleSpaces(t *testing.T) {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize))
	sb, err := sandbox.New(sandbox.WithSigningKey(key))
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string, into any) {
		t.Helper()
		rec := httptest.NewRecorder()
		sb.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, path, nil))
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), into) != nil {
			t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
		}
	}
	// What anyone can read of the sandbox: its issuer, and its key's id.
	var meta struct {
		Issuer string `json:"issuer"`
	}
	get("/.well-known/oauth-authorization-server", &meta)
	var jwks struct {
		Keys []struct {
			Kid string `json:"kid"`
		} `json:"keys"`
	}
	get("/auth/v1/jwks", &jwks)
	if len(jwks.Keys) != 1 {
		t.Fatalf("the key set has %d keys, want 1", len(jwks.Keys))
	}
	forge := func(scope string) string {
		now := time.Now()
		tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims{
			"iss": meta.Issuer, "aud": "https://apis.axa-assistance.com",
			"sub": sandbox.DefaultClientID, "client_id": sandbox.DefaultClientID,
			"exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "jti": rand.Text(),
			"scope": scope,
		})
		tok.Header["kid"], tok.Header["typ"] = jwks.Keys[0].Kid, "at+jwt"
		raw, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	countries := func(token string) *httptest.ResponseRecorder {
		req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/travel/v1/countries", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		sb.ServeHTTP(rec, req)
		return rec
	}
	needed, other := string(gen.ScopeTravelCountriesReadOnly), string(gen.ScopeTravelCountriesAlertsReadOnly)
	if r := countries(forge(needed + " " + other)); r.Code != http.StatusOK {
		t.Fatalf("a forged token with a space-separated scope: %d %s, want 200 (the forgery is right)", r.Code, r.Body)
	}
	for name, scope := range map[string]string{
		`"a\tb"`:                  "a\tb",
		"the scope needed, a tab": needed + "\t" + other,
		"two spaces":              needed + "  " + other,
		"a trailing space":        needed + " ",
	} {
		r := countries(forge(scope))
		if r.Code != http.StatusUnauthorized || !strings.Contains(r.Header().Get("WWW-Authenticate"), `error="invalid_token"`) {
			t.Errorf("scope %s: %d, WWW-Authenticate %q; want 401 invalid_token", name, r.Code, r.Header().Get("WWW-Authenticate"))
		}
	}
}
