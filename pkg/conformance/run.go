package conformance

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/internal/httpheader"
	"github.com/axa-assistance-go/axa/internal/loopback"
	"github.com/axa-assistance-go/axa/internal/oprouter"
	"github.com/axa-assistance-go/axa/internal/speclink"
	"github.com/axa-assistance-go/axa/internal/specresponse"
)

// maxBody bounds the answers the run reads, in bytes.
const maxBody = 4 << 20

// perRequest bounds one request of the run.
const perRequest = 30 * time.Second

// The names of the checks (Result.Name) other than "scope <scope>".
const (
	checkResponse      = "response"
	checkSecurity      = "security"
	checkNoToken       = "no token"
	checkTampered      = "tampered token"
	checkNoCredentials = "no credentials"
	checkWrongSecret   = "wrong credentials" //nolint:gosec // a check's name, not a credential
	checkReplay        = "idempotent replay"
	checkKeyReuse      = "key reused with another body"
	scopeCheckPrefix   = "scope "
)

// operation is one operation of the spec, as the run needs it.
type operation struct {
	id, method, path string
	op               *openapi3.Operation
	item             *openapi3.PathItem
	at               endpoint            // where it is served
	params           openapi3.Parameters // the path item's and the operation's
	sec              security
	success          []int // the documented 2xx and 3xx statuses
	write            bool
}

type secKind int

const (
	secNone secKind = iota
	secBearer
	secBasic
	secUnsupported
)

// security is what an operation's first security requirement asks.
type security struct {
	kind   secKind
	scheme string
	// scopes are the OAuth2 scopes the operation needs; all every scope
	// of its scheme's client credentials flow.
	scopes, all []string
}

// answer is one answer of the server.
type answer struct {
	op     *operation
	req    *http.Request
	status int
	header http.Header
	body   []byte
}

// respMemo is the "response" check of an operation, run once: the
// operations linked from it take their inputs from its answer.
type respMemo struct {
	running bool
	result  Result
	in      inputs
	inOK    bool
	ans     *answer // the answer, when it was the documented success
	raw     *answer // the answer, whatever it was
}

type runner struct {
	cfg     Config
	doc     *openapi3.T
	router  routers.Router
	http    *http.Client
	base    string
	baseURL *url.URL
	shown   string // the base URL as reports show it, without a password
	as      authServer
	ops     []*operation // in operationId order
	byID    map[string]*operation
	links   []speclink.Link
	// metadataOp is the operation of the issuer's metadata, nil when the
	// spec has none; metaMembers maps the paths of the spec's operations
	// to the members of the metadata that name their URLs.
	metadataOp  *operation
	metaMembers map[string]string
	tokens      map[string]cachedToken
	secrets     secrets
	responses   map[string]*respMemo
}

