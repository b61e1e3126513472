package sandbox

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/axa-assistance-go/axa/gen"
)

// The paths of the authorization server.
const (
	revokePath   = "/auth/v1/revoke"
	jwksPath     = "/auth/v1/jwks"
	metadataPath = "/.well-known/oauth-authorization-server"
)

// maxFormBytes bounds the form of a token, revocation or authorization
// request.
const maxFormBytes = 16 << 10

// The error codes of RFC 6749 sections 4.1.2.1 and 5.2.
const (
	codeInvalidRequest          = "invalid_request"
	codeInvalidClient           = "invalid_client"
	codeInvalidGrant            = "invalid_grant"
	codeInvalidScope            = "invalid_scope"
	codeUnauthorizedClient      = "unauthorized_client"
	codeUnsupportedGrantType    = "unsupported_grant_type"
	codeUnsupportedResponseType = "unsupported_response_type"
	codeAccessDenied            = "access_denied"
	codeServerError             = "server_error"
)

// oauthError is an OAuth2 error answer: a JSON body at the token and
// revocation endpoints (RFC 6749 section 5.2), query parameters of the
// redirect at the authorization endpoint (section 4.1.2.1). Its description
// never holds a secret.
type oauthError struct {
	status      int
	code        string
	description string
}

// Error returns the code and the description.
func (e *oauthError) Error() string { return e.code + ": " + e.description }

// oauthErrorf returns an *oauthError.
func oauthErrorf(status int, code, format string, args ...any) error {
	return &oauthError{status: status, code: code, description: fmt.Sprintf(format, args...)}
}

// authServer is the OAuth2 authorization server: the token, authorization
// and revocation endpoints, the metadata and the JWKS. Its state (codes,
// refresh tokens, revoked access tokens) is in memory, behind mu, which
// every API request's token check takes too. Each record is queued by
// expiry when stored, and token requests forget the expired ones from the
// front of the queue: never a walk of the whole state.
type authServer struct {
	cfg    *config
	signer *signer

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

// refreshToken is a refresh token; rotated once it was exchanged.
type refreshToken struct {
	grant   *grant
	expires time.Time
	rotated bool
}

// tokenResponse is the token endpoint's answer (RFC 6749 section 5.1).
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	Scope        string `json:"scope"`
	RefreshToken string `json:"refresh_token,omitempty"`
}

// newAuthServer returns the authorization server of cfg's clients and
// users, signing with s.
func newAuthServer(cfg *config, s *signer) *authServer {
	return &authServer{
		cfg: cfg, signer: s,
		codes:   map[string]*authCode{},
		refresh: map[string]*refreshToken{},
		revoked: map[string]time.Time{},
	}
}

// routes registers the OAuth2 endpoints on mux.
func (a *authServer) routes(mux *http.ServeMux) {
	mux.HandleFunc("POST "+gen.TokenPath, a.token)
	mux.HandleFunc("GET "+gen.AuthorizePath, a.authorize)
	mux.HandleFunc("POST "+gen.AuthorizePath, a.authorize)
	mux.HandleFunc("POST "+revokePath, a.revoke)
	mux.HandleFunc("GET "+jwksPath, a.jwks)
	mux.HandleFunc("GET "+metadataPath, a.metadata)
}

