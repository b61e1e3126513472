package oauth

import (
	"crypto/rand"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

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
var authorizeParams = [...]string{"response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method", "audience", "resource"}

// parseAuthorize checks an authorization request. When the client or the
// redirect URI is wrong it returns a nil request: the error must be shown
// to the user, never sent to that URI. Other errors come with the request,
// to be sent to its redirect URI (RFC 6749 section 4.1.2.1).
func (a *Server) parseAuthorize(q url.Values) (*authRequest, error) {
	for k, v := range q {
		if len(v) > 1 {
			return nil, oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "the parameter %q appears more than once", k)
		}
	}
	c, ok := a.cfg.Clients[q.Get("client_id")]
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
	scopes, err := consentScopes(c, q.Get("scope"))
	if err != nil {
		return ar, err
	}
	ar.scopes = scopes
	if err := a.checkTarget(q); err != nil {
		return ar, err
	}
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
// consent page (or, with Config.AutoApprove, approves at once as
// Config.DefaultUser); the page's form POSTs back here.
func (a *Server) authorize(w http.ResponseWriter, r *http.Request) {
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
		a.redirectError(w, ar, err)
	case r.Method == http.MethodGet && a.cfg.AutoApprove:
		a.approve(w, r, ar, a.cfg.DefaultUser.Login)
	case r.Method == http.MethodGet:
		a.loginPage(w, ar, "", "")
	case params.Get("decision") == "deny":
		a.cfg.Log.InfoContext(r.Context(), "sandbox: authorization denied", "client", ar.client.ID)
		a.redirectError(w, ar, oauthErrorf(http.StatusForbidden, codeAccessDenied, "the user denied the request"))
	case params.Get("decision") != "approve":
		a.loginPage(w, ar, params.Get("login"), "Choose Approve or Deny.")
	case !a.authenticateUser(params.Get("login"), params.Get("password")):
		a.cfg.Log.InfoContext(r.Context(), "sandbox: authorization: wrong login or password", "client", ar.client.ID)
		a.loginPage(w, ar, params.Get("login"), "Wrong login or password.")
	default:
		a.approve(w, r, ar, params.Get("login"))
	}
}

// approve issues an authorization code for login and redirects to the
// client with it.
func (a *Server) approve(w http.ResponseWriter, r *http.Request, ar *authRequest, login string) {
	code := rand.Text()
	now := a.cfg.Now()
	a.mu.Lock()
	a.prune(now)
	a.addCode(secretKey(code), &authCode{
		clientID: ar.client.ID, login: login, scopes: ar.scopes,
		redirectURI: ar.redirectURI, challenge: ar.challenge,
		expires: now.Add(a.cfg.CodeLifetime),
	})
	a.mu.Unlock()
	a.cfg.Log.InfoContext(r.Context(), "sandbox: authorization approved", "client", ar.client.ID, "login", login)
	a.redirectTo(w, ar, url.Values{"code": {code}})
}

// redirectError sends an error to the client's redirect URI.
func (a *Server) redirectError(w http.ResponseWriter, ar *authRequest, err error) {
	var oe *oauthError
	if !errors.As(err, &oe) {
		oe = &oauthError{code: codeServerError, description: "an unexpected error occurred"}
	}
	a.redirectTo(w, ar, url.Values{"error": {oe.code}, "error_description": {oe.description}})
}

// redirectTo redirects to the request's redirect URI with params and the
// request's state.
func (a *Server) redirectTo(w http.ResponseWriter, ar *authRequest, params url.Values) {
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
	// Location and no body, for GET and POST alike (http.Redirect would
	// add an HTML note to a GET only), as the spec describes it.
	h := w.Header()
	h.Set("Location", u.String())
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(http.StatusFound)
}