func newRunner(ctx context.Context, cfg Config) (*runner, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("conformance: base URL %q is not an absolute http or https URL", cfg.BaseURL)
	}
	// Credentials in the URL would go, as Basic credentials, with the
	// requests the run sends without any (the SDK's rule).
	if u.User != nil {
		return nil, fmt.Errorf("conformance: base URL %s: credentials go in ClientID and ClientSecret, not in the URL", u.Redacted())
	}
	// The run sends the client secret and tokens: never in clear over a
	// network (the SDK's rule).
	if u.Scheme == "http" && !loopback.Host(u.Hostname()) {
		return nil, fmt.Errorf("conformance: base URL %s: use https, or http only to a loopback address (127.0.0.1, ::1, localhost)", u.Redacted())
	}
	as, err := resolveAuthServer(cfg)
	if err != nil {
		return nil, err
	}
	doc, err := api.Load(ctx)
	if err != nil {
		return nil, fmt.Errorf("conformance: %w", err)
	}
	links, err := speclink.Links(doc)
	if err != nil {
		return nil, fmt.Errorf("conformance: %w", err)
	}
	transport := cfg.Transport
	if transport == nil {
		transport = http.DefaultTransport
	}
	r := &runner{
		cfg: cfg, doc: doc, router: oprouter.New(doc),
		http: &http.Client{Transport: transport, Timeout: perRequest,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		base:    strings.TrimSuffix(u.String(), "/"),
		baseURL: u,
		shown:   u.Redacted(),
		as:      as,
		byID:    map[string]*operation{}, links: links,
		tokens: map[string]cachedToken{}, responses: map[string]*respMemo{},
	}
	r.secrets.add(cfg.ClientSecret)
	r.secrets.add(url.QueryEscape(cfg.ClientSecret))
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			o := &operation{id: op.OperationID, method: strings.ToUpper(method), path: path, op: op, item: item,
				at: endpointOf(op.OperationID, path), params: mergeParams(item.Parameters, op.Parameters), sec: r.securityOf(op)}
			o.write = o.method != http.MethodGet && o.method != http.MethodHead && o.method != http.MethodOptions
			o.success = successStatuses(op)
			r.ops = append(r.ops, o)
			r.byID[o.id] = o
			if o.at == atMetadata {
				r.metadataOp = o
			}
		}
	}
	r.metaMembers = metadataMembers(r.metadataOp)
	slices.SortFunc(r.ops, func(a, b *operation) int { return strings.Compare(a.id, b.id) })
	for _, id := range cfg.Operations {
		if r.byID[id] == nil {
			return nil, fmt.Errorf("conformance: the spec has no operation %q", id)
		}
	}
	return r, nil
}

// mergeParams returns the path item's parameters overridden by the
// operation's (same name and location).
func mergeParams(item, op openapi3.Parameters) openapi3.Parameters {
	out := slices.Clone(op)
	for _, p := range item {
		if p.Value != nil && op.GetByInAndName(p.Value.In, p.Value.Name) == nil {
			out = append(out, p)
		}
	}
	return out
}

// successStatuses are the 2xx and 3xx statuses op documents: its
// successes (a redirect is one for an endpoint of a browser flow).
func successStatuses(op *openapi3.Operation) []int {
	var out []int
	for _, code := range specresponse.Statuses(op) {
		if n, err := strconv.Atoi(code); err == nil && n >= 200 && n < 400 {
			out = append(out, n)
		}
	}
	return out
}

// securityOf reads the first security requirement of op (the document's
// when op has none of its own).
func (r *runner) securityOf(op *openapi3.Operation) security {
	reqs := op.Security
	if reqs == nil {
		reqs = &r.doc.Security
	}
	if len(*reqs) == 0 {
		return security{kind: secNone}
	}
	req := (*reqs)[0]
	names := sortedKeys(req)
	if len(names) == 0 {
		return security{kind: secNone}
	}
	name := names[0]
	ref := r.doc.Components.SecuritySchemes[name]
	if ref == nil || ref.Value == nil {
		return security{kind: secUnsupported, scheme: name}
	}
	s := ref.Value
	switch {
	case s.Type == "oauth2":
		sec := security{kind: secBearer, scheme: name, scopes: slices.Clone(req[name])}
		if s.Flows != nil && s.Flows.ClientCredentials != nil {
			sec.all = sortedKeys(s.Flows.ClientCredentials.Scopes)
		}
		return sec
	case s.Type == "http" && strings.EqualFold(s.Scheme, "basic"):
		return security{kind: secBasic, scheme: name}
	}
	return security{kind: secUnsupported, scheme: name}
}

// selected returns the operations the run reports on.
func (r *runner) selected() []*operation {
	if len(r.cfg.Operations) == 0 {
		return r.ops
	}
	var out []*operation
	for _, o := range r.ops {
		if slices.Contains(r.cfg.Operations, o.id) {
			out = append(out, o)
		}
	}
	return out
}