// verifyAccessToken checks an access token: signature, expiry, issuer,
// audience, and that it was not revoked.
func (a *authServer) verifyAccessToken(raw string) (*claims, error) {
	c, err := a.signer.verify(raw, a.cfg.now())
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	_, revoked := a.revoked[c.ID]
	a.mu.Unlock()
	if revoked {
		return nil, fmt.Errorf("%w: the access token was revoked", errTokenInvalid)
	}
	return c, nil
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
func (a *authServer) prune(now time.Time) {
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
func (a *authServer) addCode(key string, c *authCode) {
	a.codes[key] = c
	a.expiries.add(recordCode, key, c.expires)
}

// addRefresh stores a refresh token under key. a.mu is held.
func (a *authServer) addRefresh(key string, rt *refreshToken) {
	a.refresh[key] = rt
	a.expiries.add(recordRefresh, key, rt.expires)
}

// addRevoked revokes the access token jti until its exp. a.mu is held.
func (a *authServer) addRevoked(jti string, exp time.Time) {
	if _, ok := a.revoked[jti]; ok {
		return // revoked already, until the same exp
	}
	a.revoked[jti] = exp
	a.expiries.add(recordRevoked, jti, exp)
}

// revokeGrant revokes g: its refresh tokens and access tokens. a.mu is held.
func (a *authServer) revokeGrant(g *grant) {
	if g.revoked {
		return
	}
	g.revoked = true
	for jti, exp := range g.access {
		a.addRevoked(jti, exp)
	}
}

// parseForm reads a small form-encoded body into r.PostForm. Parameters
// belong in the body, once each (RFC 6749 section 3.2).
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
		return oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "the body must be application/x-www-form-urlencoded")
	}
	if r.URL.RawQuery != "" {
		return oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "parameters go in the form body, not in the URL")
	}
	if err := r.ParseForm(); err != nil {
		return &oauthError{status: http.StatusBadRequest, code: codeInvalidRequest,
			description: fmt.Sprintf("the form is malformed or larger than %d bytes", maxFormBytes)}
	}
	for k, v := range r.PostForm {
		if len(v) > 1 {
			return oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "the parameter %q appears more than once", k)
		}
	}
	return nil
}

