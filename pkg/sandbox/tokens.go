package sandbox

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/axa-assistance-go/axa/gen"
)

// claims are the claims of a sandbox access token: the registered ones
// (iss, aud, sub, exp, iat, jti), the granted scope, the client, and for
// user grants the user's login under customData, as AXA's samples read it.
type claims struct {
	jwt.RegisteredClaims
	Scope      string      `json:"scope"`
	ClientID   string      `json:"client_id"`
	CustomData *customData `json:"customData,omitempty"`
}

type customData struct {
	Login string `json:"login"`
}

// scopes returns the granted scopes.
func (c *claims) scopes() []string { return strings.Fields(c.Scope) }

// login returns the user's login, empty for client-only grants.
func (c *claims) login() string {
	if c.CustomData == nil {
		return ""
	}
	return c.CustomData.Login
}

// signer signs and verifies access tokens with an Ed25519 key derived from
// the sandbox's seed, so that a restarted sandbox accepts its old tokens.
type signer struct {
	priv     ed25519.PrivateKey
	pub      ed25519.PublicKey
	kid      string
	issuer   atomic.Pointer[string] // set once more by Start, before serving
	audience string
}

// iss returns the issuer tokens carry and must carry.
func (s *signer) iss() string { return *s.issuer.Load() }

func newSigner(seed uint64, issuer, audience string) *signer {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], seed)
	keySeed := sha256.Sum256(append([]byte("axa-sandbox-signing-key:"), b[:]...))
	priv := ed25519.NewKeyFromSeed(keySeed[:])
	pub, _ := priv.Public().(ed25519.PublicKey)
	kidSum := sha256.Sum256(pub)
	sg := &signer{priv: priv, pub: pub, kid: base64.RawURLEncoding.EncodeToString(kidSum[:8]), audience: audience}
	sg.issuer.Store(&issuer)
	return sg
}

// issue signs an access token.
func (s *signer) issue(clientID, login string, scopes []string, now time.Time, ttl time.Duration) (string, error) {
	c := claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:   s.iss(),
			Subject:  clientID,
			Audience: jwt.ClaimStrings{s.audience},
			// JWT times are whole seconds: round the expiry up, so that the
			// token lives at least the expires_in the endpoint announces.
			ExpiresAt: jwt.NewNumericDate(ceilSecond(now.Add(ttl))),
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ID:        rand.Text(),
		},
		Scope:    strings.Join(scopes, " "),
		ClientID: clientID,
	}
	if login != "" {
		c.Subject = login
		c.CustomData = &customData{Login: login}
	}
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
	t.Header["kid"] = s.kid
	return t.SignedString(s.priv)
}

// errTokenInvalid is any reason to refuse a token; its message says which.
var errTokenInvalid = errors.New("invalid token")

// verify checks a token's signature (EdDSA only: "none" and every other
// algorithm are refused), expiry, issuer and audience.
func (s *signer) verify(raw string, now time.Time) (*claims, error) {
	var c claims
	p := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
		jwt.WithIssuer(s.iss()),
		jwt.WithAudience(s.audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	_, err := p.ParseWithClaims(raw, &c, func(t *jwt.Token) (any, error) {
		if kid, _ := t.Header["kid"].(string); kid != s.kid {
			return nil, fmt.Errorf("unknown key id %q", kid)
		}
		return s.pub, nil
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %s", errTokenInvalid, shortJWTError(err))
	}
	return &c, nil
}

// shortJWTError names why a token was refused, without echoing it.
func shortJWTError(err error) string {
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return "the access token expired"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return "the access token's signature is not valid"
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return "the access token is not for this API"
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return "the access token was not issued by this server"
	case errors.Is(err, jwt.ErrTokenMalformed):
		return "the access token is malformed"
	default:
		return "the access token is not valid"
	}
}

// jwks returns the JSON Web Key Set of the signing key (RFC 8037 OKP).
func (s *signer) jwks() map[string]any {
	return map[string]any{"keys": []map[string]string{{
		"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": s.kid,
		"x": base64.RawURLEncoding.EncodeToString(s.pub),
	}}}
}

// allScopes returns the API's five scopes.
func allScopes() []string {
	var out []string
	for _, s := range gen.AllScopes() {
		out = append(out, string(s))
	}
	return out
}

// validScope reports whether s is one the sandbox knows.
func validScope(s string) bool { return s == "openid" || slices.Contains(allScopes(), s) }

// ceilSecond rounds t up to a whole second.
func ceilSecond(t time.Time) time.Time {
	if f := t.Truncate(time.Second); !f.Equal(t) {
		return f.Add(time.Second)
	}
	return t
}
