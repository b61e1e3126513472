package oauth

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/axa-assistance-go/axa/internal/loopback"
)

// The grant types of the token endpoint.
const (
	grantClientCredentials = "client_credentials"
	grantPassword          = "password"
	grantAuthorizationCode = "authorization_code"
	grantRefreshToken      = "refresh_token"
)

// secretEqual compares two secrets in constant time: both are hashed first,
// so that not even their lengths leak.
func secretEqual(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}

// authenticateClient finds the client of a token or revocation request,
// authenticated with HTTP Basic (client_secret_basic) or with client_id and
// client_secret in the form (client_secret_post), never both. The form must
// be parsed already.
func (a *Server) authenticateClient(r *http.Request) (Client, error) {
	if len(r.Header.Values("Authorization")) > 1 {
		return Client{}, oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "send one Authorization header, not several")
	}
	id, secret, basic := r.BasicAuth()
	formID, formSecret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	_, hasFormSecret := r.PostForm["client_secret"]
	switch {
	case basic && hasFormSecret:
		return Client{}, oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "use one client authentication method: HTTP Basic or client_secret in the form, not both")
	case basic:
		// RFC 6749 section 2.3.1: the id and secret are form-encoded
		// before they go into the Basic header.
		if v, err := url.QueryUnescape(id); err == nil {
			id = v
		}
		if v, err := url.QueryUnescape(secret); err == nil {
			secret = v
		}
		if formID != "" && formID != id {
			return Client{}, oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "client_id in the form is not the client of the Authorization header")
		}
	case hasFormSecret:
		id, secret = formID, formSecret
	default:
		return Client{}, oauthErrorf(http.StatusUnauthorized, codeInvalidClient, "client authentication is required (HTTP Basic or client_secret_post)")
	}
	c, known := a.cfg.Clients[id]
	// Compare even for an unknown client, so that timing does not tell
	// which client IDs exist.
	if !secretEqual(c.Secret, secret) || !known {
		return Client{}, oauthErrorf(http.StatusUnauthorized, codeInvalidClient, "client authentication failed")
	}
	return c, nil
}

// authenticateUser reports whether login and password are a registered
// user's, comparing the password in constant time.
func (a *Server) authenticateUser(login, password string) bool {
	u, known := a.cfg.Users[login]
	return secretEqual(u.Password, password) && known && login != ""
}

// grantAllowed reports whether c may use the grant type; a client with no
// registered grants may use them all.
func grantAllowed(c Client, grant string) bool {
	return len(c.Grants) == 0 || slices.Contains(c.Grants, grant)
}

// parseScope splits a scope parameter as RFC 6749 section 3.3 defines it:
//
//	scope       = scope-token *( SP scope-token )
//	scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
//
// Tokens are separated by one space: tabs and other white space, a leading,
// trailing or doubled space, quotes, backslashes, control characters and
// non-ASCII bytes are invalid_scope. An empty parameter is no scope (nil):
// a parameter without a value counts as omitted (section 3.2).
func parseScope(param string) ([]string, error) {
	if param == "" {
		return nil, nil
	}
	if !wellFormedScope(param) {
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidScope,
			"the scope parameter must be scope tokens separated by single spaces (RFC 6749 section 3.3)")
	}
	return strings.Split(param, " "), nil
}

// wellFormedScope reports whether s is empty or follows the grammar of
// RFC 6749 section 3.3 (see parseScope): the one check of the scope
// parameter of a token request and of the scope claim of an access token
// (RFC 9068 section 2.2.3 gives the claim that grammar).
func wellFormedScope(s string) bool {
	if s == "" {
		return true
	}
	for tok := range strings.SplitSeq(s, " ") {
		if tok == "" || strings.IndexFunc(tok, notScopeChar) >= 0 {
			return false
		}
	}
	return true
}

// notScopeChar reports whether r is outside the scope-token alphabet:
// %x21 / %x23-5B / %x5D-7E.
func notScopeChar(r rune) bool {
	return r < 0x21 || r > 0x7e || r == '"' || r == '\\'
}

// grantScopes returns the scopes to grant c for a scope parameter (see
// parseScope): each must be known and registered for c. An empty parameter
// grants the client's registered API scopes.
func grantScopes(c Client, param string) ([]string, error) {
	asked, err := parseScope(param)
	if err != nil {
		return nil, err
	}
	if len(asked) == 0 {
		var out []string
		for _, s := range c.Scopes {
			if ValidScope(s) && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
		if len(out) == 0 {
			return nil, oauthErrorf(http.StatusBadRequest, codeInvalidScope, "the client has no API scope registered; ask for a scope")
		}
		return out, nil
	}
	var out []string
	for _, s := range asked {
		switch {
		case !ValidScope(s):
			return nil, oauthErrorf(http.StatusBadRequest, codeInvalidScope, "unknown scope %q", s)
		case !slices.Contains(c.Scopes, s):
			return nil, oauthErrorf(http.StatusBadRequest, codeInvalidScope, "the scope %q is not registered for this client", s)
		case !slices.Contains(out, s):
			out = append(out, s)
		}
	}
	return out, nil
}

// consentScopes returns the scopes an authorization request may grant c:
// those of the scope parameter registered for c, the others left out (RFC
// 6749 section 3.3 lets the server grant less than asked, and the token
// answer then says what it granted), so that a client asking for a scope
// it has not been registered for yet (one the API added since) still logs
// its user in. A scope the API does not know, or none registered at all,
// is invalid_scope as at the token endpoint.
func consentScopes(c Client, param string) ([]string, error) {
	asked, err := parseScope(param)
	if err != nil || len(asked) == 0 {
		return grantScopes(c, param)
	}
	var out []string
	for _, s := range asked {
		switch {
		case !ValidScope(s):
			return nil, oauthErrorf(http.StatusBadRequest, codeInvalidScope, "unknown scope %q", s)
		case slices.Contains(c.Scopes, s) && !slices.Contains(out, s):
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, oauthErrorf(http.StatusBadRequest, codeInvalidScope, "none of the scopes asked for is registered for this client")
	}
	return out, nil
}

// redirectAllowed reports whether uri is one of c's registered redirect
// URIs: the same string, or, for an http loopback URI, the same URI on any
// port (RFC 8252 section 7.3). A URI with a fragment is never allowed
// (RFC 6749 section 3.1.2).
func redirectAllowed(c Client, uri string) bool {
	u, err := url.Parse(uri)
	if err != nil || !u.IsAbs() || u.Fragment != "" || strings.Contains(uri, "#") || u.User != nil {
		return false
	}
	for _, reg := range c.RedirectURLs {
		if reg == uri {
			return true
		}
		ru, err := url.Parse(reg)
		if err != nil || !loopback.URL(ru) || !loopback.URL(u) {
			continue
		}
		if ru.Hostname() == u.Hostname() && ru.EscapedPath() == u.EscapedPath() && ru.RawQuery == u.RawQuery {
			return true
		}
	}
	return false
}
