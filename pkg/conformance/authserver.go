package conformance

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/routers"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/loopback"
	"github.com/axa-assistance-go/axa/pkg/axa"
)

// wellKnownPath is where an issuer's RFC 8414 metadata is, inserted between
// the issuer's host and its path (section 3.1); the spec's operation at
// this path is the metadata's.
const wellKnownPath = "/.well-known/oauth-authorization-server"

// endpoint says where an operation of the spec is served.
type endpoint int

const (
	// atAPI: under the base URL, at the operation's path.
	atAPI endpoint = iota
	// atToken, atAuthorization, atRevocation: at the authorization
	// server's endpoint of that name, whatever its path; the spec's
	// operations at gen.TokenPath, gen.AuthorizePath, gen.RevocationPath.
	atToken
	atAuthorization
	atRevocation
	// atMetadata: at the issuer's metadata URL (the operation at
	// wellKnownPath).
	atMetadata
	// atIssuer: another operation of the authorization server (the key
	// set): at the URL its metadata names for it, else at the issuer's
	// origin and the operation's path.
	atIssuer
)

func (e endpoint) String() string {
	switch e {
	case atToken:
		return "token"
	case atAuthorization:
		return "authorization"
	case atRevocation:
		return "revocation"
	}
	return "other"
}

// endpointOf says where the operation id at path is served: the
// authorization server's by their paths in the spec, the local sandbox's
// layout (gen.TokenPath and the others); the spec's other operations of
// the authorization server (gen's AuthorizationServer, the tag oauth) at
// its issuer.
func endpointOf(id, path string) endpoint {
	switch path {
	case gen.TokenPath:
		return atToken
	case gen.AuthorizePath:
		return atAuthorization
	case gen.RevocationPath:
		return atRevocation
	case wellKnownPath:
		return atMetadata
	}
	if op, ok := gen.LookupOperation(gen.OperationID(id)); ok && op.AuthorizationServer {
		return atIssuer
	}
	return atAPI
}

// authServer is the authorization server of the run: where its tokens come
// from and where the authorization server's operations are checked.
type authServer struct {
	issuer string
	// token, authorization and revocation are the endpoints: as configured,
	// else as the issuer's metadata names them; empty when neither does.
	token, authorization, revocation string
	// params are added to every token request and the authorization
	// request.
	params url.Values
	// metadata is the issuer's metadata once it could be used (see
	// discover); why says why it could not.
	metadata map[string]any
	why      string
}

// resolveAuthServer returns the authorization server cfg names, resolved by
// the SDK itself (one place decides): cfg.AuthorizationServer checked as
// axa.WithAuthorizationServer checks it, or, when zero, the one the SDK
// uses for cfg.BaseURL; and the token parameters, the environment's and
// cfg.TokenParameters.
func resolveAuthServer(cfg Config) (authServer, error) {
	opts := []axa.Option{axa.WithoutEnvironment(), axa.WithBaseURL(cfg.BaseURL)}
	if cfg.AuthorizationServer != (axa.AuthorizationServer{}) {
		opts = append(opts, axa.WithAuthorizationServer(cfg.AuthorizationServer))
	}
	if cfg.TokenParameters != nil {
		opts = append(opts, axa.WithTokenParameters(cfg.TokenParameters))
	}
	c, err := axa.NewClient(opts...)
	if err != nil {
		// The SDK's words, under the run's prefix: errors.Is still sees
		// axa.ErrInsecureTransport.
		return authServer{}, &relabeled{text: "conformance: " + strings.ReplaceAll(err.Error(), "axa: ", ""), err: err}
	}
	defer func() { _ = c.Close() }()
	as := c.AuthorizationServer()
	return authServer{
		issuer: as.Issuer, token: as.TokenURL, authorization: as.AuthorizationURL, revocation: as.RevocationURL,
		params: c.TokenParameters(),
	}, nil
}

// relabeled is err with another text.
type relabeled struct {
	text string
	err  error
}

func (e *relabeled) Error() string { return e.text }
func (e *relabeled) Unwrap() error { return e.err }

