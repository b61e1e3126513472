package oauth

import (
	"net/http"
	"net/url"
	"strings"
)

// targetParams are the parameters that name the API a token is for: RFC
// 8707's resource, and audience, Auth0's name for the same.
var targetParams = [...]string{"audience", "resource"}

// checkTarget checks the audience and resource parameters of a token or
// authorization request: each, when present, must name the API (isAPI),
// or the request is refused invalid_target (RFC 8707 section 2). An empty
// parameter counts as omitted (RFC 6749 section 3.2). A parameter sent
// twice was refused before (parseForm, parseAuthorize).
func (a *Server) checkTarget(params url.Values) error {
	for _, name := range targetParams {
		if v := params.Get(name); v != "" && !a.isAPI(v) {
			return oauthErrorf(http.StatusBadRequest, codeInvalidTarget, "the %s is not this server's API: name %s", name, a.cfg.Audience)
		}
	}
	return nil
}

// requireAudience refuses, with Config.AudienceRequired, a grant of a
// client's or a user's own token without an audience parameter.
func (a *Server) requireAudience(gt string, form url.Values) error {
	if a.cfg.AudienceRequired && (gt == grantClientCredentials || gt == grantPassword) && form.Get("audience") == "" {
		return oauthErrorf(http.StatusBadRequest, codeInvalidRequest, "audience is required: name the API, %s", a.cfg.Audience)
	}
	return nil
}

// isAPI reports whether uri names the API: the tokens' audience, or a URL
// the API is served at (Config.APIURL, given the URL without the slash of
// an empty path). A root URL matches with or without
// its trailing slash, which RFC 3986 section 6.2.3 makes the same URI;
// nothing else is normalized.
func (a *Server) isAPI(uri string) bool {
	if sameRoot(uri, a.cfg.Audience) {
		return true
	}
	if a.cfg.APIURL == nil {
		return false
	}
	if hasRootSlash(uri) {
		uri = strings.TrimSuffix(uri, "/")
	}
	return a.cfg.APIURL(uri)
}

// sameRoot reports whether a and b are the same string, or the same but
// for the trailing slash of an empty path ("https://h" and "https://h/").
func sameRoot(a, b string) bool {
	if a == b {
		return true
	}
	return hasRootSlash(a) && strings.TrimSuffix(a, "/") == b || hasRootSlash(b) && strings.TrimSuffix(b, "/") == a
}

// hasRootSlash reports whether u is an absolute URL whose path is "/"
// alone, with no query or fragment.
func hasRootSlash(u string) bool {
	p, err := url.Parse(u)
	return err == nil && p.IsAbs() && p.Host != "" && p.Path == "/" && p.RawQuery == "" && p.Fragment == "" && strings.HasSuffix(u, "/")
}
