// Package oauth is the sandbox's OAuth2 authorization server, as the spec
// describes it (its operations tagged oauth, which gen marks
// AuthorizationServer): the token endpoint with the client credentials,
// password, authorization code (PKCE S256) and refresh token grants
// (rotation with reuse detection, and an optional reuse interval for
// retries), the authorization endpoint with its login and consent page, revocation
// (RFC 7009), the RFC 8414 metadata and the JWKS; the access tokens it
// signs are RFC 9068 JWTs (EdDSA, a random key per server unless one is
// given), which Verify checks for the API.
//
// One file per endpoint or concern:
//
//	server.go       Config, Server, New, Verify, the state and its pruning
//	token.go        POST /auth/v1/token, and issuing tokens
//	grants.go       the four grants
//	authorize.go    GET and POST /auth/v1/authorize
//	page.go         the login, consent and error page (page.html.tmpl)
//	revoke.go       POST /auth/v1/revoke
//	metadata.go     GET /.well-known/oauth-authorization-server
//	jwks.go         GET /auth/v1/jwks
//	signer.go       JWT signing and verification
//	verifycache.go  the tokens verified, kept until their exp (Verify)
//	clients.go      client and user authentication, scopes, redirect URIs
//	target.go       the audience and resource parameters (RFC 8707)
//	expiry.go       the expiry queue that forgets old state
//	errors.go       OAuth2 error answers and form parsing
package oauth

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
)

// The paths of the authorization server's endpoints besides the flows'
// (gen.TokenPath, gen.AuthorizePath): those of its operations in the spec.
var (
	revokePath   = operationPath(gen.OperationRevokeToken)
	jwksPath     = operationPath(gen.OperationGetJSONWebKeySet)
	metadataPath = operationPath(gen.OperationGetAuthorizationServerMetadata)
)

// operationPath returns the path of an operation of the spec.
func operationPath(id gen.OperationID) string {
	op, _ := gen.LookupOperation(id)
	return op.Path
}

// Client is an OAuth2 client registered with the authorization server.
type Client struct {
	// ID and Secret authenticate the client (HTTP Basic, or
	// client_secret_post).
	ID, Secret string
	// Scopes are the scopes the client may ask for.
	Scopes []string
	// RedirectURLs are the registered redirect URIs of the authorization
	// code grant. A loopback URI matches on any port (RFC 8252 section 7.3).
	RedirectURLs []string
	// Grants are the grant types the client may use; empty means all.
	Grants []string
}

// User is an end user of the password and authorization code grants.
type User struct {
	// Login and Password authenticate the user.
	Login, Password string
}

// Config configures a Server. Every field is needed, except SigningKey,
// AutoApprove, DefaultUser, APIURL, AudienceRequired and
// RefreshReuseInterval.
type Config struct {
	// Issuer is the iss of the tokens and the issuer of the metadata,
	// under which the endpoints are; SetIssuer changes it before serving.
	Issuer string
	// Audience is the aud of the access tokens: the API.
	Audience string
	// SigningKey signs the access tokens; nil makes a random key.
	SigningKey ed25519.PrivateKey
	// TokenLifetime, CodeLifetime and RefreshLifetime are the lifetimes of
	// access tokens, authorization codes and refresh tokens.
	TokenLifetime, CodeLifetime, RefreshLifetime time.Duration
	// Now is the clock.
	Now func() time.Time
	// Log receives what the server does; never a token or a secret.
	Log *slog.Logger
	// Clients are the registered clients, by ID; Users the end users, by
	// login. The server reads them and never changes them.
	Clients map[string]Client
	Users   map[string]User
	// AutoApprove makes the authorization endpoint approve at once, as
	// DefaultUser, without showing the login page.
	AutoApprove bool
	// DefaultUser is the user AutoApprove acts as; the login page shows
	// its credentials as a hint while it is registered with them.
	DefaultUser User
	// APIURL reports whether a URI is the URL of the API as served (a
	// listener of the sandbox's), which an audience or resource parameter
	// may name besides Audience; nil accepts Audience alone.
	APIURL func(uri string) bool
	// AudienceRequired refuses a client credentials or password grant
	// without an audience parameter (invalid_request), as an Auth0 tenant
	// without a default audience does.
	AudienceRequired bool
	// RefreshReuseInterval is how long after a refresh token was exchanged
	// the same request again (the same token and scope parameter, while
	// the refresh token it gave has not been exchanged in turn) answers the
	// same tokens instead of revoking the grant: for a client that retries
	// after the answer was lost, as Okta's grace period and Auth0's reuse
	// interval allow. Zero, the default, allows none: any reuse revokes.
	RefreshReuseInterval time.Duration
}

