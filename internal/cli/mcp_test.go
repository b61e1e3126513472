package cli

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// mcpServer is `axa mcp` running in memory for a test, and a client
// session connected to it.
type mcpServer struct {
	session *mcp.ClientSession
	done    chan result
}

// serveMCP runs `axa mcp args...` with f (nil: no environment, the
// embedded sandbox) on an in-memory transport, and connects a client. The
// cleanup closes the session and waits for the command to end.
func serveMCP(t *testing.T, f *Factory, args ...string) *mcpServer {
	t.Helper()
	if f == nil {
		f = &Factory{}
	}
	clientT, serverT := mcp.NewInMemoryTransports()
	f.MCPTransport = serverT
	s := &mcpServer{done: make(chan result, 1)}
	go func() { s.done <- run(t, f, append([]string{"mcp"}, args...)...) }()
	client := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "v0"}, nil)
	session, err := client.Connect(t.Context(), clientT, nil)
	if err != nil {
		t.Fatalf("connecting to axa mcp: %v (the command: %+v)", err, <-s.done)
	}
	s.session = session
	t.Cleanup(func() { _ = s.stop() })
	return s
}

// stop closes the session and returns what the command did: its exit
// code, and its output, which must be nothing but the protocol's. It may
// be called more than once.
func (s *mcpServer) stop() result {
	_ = s.session.Close()
	r := <-s.done
	s.done <- r
	return r
}

// tools lists the server's tools by name.
func (s *mcpServer) tools(t *testing.T) map[string]*mcp.Tool {
	t.Helper()
	list, err := s.session.ListTools(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*mcp.Tool{}
	for _, tool := range list.Tools {
		out[tool.Name] = tool
	}
	return out
}

// call calls a tool; a protocol error fails the test.
func (s *mcpServer) call(t *testing.T, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	res, err := s.session.CallTool(t.Context(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("calling %s: %v", name, err)
	}
	return res
}

// text is the text of a result's text contents, one per line.
func text(res *mcp.CallToolResult) string {
	var lines []string
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			lines = append(lines, tc.Text)
		}
	}
	return strings.Join(lines, "\n")
}

// structured is a result's structured content, as an object.
func structured(t *testing.T, res *mcp.CallToolResult) map[string]any {
	t.Helper()
	data, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("structured content %s: %v", data, err)
	}
	return out
}

// toolError is the JSON of a tool error (its second text content).
func toolErrorOf(t *testing.T, res *mcp.CallToolResult) mcpError {
	t.Helper()
	if !res.IsError {
		t.Fatalf("want a tool error, got %s", text(res))
	}
	var e mcpError
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok && strings.HasPrefix(tc.Text, "{") {
			if err := json.Unmarshal([]byte(tc.Text), &e); err != nil {
				t.Fatalf("the tool error %q: %v", tc.Text, err)
			}
			return e
		}
	}
	t.Fatalf("the tool error has no JSON: %s", text(res))
	return e
}

// resolved is schema (a tool's input or output schema, as the client
// decodes it) resolved as JSON Schema 2020-12, for validating against it.
func resolved(t *testing.T, schema any) *jsonschema.Resolved {
	t.Helper()
	data, err := json.Marshal(schema)
	if err != nil {
		t.Fatal(err)
	}
	var s jsonschema.Schema
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("not a JSON Schema: %v\n%s", err, data)
	}
	r, err := s.Resolve(nil)
	if err != nil {
		t.Fatalf("the schema does not resolve: %v\n%s", err, data)
	}
	return r
}

// servedOperations are the operations axa mcp makes tools of, derived
// from gen's table: those of axa api (not the authorization server's)
// whose request body, if any, is JSON; the writes only with allowWrites.
func servedOperations(allowWrites bool) []string {
	var ids []string
	for _, op := range gen.Operations() {
		doc, _ := gen.LookupOperationDoc(op.ID)
		if op.AuthorizationServer || doc.Body != nil && doc.Body.Kind != gen.KindJSON {
			continue
		}
		if isWrite(op.Method) && !allowWrites {
			continue
		}
		ids = append(ids, string(op.ID))
	}
	slices.Sort(ids)
	return ids
}

