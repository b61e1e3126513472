package sandbox

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// ccForm is a client credentials grant with every scope the client has.
var ccForm = url.Values{"grant_type": {"client_credentials"}}

// jwtPart decodes the header (0) or the payload (1) of a JWT.
func jwtPart(t *testing.T, raw string, i int) map[string]any {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWS: %d parts", len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[i])
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// getCountries sends GET /travel/v1/countries with bearer to sb, in
// process, and returns the answer.
func getCountries(t *testing.T, sb *Sandbox, bearer string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/travel/v1/countries", nil)
	req.Header.Set("Authorization", "Bearer "+bearer)
	req.Header.Set("Accept", "application/json")
	rec := httptest.NewRecorder()
	sb.ServeHTTP(rec, req)
	return rec
}

// Two sandboxes made with the same data seed sign with different keys
// (RFC 8725 section 3.5): neither accepts the other's tokens, and their data
// is the same.
func TestSigningKeyIsRandomPerSandbox(t *testing.T) {
	a := newOAuthEnv(t, WithSeed(5))
	b := newOAuthEnv(t, WithSeed(5))
	ta := a.mustToken(ccForm).str("access_token")
	tb := b.mustToken(ccForm).str("access_token")
	if !a.verifies(ta) || !b.verifies(tb) {
		t.Fatal("a sandbox refuses its own token")
	}
	if b.verifies(ta) || a.verifies(tb) {
		t.Error("a sandbox accepts the token of another made with the same seed: the key is a function of the seed")
	}
	if rec := getCountries(t, b.sb, ta); rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Header().Get("WWW-Authenticate"), "invalid_token") {
		t.Errorf("another sandbox's token at the API: %d %q, want 401 invalid_token", rec.Code, rec.Header().Get("WWW-Authenticate"))
	}
	if bytes.Equal(a.sb.auth.signer.pub, b.sb.auth.signer.pub) {
		t.Error("the two sandboxes publish the same key")
	}
	// The data stays a function of the seed.
	ra, rb := getCountries(t, a.sb, ta), getCountries(t, b.sb, tb)
	if ra.Code != http.StatusOK || ra.Body.String() != rb.Body.String() {
		t.Errorf("the same seed, different data: %d %.200s / %d %.200s", ra.Code, ra.Body, rb.Code, rb.Body)
	}
	da, db := a.sb.data, b.sb.data
	for name, pair := range map[string][2]any{
		"bulletins": {da.bulletins, db.bulletins}, "health": {da.health, db.health},
		"security": {da.security, db.security}, "providers": {da.providers, db.providers},
	} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("the same seed, different %s", name)
		}
	}
}

// WithSigningKey fixes the key: two sandboxes given the same key accept
// each other's tokens, and publish it.
func TestWithSigningKey(t *testing.T) {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	a := newOAuthEnv(t, WithSigningKey(key))
	b := newOAuthEnv(t, WithSigningKey(key), WithSeed(9))
	tok := a.mustToken(ccForm).str("access_token")
	if !b.verifies(tok) {
		t.Error("a sandbox with the same WithSigningKey refuses the token")
	}
	pub, _ := key.Public().(ed25519.PublicKey)
	if !bytes.Equal(b.sb.auth.signer.pub, pub) {
		t.Error("the sandbox does not sign with the key given")
	}
	for name, k := range map[string]ed25519.PrivateKey{"nil": nil, "short": key[:ed25519.SeedSize]} {
		if _, err := New(WithSigningKey(k)); err == nil {
			t.Errorf("WithSigningKey(%s key) accepted", name)
		}
	}
}

// Access tokens are RFC 9068 JWTs: typ at+jwt, and the claims it requires.
func TestAccessTokenIsRFC9068(t *testing.T) {
	e := newOAuthEnv(t)
	for name, tok := range map[string]string{
		"client credentials": e.mustToken(ccForm).str("access_token"),
		"password":           e.mustToken(passwordForm("")).str("access_token"),
	} {
		t.Run(name, func(t *testing.T) {
			h := jwtPart(t, tok, 0)
			if h["typ"] != "at+jwt" || h["alg"] != "EdDSA" || h["kid"] == "" {
				t.Errorf("header %v, want typ at+jwt, alg EdDSA and a kid", h)
			}
			p := jwtPart(t, tok, 1)
			for _, claim := range []string{"iss", "exp", "aud", "sub", "client_id", "iat", "jti"} {
				if v, ok := p[claim]; !ok || v == "" || v == nil {
					t.Errorf("claim %s missing from %v", claim, p)
				}
			}
		})
	}
}

// forge signs claims with header fields set (nil deletes one) with the
// sandbox's own key: everything right but what the test changes.
func forge(t *testing.T, s *signer, header map[string]any, c jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
	tok.Header["kid"] = s.kid
	tok.Header["typ"] = "at+jwt"
	for k, v := range header {
		if v == nil {
			delete(tok.Header, k)
		} else {
			tok.Header[k] = v
		}
	}
	raw, err := tok.SignedString(s.priv)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// A JWT signed with the right key is no access token unless its typ says
// so (RFC 9068 section 4) and it has the claims RFC 9068 section 2.2
// requires.
func TestBearerTokenMustBeAnAccessToken(t *testing.T) {
	e := newOAuthEnv(t, WithClock(time.Now))
	s := e.sb.auth.signer
	now := time.Now()
	good := func() jwt.MapClaims {
		return jwt.MapClaims{
			"iss": s.iss(), "aud": s.audience, "sub": DefaultClientID, "client_id": DefaultClientID,
			"exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "jti": "forged-1", "scope": strings.Join(allScopes(), " "),
		}
	}
	without := func(claim string) jwt.MapClaims { c := good(); delete(c, claim); return c }
	accepted := map[string]string{
		"typ at+jwt":             forge(t, s, nil, good()),
		"typ application/at+jwt": forge(t, s, map[string]any{"typ": "application/at+jwt"}, good()),
		"typ AT+JWT":             forge(t, s, map[string]any{"typ": "AT+JWT"}, good()),
	}
	refused := map[string]string{
		"typ JWT":          forge(t, s, map[string]any{"typ": "JWT"}, good()),
		"no typ":           forge(t, s, map[string]any{"typ": nil}, good()),
		"typ id+jwt":       forge(t, s, map[string]any{"typ": "id+jwt"}, good()),
		"typ not a string": forge(t, s, map[string]any{"typ": 1}, good()),
		"no sub":           forge(t, s, nil, without("sub")),
		"no client_id":     forge(t, s, nil, without("client_id")),
		"no iat":           forge(t, s, nil, without("iat")),
		"no jti":           forge(t, s, nil, without("jti")),
	}
	for name, tok := range accepted {
		if rec := getCountries(t, e.sb, tok); rec.Code != http.StatusOK {
			t.Errorf("%s: %d %s, want 200", name, rec.Code, rec.Body)
		}
	}
	for name, tok := range refused {
		rec := getCountries(t, e.sb, tok)
		if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Header().Get("WWW-Authenticate"), `error="invalid_token"`) {
			t.Errorf("%s: %d %q, want 401 invalid_token", name, rec.Code, rec.Header().Get("WWW-Authenticate"))
		}
		if e.verifies(tok) {
			t.Errorf("%s: verifyAccessToken accepts it", name)
		}
	}
}