// writeOAuthError answers err as RFC 6749 section 5.2 says; invalid_client
// carries the Basic challenge.
func (a *authServer) writeOAuthError(w http.ResponseWriter, r *http.Request, err error) {
	var oe *oauthError
	if !errors.As(err, &oe) {
		a.cfg.log.ErrorContext(r.Context(), "sandbox: oauth", "path", r.URL.Path, "error", err)
		oe = &oauthError{status: http.StatusInternalServerError, code: codeServerError, description: "an unexpected error occurred"}
	}
	if oe.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="axa-assistance"`)
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, oe.status, map[string]string{"error": oe.code, "error_description": oe.description})
}

// token is POST /auth/v1/token.
func (a *authServer) token(w http.ResponseWriter, r *http.Request) {
	resp, gt, err := a.grantToken(w, r)
	if err != nil {
		var oe *oauthError
		if errors.As(err, &oe) {
			a.cfg.log.InfoContext(r.Context(), "sandbox: token refused", "grant_type", gt, "error", oe.code)
		}
		a.writeOAuthError(w, r, err)
		return
	}
	a.cfg.log.InfoContext(r.Context(), "sandbox: token issued", "grant_type", gt, "scope", resp.Scope)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, resp)
}

// grantToken authenticates the client and runs its grant; it also returns
// the grant type, for the log.
func (a *authServer) grantToken(w http.ResponseWriter, r *http.Request) (*tokenResponse, string, error) {
	if err := parseForm(w, r); err != nil {
		return nil, "", err
	}
	c, err := a.authenticateClient(r)
	if err != nil {
		return nil, "", err
	}
	form := r.PostForm
	gt := form.Get("grant_type")
	switch gt {
	case "":
		return nil, gt, oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "grant_type is required")
	case grantClientCredentials, grantPassword, grantAuthorizationCode, grantRefreshToken:
	default:
		return nil, "unsupported", oauthErrorf(http.StatusBadRequest, codeUnsupportedGrantType, "the grant type %q is not supported", gt)
	}
	if !grantAllowed(c, gt) {
		return nil, gt, oauthErrorf(http.StatusBadRequest, codeUnauthorizedClient, "the client may not use the %s grant", gt)
	}
	now := a.cfg.now()
	var resp *tokenResponse
	switch gt {
	case grantClientCredentials:
		resp, err = a.clientCredentials(c, form, now)
	case grantPassword:
		resp, err = a.password(c, form, now)
	case grantAuthorizationCode:
		resp, err = a.exchangeCode(r, c, form, now)
	default:
		resp, err = a.refreshGrant(r, c, form, now)
	}
	if err != nil {
		return nil, gt, fmt.Errorf("%s grant: %w", gt, err)
	}
	return resp, gt, nil
}

// clientCredentials runs the client credentials grant: a token for the
// client itself, without refresh token (RFC 6749 section 4.4.3).
func (a *authServer) clientCredentials(c Client, form url.Values, now time.Time) (*tokenResponse, error) {
	scopes, err := grantScopes(c, form.Get("scope"))
	if err != nil {
		return nil, err
	}
	return a.issue(c, "", scopes, nil, now)
}

// password runs the resource owner password credentials grant.
func (a *authServer) password(c Client, form url.Values, now time.Time) (*tokenResponse, error) {
	login := form.Get("username")
	if _, ok := form["password"]; login == "" || !ok {
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "username and password are required")
	}
	scopes, err := grantScopes(c, form.Get("scope"))
	if err != nil {
		return nil, err
	}
	if !a.authenticateUser(login, form.Get("password")) {
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidGrant, "wrong username or password")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.prune(now)
	return a.issue(c, login, scopes, newGrant(c.ID, login, scopes), now)
}

// newGrant starts a grant (refresh token family).
func newGrant(clientID, login string, scopes []string) *grant {
	return &grant{clientID: clientID, login: login, scopes: scopes, access: map[string]time.Time{}}
}

// exchangeCode runs the authorization code grant, checking the PKCE
// verifier. A code used twice revokes the tokens its first use gave
// (RFC 6749 section 4.1.2).
func (a *authServer) exchangeCode(r *http.Request, c Client, form url.Values, now time.Time) (*tokenResponse, error) {
	code := form.Get("code")
	if code == "" {
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "code is required")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.prune(now)
	key := secretKey(code)
	ac := a.codes[key]
	switch {
	case ac == nil || !now.Before(ac.expires):
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidGrant, "the authorization code is unknown or expired")
	case ac.clientID != c.ID:
		// Checked before reuse: another client holding a leaked code must
		// not be able to revoke the rightful client's tokens.
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidGrant, "the authorization code was issued to another client")
	case ac.grant != nil:
		a.revokeGrant(ac.grant)
		a.cfg.log.WarnContext(r.Context(), "sandbox: authorization code reused; the tokens issued for it are revoked", "client", c.ID)
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidGrant, "the authorization code was already used; the tokens issued for it are revoked")
	case ac.redirectURI != form.Get("redirect_uri"):
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidGrant, "redirect_uri is not the one of the authorization request")
	case !verifierMatches(form.Get("code_verifier"), ac.challenge):
		delete(a.codes, key) // whoever holds the code without its verifier burns it
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidGrant, "the PKCE code_verifier is missing or does not match the code_challenge")
	}
	ac.grant = newGrant(c.ID, ac.login, ac.scopes)
	return a.issue(c, ac.login, ac.scopes, ac.grant, now)
}

// refreshGrant runs the refresh token grant with rotation: the token is
// exchanged once; presenting it again revokes its whole grant.
func (a *authServer) refreshGrant(r *http.Request, c Client, form url.Values, now time.Time) (*tokenResponse, error) {
	raw := form.Get("refresh_token")
	if raw == "" {
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "refresh_token is required")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.prune(now)
	rt := a.refresh[secretKey(raw)]
	switch {
	case rt == nil || !now.Before(rt.expires):
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidGrant, "the refresh token is unknown or expired")
	case rt.grant.clientID != c.ID:
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidGrant, "the refresh token was issued to another client")
	case rt.grant.revoked:
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidGrant, "the refresh token was revoked")
	case rt.rotated:
		a.revokeGrant(rt.grant)
		a.cfg.log.WarnContext(r.Context(), "sandbox: rotated refresh token reused; its grant is revoked", "client", c.ID)
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidGrant, "the refresh token was already used; every token of its grant is revoked")
	}
	asked, err := parseScope(form.Get("scope"))
	if err != nil {
		return nil, err
	}
	scopes := rt.grant.scopes
	if len(asked) > 0 {
		scopes = nil
		for _, s := range asked {
			if !slices.Contains(rt.grant.scopes, s) {
				return nil, oauthErrorf(http.StatusBadRequest, codeInvalidScope, "the scope %q was not granted: a refresh cannot widen the scope", s)
			}
			if !slices.Contains(scopes, s) {
				scopes = append(scopes, s)
			}
		}
	}
	rt.rotated = true
	return a.issue(c, rt.grant.login, scopes, rt.grant, now)
}

// issue signs an access token and, for a grant, records its jti and adds a
// new refresh token when the client may refresh. a.mu is held when g is
// not nil.
func (a *authServer) issue(c Client, login string, scopes []string, g *grant, now time.Time) (*tokenResponse, error) {
	tok, err := a.signer.mint(c.ID, login, scopes, now, a.cfg.tokenLifetime)
	if err != nil {
		return nil, fmt.Errorf("sandbox: sign an access token: %w", err)
	}
	resp := &tokenResponse{
		AccessToken: tok.raw,
		TokenType:   "Bearer",
		ExpiresIn:   max(1, int64(a.cfg.tokenLifetime/time.Second)),
		Scope:       strings.Join(scopes, " "),
	}
	if g == nil {
		return resp, nil
	}
	for jti, exp := range g.access {
		if !now.Before(exp) {
			delete(g.access, jti)
		}
	}
	// The token's own exp, rounded up to a second: revoking the grant
	// must keep it refused until then (RFC 6749 section 10.4).
	g.access[tok.id] = tok.expires
	if grantAllowed(c, grantRefreshToken) {
		resp.RefreshToken = "rt_" + rand.Text()
		a.addRefresh(secretKey(resp.RefreshToken), &refreshToken{grant: g, expires: now.Add(a.cfg.refreshTTL)})
	}
	return resp, nil
}

// verifierMatches reports whether a PKCE code_verifier (RFC 7636 section
// 4.1) hashes to the S256 challenge, comparing in constant time.
func verifierMatches(verifier, challenge string) bool {
	if len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	for _, r := range verifier {
		if !isUnreserved(r) {
			return false
		}
	}
	sum := sha256.Sum256([]byte(verifier))
	return subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge)) == 1
}

// isUnreserved reports whether r is an unreserved URI character, the
// alphabet of PKCE verifiers.
func isUnreserved(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~", r)
}

// notBase64URL reports whether r is outside the unpadded base64url
// alphabet.
func notBase64URL(r rune) bool { return !isUnreserved(r) || r == '.' || r == '~' }

// revoke is POST /auth/v1/revoke (RFC 7009). A refresh token revokes its
// grant; an access token itself. Both kinds are looked for whatever
// token_type_hint says. Unknown, expired or otherwise invalid tokens are
// answered 200 (section 2.2). Another client's token is refused and left
// alone (section 2.1): 400 unauthorized_client, the error RFC 6749 section
// 5.2 has for an authenticated client not allowed to do what it asked
// (401 is kept for invalid_client, with its WWW-Authenticate challenge).
func (a *authServer) revoke(w http.ResponseWriter, r *http.Request) {
	if err := a.revokeToken(w, r); err != nil {
		a.writeOAuthError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

// errRevokeOthers refuses to revoke a token issued to another client.
func errRevokeOthers() error {
	return oauthErrorf(http.StatusBadRequest, codeUnauthorizedClient, "the token was issued to another client: only that client may revoke it")
}

// revokeToken does the work of revoke.
func (a *authServer) revokeToken(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	c, err := a.authenticateClient(r)
	if err != nil {
		return err
	}
	token := r.PostForm.Get("token")
	if token == "" {
		return oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "token is required")
	}
	now := a.cfg.now()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.prune(now)
	if rt := a.refresh[secretKey(token)]; rt != nil && now.Before(rt.expires) {
		if rt.grant.clientID != c.ID {
			a.cfg.log.InfoContext(r.Context(), "sandbox: revocation of another client's refresh token refused", "client", c.ID)
			return errRevokeOthers()
		}
		a.revokeGrant(rt.grant)
		a.cfg.log.InfoContext(r.Context(), "sandbox: refresh token revoked with its grant", "client", c.ID)
		return nil
	}
	cl, err := a.signer.verify(token, now)
	switch {
	case err != nil:
		return nil
	case cl.ClientID != c.ID:
		a.cfg.log.InfoContext(r.Context(), "sandbox: revocation of another client's access token refused", "client", c.ID)
		return errRevokeOthers()
	}
	a.addRevoked(cl.ID, cl.ExpiresAt.Time)
	a.cfg.log.InfoContext(r.Context(), "sandbox: access token revoked", "client", c.ID)
	return nil
}

// jwks is GET /auth/v1/jwks.
func (a *authServer) jwks(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeJSON(w, http.StatusOK, a.signer.jwks())
}

// metadata is GET /.well-known/oauth-authorization-server (RFC 8414). The
// issuer is the tokens' iss, fixed before the sandbox serves: the server's
// URL once Start has run, WithIssuer's, or the placeholder of a sandbox
// served some other way. The endpoints are under it. Nothing of the request
// (its Host header) goes into the answer: a request cannot point clients
// elsewhere.
func (a *authServer) metadata(w http.ResponseWriter, _ *http.Request) {
	issuer := a.signer.iss()
	base := strings.TrimSuffix(issuer, "/")
	authMethods := []string{"client_secret_basic", "client_secret_post"}
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                     issuer,
		"authorization_endpoint":                     base + gen.AuthorizePath,
		"token_endpoint":                             base + gen.TokenPath,
		"jwks_uri":                                   base + jwksPath,
		"revocation_endpoint":                        base + revokePath,
		"grant_types_supported":                      []string{grantAuthorizationCode, grantClientCredentials, grantPassword, grantRefreshToken},
		"response_types_supported":                   []string{"code"},
		"code_challenge_methods_supported":           []string{"S256"},
		"token_endpoint_auth_methods_supported":      authMethods,
		"revocation_endpoint_auth_methods_supported": authMethods,
		"scopes_supported":                           append(allScopes(), "openid"),
	})
}

// authRequest is a checked authorization request.
type authRequest struct {
	client      Client
	redirectURI string // as sent, "" if omitted
	redirect    string // where the answer goes
	scopes      []string
	state       string
	challenge   string
	params      url.Values
}

// authorizeParams are the parameters of an authorization request, which the
// login form carries along.
var authorizeParams = [...]string{"response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"}

// parseAuthorize checks an authorization request. When the client or the
// redirect URI is wrong it returns a nil request: the error must be shown
// to the user, never sent to that URI. Other errors come with the request,
// to be sent to its redirect URI (RFC 6749 section 4.1.2.1).
func (a *authServer) parseAuthorize(q url.Values) (*authRequest, error) {
	for k, v := range q {
		if len(v) > 1 {
			return nil, oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "the parameter %q appears more than once", k)
		}
	}
	c, ok := a.cfg.clients[q.Get("client_id")]
	if !ok {
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "client_id is missing or not a registered client")
	}
	ar := &authRequest{client: c, redirectURI: q.Get("redirect_uri"), state: q.Get("state"), params: q}
	switch {
	case ar.redirectURI != "":
		if !redirectAllowed(c, ar.redirectURI) {
			return nil, oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "redirect_uri is not registered for this client")
		}
		ar.redirect = ar.redirectURI
	case len(c.RedirectURLs) == 1:
		ar.redirect = c.RedirectURLs[0]
	default:
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "redirect_uri is required")
	}
	if q.Get("response_type") != "code" {
		return ar, oauthErrorf(http.StatusBadRequest, codeUnsupportedResponseType, "response_type must be code")
	}
	if !grantAllowed(c, grantAuthorizationCode) {
		return ar, oauthErrorf(http.StatusBadRequest, codeUnauthorizedClient, "the client may not use the authorization_code grant")
	}
	scopes, err := grantScopes(c, q.Get("scope"))
	if err != nil {
		return ar, err
	}
	ar.scopes = scopes
	ar.challenge = q.Get("code_challenge")
	switch {
	case ar.challenge == "":
		return ar, oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "PKCE is required: send code_challenge with code_challenge_method=S256")
	case q.Get("code_challenge_method") != "S256":
		return ar, oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "code_challenge_method must be S256; plain is refused")
	case len(ar.challenge) != 43 || strings.ContainsFunc(ar.challenge, notBase64URL):
		return ar, oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "code_challenge must be the unpadded base64url SHA-256 of the code_verifier")
	}
	return ar, nil
}

// authorize is GET and POST /auth/v1/authorize: GET shows the login and
// consent page (or, with WithAutoApprove, approves at once as
// DefaultUsername); the page's form POSTs back here.
func (a *authServer) authorize(w http.ResponseWriter, r *http.Request) {
	params := r.URL.Query()
	if r.Method == http.MethodPost {
		if err := parseForm(w, r); err != nil {
			a.errorPage(w, err)
			return
		}
		params = r.PostForm
	}
	ar, err := a.parseAuthorize(params)
	switch {
	case err != nil && ar == nil:
		a.errorPage(w, err)
	case err != nil:
		a.redirectError(w, r, ar, err)
	case r.Method == http.MethodGet && a.cfg.autoApprove:
		a.approve(w, r, ar, DefaultUsername)
	case r.Method == http.MethodGet:
		a.loginPage(w, ar, "", "")
	case params.Get("decision") == "deny":
		a.cfg.log.InfoContext(r.Context(), "sandbox: authorization denied", "client", ar.client.ID)
		a.redirectError(w, r, ar, oauthErrorf(http.StatusForbidden, codeAccessDenied, "the user denied the request"))
	case params.Get("decision") != "approve":
		a.loginPage(w, ar, params.Get("login"), "Choose Approve or Deny.")
	case !a.authenticateUser(params.Get("login"), params.Get("password")):
		a.cfg.log.InfoContext(r.Context(), "sandbox: authorization: wrong login or password", "client", ar.client.ID)
		a.loginPage(w, ar, params.Get("login"), "Wrong login or password.")
	default:
		a.approve(w, r, ar, params.Get("login"))
	}
}

// approve issues an authorization code for login and redirects to the
// client with it.
func (a *authServer) approve(w http.ResponseWriter, r *http.Request, ar *authRequest, login string) {
	code := rand.Text()
	now := a.cfg.now()
	a.mu.Lock()
	a.prune(now)
	a.addCode(secretKey(code), &authCode{
		clientID: ar.client.ID, login: login, scopes: ar.scopes,
		redirectURI: ar.redirectURI, challenge: ar.challenge,
		expires: now.Add(a.cfg.codeLifetime),
	})
	a.mu.Unlock()
	a.cfg.log.InfoContext(r.Context(), "sandbox: authorization approved", "client", ar.client.ID, "login", login)
	a.redirectTo(w, r, ar, url.Values{"code": {code}})
}

// redirectError sends an error to the client's redirect URI.
func (a *authServer) redirectError(w http.ResponseWriter, r *http.Request, ar *authRequest, err error) {
	var oe *oauthError
	if !errors.As(err, &oe) {
		oe = &oauthError{code: codeServerError, description: "an unexpected error occurred"}
	}
	a.redirectTo(w, r, ar, url.Values{"error": {oe.code}, "error_description": {oe.description}})
}

// redirectTo redirects to the request's redirect URI with params and the
// request's state.
func (a *authServer) redirectTo(w http.ResponseWriter, r *http.Request, ar *authRequest, params url.Values) {
	u, err := url.Parse(ar.redirect)
	if err != nil { // a registered URI that does not parse
		a.errorPage(w, oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "the registered redirect_uri is not a valid URI"))
		return
	}
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	if ar.state != "" {
		q.Set("state", ar.state)
	}
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, u.String(), http.StatusFound) //nolint:gosec // ar.redirect is a URI registered for the client
}

// pageData fills page.
type pageData struct {
	Action   string // where the form posts: the authorization endpoint
	Error    string
	ClientID string
	Scopes   []string
	Hidden   map[string]string
	Login    string
	Hint     string
}

// page is the login and consent page, and the error page.
var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>AXA Assistance sandbox</title>
<style>
body { font-family: system-ui, sans-serif; background: #f4f5f7; color: #1c1c1c; margin: 0; }
main { max-width: 26rem; margin: 4rem auto; background: #fff; padding: 2rem; border-radius: .5rem; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
h1 { font-size: 1.25rem; margin-top: 0; color: #00008f; }
code { font-size: .85rem; }
label { display: block; margin: .75rem 0; }
input[type=text], input[type=password] { display: block; width: 100%; box-sizing: border-box; padding: .5rem; margin-top: .25rem; }
.buttons { display: flex; gap: .5rem; margin-top: 1rem; }
button { flex: 1; padding: .6rem; border: 1px solid #00008f; border-radius: .25rem; background: #fff; color: #00008f; font-size: 1rem; }
button[value=approve] { background: #00008f; color: #fff; }
.error { color: #b00020; }
.hint { color: #666; font-size: .85rem; }
</style>
</head>
<body>
<main>
<h1>AXA Assistance sandbox</h1>
{{- if .Error}}
<p class="error" role="alert">{{.Error}}</p>
{{- end}}
{{- if .ClientID}}
<p><strong>{{.ClientID}}</strong> asks to act on your behalf with:</p>
<ul>
{{- range .Scopes}}
<li><code>{{.}}</code></li>
{{- end}}
</ul>
<form method="post" action="{{.Action}}">
{{- range $k, $v := .Hidden}}
<input type="hidden" name="{{$k}}" value="{{$v}}">
{{- end}}
<label>Login <input type="text" name="login" value="{{.Login}}" autocomplete="username" required autofocus></label>
<label>Password <input type="password" name="password" autocomplete="current-password"></label>
<div class="buttons">
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny" formnovalidate>Deny</button>
</div>
</form>
{{- if .Hint}}
<p class="hint">{{.Hint}}</p>
{{- end}}
{{- end}}
</main>
</body>
</html>
`))