// describe writes the authorization server as configured or resolved.
func (a *authServer) describe() string {
	s := axa.AuthorizationServer{Issuer: a.issuer, TokenURL: a.token, AuthorizationURL: a.authorization, RevocationURL: a.revocation}.String()
	return strings.TrimPrefix(s, "authorization server: ")
}

// metadataURL is the issuer's RFC 8414 metadata URL; empty without an
// issuer.
func (a *authServer) metadataURL() string {
	u, err := url.Parse(a.issuer)
	if a.issuer == "" || err != nil {
		return ""
	}
	m := *u
	m.Path, m.RawPath = wellKnownPath+strings.TrimSuffix(u.Path, "/"), ""
	m.RawQuery, m.ForceQuery, m.Fragment = "", false, ""
	return m.String()
}

// issuerOrigin is the scheme and host of the issuer; empty without one.
func (a *authServer) issuerOrigin() string {
	u, err := url.Parse(a.issuer)
	if a.issuer == "" || err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// named returns the URL of endpoint e.
func (a *authServer) named(e endpoint) string {
	switch e {
	case atToken:
		return a.token
	case atAuthorization:
		return a.authorization
	case atRevocation:
		return a.revocation
	}
	return ""
}

// target returns the URL o is checked at, "" for an operation of the API
// (under the base URL); or why o is not checked: the authorization server
// names no endpoint for it. Such an operation is never sent to the API's
// origin instead.
func (r *runner) target(o *operation) (string, string) {
	notNamed := func(what string) string {
		why := ""
		if r.as.why != "" {
			why = "; " + r.as.why
		}
		return fmt.Sprintf("the authorization server (%s) names no %s%s: the operation is not checked, and not sent to the API's origin instead", r.as.describe(), what, why)
	}
	switch o.at {
	case atAPI:
		return "", ""
	case atToken, atAuthorization, atRevocation:
		if u := r.as.named(o.at); u != "" {
			return u, ""
		}
		return "", notNamed(o.at.String() + " endpoint")
	case atMetadata:
		if u := r.as.metadataURL(); u != "" {
			return u, ""
		}
		return "", notNamed("issuer, whose metadata this is")
	}
	if member := r.metaMembers[o.path]; member != "" {
		if u, ok := r.as.metadata[member].(string); ok && secureURL(u) == nil {
			return u, ""
		}
	}
	if origin := r.as.issuerOrigin(); origin != "" {
		return origin + o.path, ""
	}
	return "", notNamed("issuer, under which this operation would be")
}

// needsMetadata reports whether the run must read the issuer's metadata
// before it checks ops: an endpoint is left to discover, or one of ops is
// served where the metadata says (the key set). The metadata operation
// itself reads it when its turn comes.
func (r *runner) needsMetadata(ops []*operation) bool {
	if r.as.issuer == "" {
		return false
	}
	if r.as.token == "" || r.as.authorization == "" || r.as.revocation == "" {
		return true
	}
	return slices.ContainsFunc(ops, func(o *operation) bool { return o.at == atIssuer })
}

// discover fetches the issuer's metadata, which is the response check of
// the metadata operation, and takes from it the endpoints the
// configuration left empty, as the SDK does: only from a 200 JSON object
// that names the issuer exactly (RFC 8414 section 3.3) and endpoints that
// are https or loopback; the request follows no redirect.
func (r *runner) discover(ctx context.Context) {
	if r.as.issuer == "" {
		return
	}
	o := r.metadataOp
	if o == nil {
		r.as.why = "the spec has no operation at " + wellKnownPath + " to read the issuer's metadata with"
		return
	}
	m := r.respond(ctx, o)
	shown := r.as.metadataURL()
	if m.raw == nil {
		r.as.why = fmt.Sprintf("the issuer's metadata (%s) could not be read: %s", shown, m.result.Message)
		return
	}
	meta, p := r.readMetadata(m.raw)
	if p != nil {
		r.as.why = fmt.Sprintf("the issuer's metadata (%s) is not used: %s", shown, p.message)
		if p.pointer != "status" && p.pointer != "body" {
			r.as.why += fmt.Sprintf(" (%s: expected %s, got %s)", p.pointer, p.expected, p.got)
		}
		return
	}
	r.as.metadata = meta
	member := func(name string) string { s, _ := meta[name].(string); return s }
	r.as.token = cmp.Or(r.as.token, member("token_endpoint"))
	r.as.authorization = cmp.Or(r.as.authorization, member("authorization_endpoint"))
	r.as.revocation = cmp.Or(r.as.revocation, member("revocation_endpoint"))
}

// metadataProblem is why an answer of the metadata operation cannot be
// used as the issuer's metadata.
type metadataProblem struct {
	pointer, expected, got, message string
}

// readMetadata reads the issuer's metadata from ans: a 200 JSON object
// naming the issuer exactly, whose endpoints (every member named
// *_endpoint, and jwks_uri) are absolute https URLs, or http to loopback.
func (r *runner) readMetadata(ans *answer) (map[string]any, *metadataProblem) {
	if ans.status != http.StatusOK {
		return nil, &metadataProblem{pointer: "status", expected: "200", got: gotStatus(ans), message: fmt.Sprintf("it answered %d", ans.status)}
	}
	var meta map[string]any
	if err := json.Unmarshal(ans.body, &meta); err != nil || meta == nil {
		return nil, &metadataProblem{pointer: "body", expected: "a JSON object", message: "it is not a JSON object"}
	}
	if got, _ := meta["issuer"].(string); got != r.as.issuer {
		return nil, &metadataProblem{pointer: "/issuer", expected: r.as.issuer, got: fmt.Sprintf("%q", got),
			message: "the metadata names another issuer than the one whose metadata it is (RFC 8414 section 3.3)"}
	}
	for _, name := range sortedKeys(meta) {
		if !strings.HasSuffix(name, "_endpoint") && name != "jwks_uri" {
			continue
		}
		s, ok := meta[name].(string)
		if !ok {
			continue // the spec check says what a member's type must be
		}
		if err := secureURL(s); err != nil {
			return nil, &metadataProblem{pointer: "/" + name, expected: "an absolute https URL, or http to a loopback address", got: fmt.Sprintf("%q", s),
				message: "the metadata names an endpoint the client secret or tokens would go to in clear, or not a URL"}
		}
	}
	return meta, nil
}

// secureURL checks a URL the run may send a credential to: absolute, https,
// or http to a loopback host, without user info.
func secureURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "":
		return fmt.Errorf("%q is not an absolute URL", raw)
	case u.User != nil:
		return fmt.Errorf("%s has credentials in it", u.Redacted())
	case u.Scheme != "https" && !loopback.URL(u):
		return fmt.Errorf("%s: use https, or http only to a loopback address", raw)
	}
	return nil
}

