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
	"github.com/axa-assistance-go/axa/internal/oauthparam"
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
	return "authorization server: " + strings.Join(parts, ", ")
}

// check refuses what the client cannot use: a relative or insecure URL, user
// info, neither a token endpoint nor an issuer.
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
	return nil
}

// checkTokenParameters refuses a parameter the grants send themselves.
func checkTokenParameters(params url.Values) error {
	for name := range params {
		if oauthparam.Reserved(name) {
			return fmt.Errorf("axa: token parameter %q is one the grants send themselves", name)
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

// TokenParameters returns the parameters the spec says every token request
// of the environment carries (an Auth0 audience, say); nil for none.
func (e Environment) TokenParameters() url.Values {
	g, _ := e.lookup()
	return tokenParametersOf(g)
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
	return AuthorizationServer{
		Issuer:           expand(g, g.Issuer, vars),
		TokenURL:         expand(g, g.TokenEndpoint, vars),
		AuthorizationURL: expand(g, g.AuthorizationEndpoint, vars),
		RevocationURL:    expand(g, g.RevocationEndpoint, vars),
	}
}

// tokenParametersOf returns g's token parameters, nil for none.
func tokenParametersOf(g gen.Environment) url.Values {
	var out url.Values
	for _, k := range slices.Sorted(maps.Keys(g.TokenParameters)) {
		if out == nil {
			out = url.Values{}
		}
		out.Set(k, g.TokenParameters[k])
	}
	return out
}

// expand replaces the {variables} of s with vars' values, or g's defaults.
func expand(g gen.Environment, s string, vars map[string]string) string {
	return oauthparam.Expand(s, g.Variables, vars)
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
// example [EnvironmentProduction], or [EnvironmentLocal] for the command axa sandbox
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
		c.authServer = &as
		return nil
	}
}

// WithTokenParameters adds params to every token request and to the
// authorization request: an Auth0 tenant's "audience", an RFC 8707
// "resource". They come on top of those the spec declares for the
// environment, replacing one of the same name, and of AXA_AUDIENCE and
// AXA_RESOURCE. A parameter the grants send themselves (grant_type, scope,
// client_id, ...) is refused.
func WithTokenParameters(params url.Values) Option {
	return func(c *config) error {
		if err := checkTokenParameters(params); err != nil {
			return err
		}
		c.tokenParams = cloneValues(params)
		return nil
	}
}

// resolveAuthorizationServer decides the client's authorization server,
// first found: WithAuthorizationServer; WithEnvironment's; the
// AXA_ISSUER/AXA_TOKEN_URL/... variables; AXA_ENV's; the environment the
// base URL is of; the local sandbox's paths under the base URL. It returns
// the token parameters too: the environment's (when the server is an
// environment's), AXA_AUDIENCE and AXA_RESOURCE, then WithTokenParameters.
func (c *config) resolveAuthorizationServer(origin *url.URL, getenv func(string) string) (AuthorizationServer, url.Values, error) {
	var (
		as     AuthorizationServer
		params url.Values
	)
	fromEnv := AuthorizationServer{
		Issuer: getenv(EnvIssuer), TokenURL: getenv(EnvTokenURL),
		AuthorizationURL: getenv(EnvAuthorizationURL), RevocationURL: getenv(EnvRevocationURL),
	}
	switch {
	case c.authServer != nil:
		as = *c.authServer
	case c.environment != "":
		as, params = c.environmentAuthServer(c.environment, origin)
	case fromEnv != (AuthorizationServer{}):
		as = fromEnv
	case c.envEnvironment != "":
		as, params = c.environmentAuthServer(c.envEnvironment, origin)
	default:
		if g, vars, ok := matchEnvironment(origin); ok {
			as, params = authServerOf(g, vars), tokenParametersOf(g)
		} else {
			base := origin.String()
			as = AuthorizationServer{TokenURL: base + gen.TokenPath, AuthorizationURL: base + gen.AuthorizePath, RevocationURL: base + gen.RevocationPath}
		}
	}
	if err := as.check(); err != nil {
		return AuthorizationServer{}, nil, err
	}
	set := func(k string, vs []string) {
		if params == nil {
			params = url.Values{}
		}
		params[k] = vs
	}
	for _, name := range []string{"audience", "resource"} {
		if v := getenv(map[string]string{"audience": EnvAudience, "resource": EnvResource}[name]); v != "" {
			set(name, []string{v})
		}
	}
	for k, vs := range c.tokenParams {
		set(k, slices.Clone(vs))
	}
	return as, params, nil
}

// environmentAuthServer returns e's authorization server and token
// parameters, its variables those of origin when origin is e's URL (the
// local sandbox on another port), else their defaults.
func (c *config) environmentAuthServer(e Environment, origin *url.URL) (AuthorizationServer, url.Values) {
	g, _ := e.lookup()
	if m, vars, ok := matchEnvironment(origin); ok && m.Name == g.Name {
		return authServerOf(g, vars), tokenParametersOf(g)
	}
	return authServerOf(g, nil), tokenParametersOf(g)
}

// AuthorizationServer returns the authorization server the client gets its
// tokens from, as configured: the endpoints it discovers from an issuer are
// not in it.
func (c *Client) AuthorizationServer() AuthorizationServer { return c.as.cfg }

// TokenParameters returns the parameters the client adds to every token
// request (see WithTokenParameters); nil for none.
func (c *Client) TokenParameters() url.Values { return cloneValues(c.as.params) }
