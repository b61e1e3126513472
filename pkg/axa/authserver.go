package axa

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/loopback"
)

// AuthorizationServer says where a client gets its tokens: the OAuth 2.0
// authorization server of the API, which may live on another host than the
// API (AXA Assistance's does, one per environment). Give its endpoints, its
// issuer, or both: an endpoint left empty is found in the issuer's metadata
// (RFC 8414), fetched when first needed, checked to name that very issuer
// (section 3.3), kept, and fetched again after a failure.
//
// Every URL is absolute, https, or http to a loopback host only. The client
// secret and the user's password are sent to the token and revocation
// endpoints only; bearer tokens to the API's base URL only.
type AuthorizationServer struct {
	// Issuer is the authorization server's issuer identifier, e.g.
	// "https://auth.example.com/"; its metadata is read at
	// /.well-known/oauth-authorization-server (or, for a server that only
	// publishes OpenID Connect discovery, /.well-known/openid-configuration).
	Issuer string
	// TokenURL is the token endpoint (RFC 6749 section 3.2).
	TokenURL string
	// AuthorizationURL is the authorization endpoint (RFC 6749 section
	// 3.1), for the authorization code grant.
	AuthorizationURL string
	// RevocationURL is the revocation endpoint (RFC 7009), for
	// [Client.Revoke].
	RevocationURL string
	// TokenParameters are added to every token request and to the
	// authorization request: an Auth0 tenant's "audience", an RFC 8707
	// "resource". They cannot replace a parameter the grants send
	// (grant_type, scope, client_id, ...).
	TokenParameters url.Values
}

// String describes the authorization server (it holds no secret).
func (a AuthorizationServer) String() string {
	var parts []string
	for _, f := range []struct{ name, v string }{
		{"issuer", a.Issuer}, {"token", a.TokenURL}, {"authorization", a.AuthorizationURL}, {"revocation", a.RevocationURL},
	} {
		if f.v != "" {
			parts = append(parts, f.name+" "+f.v)
		}
	}
	if len(a.TokenParameters) > 0 {
		parts = append(parts, "parameters "+a.TokenParameters.Encode())
	}
	return "authorization server: " + strings.Join(parts, ", ")
}

// reservedTokenParameter reports whether the grants send the parameter
// name themselves.
func reservedTokenParameter(name string) bool {
	switch name {
	case "", "client_id", "client_secret", "code", "code_challenge", "code_challenge_method", "code_verifier",
		"grant_type", "password", "redirect_uri", "refresh_token", "response_type", "scope", "state", "username":
		return true
	}
	return false
}

// check refuses what the client cannot use: a relative or insecure URL, user
// info, neither a token endpoint nor an issuer, a reserved parameter.
func (a AuthorizationServer) check() error {
	if a.Issuer == "" && a.TokenURL == "" {
		return fmt.Errorf("axa: %s: give a TokenURL or an Issuer", a)
	}
	for _, f := range []struct{ name, v string }{
		{"Issuer", a.Issuer}, {"TokenURL", a.TokenURL}, {"AuthorizationURL", a.AuthorizationURL}, {"RevocationURL", a.RevocationURL},
	} {
		if f.v == "" {
			continue
		}
		if err := checkEndpointURL(f.v); err != nil {
			return fmt.Errorf("axa: authorization server %s: %w", f.name, err)
		}
	}
	if u, _ := url.Parse(a.Issuer); u != nil && (u.RawQuery != "" || u.ForceQuery) {
		return fmt.Errorf("axa: authorization server Issuer %q has a query, which an issuer never has (RFC 8414 section 2)", a.Issuer)
	}
	for name := range a.TokenParameters {
		if reservedTokenParameter(name) {
			return fmt.Errorf("axa: authorization server: token parameter %q is one the grants send themselves", name)
		}
	}
	return nil
}

// checkEndpointURL checks a URL of the authorization server: absolute,
// https or loopback http, no user info, no fragment. Its errors never show
// user info.
func checkEndpointURL(raw string) error {
	shown := hideUserinfo(raw)
	u, err := url.Parse(raw)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "":
		return fmt.Errorf("%q is not an absolute URL", shown)
	case u.User != nil:
		return fmt.Errorf("%s: credentials go in options, not in the URL", shown)
	case u.Fragment != "":
		return fmt.Errorf("%s has a fragment", shown)
	case u.Scheme != "https" && !loopback.URL(u):
		return fmt.Errorf("%w: %s: use https, or http only to loopback (127.0.0.1, ::1, localhost)", ErrInsecureTransport, shown)
	}
	return nil
}

