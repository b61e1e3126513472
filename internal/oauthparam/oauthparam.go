// Package oauthparam holds what the spec's environments and the SDK both
// know of an authorization server's URLs and parameters, so that the
// generator's checks (internal/specenv) and the client (pkg/axa) agree: the
// parameters a grant sends itself, and how an environment's URL templates
// take their variables. It imports nothing outside the standard library.
package oauthparam

import "strings"

// Reserved reports whether a token request parameter is one the grants
// send themselves (RFC 6749, RFC 7636): an environment's or a caller's
// extra parameters may not name it. The empty name is reserved too.
func Reserved(name string) bool {
	switch name {
	case "", "client_id", "client_secret", "code", "code_challenge", "code_challenge_method", "code_verifier",
		"grant_type", "password", "redirect_uri", "refresh_token", "response_type", "scope", "state", "username":
		return true
	}
	return false
}

// Expand returns template with each {name} of defaults replaced by vars'
// value for it, or its default when vars has none.
func Expand(template string, defaults, vars map[string]string) string {
	for name, def := range defaults {
		v, ok := vars[name]
		if !ok {
			v = def
		}
		template = strings.ReplaceAll(template, "{"+name+"}", v)
	}
	return template
}
