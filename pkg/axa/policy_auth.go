package axa

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/axa-assistance-go/axa/gen"
)

var errNoOperation = errors.New("axa: no operation of the API matches the request")

// authTransport attaches the bearer token an operation needs.
type authTransport struct {
	next        http.RoundTripper
	tokens      *tokenCache // nil without credentials
	ops         *operationMatcher
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
	// The operation the caller chose decides the scopes; only raw calls
	// are matched on their path (escaped, so that an id holding "/" cannot
	// pose as another operation).
	op, ok := gen.LookupOperation(gen.OperationID(info.operation))
	if !ok || op.Method != req.Method {
		path := strings.TrimPrefix(req.URL.EscapedPath(), t.basePath)
		if op, ok = t.ops.match(req.Method, path); !ok {
			return fail(fmt.Errorf("%w: %s %s", errNoOperation, req.Method, req.URL.Path))
		}
		info.operation = string(op.ID)
	}
	if len(op.Security) == 0 {
		return t.next.RoundTrip(req)
	}
	scopes := requiredScopes(op)
	if len(t.fixedScopes) > 0 {
		scopes = t.fixedScopes
	}
	info.neededScopes = requiredScopes(op)
	if t.tokens == nil {
		return fail(fmt.Errorf("%w: %s needs a token with scope %s", ErrNoCredentials, op.ID, strings.Join(scopes, " ")))
	}
	if !sameOrigin(req.URL, t.origin) {
		return fail(fmt.Errorf("%w: %s is not the client's base URL", ErrInsecureTransport, hideUserinfo(req.URL.String())))
	}
	if req.URL.Scheme != "https" && !isLoopback(req.URL.Hostname()) {
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
	return t.send(r, tok)
}

func (t *authTransport) send(req *http.Request, tok *Token) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "Bearer "+tok.accessToken)
	infoFrom(req.Context()).grantedScopes = slices.Clone(tok.scopes)
	return t.next.RoundTrip(r)
}

// invalidToken reports whether a 401 says the token itself was refused.
func invalidToken(resp *http.Response) bool {
	return bearerParams(resp.Header.Get("WWW-Authenticate"))["error"] == "invalid_token"
}

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

// operationMatcher finds the operation of a request from its method and
// path, using the path templates of the generated operation table. Literal
// segments beat parameters, so /travel/v1/countries/alerts is listAlerts and
// not getCountry("alerts").
type operationMatcher struct {
	ops []compiledOp
}

type compiledOp struct {
	op       gen.Operation
	segments []string // "" marks a parameter
	literals int
}

func newOperationMatcher(ops []gen.Operation) *operationMatcher {
	m := &operationMatcher{}
	for _, op := range ops {
		c := compiledOp{op: op}
		for _, seg := range strings.Split(strings.Trim(op.Path, "/"), "/") {
			if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
				seg = ""
			} else {
				c.literals++
			}
			c.segments = append(c.segments, seg)
		}
		m.ops = append(m.ops, c)
	}
	return m
}

func (m *operationMatcher) match(method, path string) (gen.Operation, bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	best := -1
	for i, c := range m.ops {
		if c.op.Method != method || len(c.segments) != len(segs) {
			continue
		}
		ok := true
		for j, s := range c.segments {
			if s != "" && s != segs[j] || s == "" && segs[j] == "" {
				ok = false
				break
			}
		}
		if ok && (best < 0 || c.literals > m.ops[best].literals) {
			best = i
		}
	}
	if best < 0 {
		return gen.Operation{}, false
	}
	return m.ops[best].op, true
}
