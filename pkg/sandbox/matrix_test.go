package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/sandbox/oauth"
)

// exampleRequest builds a request for op from the spec's own examples: path
// and required parameters, and the request body.
func exampleRequest(t *testing.T, doc *openapi3.T, base string, op gen.Operation) *http.Request {
	t.Helper()
	item := doc.Paths.Value(op.Path)
	spec := item.GetOperation(op.Method)
	path, query, header := op.Path, url.Values{}, http.Header{}
	for _, ref := range append(item.Parameters, spec.Parameters...) {
		p := ref.Value
		if p.Schema == nil || p.Schema.Value == nil || p.Schema.Value.Example == nil {
			if p.Required {
				t.Fatalf("%s: required parameter %s has no example", op.ID, p.Name)
			}
			continue
		}
		v := fmt.Sprint(p.Schema.Value.Example)
		switch {
		case p.In == openapi3.ParameterInPath:
			path = strings.ReplaceAll(path, "{"+p.Name+"}", url.PathEscape(v))
		case p.Required && p.In == openapi3.ParameterInQuery:
			query.Set(p.Name, v)
		case p.Required && p.In == openapi3.ParameterInHeader:
			header.Set(p.Name, v)
		}
	}
	var body io.Reader
	if spec.RequestBody != nil {
		mt := spec.RequestBody.Value.Content.Get("application/json")
		b, err := json.Marshal(mt.Schema.Value.Example)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(b)
		header.Set("Content-Type", "application/json")
	}
	target := base + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(t.Context(), op.Method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	return req
}

type matrixEnv struct {
	srv   *httptest.Server
	sb    *Sandbox
	doc   *openapi3.T
	mu    sync.Mutex
	clock time.Time
}

func newMatrixEnv(t *testing.T) *matrixEnv {
	t.Helper()
	e := &matrixEnv{clock: time.Now()}
	sb, err := New(WithClock(func() time.Time {
		e.mu.Lock()
		defer e.mu.Unlock()
		return e.clock
	}), WithRateLimit(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	e.sb = sb
	e.srv = httptest.NewServer(sb)
	t.Cleanup(e.srv.Close)
	if e.doc, err = api.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
	return e
}

// token is an access token of the sandbox for DefaultClientID with scopes.
func (e *matrixEnv) token(t *testing.T, scopes ...string) string {
	t.Helper()
	tok, err := e.sb.auth.Issue(DefaultClientID, "", scopes, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// advance moves the sandbox's clock.
func (e *matrixEnv) advance(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.clock = e.clock.Add(d)
}

// matrixAnswer is what a request got back.
type matrixAnswer struct {
	StatusCode int
	Header     http.Header
}

func (e *matrixEnv) do(t *testing.T, op gen.Operation, bearer string) (matrixAnswer, string) {
	t.Helper()
	req := exampleRequest(t, e.doc, e.srv.URL, op)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	return matrixAnswer{resp.StatusCode, resp.Header}, string(b)
}

// The scope matrix, derived from the spec's security table: every secured
// operation × a token with each single scope passes the token check only
// with the scope it requires, and is refused 403 insufficient_scope, naming
// that scope, otherwise.
func TestScopeMatrix(t *testing.T) {
	e := newMatrixEnv(t)
	for _, op := range gen.Operations() {
		if len(op.Security) == 0 {
			continue
		}
		need := string(op.Security[0][0].Scopes[0])
		for _, scope := range oauth.AllScopes() {
			resp, body := e.do(t, op, e.token(t, scope))
			if scope == need {
				if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
					t.Errorf("%s with its scope %s: %d %s", op.ID, scope, resp.StatusCode, body)
				}
				continue
			}
			challenge := resp.Header.Get("WWW-Authenticate")
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(challenge, `error="insufficient_scope"`) || !strings.Contains(challenge, `scope="`+need+`"`) {
				t.Errorf("%s with scope %s: %d, WWW-Authenticate %q; want 403 insufficient_scope naming %s", op.ID, scope, resp.StatusCode, challenge, need)
			}
		}
	}
}

// Every secured operation refuses, with 401, requests without a valid
// token: the validator asks the authorization server, whose Verify refuses
// every kind of bad token (oauth's TestVerifyRefusesBadTokens).
func TestBadTokensAreRefused(t *testing.T) {
	e := newMatrixEnv(t)
	all := oauth.AllScopes()
	other, err := New()
	if err != nil {
		t.Fatal(err)
	}
	ofOther, err := other.auth.Issue(DefaultClientID, "", all, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	expired := e.token(t, all...)
	e.advance(2 * time.Hour)
	valid := e.token(t, all...)
	parts := strings.Split(valid, ".")
	// alg none: the header says so and there is no signature.
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
	cases := map[string]string{
		"no token":                "",
		"expired":                 expired,
		"another sandbox's token": ofOther,
		"alg none":                none,
		"not a JWT":               "opaque-token",
	}
	for _, op := range gen.Operations() {
		if len(op.Security) == 0 {
			continue
		}
		resp, body := e.do(t, op, valid)
		if resp.StatusCode == http.StatusUnauthorized {
			t.Fatalf("%s refused a valid token: %s", op.ID, body)
		}
		for name, tok := range cases {
			resp, body := e.do(t, op, tok)
			challenge := resp.Header.Get("WWW-Authenticate")
			if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(challenge, "Bearer") {
				t.Errorf("%s, %s: %d %s (WWW-Authenticate %q), want 401", op.ID, name, resp.StatusCode, body, challenge)
			}
			if name != "no token" && !strings.Contains(challenge, `error="invalid_token"`) {
				t.Errorf("%s, %s: WWW-Authenticate %q lacks invalid_token", op.ID, name, challenge)
			}
			if tok != "" && strings.Contains(body, tok) {
				t.Errorf("%s, %s: the answer echoes the token", op.ID, name)
			}
		}
	}
}

// GET /version needs no token.
func TestVersionIsPublic(t *testing.T) {
	e := newMatrixEnv(t)
	op, _ := gen.LookupOperation(gen.OperationGetVersion)
	resp, body := e.do(t, op, "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "commit-sha") {
		t.Fatalf("GET /version: %d %s", resp.StatusCode, body)
	}
}