// metadataMembers maps the paths of the spec's operations to the members of
// the issuer's metadata that name their URLs ("/auth/v1/jwks" to
// "jwks_uri"), as the example of the metadata operation's answer shows
// them: the spec's metadata names every endpoint at the spec's paths.
func metadataMembers(o *operation) map[string]string {
	out := map[string]string{}
	if o == nil || o.op.Responses == nil {
		return out
	}
	ref := o.op.Responses.Status(http.StatusOK)
	if ref == nil || ref.Value == nil {
		return out
	}
	mt := ref.Value.Content.Get(mediaJSON)
	if mt == nil {
		return out
	}
	ex := mt.Example
	if ex == nil && len(mt.Examples) > 0 {
		ex = firstExample(mt.Examples)
	}
	if ex == nil && mt.Schema != nil && mt.Schema.Value != nil {
		ex = mt.Schema.Value.Example
	}
	m, _ := ex.(map[string]any)
	for name, v := range m {
		s, ok := v.(string)
		if !ok || name == "issuer" {
			continue
		}
		if u, err := url.Parse(s); err == nil && u.IsAbs() && u.Path != "" {
			out[u.Path] = name
		}
	}
	return out
}

// mayCarry refuses a request that would carry a credential where the run
// never sends one: the client's Basic credentials to the token and
// revocation endpoints only, a bearer token to the base URL's origin only.
// It is the last gate before a request leaves; redirects are never
// followed.
func (r *runner) mayCarry(req *http.Request) error {
	scheme, _, _ := strings.Cut(req.Header.Get("Authorization"), " ")
	switch {
	case strings.EqualFold(scheme, "Basic"):
		if !sameEndpoint(req.URL, r.as.token) && !sameEndpoint(req.URL, r.as.revocation) {
			return fmt.Errorf("refused to send the client credentials to %s: the run sends them to the authorization server's token and revocation endpoints only", req.URL.Scheme+"://"+req.URL.Host+req.URL.EscapedPath())
		}
	case strings.EqualFold(scheme, "Bearer"):
		if !strings.EqualFold(req.URL.Scheme, r.baseURL.Scheme) || !strings.EqualFold(req.URL.Host, r.baseURL.Host) {
			return fmt.Errorf("refused to send a token to %s: the run sends tokens to the base URL's origin only", req.URL.Scheme+"://"+req.URL.Host)
		}
	}
	return nil
}