// hasKey reports whether the operation takes an Idempotency-Key.
func hasKey(doc gen.OperationDoc) bool {
	return slices.ContainsFunc(doc.Parameters, func(p gen.Parameter) bool {
		return p.In == "header" && strings.EqualFold(p.Name, "Idempotency-Key")
	})
}

// Every operation of the API (the authorization server's left out) is a
// tool named by its operationId, with its scope in its description and
// its _meta; the writes only with --allow-writes, annotated as writes.
func TestMCPListsAToolPerOperation(t *testing.T) {
	doc, err := api.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, allowWrites := range []bool{false, true} {
		var args []string
		if allowWrites {
			args = append(args, "--allow-writes")
		}
		s := serveMCP(t, nil, args...)
		tools := s.tools(t)
		if got, want := slices.Sorted(func(yield func(string) bool) {
			for n := range tools {
				if !yield(n) {
					return
				}
			}
		}), servedOperations(allowWrites); !slices.Equal(got, want) {
			t.Errorf("--allow-writes=%v: tools %v, want %v", allowWrites, got, want)
		}
		for name, tool := range tools {
			op, ok := gen.LookupOperation(gen.OperationID(name))
			if !ok {
				t.Errorf("tool %s is no operation", name)
				continue
			}
			opDoc, _ := gen.LookupOperationDoc(op.ID)
			scopes, _ := axa.RequiredScopes(name)
			meta, _ := json.Marshal(tool.Meta[mcpMetaScopes])
			want, _ := json.Marshal(nonNil(scopes))
			if !bytes.Equal(meta, want) {
				t.Errorf("%s: _meta %s = %s, want %s", name, mcpMetaScopes, meta, want)
			}
			for _, sc := range scopes {
				if !strings.Contains(tool.Description, "Needs scope "+sc) {
					t.Errorf("%s: the description does not say it needs %s:\n%s", name, sc, tool.Description)
				}
			}
			if len(scopes) == 0 && !strings.Contains(tool.Description, "Needs no token") {
				t.Errorf("%s: the description does not say it needs no token", name)
			}
			if opDoc.Summary != "" && (tool.Title != opDoc.Summary || !strings.Contains(tool.Description, opDoc.Summary)) {
				t.Errorf("%s: title %q, want the summary %q", name, tool.Title, opDoc.Summary)
			}
			a := tool.Annotations
			write := isWrite(op.Method)
			if a == nil || a.ReadOnlyHint == write {
				t.Errorf("%s (%s): annotations %+v, want read-only %v", name, op.Method, a, !write)
				continue
			}
			if write {
				pathOp := doc.Paths.Find(op.Path).GetOperation(op.Method)
				destructive := op.Method == http.MethodDelete || pathOp.Extensions["x-destructive"] == true
				if a.DestructiveHint == nil || *a.DestructiveHint != destructive {
					t.Errorf("%s: destructive hint %v, want %v", name, a.DestructiveHint, destructive)
				}
				if idem := hasKey(opDoc) || op.Method == http.MethodPut || op.Method == http.MethodDelete; a.IdempotentHint != idem {
					t.Errorf("%s: idempotent hint %v, want %v", name, a.IdempotentHint, idem)
				}
			}
			// The input schema: a property per parameter, the body's,
			// the spec's required ones required (not the key, derived).
			in := tool.InputSchema.(map[string]any)
			props, _ := in["properties"].(map[string]any)
			required, _ := in["required"].([]any)
			for _, p := range opDoc.Parameters {
				if props[p.Name] == nil {
					t.Errorf("%s: no input property %s", name, p.Name)
				}
				isReq := slices.Contains(required, any(p.Name))
				if want := p.Required && !strings.EqualFold(p.Name, "Idempotency-Key"); isReq != want {
					t.Errorf("%s: %s required %v, want %v", name, p.Name, isReq, want)
				}
			}
			if opDoc.Body != nil && (props["body"] == nil || slices.Contains(required, any("body")) != opDoc.Body.Required) {
				t.Errorf("%s: the body's input property: %v, required %v", name, props["body"], required)
			}
			resolved(t, tool.InputSchema)
			resolved(t, tool.OutputSchema)
		}
		// The writes: cancelPolicy is destructive (x-destructive),
		// createPolicy is not, and both are idempotent (their key).
		if allowWrites {
			if a := tools["cancelPolicy"].Annotations; a.DestructiveHint == nil || !*a.DestructiveHint || !a.IdempotentHint {
				t.Errorf("cancelPolicy: %+v, want destructive and idempotent", a)
			}
			if a := tools["createPolicy"].Annotations; a.DestructiveHint == nil || *a.DestructiveHint || !a.IdempotentHint {
				t.Errorf("createPolicy: %+v, want not destructive, idempotent", a)
			}
		}
		if r := s.stop(); r.code != ExitOK || r.out != "" {
			t.Errorf("axa mcp: exit %d, stdout %q (want only the protocol's), stderr %q", r.code, r.out, r.err)
		}
	}
}

