package axa

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/loopback"
)

var errNoOperation = errors.New("axa: no operation of the API matches the request")

// authTransport attaches the bearer token an operation needs: it finds the
// operation and checks the path against it (operationOf), asks the token
// cache for its scopes, refuses to send a token anywhere but the base URL's
// origin or over plain HTTP other than to loopback, sets it on a copy of
// the request (send), and, when the API responds 401 invalid_token, drops
// the token and replays once.
type authTransport struct {
	next        http.RoundTripper
	tokens      *tokenCache // nil without credentials
	origin      *url.URL
	basePath    string
	fixedScopes []string
}

// RoundTrip implements http.RoundTripper.
func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	info := infoFrom(ctx)
	// Until the request is handed on, a failure closes its body, as the
	// http.RoundTripper contract requires.
	fail := func(err error) (*http.Response, error) {
		closeBody(req)
		return nil, err
	}
	scopes, needsToken, err := t.authorize(req, info)
	if err != nil {
		return fail(err)
	}
	if !needsToken {
		if info.watch != nil {
			return t.send(req, nil) // an attempt to tell the observers of
		}
		return t.next.RoundTrip(req)
	}
	if !sameOrigin(req.URL, t.origin) {
		return fail(fmt.Errorf("%w: %s is not the client's base URL", ErrInsecureTransport, hideUserinfo(req.URL.String())))
	}
	if !strings.EqualFold(req.URL.Scheme, "https") && !loopback.URL(req.URL) {
		return fail(fmt.Errorf("%w: %s://%s is plain HTTP to a host that is not loopback", ErrInsecureTransport, req.URL.Scheme, hideUserinfo(req.URL.Host)))
	}

	tok, err := t.tokens.Get(ctx, scopes)
	if err != nil {
		return fail(err)
	}
	resp, err := t.send(req, tok)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || !invalidToken(resp) {
		return resp, err
	}
	// The API says the token is no longer good: drop it, get a new one and
	// replay once. A second refusal goes back to the caller.
	drain(resp)
	t.tokens.Invalidate(tok)
	if tok, err = t.tokens.Get(ctx, scopes); err != nil {
		return nil, err
	}
	r, err := rewind(req)
	if err != nil {
		return nil, err
	}
	info.attempt++
	if info.watch != nil {
		info.watch.reason = "invalid_token"
	}
	return t.send(r, tok)
}

// authorize decides what req needs: its operation (operationOf: the
// operation the caller chose, or, for a request built by hand, the one its
// path matches; recorded in info), whether it takes a token, and the
// scopes of that token (the operation's, or those of WithScopes). It
// refuses a path that is not the operation's or that a proxy would resolve
// to another (ErrValidation), a path that is no operation of the API's,
// and, for an operation that takes a token, a client without credentials
// (ErrNoCredentials).
func (t *authTransport) authorize(req *http.Request, info *callInfo) (scopes []string, needsToken bool, err error) {
	a, err := operationOf(req, t.basePath, info.operation)
	if err != nil {
		return nil, false, err
	}
	info.operation = string(a.op.ID)
	if a.op.AuthorizationServer {
		// Tokens come from the token source (golang.org/x/oauth2), never
		// through the API's pipeline.
		return nil, false, fmt.Errorf("%w: %s %s is the authorization server's, not the API's", errNoOperation, req.Method, req.URL.Path)
	}
	if len(a.op.Security) == 0 {
		return nil, false, nil
	}
	scopes = a.scopes
	if len(t.fixedScopes) > 0 {
		scopes = t.fixedScopes
	}
	info.neededScopes = a.scopes // shared: errors.go copies what it shows
	if t.tokens == nil {
		return nil, false, fmt.Errorf("%w: %s needs a token with scope %s", ErrNoCredentials, a.op.ID, strings.Join(scopes, " "))
	}
	return scopes, true, nil
}

// vouch returns nil when the client may be handed a stored answer to req
// without sending it, and otherwise the error sending req would have met
// first; the cache layer asks before it serves a fresh answer. req must
// pass authorize's checks and, for an operation that takes a token, the
// client must hold a valid token of the operation's scopes, from the token
// cache or fetched now (a token request, never an API request). The cache
// key's identity (cacheIdentity) names whom a client claims to be, not
// whether its secret or password is right: a token is the authorization
// server's word that it is, so a client with a wrong secret sharing a
// Cache with a good one gets the token endpoint's refusal, not the good
// one's answers.
func (t *authTransport) vouch(req *http.Request) error {
	scopes, needsToken, err := t.authorize(req, infoFrom(req.Context()))
	if err != nil || !needsToken {
		return err
	}
	_, err = t.tokens.Get(req.Context(), scopes)
	return err
}

// send hands on a copy of r that carries tok's Authorization header (none
// for a nil tok), and returns the answer pointing at r (Response.Request),
// which never holds it: the request a caller can reach from a response
// (Raw's, a ...WithResponse's HTTPResponse, the Request.Response chain of
// a redirect) never shows the bearer token to a log or
// httputil.DumpRequest. The layer never changes the request it is given;
// the copy shares r's body and header values, which nothing below
// changes. A call's observers are told the attempt (AttemptStart) before
// the copy gets its Authorization header: the headers they add are the
// copy's alone.
func (t *authTransport) send(r *http.Request, tok *Token) (*http.Response, error) {
	out := new(http.Request)
	*out = *r
	out.Header = make(http.Header, len(r.Header)+1)
	for name, vs := range r.Header {
		out.Header[name] = vs
	}
	info := infoFrom(r.Context())
	var a *attempt
	if info.watch != nil {
		a = info.watch.attemptStart(out, info)
	}
	if tok != nil {
		out.Header["Authorization"] = []string{tok.authorization()}
		info.grantedScopes = tok.scopes // shared: errors.go copies what it shows
	}
	resp, err := t.next.RoundTrip(out)
	if a != nil {
		a.end(resp, err)
	}
	if resp != nil {
		resp.Request = r
	}
	return resp, err
}

// invalidToken reports whether a 401 says the token itself was refused.
func invalidToken(resp *http.Response) bool {
	return bearerParams(resp.Header.Get("WWW-Authenticate"))["error"] == "invalid_token"
}

// operationAuth is what the auth layer needs of an operation: the
// operation, and the scopes of requiredScopes.
type operationAuth struct {
	op     gen.Operation
	scopes []string
}

// operationAuths maps every operation of the API to its operationAuth, made
// once: a call looks its operation up without copying the generated
// tables (gen.LookupOperation returns new slices on each call). Nothing
// changes the map or its slices.
var operationAuths = sync.OnceValue(func() map[gen.OperationID]operationAuth {
	ops := gen.Operations()
	m := make(map[gen.OperationID]operationAuth, len(ops))
	for _, op := range ops {
		m[op.ID] = operationAuth{op: op, scopes: requiredScopes(op)}
	}
	return m
})

// requiredScopes returns the OAuth2 scopes of an operation's first security
// requirement (each operation of this API has exactly one).
func requiredScopes(op gen.Operation) []string {
	var out []string
	if len(op.Security) == 0 {
		return nil
	}
	for _, s := range op.Security[0] {
		for _, sc := range s.Scopes {
			out = append(out, string(sc))
		}
	}
	return out
}