// sameEndpoint reports whether u is at the endpoint URL e (scheme, host and
// path; the query aside).
func sameEndpoint(u *url.URL, e string) bool {
	if e == "" {
		return false
	}
	eu, err := url.Parse(e)
	if err != nil {
		return false
	}
	return strings.EqualFold(u.Scheme, eu.Scheme) && strings.EqualFold(u.Host, eu.Host) && u.EscapedPath() == eu.EscapedPath()
}

// loopbackTarget reports whether the operation's requests go to a loopback
// host: the base URL's for an operation of the API, else its endpoint's.
func (r *runner) loopbackTarget(target string) bool {
	if target == "" {
		return loopback.Host(r.baseURL.Hostname())
	}
	u, err := url.Parse(target)
	return err == nil && loopback.Host(u.Hostname())
}

// shownTarget writes where o's requests go, for a message: the base URL,
// or the endpoint's origin.
func (r *runner) shownTarget(target string) string {
	if target == "" {
		return r.shown
	}
	if u, err := url.Parse(target); err == nil {
		return u.Scheme + "://" + u.Host
	}
	return target
}

// routerFor routes the answers of o: the API's by their path, the
// authorization server's to o whatever their URL (an Auth0 token endpoint,
// the metadata of an issuer with a path).
func (r *runner) routerFor(o *operation) routers.Router {
	if o == nil || o.at == atAPI {
		return r.router
	}
	return fixedRouter{route: &routers.Route{Spec: r.doc, Path: o.path, PathItem: o.item, Method: o.method, Operation: o.op}}
}

// fixedRouter routes every request to one route.
type fixedRouter struct{ route *routers.Route }

func (f fixedRouter) FindRoute(*http.Request) (*routers.Route, map[string]string, error) {
	return f.route, map[string]string{}, nil
}

// withTokenParameters adds the token parameters to in, a request of o: to
// the form of a token request, to the query of the authorization request,
// as the SDK sends them.
func (r *runner) withTokenParameters(o *operation, in inputs) inputs {
	if len(r.as.params) == 0 {
		return in
	}
	switch {
	case o.at == atToken && in.hasBody && in.mediaType == mediaForm:
		body, ok := in.body.(map[string]any)
		if !ok {
			return in
		}
		body = cloneMap(body)
		for _, k := range sortedKeys(r.as.params) {
			vs := r.as.params[k]
			if len(vs) == 1 {
				body[k] = vs[0]
				continue
			}
			list := make([]any, len(vs))
			for i, v := range vs {
				list[i] = v
			}
			body[k] = list
		}
		in.body = body
	case o.at == atAuthorization && o.method == http.MethodGet:
		in.extraQuery = url.Values{}
		for k, vs := range r.as.params {
			in.extraQuery[k] = slices.Clone(vs)
		}
	}
	return in
}

// cloneMap returns a shallow copy of m.
func cloneMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