func (r *runner) run(ctx context.Context) (*Report, error) {
	rep := &Report{BaseURL: r.shown, SpecVersion: r.doc.Info.Version}
	ops := r.selected()
	if r.needsMetadata(ops) {
		r.discover(ctx)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("conformance: %w", err)
	}
	if err := r.prefetchTokens(ctx, ops); err != nil {
		return nil, r.secrets.scrubError(err)
	}
	for _, o := range ops {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("conformance: %w", err)
		}
		rep.Operations = append(rep.Operations, OperationResult{ID: o.id, Method: o.method, Path: o.path, Checks: r.checks(ctx, o)})
	}
	r.secrets.scrubReport(rep)
	return rep, nil
}

// prefetchTokens asks a token for every scope the bearer operations of ops
// need; it fails when none comes.
func (r *runner) prefetchTokens(ctx context.Context, ops []*operation) error {
	var scopes []string
	for _, o := range ops {
		if o.sec.kind == secBearer {
			for _, s := range append(slices.Clone(o.sec.all), o.sec.scopes...) {
				if !slices.Contains(scopes, s) {
					scopes = append(scopes, s)
				}
			}
		}
	}
	var first error
	got := 0
	for _, s := range scopes {
		if _, err := r.token(ctx, []string{s}); err != nil {
			first = cmp.Or(first, err)
		} else {
			got++
		}
	}
	if len(scopes) > 0 && got == 0 {
		return fmt.Errorf("conformance: no token at all: %w", first)
	}
	return nil
}

// idempotent reports whether o is a POST that takes an Idempotency-Key.
func (o *operation) idempotent() bool {
	if o.method != http.MethodPost {
		return false
	}
	return slices.ContainsFunc(o.params, func(p *openapi3.ParameterRef) bool {
		return p.Value != nil && p.Value.In == openapi3.ParameterInHeader && strings.EqualFold(p.Value.Name, idempotencyKeyHeader)
	})
}

// checkNames are the checks of o, in the order they run.
func (r *runner) checkNames(o *operation) []string {
	names := []string{checkResponse}
	switch o.sec.kind {
	case secBearer:
		names = append(names, checkNoToken)
		for _, s := range r.otherScopes(o) {
			names = append(names, scopeCheckPrefix+s)
		}
		names = append(names, checkTampered)
	case secBasic:
		names = append(names, checkNoCredentials, checkWrongSecret)
	default:
		names = append(names, checkSecurity)
	}
	if o.idempotent() {
		names = append(names, checkReplay, checkKeyReuse)
	}
	return names
}

// otherScopes are the single scopes of o's scheme that o does not need.
func (r *runner) otherScopes(o *operation) []string {
	var out []string
	for _, s := range o.sec.all {
		if !slices.Contains(o.sec.scopes, s) {
			out = append(out, s)
		}
	}
	return out
}

// checks runs every check of o.
func (r *runner) checks(ctx context.Context, o *operation) []Result {
	if msg := r.skipReason(o); msg != "" {
		var out []Result
		for _, n := range r.checkNames(o) {
			out = append(out, Result{Name: n, Outcome: Skip, Message: msg})
		}
		return out
	}
	m := r.respond(ctx, o)
	out := []Result{m.result}
	out = append(out, r.securityChecks(ctx, o, m)...)
	if o.idempotent() {
		out = append(out, r.idempotencyChecks(ctx, o, m)...)
	}
	return out
}