// exampleArgs are the arguments of a call of tool: its required
// parameters, each the value known (a policy the test issued) or the
// spec's example (else its enum's first value, its default).
func exampleArgs(t *testing.T, doc *openapi3.T, op gen.Operation, known map[string]any) map[string]any {
	t.Helper()
	pathOp := doc.Paths.Find(op.Path).GetOperation(op.Method)
	item := doc.Paths.Find(op.Path)
	args := map[string]any{}
	for _, ref := range append(slices.Clone(item.Parameters), pathOp.Parameters...) {
		p := ref.Value
		if !p.Required || strings.EqualFold(p.Name, "Idempotency-Key") {
			continue
		}
		if v, ok := known[p.Name]; ok {
			args[p.Name] = v
			continue
		}
		var v any
		switch s := p.Schema.Value; {
		case p.Example != nil:
			v = p.Example
		case s.Example != nil:
			v = s.Example
		case len(s.Enum) > 0:
			v = s.Enum[0]
		case s.Default != nil:
			v = s.Default
		}
		for _, ex := range p.Examples {
			if v == nil && ex.Value != nil {
				v = ex.Value.Value
			}
		}
		if v == nil {
			t.Errorf("%s: the required parameter %s has no example", op.ID, p.Name)
		}
		args[p.Name] = v
	}
	return args
}

// callEveryReadTool calls each read tool of s with example arguments and
// returns the results by name.
func callEveryReadTool(t *testing.T, s *mcpServer, known map[string]any) map[string]*mcp.CallToolResult {
	t.Helper()
	doc, err := api.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*mcp.CallToolResult{}
	for name := range s.tools(t) {
		op, _ := gen.LookupOperation(gen.OperationID(name))
		if isWrite(op.Method) {
			continue
		}
		out[name] = s.call(t, name, exampleArgs(t, doc, op, known))
	}
	return out
}

// Each read tool, called with the spec's examples against the sandbox,
// answers: its structured content valid against its output schema, the
// API's JSON answer in it, a document embedded as a resource.
func TestMCPCallsEveryReadTool(t *testing.T) {
	e := newPolicyEnv(t)
	// The spec's example policy is not in the sandbox: a policy issued
	// first is the one the policy tools read.
	policyID, _ := e.issue(sandbox.DefaultClientID, sandbox.DefaultClientSecret, "mcp-read-1")
	s := serveMCP(t, e.factory(sandbox.DefaultClientID, sandbox.DefaultClientSecret))
	tools := s.tools(t)
	results := callEveryReadTool(t, s, map[string]any{"policy_id": policyID})
	if len(results) == 0 {
		t.Fatal("no read tool")
	}
	for name, res := range results {
		if res.IsError {
			t.Errorf("%s: %s", name, text(res))
			continue
		}
		content := structured(t, res)
		if err := resolved(t, tools[name].OutputSchema).Validate(content); err != nil {
			t.Errorf("%s: the structured content is not valid against the output schema: %v\n%.300v", name, err, content)
		}
		doc, _ := gen.LookupOperationDoc(gen.OperationID(name))
		status, _ := content["status"].(float64)
		if !slices.ContainsFunc(doc.Successes, func(s gen.Success) bool { return float64(s.Status) == status }) {
			t.Errorf("%s: status %v, want one of %+v", name, content["status"], doc.Successes)
		}
		if id, _ := content["request_id"].(string); id == "" {
			t.Errorf("%s: no request id", name)
		}
		switch {
		case answersBinary(doc):
			var blob *mcp.ResourceContents
			for _, c := range res.Content {
				if er, ok := c.(*mcp.EmbeddedResource); ok {
					blob = er.Resource
				}
			}
			ct := doc.Successes[0].ContentType
			if blob == nil || blob.MIMEType != ct || len(blob.Blob) == 0 || content["content_type"] != ct {
				t.Errorf("%s: want the %s embedded, got %+v", name, ct, blob)
			} else if ct == "application/pdf" && !bytes.HasPrefix(blob.Blob, []byte("%PDF-")) {
				t.Errorf("%s: the embedded PDF starts %q", name, blob.Blob[:min(8, len(blob.Blob))])
			}
		case doc.Successes[0].Kind == gen.KindJSON:
			if content["answer"] == nil {
				t.Errorf("%s: no answer in %v", name, content)
			}
		}
	}
	if p, _ := structured(t, results["getPolicy"])["answer"].(map[string]any); p["id"] != policyID {
		t.Errorf("getPolicy answered %v, want the policy %s", p, policyID)
	}
	// The text content is the structured content's JSON, for a client
	// that reads text only.
	var fromText map[string]any
	if err := json.Unmarshal([]byte(text(results["getCountry"])), &fromText); err != nil || fromText["answer"] == nil {
		t.Errorf("getCountry's text is not its structured content: %v %.200s", err, text(results["getCountry"]))
	}
}

