// Package specenv reads the environments of the API from the spec: each
// server of api/openapi.yaml, named by its x-environment extension, with the
// authorization server that issues its tokens (x-authorization-server). The
// generator (internal/specgen) writes them into gen for the SDK and the
// command line, and the house rules (internal/contract) report what Parse
// finds wrong, so both read the extensions one way.
//
// An x-authorization-server holds members named as in RFC 8414 metadata:
//
//	issuer                  the issuer identifier (its metadata names the
//	                        endpoints left out)
//	token_endpoint          the token endpoint (RFC 6749 section 3.2)
//	authorization_endpoint  the authorization endpoint (section 3.1)
//	revocation_endpoint     the revocation endpoint (RFC 7009)
//	token_parameters        parameters every token request carries, such as
//	                        an Auth0 audience or an RFC 8707 resource
//
// The URLs are absolute, https or http to a loopback host, and may use the
// server's variables ({port}).
package specenv

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/axa-assistance-go/axa/internal/loopback"
	"github.com/axa-assistance-go/axa/internal/oauthparam"
)

// The extensions of a server that make it an environment.
const (
	NameExtension   = "x-environment"
	ServerExtension = "x-authorization-server"
)

// NamePattern is the form of an environment's name: lower-case words
// joined by hyphens, as a command-line value and an AXA_ENV value.
var NamePattern = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// variablePattern finds the {variables} of a URL.
var variablePattern = regexp.MustCompile(`\{([^}]*)\}`)

// Environment is one server of the spec with its authorization server.
type Environment struct {
	// Name is the x-environment name.
	Name string
	// Description is the server's description, on one line.
	Description string
	// URL is the API's base URL as the spec writes it, {variables}
	// included; Variables maps each variable to its default.
	URL       string
	Variables map[string]string
	// The authorization server's issuer and endpoints, as the spec writes
	// them ({variables} included); each may be empty.
	Issuer, TokenEndpoint, AuthorizationEndpoint, RevocationEndpoint string
	// TokenParameters are added to every token request.
	TokenParameters map[string]string
	// Where locates the server in the spec, e.g. "servers[1]".
	Where string
}

// Expand returns s with each {variable} of the environment replaced by
// vars' value, or its default when vars has none.
func (e Environment) Expand(s string, vars map[string]string) string {
	return oauthparam.Expand(s, e.Variables, vars)
}

// Loopback reports whether the environment's API is on this machine: the
// local sandbox.
func (e Environment) Loopback() bool {
	u, err := url.Parse(e.Expand(e.URL, nil))
	return err == nil && loopback.URL(u)
}

// Problem is something wrong with the environments of a spec.
type Problem struct {
	// Where locates it, e.g. "servers[1].x-authorization-server".
	Where string
	// Message says what is wrong.
	Message string
}

func (p Problem) String() string { return p.Where + ": " + p.Message }