// respond runs o's "response" check once, its links' sources first.
func (r *runner) respond(ctx context.Context, o *operation) *respMemo {
	if m := r.responses[o.id]; m != nil {
		if m.running {
			return &respMemo{result: Result{Name: checkResponse, Outcome: Skip, Message: "the spec's links into " + o.id + " form a cycle"}}
		}
		return m
	}
	m := &respMemo{running: true, result: Result{Name: checkResponse}}
	r.responses[o.id] = m
	defer func() { m.running = false }()
	if msg := r.skipReason(o); msg != "" {
		m.result.Outcome, m.result.Message = Skip, msg
		return m
	}
	lk, why := r.linkedValues(ctx, o)
	in, err := r.inputsOf(o, lk)
	if err != nil {
		m.result.Outcome, m.result.Message = Skip, "cannot build a valid request from the spec: "+err.Error()
		return m
	}
	m.in, m.inOK = in, true
	if why != "" {
		m.result.Outcome, m.result.Message = Skip, why
		return m
	}
	auth, err := r.validAuth(ctx, o)
	if err != nil {
		m.result.Outcome, m.result.Message = Fail, err.Error()
		return m
	}
	ans, err := r.send(ctx, o, in, auth)
	if err != nil {
		m.result.Outcome, m.result.Message = Fail, err.Error()
		return m
	}
	m.raw = ans
	m.result = r.judgeSuccess(checkResponse, o, ans)
	if m.result.Outcome == Pass && o.at == atMetadata {
		if _, p := r.readMetadata(ans); p != nil {
			m.result.Outcome, m.result.Pointer, m.result.Expected, m.result.Got, m.result.Message = Fail, p.pointer, p.expected, p.got, p.message
			m.result = withRequestID(m.result, ans)
		}
	}
	if m.result.Outcome == Pass {
		m.ans = ans
	}
	return m
}

// skipReason says why o is not checked at all: the authorization server
// names no endpoint for it; it is secured by HTTP Basic elsewhere than at
// the endpoints that take the client secret; it writes to a server not on
// loopback without Config.AllowWrites. Empty when it is checked.
func (r *runner) skipReason(o *operation) string {
	target, why := r.target(o)
	switch {
	case why != "":
		return why
	case o.sec.kind == secBasic && o.at != atToken && o.at != atRevocation:
		return "secured by HTTP Basic, but not the authorization server's token or revocation endpoint: the run sends the client secret to those only"
	case o.write && !r.cfg.AllowWrites && !r.loopbackTarget(target):
		return fmt.Sprintf("%s writes and %s is not a loopback server: set AllowWrites to run it", o.method, r.shownTarget(target))
	}
	return ""
}

// inputsOf builds valid inputs for o (buildInputs), with the token
// parameters where the SDK sends them.
func (r *runner) inputsOf(o *operation, lk linked) (inputs, error) {
	in, err := buildInputs(o, lk, r.now())
	if err != nil {
		return in, err
	}
	return r.withTokenParameters(o, in), nil
}

// linkedValues resolves the links into o: the values they give, or why
// they could not (a source skipped or failed).
func (r *runner) linkedValues(ctx context.Context, o *operation) (linked, string) {
	lk := linked{params: map[string]any{}, bodyFields: map[string]any{}}
	for _, l := range r.links {
		if l.To != o.id || r.byID[l.From] == nil {
			continue
		}
		src := r.respond(ctx, r.byID[l.From])
		if src.ans == nil {
			state := "failed"
			if src.result.Outcome == Skip {
				state = "was skipped (" + src.result.Message + ")"
			}
			return lk, fmt.Sprintf("needs the answer of %s (its link %q), whose response check %s", l.From, l.Name, state)
		}
		if l.Status != strconv.Itoa(src.ans.status) && l.Status != "default" && l.Status != "2XX" {
			continue
		}
		for name, e := range l.Parameters {
			v, err := e.Eval(src.ans.header, src.ans.body)
			if err != nil {
				return lk, fmt.Sprintf("the link %q of %s: %v", l.Name, l.From, err)
			}
			lk.params[name] = v
		}
		for ptr, e := range l.BodyFields {
			v, err := e.Eval(src.ans.header, src.ans.body)
			if err != nil {
				return lk, fmt.Sprintf("the link %q of %s: %v", l.Name, l.From, err)
			}
			lk.bodyFields[ptr] = v
		}
	}
	return lk, ""
}