// policyCount is the number of policies listPolicies answers (one page:
// the tests issue few).
func policyCount(t *testing.T, s *mcpServer) int {
	t.Helper()
	res := s.call(t, "listPolicies", nil)
	if res.IsError {
		t.Fatalf("listPolicies: %s", text(res))
	}
	answer, _ := structured(t, res)["answer"].(map[string]any)
	items, ok := answer["items"].([]any)
	if !ok {
		t.Fatalf("listPolicies answered %v", answer)
	}
	return len(items)
}

// quoteArgs are requestQuote's arguments: a trip a month ahead.
func quoteArgs(t *testing.T) map[string]any {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal([]byte(quoteJSON()), &body); err != nil {
		t.Fatal(err)
	}
	return map[string]any{"body": body}
}

// policyArgs are createPolicy's arguments for the quote.
func policyArgs(t *testing.T, quoteID string) map[string]any {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal([]byte(holderJSON), &body); err != nil {
		t.Fatal(err)
	}
	body["quote_id"] = quoteID
	return map[string]any{"body": body}
}

// Without --allow-writes a write is no tool: calling it by name is a
// tool error that says why, and nothing is sent.
func TestMCPWriteRefusedWithoutAllowWrites(t *testing.T) {
	env := sharedSandbox(t)
	writer := serveMCP(t, &Factory{Getenv: env}, "--allow-writes")
	quote := writer.call(t, "requestQuote", quoteArgs(t))
	if quote.IsError {
		t.Fatalf("requestQuote: %s", text(quote))
	}
	quoteID := structured(t, quote)["answer"].(map[string]any)["id"].(string)

	s := serveMCP(t, &Factory{Getenv: env})
	before := policyCount(t, s)
	for _, name := range []string{"createPolicy", "requestQuote", "cancelPolicy"} {
		args := policyArgs(t, quoteID)
		e := toolErrorOf(t, s.call(t, name, args))
		if e.Code != "tool_not_served" || !strings.Contains(e.Description, "--allow-writes") {
			t.Errorf("%s without --allow-writes: %+v, want tool_not_served naming --allow-writes", name, e)
		}
	}
	if after := policyCount(t, s); after != before {
		t.Errorf("%d policies after the refused calls, %d before", after, before)
	}
}