// clone returns a copy of a that shares nothing with it.
func (a AuthorizationServer) clone() AuthorizationServer {
	a.TokenParameters = cloneValues(a.TokenParameters)
	return a
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// Environment names an environment of the API: its base URL and the
// authorization server that issues its tokens, as api/openapi.yaml declares
// them (each server's x-environment and x-authorization-server). The
// constants EnvironmentProduction and the others are generated from the
// spec; AXA_ENV takes the same names.
type Environment string

// Environments returns the environments the spec declares, the default
// (production) first.
func Environments() []Environment {
	var out []Environment
	for _, e := range gen.Environments() {
		out = append(out, Environment(e.Name))
	}
	return out
}

// lookup returns the spec's entry for e.
func (e Environment) lookup() (gen.Environment, bool) {
	for _, g := range gen.Environments() {
		if g.Name == string(e) {
			return g, true
		}
	}
	return gen.Environment{}, false
}

// BaseURL returns the environment's API base URL (its variables at their
// defaults: the local sandbox's port 8080), empty for an environment the
// spec does not declare.
func (e Environment) BaseURL() string {
	g, ok := e.lookup()
	if !ok {
		return ""
	}
	return expand(g, g.URL, nil)
}

// AuthorizationServer returns the environment's authorization server as
// the spec declares it (its variables at their defaults); the zero value for
// an environment the spec does not declare.
func (e Environment) AuthorizationServer() AuthorizationServer {
	g, ok := e.lookup()
	if !ok {
		return AuthorizationServer{}
	}
	return authServerOf(g, nil)
}

// Description returns what the spec says of the environment.
func (e Environment) Description() string {
	g, _ := e.lookup()
	return g.Description
}

// errUnknownEnvironment says which environments there are.
func errUnknownEnvironment(name string) error {
	var names []string
	for _, e := range Environments() {
		names = append(names, string(e))
	}
	return fmt.Errorf("axa: unknown environment %q: the API's are %s", name, strings.Join(names, ", "))
}

// authServerOf returns g's authorization server, its URLs expanded with
// vars (the defaults for those vars lacks).
func authServerOf(g gen.Environment, vars map[string]string) AuthorizationServer {
	a := AuthorizationServer{
		Issuer:           expand(g, g.Issuer, vars),
		TokenURL:         expand(g, g.TokenEndpoint, vars),
		AuthorizationURL: expand(g, g.AuthorizationEndpoint, vars),
		RevocationURL:    expand(g, g.RevocationEndpoint, vars),
	}
	for _, k := range slices.Sorted(maps.Keys(g.TokenParameters)) {
		if a.TokenParameters == nil {
			a.TokenParameters = url.Values{}
		}
		a.TokenParameters.Set(k, g.TokenParameters[k])
	}
	return a
}

// expand replaces the {variables} of s with vars' values, or g's defaults.
func expand(g gen.Environment, s string, vars map[string]string) string {
	for name, def := range g.Variables {
		v, ok := vars[name]
		if !ok {
			v = def
		}
		s = strings.ReplaceAll(s, "{"+name+"}", v)
	}
	return s
}

// matchEnvironment returns the environment whose URL template matches base
// (scheme, host and port, path), and the values of its variables there.
func matchEnvironment(base *url.URL) (gen.Environment, map[string]string, bool) {
	target := strings.TrimSuffix(base.Scheme+"://"+base.Host+base.Path, "/")
	for _, g := range gen.Environments() {
		names := []string{}
		pattern := regexp.QuoteMeta(strings.TrimSuffix(g.URL, "/"))
		for name := range g.Variables {
			q := regexp.QuoteMeta("{" + name + "}")
			if strings.Contains(pattern, q) {
				pattern = strings.Replace(pattern, q, `([^/?#]*)`, 1)
				names = append(names, name)
			}
		}
		re, err := regexp.Compile("(?i)^" + pattern + "$")
		if err != nil {
			continue
		}
		m := re.FindStringSubmatch(target)
		if m == nil {
			continue
		}
		vars := map[string]string{}
		// The submatches come in the order the variables appear in the URL.
		order := slices.Clone(names)
		slices.SortFunc(order, func(a, b string) int {
			return strings.Index(g.URL, "{"+a+"}") - strings.Index(g.URL, "{"+b+"}")
		})
		for i, name := range order {
			vars[name] = m[i+1]
		}
		return g, vars, true
	}
	return gen.Environment{}, nil, false
}

// WithEnvironment calls the API of an environment the spec declares (see
// [Environments]) and gets tokens from its authorization server: for
// example [EnvironmentProduction], or [EnvironmentLocal] for `axa sandbox`
// on its default port. [WithBaseURL] still replaces the API's base URL (a
// gateway in front of it), keeping the environment's authorization server;
// [WithAuthorizationServer] replaces the authorization server.
func WithEnvironment(e Environment) Option {
	return func(c *config) error {
		if _, ok := e.lookup(); !ok {
			return errUnknownEnvironment(string(e))
		}
		c.environment = e
		return nil
	}
}

// WithAuthorizationServer gets tokens from as: by its endpoints, by its
// issuer (the endpoints left empty are discovered, RFC 8414), or both.
// Without it, the client uses the authorization server of its environment
// ([WithEnvironment], AXA_ENV, or the environment whose URL the base URL
// is); for a base URL of no environment, the endpoints of the local
// sandbox's paths (gen.TokenPath and the others) under the base URL.
func WithAuthorizationServer(as AuthorizationServer) Option {
	return func(c *config) error {
		if err := as.check(); err != nil {
			return err
		}
		as = as.clone()
		c.authServer = &as
		return nil
	}
}

// resolveAuthorizationServer decides the client's authorization server,
// first found: WithAuthorizationServer; WithEnvironment's; the
// AXA_ISSUER/AXA_TOKEN_URL/... variables; AXA_ENV's; the environment the
// base URL is of; the local sandbox's paths under the base URL. AXA_AUDIENCE
// and AXA_RESOURCE add token parameters to any but the first.
func (c *config) resolveAuthorizationServer(origin *url.URL, getenv func(string) string) (AuthorizationServer, error) {
	if c.authServer != nil {
		return c.authServer.clone(), nil
	}
	var as AuthorizationServer
	fromEnv := AuthorizationServer{
		Issuer: getenv(EnvIssuer), TokenURL: getenv(EnvTokenURL),
		AuthorizationURL: getenv(EnvAuthorizationURL), RevocationURL: getenv(EnvRevocationURL),
	}
	switch {
	case c.environment != "":
		as = c.environmentAuthServer(c.environment, origin)
	case fromEnv.Issuer != "" || fromEnv.TokenURL != "" || fromEnv.AuthorizationURL != "" || fromEnv.RevocationURL != "":
		as = fromEnv
	case c.envEnvironment != "":
		as = c.environmentAuthServer(c.envEnvironment, origin)
	default:
		if g, vars, ok := matchEnvironment(origin); ok {
			as = authServerOf(g, vars)
		} else {
			base := origin.String()
			as = AuthorizationServer{TokenURL: base + gen.TokenPath, AuthorizationURL: base + gen.AuthorizePath, RevocationURL: base + gen.RevocationPath}
		}
	}
	for name, v := range map[string]string{"audience": getenv(EnvAudience), "resource": getenv(EnvResource)} {
		if v == "" {
			continue
		}
		if as.TokenParameters == nil {
			as.TokenParameters = url.Values{}
		}
		as.TokenParameters.Set(name, v)
	}
	if err := as.check(); err != nil {
		return AuthorizationServer{}, err
	}
	return as, nil
}

// environmentAuthServer returns e's authorization server, its variables
// those of origin when origin is e's URL (the local sandbox on another
// port), else their defaults.
func (c *config) environmentAuthServer(e Environment, origin *url.URL) AuthorizationServer {
	g, _ := e.lookup()
	if m, vars, ok := matchEnvironment(origin); ok && m.Name == g.Name {
		return authServerOf(g, vars)
	}
	return authServerOf(g, nil)
}

// AuthorizationServer returns the authorization server the client gets its
// tokens from, as configured: the endpoints it discovers from an issuer are
// not in it.
func (c *Client) AuthorizationServer() AuthorizationServer { return c.as.cfg.clone() }