// validAuth returns what authenticates o's requests as its security asks.
func (r *runner) validAuth(ctx context.Context, o *operation) (func(*http.Request), error) {
	switch o.sec.kind {
	case secBearer:
		tok, err := r.token(ctx, o.sec.scopes)
		if err != nil {
			return nil, err
		}
		return bearer(tok), nil
	case secBasic:
		return func(req *http.Request) { r.setBasic(req, r.cfg.ClientSecret) }, nil
	}
	return func(*http.Request) {}, nil
}

func bearer(tok string) func(*http.Request) {
	return func(req *http.Request) { req.Header.Set("Authorization", "Bearer "+tok) }
}

// A throttled request (429, or 503 with Retry-After) whose answer is valid
// is sent again after its Retry-After, when that is at most
// maxThrottleWait, up to throttleAttempts sends in all: a server's rate
// limit is part of its contract, not a failure of the operation.
const (
	maxThrottleWait  = 10 * time.Second
	throttleAttempts = 3
)

// send sends one request of o and reads the answer, waiting out a
// throttled one (see maxThrottleWait).
func (r *runner) send(ctx context.Context, o *operation, in inputs, auth func(*http.Request)) (*answer, error) {
	for attempt := 1; ; attempt++ {
		ans, err := r.sendOnce(ctx, o, in, auth)
		if err != nil || attempt == throttleAttempts || (ans.status != http.StatusTooManyRequests && ans.status != http.StatusServiceUnavailable) {
			return ans, err
		}
		if len(r.failures(ans)) > 0 || !r.waitThrottle(ctx, ans.header) {
			return ans, nil
		}
	}
}