// The same createPolicy call twice issues one policy: the second is the
// API's replay of the first (the same derived Idempotency-Key), and says
// so; another key issues another.
func TestMCPRepeatedWriteIsReplayed(t *testing.T) {
	s := serveMCP(t, &Factory{Getenv: sharedSandbox(t)}, "--allow-writes")
	quote := s.call(t, "requestQuote", quoteArgs(t))
	if quote.IsError {
		t.Fatalf("requestQuote: %s", text(quote))
	}
	quoteID := structured(t, quote)["answer"].(map[string]any)["id"].(string)
	before := policyCount(t, s)

	var ids, keys []string
	var replayed []bool
	for range 2 {
		res := s.call(t, "createPolicy", policyArgs(t, quoteID))
		if res.IsError {
			t.Fatalf("createPolicy: %s", text(res))
		}
		c := structured(t, res)
		ids = append(ids, c["answer"].(map[string]any)["id"].(string))
		key, _ := c["idempotency_key"].(string)
		keys = append(keys, key)
		r, _ := c["idempotent_replayed"].(bool)
		replayed = append(replayed, r)
	}
	if ids[0] != ids[1] || keys[0] != keys[1] || !strings.HasPrefix(keys[0], mcpKeyPrefix) {
		t.Errorf("two identical calls: policies %v with keys %v, want one policy, one derived key", ids, keys)
	}
	if replayed[0] || !replayed[1] {
		t.Errorf("replayed %v, want the second call alone replayed", replayed)
	}
	if after := policyCount(t, s); after != before+1 {
		t.Errorf("%d policies after two identical calls, %d before: want one more", after, before)
	}

	// A key of the agent's own acts again: the same quote arguments with
	// it make another quote, from which another policy is issued.
	qargs := quoteArgs(t)
	qargs["Idempotency-Key"] = "agent-quote-2"
	quote = s.call(t, "requestQuote", qargs)
	if quote.IsError {
		t.Fatalf("requestQuote with a key: %s", text(quote))
	}
	other := structured(t, quote)["answer"].(map[string]any)["id"].(string)
	if other == quoteID {
		t.Fatalf("requestQuote with the agent's key answered the first quote %s", quoteID)
	}
	args := policyArgs(t, other)
	args["Idempotency-Key"] = "agent-key-2"
	res := s.call(t, "createPolicy", args)
	if res.IsError {
		t.Fatalf("createPolicy with a key: %s", text(res))
	}
	if c := structured(t, res); c["idempotency_key"] != "agent-key-2" || c["answer"].(map[string]any)["id"] == ids[0] {
		t.Errorf("createPolicy with the agent's key: %v", c)
	}
}

// A call the spec refuses, and one the API refuses, are tool errors
// listing each problem with its location, for the agent to correct.
func TestMCPErrorsCarryProblems(t *testing.T) {
	s := serveMCP(t, nil, "--allow-writes")
	for _, tc := range []struct {
		tool string
		args map[string]any
		locs []string // each a problem's location
	}{
		{"getCountry", map[string]any{"country_id": "france"}, []string{"path/country_id"}},
		{"getCountry", map[string]any{}, []string{"path/country_id"}},
		{"getCountry", map[string]any{"country_id": "fr", "planet": "mars"}, []string{"planet"}},
		{"searchMedicalProviders", map[string]any{"lat": "north", "lng": 2.35, "radius": 1.5}, []string{"query/lat", "query/radius"}},
		{"listAlerts", map[string]any{"min_level": "severe"}, []string{"query/min_level"}},
		{"requestQuote", map[string]any{"body": map[string]any{"trip_type": "single_trip"}}, []string{"body/origin_country", "body/travellers"}},
		{"requestQuote", map[string]any{}, []string{"body"}},
	} {
		e := toolErrorOf(t, s.call(t, tc.tool, tc.args))
		var locs []string
		for _, p := range e.Problems {
			locs = append(locs, p.Location)
		}
		for _, want := range tc.locs {
			if !slices.Contains(locs, want) {
				t.Errorf("%s %v: problems at %v, want one at %s (%+v)", tc.tool, tc.args, locs, want, e)
			}
		}
		if e.Code != "invalid_arguments" {
			t.Errorf("%s %v: code %q, want invalid_arguments", tc.tool, tc.args, e.Code)
		}
	}

	// The API's own refusal: a quote it does not have.
	res := s.call(t, "createPolicy", policyArgs(t, "0c6f2a3b-1d4e-4f5a-8b9c-000000000000"))
	e := toolErrorOf(t, res)
	if e.Status < 400 || e.Code == "" || e.RequestID == "" || e.Description == "" {
		t.Errorf("createPolicy of an unknown quote: %+v, want the API's status, code, description and request id", e)
	}
	// A body the API refuses field by field (a date the spec's schema
	// allows, but not the API: the end before the start).
	body := quoteArgs(t)["body"].(map[string]any)
	body["end_date"], body["start_date"] = body["start_date"], body["end_date"]
	e = toolErrorOf(t, s.call(t, "requestQuote", map[string]any{"body": body}))
	if e.Status != http.StatusBadRequest && e.Status != http.StatusUnprocessableEntity || len(e.Problems) == 0 {
		t.Errorf("requestQuote ending before it starts: %+v, want the API's 400 or 422 with its problems", e)
	}
}

