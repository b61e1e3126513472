package oauth

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
)

// accessTokenType is the JOSE "typ" of access tokens (RFC 9068 section
// 2.1): it tells them from ID tokens and every other JWT signed with the
// same key.
const accessTokenType = "at+jwt"

// signer signs and verifies access tokens with an Ed25519 key: a random one
// per sandbox unless WithSigningKey gave one (RFC 8725 section 3.5), so
// that knowing the data seed does not let anyone mint tokens, and two
// sandboxes never accept each other's.
type signer struct {
	priv     ed25519.PrivateKey
	pub      ed25519.PublicKey
	kid      string
	issuer   atomic.Pointer[string] // set once more by Start, before serving
	audience string
}

// iss returns the issuer tokens carry and must carry.
func (s *signer) iss() string { return *s.issuer.Load() }

// randomKey returns a new Ed25519 key from crypto/rand.
func randomKey() (ed25519.PrivateKey, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("sandbox: make a signing key: %w", err)
	}
	return priv, nil
}

// newSigner returns the signer of tokens for issuer and audience, with
// priv.
func newSigner(priv ed25519.PrivateKey, issuer, audience string) *signer {
	pub, _ := priv.Public().(ed25519.PublicKey)
	kidSum := sha256.Sum256(pub)
	sg := &signer{priv: priv, pub: pub, kid: base64.RawURLEncoding.EncodeToString(kidSum[:8]), audience: audience}
	sg.issuer.Store(&issuer)
	return sg
}

// issued is an access token just signed: the token, its jti, its exp, and
// its claims, which sign again into the same token (sign).
type issued struct {
	raw     string
	id      string
	expires time.Time
	claims  reqctx.Claims
}

// mint signs an access token (RFC 9068: typ at+jwt, with iss, exp, aud,
// sub, client_id, iat and jti) and returns it with its jti and expiry.
func (s *signer) mint(clientID, login string, scopes []string, now time.Time, ttl time.Duration) (issued, error) {
	// JWT times are whole seconds: round the expiry up, so that the token
	// lives at least the expires_in the endpoint announces. Whatever keeps
	// track of the token (revocations) keeps it until this exp.
	exp := ceilSecond(now.Add(ttl))
	c := reqctx.Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    s.iss(),
			Subject:   clientID,
			Audience:  jwt.ClaimStrings{s.audience},
			ExpiresAt: jwt.NewNumericDate(exp),
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ID:        rand.Text(),
		},
		Scope:    strings.Join(scopes, " "),
		ClientID: clientID,
	}
	if login != "" {
		c.Subject = login
		c.CustomData = &reqctx.CustomData{Login: login}
	}
	raw, err := s.sign(c)
	if err != nil {
		return issued{}, err
	}
	return issued{raw: raw, id: c.ID, expires: exp, claims: c}, nil
}

// sign signs the claims of an access token. The same claims sign into the
// same token, byte for byte: the header and the claims encode the same
// JSON each time, and Ed25519 signatures are deterministic (RFC 8032).
func (s *signer) sign(c reqctx.Claims) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
	t.Header["kid"] = s.kid
	t.Header["typ"] = accessTokenType
	raw, err := t.SignedString(s.priv)
	if err != nil {
		return "", fmt.Errorf("sign: %w", err)
	}
	return raw, nil
}

// ErrTokenInvalid is any reason to refuse a token; the message of an
// error wrapping it says which, after "invalid token: ".
var ErrTokenInvalid = errors.New("invalid token")

// errNotAccessToken refuses a JWT whose typ is not at+jwt.
var errNotAccessToken = errors.New("the token's typ is not at+jwt: not an access token")

// isAccessTokenType reports whether a JOSE typ header names an RFC 9068
// access token: "at+jwt", or "application/at+jwt" in full; media types
// compare case-insensitively (RFC 7515 section 4.1.9).
func isAccessTokenType(typ any) bool {
	s, ok := typ.(string)
	if !ok {
		return false
	}
	s = strings.ToLower(s)
	return s == accessTokenType || s == "application/"+accessTokenType
}

// verify checks a token's type (at+jwt), signature (EdDSA only: "none" and
// every other algorithm are refused), expiry, issuer and audience, that it
// has the claims of RFC 9068 section 2.2, and that its scope claim, if any,
// is scope tokens separated by single spaces (section 2.2.3).
func (s *signer) verify(raw string, now time.Time) (*reqctx.Claims, error) {
	var c reqctx.Claims
	p := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
		jwt.WithIssuer(s.iss()),
		jwt.WithAudience(s.audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	_, err := p.ParseWithClaims(raw, &c, func(t *jwt.Token) (any, error) {
		if !isAccessTokenType(t.Header["typ"]) {
			return nil, errNotAccessToken
		}
		if kid, _ := t.Header["kid"].(string); kid != s.kid {
			return nil, fmt.Errorf("unknown key id %q", kid)
		}
		return s.pub, nil
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrTokenInvalid, shortJWTError(err))
	}
	if c.Subject == "" || c.ClientID == "" || c.IssuedAt == nil || c.ID == "" {
		return nil, fmt.Errorf("%w: the access token lacks one of the claims sub, client_id, iat, jti (RFC 9068 section 2.2)", ErrTokenInvalid)
	}
	if !wellFormedScope(c.Scope) {
		// The scopes are read with strings.Fields (reqctx.Claims), which
		// splits at any white space: only the grammar the server writes
		// reaches it, so that no token reads as scopes it does not name.
		return nil, fmt.Errorf("%w: the access token's scope claim is not scope tokens separated by single spaces (RFC 9068 section 2.2.3, RFC 6749 section 3.3)", ErrTokenInvalid)
	}
	return &c, nil
}

// shortJWTError names why a token was refused, without echoing it.
func shortJWTError(err error) string {
	switch {
	case errors.Is(err, errNotAccessToken):
		return errNotAccessToken.Error()
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

// AllScopes returns the API's scopes, those the spec declares (gen.AllScopes).
func AllScopes() []string {
	var out []string
	for _, s := range gen.AllScopes() {
		out = append(out, string(s))
	}
	return out
}

// ValidScope reports whether s is one the server knows: a scope of the
// API. openid is not: the server issues no OpenID Connect ID token, so it
// refuses the scope (invalid_scope) rather than grant it.
func ValidScope(s string) bool { return slices.Contains(AllScopes(), s) }

// ceilSecond rounds t up to a whole second.
func ceilSecond(t time.Time) time.Time {
	if f := t.Truncate(time.Second); !f.Equal(t) {
		return f.Add(time.Second)
	}
	return t
}