// Server is the OAuth2 authorization server: the token, authorization
// and revocation endpoints, the metadata and the JWKS. Its state (codes,
// refresh tokens, revoked access tokens) is in memory, behind mu, which
// every API request's token check takes too. Each record is queued by
// expiry when stored, and token requests forget the expired ones from the
// front of the queue: never a walk of the whole state.
type Server struct {
	cfg      Config
	signer   *signer
	verified *verifyCache // tokens whose signature was checked
	// rotationKey derives the refresh token a refresh gives from the one
	// it was given (successor); random per server.
	rotationKey []byte

	mu       sync.Mutex
	codes    map[string]*authCode     // by secretKey of the code
	refresh  map[string]*refreshToken // by secretKey of the token
	revoked  map[string]time.Time     // jti of a revoked access token → its exp
	expiries expiryQueue              // every record above, by expiry

	pruneVisits int // records prune looked at, ever: its cost, for tests
}

// grant is one authorization of a client, by a user: what a code exchange
// or a password grant starts, and what every refresh continues (a refresh
// token family). Revoking it revokes every token descended from it.
type grant struct {
	clientID string
	login    string
	scopes   []string             // as granted first: a refresh may narrow them, never widen
	access   map[string]time.Time // jti → expiry of the access tokens issued
	revoked  bool
}

// authCode is an authorization code, single-use and short-lived.
type authCode struct {
	clientID    string
	login       string
	scopes      []string
	redirectURI string // as sent to the authorization endpoint, "" if omitted
	challenge   string // PKCE S256 code_challenge
	expires     time.Time
	grant       *grant // the grant its exchange started; nil until exchanged
}

// refreshToken is a refresh token; rotated once it was exchanged. retry
// is what its exchange answered, for a retry within the reuse interval
// (Config.RefreshReuseInterval); nil without one, and once a retry came
// after the interval.
type refreshToken struct {
	grant   *grant
	expires time.Time
	rotated bool
	retry   *rotation
}

// New returns the authorization server of cfg's clients and users, signing
// with cfg.SigningKey or, without one, a random key of its own.
func New(cfg Config) (*Server, error) {
	key := cfg.SigningKey
	if key == nil {
		var err error
		if key, err = randomKey(); err != nil {
			return nil, err
		}
	}
	if cfg.RefreshReuseInterval < 0 {
		return nil, errors.New("sandbox: the refresh token reuse interval must not be negative")
	}
	rotationKey := make([]byte, sha256.Size)
	if _, err := rand.Read(rotationKey); err != nil {
		return nil, fmt.Errorf("sandbox: make a rotation key: %w", err)
	}
	return &Server{
		cfg: cfg, signer: newSigner(key, cfg.Issuer, cfg.Audience),
		rotationKey: rotationKey,
		verified:    newVerifyCache(maxVerifiedTokens),
		codes:       map[string]*authCode{},
		refresh:     map[string]*refreshToken{},
		revoked:     map[string]time.Time{},
	}, nil
}

// Routes registers the OAuth2 endpoints on mux.
func (a *Server) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST "+gen.TokenPath, a.token)
	mux.HandleFunc("GET "+gen.AuthorizePath, a.authorize)
	mux.HandleFunc("POST "+gen.AuthorizePath, a.authorize)
	mux.HandleFunc("POST "+revokePath, a.revoke)
	mux.HandleFunc("GET "+jwksPath, a.jwks)
	mux.HandleFunc("GET "+metadataPath, a.metadata)
}

// SetIssuer changes the issuer of the tokens and the metadata (RFC 8414
// section 3.3: where the metadata is served). Call it before serving.
func (a *Server) SetIssuer(issuer string) { a.signer.issuer.Store(&issuer) }

// Issuer returns the issuer of the tokens and the metadata.
func (a *Server) Issuer() string { return a.signer.iss() }