// recordTokens records the bearer tokens the client sends.
type recordTokens struct {
	mu     sync.Mutex
	tokens []string
}

func (r *recordTokens) RoundTrip(req *http.Request) (*http.Response, error) {
	if tok, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer "); ok {
		r.mu.Lock()
		if !slices.Contains(r.tokens, tok) {
			r.tokens = append(r.tokens, tok)
		}
		r.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(req)
}

func (r *recordTokens) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.tokens)
}

// No result, tool error or log line of axa mcp shows the client secret
// or a token: the calls that succeed, those the API refuses, those that
// cannot get a token.
func TestMCPNeverShowsASecret(t *testing.T) {
	const id, secret = "canary-client", "canary-secret-7f3a9c1e5b"
	var scopes []string
	for _, s := range gen.AllScopes() {
		scopes = append(scopes, string(s))
	}
	sb, err := sandbox.New(sandbox.WithClient(sandbox.Client{ID: id, Secret: secret, Scopes: scopes}))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	rec := &recordTokens{}
	factory := func(secret string) *Factory {
		env := map[string]string{"AXA_BASE_URL": srv.URL(), "AXA_CLIENT_ID": id, "AXA_CLIENT_SECRET": secret, EnvStateDir: t.TempDir()}
		return &Factory{Getenv: func(k string) string { return env[k] }, ClientOptions: []axa.Option{axa.WithTransport(rec)}}
	}

	var shown []string // everything axa mcp said
	say := func(v any) {
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		shown = append(shown, string(data))
	}
	for _, sec := range []string{secret, "wrong-" + secret} {
		s := serveMCP(t, factory(sec), "--allow-writes", "--verbose")
		say(s.tools(t))
		for _, res := range callEveryReadTool(t, s, nil) {
			say(res)
		}
		say(s.call(t, "getCountry", map[string]any{"country_id": "france"}))
		say(s.call(t, "createPolicy", policyArgs(t, "0c6f2a3b-1d4e-4f5a-8b9c-000000000000")))
		say(s.call(t, "requestQuote", quoteArgs(t)))
		r := s.stop()
		shown = append(shown, r.out, r.err)
		if sec != secret && !strings.Contains(r.err+strings.Join(shown, ""), "invalid_client") {
			t.Errorf("with a wrong secret, no call says invalid_client: the test does not reach the token errors")
		}
	}
	tokens := rec.list()
	if len(tokens) == 0 {
		t.Fatal("no token was sent: the test proves nothing")
	}
	all := strings.Join(shown, "\n")
	for _, s := range append(tokens, secret) {
		if strings.Contains(all, s) {
			t.Errorf("axa mcp showed the secret or token %.12s...", s)
		}
	}
}

// --scope serves only the tools whose scope it names (and those that need
// none); a call of another is a tool error naming the scope; a scope the
// API does not have is a usage error.
func TestMCPScopeLimitsTools(t *testing.T) {
	scope := string(gen.ScopeTravelCountriesReadOnly)
	s := serveMCP(t, nil, "--scope", scope, "--allow-writes")
	tools := s.tools(t)
	for _, name := range servedOperations(true) {
		needs, _ := axa.RequiredScopes(name)
		inScope := !slices.ContainsFunc(needs, func(sc string) bool { return sc != scope })
		if _, served := tools[name]; served != inScope {
			t.Errorf("--scope %s: %s (needs %v) served %v, want %v", scope, name, needs, served, inScope)
		}
	}
	if len(tools) == 0 {
		t.Fatal("no tool served")
	}
	e := toolErrorOf(t, s.call(t, "listAlerts", nil))
	if e.Code != "tool_not_served" || !strings.Contains(e.Description, "--scope") {
		t.Errorf("listAlerts outside --scope: %+v", e)
	}
	if res := s.call(t, "getCountry", map[string]any{"country_id": "jp"}); res.IsError {
		t.Errorf("getCountry within --scope: %s", text(res))
	}

	for _, args := range [][]string{
		{"mcp", "--scope", "urn:axa.assistance.travel.everything"},
		{"mcp", "--addr", "0.0.0.0:0"},
		{"mcp", "--addr", "example.com:80"},
		{"mcp", "extra"},
	} {
		if r := run(t, nil, args...); r.code != ExitUsage || r.out != "" {
			t.Errorf("axa %s: exit %d, out %q, err %q; want a usage error", strings.Join(args, " "), r.code, r.out, r.err)
		}
	}
}

