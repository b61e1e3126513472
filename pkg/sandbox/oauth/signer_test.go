package oauth

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
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

// Two servers with the same configuration sign with different keys
// (RFC 8725 section 3.5): neither accepts the other's tokens, nor
// publishes the other's key.
func TestSigningKeyIsRandomPerServer(t *testing.T) {
	a := newOAuthEnv(t)
	b := newOAuthEnv(t)
	ta := a.mustToken(ccForm).str("access_token")
	tb := b.mustToken(ccForm).str("access_token")
	if !a.verifies(ta) || !b.verifies(tb) {
		t.Fatal("a server refuses its own token")
	}
	if b.verifies(ta) || a.verifies(tb) {
		t.Error("a server accepts the token of another made alike: the key is not random")
	}
	if _, err := b.auth.Verify(ta); err == nil || !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("another server's token: %v, want ErrTokenInvalid", err)
	}
	if bytes.Equal(a.auth.signer.pub, b.auth.signer.pub) {
		t.Error("the two servers publish the same key")
	}
}

// Config.SigningKey fixes the key: two servers given the same key accept
// each other's tokens, and publish it.
func TestConfigSigningKey(t *testing.T) {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	a := newOAuthEnv(t, withSigningKey(key))
	b := newOAuthEnv(t, withSigningKey(key))
	tok := a.mustToken(ccForm).str("access_token")
	if !b.verifies(tok) {
		t.Error("a server with the same signing key refuses the token")
	}
	pub, _ := key.Public().(ed25519.PublicKey)
	if !bytes.Equal(b.auth.signer.pub, pub) {
		t.Error("the server does not sign with the key given")
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
	e := newOAuthEnv(t, withClock(time.Now))
	s := e.auth.signer
	now := time.Now()
	good := func() jwt.MapClaims {
		return jwt.MapClaims{
			"iss": s.iss(), "aud": s.audience, "sub": defaultClientID, "client_id": defaultClientID,
			"exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "jti": "forged-1", "scope": strings.Join(AllScopes(), " "),
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
		if _, err := e.auth.Verify(tok); err != nil {
			t.Errorf("%s: %v, want it accepted", name, err)
		}
	}
	for name, tok := range refused {
		if _, err := e.auth.Verify(tok); !errors.Is(err, ErrTokenInvalid) {
			t.Errorf("%s: %v, want ErrTokenInvalid", name, err)
		}
	}
}

// Verify refuses every token that is not one of the server's own, valid:
// expired, signed with another key, alg none, tampered with, for another
// audience or from another issuer, not a JWT; and never echoes it.
func TestVerifyRefusesBadTokens(t *testing.T) {
	e := newOAuthEnv(t, withClock(time.Now))
	good := e.auth.signer
	all := AllScopes()
	issue := func(s *signer, at time.Time) string {
		t.Helper()
		tok, err := s.mint(defaultClientID, "", all, at, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return tok.raw
	}
	otherKey, err := randomKey()
	if err != nil {
		t.Fatal(err)
	}
	valid := issue(good, time.Now())
	parts := strings.Split(valid, ".")
	// alg none: the header says so and there is no signature.
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
	// A tampered payload: a longer lifetime, the old signature.
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(payload, &c); err != nil {
		t.Fatal(err)
	}
	c["exp"] = time.Now().Add(100 * time.Hour).Unix()
	tp, _ := json.Marshal(c)
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(tp) + "." + parts[2]
	if _, err := e.auth.Verify(valid); err != nil {
		t.Fatalf("a valid token: %v", err)
	}
	for name, tok := range map[string]string{
		"expired":             issue(good, time.Now().Add(-2*time.Hour)),
		"signed by other key": issue(newSigner(otherKey, good.iss(), good.audience), time.Now()),
		"alg none":            none,
		"tampered payload":    tampered,
		"wrong audience":      issue(newSigner(good.priv, good.iss(), "https://elsewhere.example"), time.Now()),
		"wrong issuer":        issue(newSigner(good.priv, "https://impostor.example", good.audience), time.Now()),
		"not a JWT":           "opaque-token",
	} {
		_, err := e.auth.Verify(tok)
		if !errors.Is(err, ErrTokenInvalid) {
			t.Errorf("%s: %v, want ErrTokenInvalid", name, err)
		}
		if err != nil && strings.Contains(err.Error(), tok) {
			t.Errorf("%s: the error echoes the token", name)
		}
	}
}

func TestOAuthAccessTokenExpires(t *testing.T) {
	e := newOAuthEnv(t, withTokenLifetime(10*time.Minute))
	a := e.mustToken(url.Values{"grant_type": {"client_credentials"}})
	if a.body["expires_in"] != float64(600) {
		t.Errorf("expires_in %v, want 600", a.body["expires_in"])
	}
	e.clock.advance(9 * time.Minute)
	if !e.verifies(a.str("access_token")) {
		t.Fatal("a token refused before it expires")
	}
	e.clock.advance(2 * time.Minute)
	if _, err := e.auth.Verify(a.str("access_token")); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("an expired token: err = %v", err)
	}
}

// A scope claim is scope tokens separated by single spaces (RFC 6749
// section 3.3, RFC 9068 section 2.2.3), the grammar of the token
// endpoint's scope parameter: a token signed with the server's own key
// whose scope is split otherwise (a tab, a newline, two spaces, a space at
// either end) or holds a character outside the scope-token alphabet is
// refused, whatever the scopes it would name. No scope at all is a token
// without scopes, accepted (its operations need none).
func TestVerifyRefusesAScopeClaimNotSeparatedBySingleSpaces(t *testing.T) {
	e := newOAuthEnv(t, withClock(time.Now))
	s := e.auth.signer
	now := time.Now()
	countries, alerts := AllScopes()[0], AllScopes()[1]
	withScope := func(scope any) string {
		c := jwt.MapClaims{
			"iss": s.iss(), "aud": s.audience, "sub": defaultClientID, "client_id": defaultClientID,
			"exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "jti": rand.Text(),
		}
		if scope != nil {
			c["scope"] = scope
		}
		return forge(t, s, nil, c)
	}
	for name, scope := range map[string]any{
		"one scope":                    countries,
		"two, one space":               countries + " " + alerts,
		"no scope claim":               nil,
		"an empty scope":               "",
		"tokens of the scope alphabet": "a b !#[]~",
	} {
		if _, err := e.auth.Verify(withScope(scope)); err != nil {
			t.Errorf("%s: %v, want it accepted", name, err)
		}
	}
	for name, scope := range map[string]string{
		`"a\tb"`:                 "a\tb",
		"two, a tab":             countries + "\t" + alerts,
		"two, a newline":         countries + "\n" + alerts,
		"two, a carriage return": countries + "\r" + alerts,
		"two, two spaces":        countries + "  " + alerts,
		"a leading space":        " " + countries,
		"a trailing space":       countries + " ",
		"a lone space":           " ",
		"a tab alone":            "\t",
		"a non-breaking space":   countries + "\u00a0" + alerts,
		"a quote":                `a"b`,
		"a backslash":            `a\b`,
		"a non-ASCII letter":     "scopé",
		"a NUL":                  "a\x00b",
	} {
		_, err := e.auth.Verify(withScope(scope))
		if !errors.Is(err, ErrTokenInvalid) {
			t.Errorf("scope %s: %v, want ErrTokenInvalid", name, err)
		} else if !strings.Contains(err.Error(), "scope") {
			t.Errorf("scope %s: %v, want the reason to name the scope claim", name, err)
		}
	}
}