// Verify checks an access token: type, signature, expiry, issuer,
// audience, and that it was not revoked. Its errors wrap ErrTokenInvalid
// and say why in a few words, never echoing the token.
//
// Each distinct token's signature is checked once and remembered until the
// token's exp (verifyCache, by its SHA-256 digest, bounded); revocation is
// looked up on every call, so a revoked token is refused at once. The
// claims returned are the caller's own copy.
func (a *Server) Verify(raw string) (*reqctx.Claims, error) {
	now := a.cfg.Now()
	key := tokenDigest(raw)
	c := a.verified.get(key, now, a.signer.iss())
	if c == nil {
		var err error
		if c, err = a.signer.verify(raw, now); err != nil {
			return nil, err
		}
		a.verified.put(key, c)
	}
	a.mu.Lock()
	_, revoked := a.revoked[c.ID]
	a.mu.Unlock()
	if revoked {
		return nil, fmt.Errorf("%w: the access token was revoked", ErrTokenInvalid)
	}
	own := *c
	return &own, nil
}

// tokenDigest is the SHA-256 digest of a token, its key in the
// verification cache. The token is copied to the stack first: []byte(raw)
// would copy it to the heap on every request (a JWT is longer than the 32
// bytes the compiler keeps on the stack).
func tokenDigest(raw string) [sha256.Size]byte {
	var buf [2048]byte
	if len(raw) <= len(buf) {
		return sha256.Sum256(append(buf[:0], raw...))
	}
	return sha256.Sum256([]byte(raw))
}

// Issue signs an access token for a client (and a user, when login is
// not empty) with scopes, as the token endpoint would without recording a
// grant: for tests and benchmarks that need a token without a request.
func (a *Server) Issue(clientID, login string, scopes []string, ttl time.Duration) (string, error) {
	t, err := a.signer.mint(clientID, login, scopes, a.cfg.Now(), ttl)
	return t.raw, err
}

// ClientAuthenticated reports whether id and secret are a registered
// client's credentials, comparing in constant time.
func (a *Server) ClientAuthenticated(id, secret string) bool {
	c, known := a.cfg.Clients[id]
	return secretEqual(c.Secret, secret) && known
}

// secretKey is the map key of a code or refresh token: its hash, so that
// the server's memory holds no usable token.
func secretKey(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// prune forgets the expired codes, refresh tokens and revocations: those
// at the front of the expiry queue, each in O(log n). A record is expired
// once now is not before its expiry: a code or refresh token is refused
// from then on, and so is an access token from its exp, so its revocation
// is needed until then only. a.mu is held.
func (a *Server) prune(now time.Time) {
	for {
		e, ok := a.expiries.popExpired(now)
		if !ok {
			return
		}
		a.pruneVisits++
		switch e.kind {
		case recordCode:
			if c := a.codes[e.key]; c != nil && !now.Before(c.expires) {
				delete(a.codes, e.key)
			}
		case recordRefresh:
			if rt := a.refresh[e.key]; rt != nil && !now.Before(rt.expires) {
				delete(a.refresh, e.key)
			}
		case recordRevoked:
			if exp, ok := a.revoked[e.key]; ok && !now.Before(exp) {
				delete(a.revoked, e.key)
			}
		}
	}
}

// addCode stores an authorization code under key. a.mu is held.
func (a *Server) addCode(key string, c *authCode) {
	a.codes[key] = c
	a.expiries.add(recordCode, key, c.expires)
}

// addRefresh stores a refresh token under key. a.mu is held.
func (a *Server) addRefresh(key string, rt *refreshToken) {
	a.refresh[key] = rt
	a.expiries.add(recordRefresh, key, rt.expires)
}

// addRevoked revokes the access token jti until its exp. a.mu is held.
func (a *Server) addRevoked(jti string, exp time.Time) {
	if _, ok := a.revoked[jti]; ok {
		return // revoked already, until the same exp
	}
	a.revoked[jti] = exp
	a.expiries.add(recordRevoked, jti, exp)
}

// revokeGrant revokes g: its refresh tokens and access tokens. a.mu is held.
func (a *Server) revokeGrant(g *grant) {
	if g.revoked {
		return
	}
	g.revoked = true
	for jti, exp := range g.access {
		a.addRevoked(jti, exp)
	}
}