// Parse returns the environments of doc, in the order of its servers, and
// every problem it finds: a server without a name or an authorization
// server, a name used twice, an unknown member, a URL that is relative,
// neither https nor loopback http, or uses a variable the server does not
// declare, a token parameter the grants send themselves.
func Parse(doc *openapi3.T) ([]Environment, []Problem) {
	var (
		envs  []Environment
		probs []Problem
		seen  = map[string]string{}
	)
	add := func(where, format string, args ...any) {
		probs = append(probs, Problem{Where: where, Message: fmt.Sprintf(format, args...)})
	}
	if len(doc.Servers) == 0 {
		add("servers", "no server: the spec must name the API's environments")
	}
	for i, srv := range doc.Servers {
		if srv == nil {
			continue
		}
		where := fmt.Sprintf("servers[%d]", i)
		e := Environment{URL: srv.URL, Description: strings.Join(strings.Fields(srv.Description), " "), Where: where, Variables: map[string]string{}}
		for name, v := range srv.Variables {
			if v != nil {
				e.Variables[name] = v.Default
			}
		}
		name, ok := srv.Extensions[NameExtension].(string)
		switch {
		case !ok:
			add(where, "no %s: every server is an environment with a name", NameExtension)
		case !NamePattern.MatchString(name):
			add(where+"."+NameExtension, "%q is not a name like %s", name, NamePattern)
		case seen[name] != "":
			add(where+"."+NameExtension, "%q also names %s", name, seen[name])
		default:
			seen[name] = where
		}
		e.Name = name
		checkURL(&probs, e, where+".url", srv.URL)

		asWhere := where + "." + ServerExtension
		raw, ok := srv.Extensions[ServerExtension].(map[string]any)
		if !ok {
			add(asWhere, "missing, or not an object: every environment names the authorization server that issues its tokens")
			envs = append(envs, e)
			continue
		}
		fields := map[string]*string{
			"issuer": &e.Issuer, "token_endpoint": &e.TokenEndpoint,
			"authorization_endpoint": &e.AuthorizationEndpoint, "revocation_endpoint": &e.RevocationEndpoint,
		}
		for _, key := range slices.Sorted(maps.Keys(raw)) {
			fw := asWhere + "." + key
			if key == "token_parameters" {
				e.TokenParameters = tokenParameters(&probs, fw, raw[key])
				continue
			}
			dst, known := fields[key]
			if !known {
				add(fw, "unknown member: want issuer, token_endpoint, authorization_endpoint, revocation_endpoint or token_parameters")
				continue
			}
			s, ok := raw[key].(string)
			if !ok || s == "" {
				add(fw, "not a URL")
				continue
			}
			*dst = s
			checkURL(&probs, e, fw, s)
		}
		if e.Issuer == "" && e.TokenEndpoint == "" {
			add(asWhere, "names neither an issuer nor a token_endpoint: a client could not get a token")
		}
		envs = append(envs, e)
	}
	return envs, probs
}

// checkURL reports what is wrong with raw, a URL of environment e.
func checkURL(probs *[]Problem, e Environment, where, raw string) {
	for _, m := range variablePattern.FindAllStringSubmatch(raw, -1) {
		if _, ok := e.Variables[m[1]]; !ok {
			*probs = append(*probs, Problem{where, fmt.Sprintf("%q uses {%s}, which the server does not declare", raw, m[1])})
		}
	}
	u, err := url.Parse(e.Expand(raw, nil))
	switch {
	case err != nil || !u.IsAbs() || u.Host == "":
		*probs = append(*probs, Problem{where, fmt.Sprintf("%q is not an absolute URL", raw)})
	case u.Scheme != "https" && !loopback.URL(u):
		*probs = append(*probs, Problem{where, fmt.Sprintf("%q: want https, or http to a loopback host only", raw)})
	case u.User != nil || u.RawQuery != "" || u.Fragment != "":
		*probs = append(*probs, Problem{where, fmt.Sprintf("%q carries user info, a query or a fragment", raw)})
	}
}

// tokenParameters reads a token_parameters member: names to string values,
// none of them a parameter the grants send themselves.
func tokenParameters(probs *[]Problem, where string, v any) map[string]string {
	m, ok := v.(map[string]any)
	if !ok {
		*probs = append(*probs, Problem{where, "not an object of parameter names to values"})
		return nil
	}
	out := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		s, ok := m[k].(string)
		switch {
		case !ok || s == "":
			*probs = append(*probs, Problem{where + "." + k, "not a non-empty string"})
		case oauthparam.Reserved(k):
			*probs = append(*probs, Problem{where + "." + k, "a parameter the grants send themselves"})
		default:
			out[k] = s
		}
	}
	return out
}

// Local returns the environment of the local sandbox: the one environment
// on loopback. ok is false when there is none, or more than one.
func Local(envs []Environment) (Environment, bool) {
	var found []Environment
	for _, e := range envs {
		if e.Loopback() {
			found = append(found, e)
		}
	}
	if len(found) != 1 {
		return Environment{}, false
	}
	return found[0], true
}

// Path returns the path of an endpoint URL of e (its variables at their
// defaults), empty when it has none or does not parse.
func (e Environment) Path(endpoint string) string {
	u, err := url.Parse(e.Expand(endpoint, nil))
	if err != nil {
		return ""
	}
	return u.Path
}