// loginPage shows the login and consent form for ar, with a message.
func (a *authServer) loginPage(w http.ResponseWriter, ar *authRequest, login, message string) {
	hidden := map[string]string{}
	for _, k := range authorizeParams {
		if v, ok := ar.params[k]; ok && len(v) == 1 {
			hidden[k] = v[0]
		}
	}
	d := pageData{Error: message, ClientID: ar.client.ID, Scopes: ar.scopes, Hidden: hidden, Login: login}
	if u, ok := a.cfg.users[DefaultUsername]; ok && u.Password == DefaultPassword {
		d.Hint = "The sandbox's default user is " + DefaultUsername + ", password " + DefaultPassword + "."
	}
	a.renderPage(w, http.StatusOK, d)
}

// errorPage shows an error that must not go to a redirect URI.
func (a *authServer) errorPage(w http.ResponseWriter, err error) {
	var oe *oauthError
	if !errors.As(err, &oe) {
		oe = &oauthError{status: http.StatusInternalServerError, description: "an unexpected error occurred"}
	}
	a.renderPage(w, oe.status, pageData{Error: "This authorization request cannot go on: " + oe.description + "."})
}

// renderPage writes page with d, with headers that keep it out of frames
// and caches.
func (a *authServer) renderPage(w http.ResponseWriter, status int, d pageData) {
	d.Action = gen.AuthorizePath
	var buf bytes.Buffer
	if err := page.Execute(&buf, d); err != nil {
		a.cfg.log.Error("sandbox: authorization page", "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