// The input schemas are the spec's, converted from OpenAPI 3.0: nullable
// is a "null" type, a boolean exclusive bound the bound, an example
// examples.
func TestJSONSchemaConvertsOpenAPI30(t *testing.T) {
	one, two := 1.0, 2.0
	yes := true
	s := &openapi3.Schema{
		Type: &openapi3.Types{"number"}, Nullable: true, Min: &one, ExclusiveMin: openapi3.ExclusiveBound{Bool: &yes},
		Max: &two, Example: 1.5, Enum: []any{1.5, 2.0},
		Discriminator: &openapi3.Discriminator{PropertyName: "x"},
	}
	got, err := json.Marshal(jsonSchema(s, true))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"enum":[1.5,2,null],"examples":[1.5],"exclusiveMinimum":1,"maximum":2,"type":["number","null"]}`
	if string(got) != want {
		t.Errorf("jsonSchema = %s, want %s", got, want)
	}
	if got, err := json.Marshal(jsonSchema(s, false)); err != nil || strings.Contains(string(got), "examples") {
		t.Errorf("jsonSchema without examples = %s, %v", got, err)
	}
	// A schema that refers to itself is cut where it recurs.
	node := &openapi3.Schema{Type: &openapi3.Types{"object"}}
	node.Properties = openapi3.Schemas{"next": &openapi3.SchemaRef{Value: node}}
	if got, err := json.Marshal(jsonSchema(node, true)); err != nil || string(got) != `{"properties":{"next":{}},"type":"object"}` {
		t.Errorf("a recursive schema: %s %v", got, err)
	}
}

// derivedKey fits the spec's Idempotency-Key and is the same for the same
// arguments whatever their order, another for others.
func TestDerivedKey(t *testing.T) {
	a := derivedKey("createPolicy", map[string]any{"body": map[string]any{"a": 1, "b": "x"}})
	b := derivedKey("createPolicy", map[string]any{"body": map[string]any{"b": "x", "a": 1}})
	c := derivedKey("createPolicy", map[string]any{"body": map[string]any{"a": 2, "b": "x"}})
	d := derivedKey("cancelPolicy", map[string]any{"body": map[string]any{"a": 1, "b": "x"}})
	if a != b || a == c || a == d {
		t.Errorf("keys %s %s %s %s: want the first two alone equal", a, b, c, d)
	}
	doc, err := api.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	key := doc.Components.Parameters["IdempotencyKey"].Value.Schema.Value
	if err := key.VisitJSON(a); err != nil {
		t.Errorf("the derived key %q does not fit the spec's Idempotency-Key: %v", a, err)
	}
}

// Calls in flight together (an agent's client may send several) each get
// their own answer: the server shares one client, the spec and its router.
func TestMCPConcurrentCalls(t *testing.T) {
	s := serveMCP(t, nil)
	countries := []string{"fr", "jp", "de", "br", "it", "es", "us", "ca"}
	var wg sync.WaitGroup
	results := make([]*mcp.CallToolResult, len(countries))
	errs := make([]error, len(countries))
	for i, id := range countries {
		wg.Go(func() {
			results[i], errs[i] = s.session.CallTool(t.Context(), &mcp.CallToolParams{Name: "getCountry", Arguments: map[string]any{"country_id": id}})
		})
	}
	wg.Wait()
	for i, id := range countries {
		if errs[i] != nil || results[i].IsError {
			t.Errorf("getCountry %s: %v %+v", id, errs[i], results[i])
			continue
		}
		if got := structured(t, results[i])["answer"].(map[string]any)["id"]; got != id {
			t.Errorf("getCountry %s answered %v", id, got)
		}
	}
}