// waitThrottle waits out the Retry-After of a throttled answer's header h
// and reports whether to send again: not when the header is missing or
// invalid, asks for more than maxThrottleWait, or ctx ends first.
func (r *runner) waitThrottle(ctx context.Context, h http.Header) bool {
	wait, ok := httpheader.RetryAfter(h.Get("Retry-After"), r.now())
	if !ok || wait > maxThrottleWait {
		return false
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// sendOnce sends one request of o and reads the answer.
func (r *runner) sendOnce(ctx context.Context, o *operation, in inputs, auth func(*http.Request)) (*answer, error) {
	target, why := r.target(o)
	if why != "" {
		return nil, errors.New(why)
	}
	req, err := in.request(o, r.base, target)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, perRequest)
	defer cancel()
	req = req.WithContext(ctx)
	auth(req)
	if err := r.mayCarry(req); err != nil {
		return nil, err
	}
	resp, err := r.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("no answer: %w", unwrapURLError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("%d answered, but its body could not be read: %w", resp.StatusCode, err)
	}
	if len(body) > maxBody { // its beginning is not the body: not judged as one
		return nil, fmt.Errorf("%d answered a body over %d MiB, more than the run reads", resp.StatusCode, maxBody>>20)
	}
	r.secrets.addFromBody(body)
	return &answer{op: o, req: req, status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// unwrapURLError drops the *url.Error around err: its text repeats the
// URL, which may carry a parameter value.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// judgeSuccess checks an answer that should be o's documented success.
func (r *runner) judgeSuccess(name string, o *operation, ans *answer) (res Result) {
	defer func() { res = withRequestID(res, ans) }()
	res = Result{Name: name, Status: ans.status}
	fs := r.failures(ans)
	if !slices.Contains(o.success, ans.status) {
		res.Outcome, res.Pointer, res.Got = Fail, "status", gotStatus(ans)
		res.Expected = statusList(o.success) + " (the documented success)"
		res.Message = "the server did not answer the operation's documented success" + also(fs)
		return res
	}
	if len(fs) > 0 {
		return failWith(res, fs)
	}
	res.Outcome = Pass
	return res
}

// challengeRule checks a WWW-Authenticate challenge; expected says what it
// wants.
type challengeRule struct {
	expected string
	scheme   string
	ok       func(params map[string]string, ans *answer) bool
}

// judgeRefusal checks an answer that should be a want refusal with a
// challenge as rule says.
func (r *runner) judgeRefusal(name string, ans *answer, want int, rule challengeRule) (res Result) {
	defer func() { res = withRequestID(res, ans) }()
	res = Result{Name: name, Status: ans.status}
	fs := r.failures(ans)
	if ans.status != want {
		res.Outcome, res.Pointer, res.Expected, res.Got = Fail, "status", strconv.Itoa(want), gotStatus(ans)
		res.Message = "the server did not refuse the request as the spec's security says" + also(fs)
		return res
	}
	values := ans.header.Values("WWW-Authenticate")
	params, found := httpheader.FindChallenge(values, rule.scheme)
	if !found || !rule.ok(params, ans) {
		res.Outcome, res.Pointer, res.Expected, res.Got = Fail, "header/WWW-Authenticate", rule.expected, strings.Join(values, ", ")
		if len(values) == 0 {
			res.Got = "absent"
		}
		res.Message = "the challenge does not say what RFC 6750 (or RFC 6749 for a client) asks" + also(fs)
		return res
	}
	if len(fs) > 0 {
		return failWith(res, fs)
	}
	res.Outcome = Pass
	return res
}

// now is the run's clock: Config.Now, else the time.
func (r *runner) now() time.Time {
	if r.cfg.Now != nil {
		return r.cfg.Now()
	}
	return time.Now()
}

// securityChecks checks that o refuses what its security refuses.
func (r *runner) securityChecks(ctx context.Context, o *operation, m *respMemo) []Result {
	in := m.in.withNewKey()
	if !m.inOK {
		var err error
		if in, err = r.inputsOf(o, linked{}); err != nil {
			var out []Result
			for _, n := range r.checkNames(o)[1:] {
				if n != checkReplay && n != checkKeyReuse {
					out = append(out, Result{Name: n, Outcome: Skip, Message: "cannot build a valid request from the spec: " + err.Error()})
				}
			}
			return out
		}
	}
	switch o.sec.kind {
	case secNone:
		return []Result{{Name: checkSecurity, Outcome: Skip, Message: "the operation needs no credentials"}}
	case secUnsupported:
		return []Result{{Name: checkSecurity, Outcome: Skip, Message: fmt.Sprintf("the security scheme %q is neither OAuth2 nor HTTP Basic", o.sec.scheme)}}
	case secBasic:
		return []Result{
			r.refusal(ctx, checkNoCredentials, o, in.withNewKey(), func(*http.Request) {}, http.StatusUnauthorized, basicChallenge),
			r.refusal(ctx, checkWrongSecret, o, in.withNewKey(), func(req *http.Request) { r.setBasic(req, wrongSecret(r.cfg.ClientSecret)) }, http.StatusUnauthorized, basicChallenge),
		}
	}
	out := []Result{r.refusal(ctx, checkNoToken, o, in.withNewKey(), func(*http.Request) {}, http.StatusUnauthorized, challengeRule{
		expected: "a Bearer challenge (RFC 6750 section 3)",
		scheme:   "Bearer",
		ok:       func(map[string]string, *answer) bool { return true },
	})}
	needed := strings.Join(o.sec.scopes, " ")
	for _, s := range r.otherScopes(o) {
		name := scopeCheckPrefix + s
		tok, err := r.token(ctx, []string{s})
		if err != nil {
			out = append(out, Result{Name: name, Outcome: Fail, Message: err.Error()})
			continue
		}
		out = append(out, r.refusal(ctx, name, o, in.withNewKey(), bearer(tok), http.StatusForbidden, challengeRule{
			expected: fmt.Sprintf(`a Bearer challenge with error="insufficient_scope" naming the scope %s`, needed),
			scheme:   "Bearer",
			ok: func(p map[string]string, ans *answer) bool {
				if p["error"] != "insufficient_scope" {
					return false
				}
				return namesScopes(p["scope"], o.sec.scopes) || strings.Contains(p["error_description"], needed) ||
					strings.Contains(bodyField(ans.body, "error_description"), needed)
			},
		}))
	}
	tok, err := r.token(ctx, o.sec.scopes)
	if err != nil {
		return append(out, Result{Name: checkTampered, Outcome: Fail, Message: err.Error()})
	}
	bad := tamper(tok)
	r.secrets.add(bad)
	return append(out, r.refusal(ctx, checkTampered, o, in.withNewKey(), bearer(bad), http.StatusUnauthorized, challengeRule{
		expected: `a Bearer challenge with error="invalid_token"`,
		scheme:   "Bearer",
		ok: func(p map[string]string, _ *answer) bool {
			return p["error"] == "invalid_token"
		},
	}))
}

// basicChallenge is what a client authentication failure answers (RFC
// 6749 section 5.2): a Basic challenge and error invalid_client.
var basicChallenge = challengeRule{
	expected: `a Basic challenge, and error "invalid_client" in the body (RFC 6749 section 5.2)`,
	scheme:   "Basic",
	ok: func(_ map[string]string, ans *answer) bool {
		return bodyField(ans.body, "error") == "invalid_client"
	},
}

// wrongSecret returns a client secret other than secret.
func wrongSecret(secret string) string {
	return secret + "-not"
}

// refusal sends one request that must be refused and judges the answer.
func (r *runner) refusal(ctx context.Context, name string, o *operation, in inputs, auth func(*http.Request), want int, rule challengeRule) Result {
	ans, err := r.send(ctx, o, in, auth)
	if err != nil {
		return Result{Name: name, Outcome: Fail, Message: err.Error()}
	}
	return r.judgeRefusal(name, ans, want, rule)
}

// idempotencyChecks checks that o replays a repeated request and refuses
// its key with another body.
func (r *runner) idempotencyChecks(ctx context.Context, o *operation, m *respMemo) []Result {
	if m.ans == nil || !m.in.hasIdempotencyKey() {
		msg := "needs a successful first request (the response check)"
		return []Result{{Name: checkReplay, Outcome: Skip, Message: msg}, {Name: checkKeyReuse, Outcome: Skip, Message: msg}}
	}
	auth, err := r.validAuth(ctx, o)
	if err != nil {
		return []Result{{Name: checkReplay, Outcome: Fail, Message: err.Error()}, {Name: checkKeyReuse, Outcome: Fail, Message: err.Error()}}
	}
	var out []Result
	// The same key and the same body: the stored answer, marked replayed.
	res := Result{Name: checkReplay}
	if ans, err := r.send(ctx, o, m.in, auth); err != nil {
		res.Outcome, res.Message = Fail, err.Error()
	} else if res = r.judgeSuccess(checkReplay, o, ans); res.Outcome == Pass {
		first, again := resourceID(m.ans.body), resourceID(ans.body)
		switch {
		case first != again:
			res.Outcome, res.Pointer, res.Expected, res.Got = Fail, idPointerOr(m.ans.body), first, again
			res.Message = "a replay with the same Idempotency-Key and body acted again instead of answering the stored result"
		case ans.header.Get("Idempotent-Replayed") != "true":
			res.Outcome, res.Pointer, res.Expected, res.Got = Fail, "header/Idempotent-Replayed", "true", cmp.Or(ans.header.Get("Idempotent-Replayed"), "absent")
			res.Message = "a replay must say it is one"
		}
	}
	out = append(out, res)
	// The same key with another body: 422.
	if !m.in.hasBody {
		return append(out, Result{Name: checkKeyReuse, Outcome: Skip, Message: "the operation takes no request body: there is no other body to send with the key"})
	}
	in, ok := m.in.variant()
	if !ok {
		return append(out, Result{Name: checkKeyReuse, Outcome: Skip, Message: "the run found no other valid body for the request"})
	}
	res = Result{Name: checkKeyReuse}
	if ans, err := r.send(ctx, o, in, auth); err != nil {
		res.Outcome, res.Message = Fail, err.Error()
	} else {
		res = r.judgeStatus(checkKeyReuse, ans, http.StatusUnprocessableEntity, "reusing an Idempotency-Key with another body must be refused")
	}
	return append(out, res)
}

// judgeStatus checks an answer that should have status want.
func (r *runner) judgeStatus(name string, ans *answer, want int, why string) (res Result) {
	defer func() { res = withRequestID(res, ans) }()
	res = Result{Name: name, Status: ans.status}
	fs := r.failures(ans)
	if ans.status != want {
		res.Outcome, res.Pointer, res.Expected, res.Got = Fail, "status", strconv.Itoa(want), gotStatus(ans)
		res.Message = why + also(fs)
		return res
	}
	if len(fs) > 0 {
		return failWith(res, fs)
	}
	res.Outcome = Pass
	return res
}

// failures validates ans against the spec.
func (r *runner) failures(ans *answer) []specresponse.Failure {
	err := specresponse.Check(r.routerFor(ans.op), ans.req, ans.status, ans.header, ans.body)
	if err == nil {
		return nil
	}
	var se *specresponse.Error
	if errors.As(err, &se) && len(se.Failures) > 0 {
		return se.Failures
	}
	return []specresponse.Failure{{Pointer: "status", Reason: err.Error()}}
}

// failWith fails res with the first failure, listing the others in the
// message.
func failWith(res Result, fs []specresponse.Failure) Result {
	f := fs[0]
	res.Outcome, res.Pointer, res.Expected, res.Got = Fail, f.Pointer, f.Expected, f.Got
	res.Message = "the answer breaks the spec: " + f.Reason
	if len(fs) > 1 {
		more := make([]string, 0, len(fs)-1)
		for _, f := range fs[1:] {
			more = append(more, f.String())
		}
		res.Message += "; also " + strings.Join(more, "; ")
	}
	return res
}

// also lists the spec failures of an answer that already failed a check.
func also(fs []specresponse.Failure) string {
	if len(fs) == 0 {
		return ""
	}
	list := make([]string, 0, len(fs))
	for _, f := range fs {
		list = append(list, f.String())
	}
	return "; the answer also breaks the spec: " + strings.Join(list, "; ")
}

// withRequestID adds the answer's X-Request-Id to a failed check's
// message, for a bug report to the server's owners.
func withRequestID(res Result, ans *answer) Result {
	if id := ans.header.Get("X-Request-Id"); id != "" && res.Outcome == Fail {
		res.Message += " (X-Request-Id " + id + ")"
	}
	return res
}

// statusList writes statuses as "200" or "200 or 302".
func statusList(statuses []int) string {
	if len(statuses) == 0 {
		return "a 2xx or 3xx status"
	}
	list := make([]string, len(statuses))
	for i, s := range statuses {
		list[i] = strconv.Itoa(s)
	}
	return strings.Join(list, " or ")
}

// gotStatus says what status came, with the error code of an error body.
func gotStatus(ans *answer) string {
	s := strconv.Itoa(ans.status)
	if code := bodyField(ans.body, "error"); code != "" {
		s += " " + code
	}
	return s
}

// bodyField returns a top-level string member of a JSON object body.
func bodyField(body []byte, name string) string {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return ""
	}
	s, _ := m[name].(string)
	return s
}

// resourceID is the id of the resource a body describes: its "id" member,
// else the whole body.
func resourceID(body []byte) string {
	var m map[string]any
	if json.Unmarshal(body, &m) == nil {
		if id, ok := m["id"]; ok {
			return fmt.Sprint(id)
		}
	}
	return string(body)
}

func idPointerOr(body []byte) string {
	var m map[string]any
	if json.Unmarshal(body, &m) == nil {
		if _, ok := m["id"]; ok {
			return "/id"
		}
	}
	return "body"
}

// namesScopes reports whether a challenge's scope attribute names every
// scope of want.
func namesScopes(attr string, want []string) bool {
	if attr == "" {
		return false
	}
	have := strings.Fields(attr)
	for _, s := range want {
		if !slices.Contains(have, s) {
			return false
		}
	}
	return true
}
