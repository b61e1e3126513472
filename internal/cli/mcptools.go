//go:build !axa_thin

package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/oprouter"
	"github.com/axa-assistance-go/axa/internal/specmedia"
	"github.com/axa-assistance-go/axa/internal/specresponse"
	"github.com/axa-assistance-go/axa/pkg/axa"
)

// The tools of `axa mcp`: one per operation of the API (the authorization
// server's left out, as for `axa api`), made at run time from gen's
// operation table and the embedded spec, so that an operation added to
// api/openapi.yaml is a tool after go generate with no hand edit.
//
// A tool is named by the operationId; its title is the summary, its
// description the summary, the description, the scope it needs and, for a
// write, how repeated calls are answered. Its input schema has a property
// per parameter (by the spec's name: country_id, Accept-Language) and
// "body" for a JSON request body, each the spec's schema converted to JSON
// Schema (jsonSchema). Its structured content is an object: the API's
// answer under "answer" (a JSON answer: several are arrays, and MCP wants
// an object), with the status and the request id, and for a write the
// Idempotency-Key sent and whether the API replayed a first answer.
//
// Operations whose request body is not JSON (multipart/form-data, raw
// bytes, a form) are not tools: a tool's arguments are JSON, and files are
// for `axa api --form/--file`. An answer that is not JSON (a PDF) is
// returned as an embedded resource, its bytes base64-encoded.

// Metadata keys of a tool (Tool.Meta): what it needs and what it calls.
const (
	mcpMetaScopes    = "axa/scopes"
	mcpMetaOperation = "axa/operation"
	mcpMetaMethod    = "axa/method"
	mcpMetaPath      = "axa/path"
)

// destructiveExtension marks a write of the spec that undoes or destroys
// something (a cancellation) where its method does not say so; a DELETE
// is destructive without it. The contract's rule "destructive" checks it.
const destructiveExtension = "x-destructive"

// idempotencyKeyParam is the header parameter of a POST that the API
// answers once per key.
const idempotencyKeyParam = "Idempotency-Key"

// mcpKeyPrefix starts every Idempotency-Key that axa mcp derives from a
// call's arguments.
const mcpKeyPrefix = "mcp-"

// mcpOptions are the flags of axa mcp that choose its tools.
type mcpOptions struct {
	// allowWrites serves the operations that are not GET or HEAD.
	allowWrites bool
	// scopes, when not empty, keep only the tools whose operation needs
	// no scope outside them (--scope).
	scopes []string
}

// mcpTool is one operation of the API as a tool.
type mcpTool struct {
	op     gen.Operation
	doc    gen.OperationDoc
	scopes []string
	// write is an operation that is not GET or HEAD; destructive and
	// idempotent are its annotations' hints.
	write, destructive, idempotent bool
	// keyParam is the name of its Idempotency-Key parameter, "" without
	// one; bodyArg the argument that holds its JSON body, "" for none.
	keyParam, bodyArg string
	// params are its parameters by argument name.
	params map[string]gen.Parameter
	tool   *mcp.Tool
}

// mcpToolSet is the tools of a server, and the operations it does not
// serve, by name, with the reason.
type mcpToolSet struct {
	tools    []*mcpTool
	withheld map[string]string
}

// isWrite reports whether an operation of method changes something: any
// but GET and HEAD.
func isWrite(method string) bool { return method != http.MethodGet && method != http.MethodHead }

// buildMCPTools makes the tools of the spec's operations, opts choosing
// which are served.
func buildMCPTools(spec *localSpec, opts mcpOptions) (*mcpToolSet, error) {
	set := &mcpToolSet{withheld: map[string]string{}}
	for _, op := range apiOperations() {
		id := string(op.ID)
		doc, ok := gen.LookupOperationDoc(op.ID)
		if !ok {
			return nil, fmt.Errorf("axa mcp: %s: no documentation generated", id)
		}
		lo, ok := spec.ops[id]
		if !ok || lo.op == nil {
			return nil, fmt.Errorf("axa mcp: %s: not in the embedded spec", id)
		}
		scopes, _ := axa.RequiredScopes(id)
		if doc.Body != nil && doc.Body.Kind != gen.KindJSON {
			set.withheld[id] = fmt.Sprintf("its request body is %s, which a tool's JSON arguments do not carry: use `axa api %s`", doc.Body.ContentType, id)
			continue
		}
		if len(opts.scopes) > 0 {
			if outside := slices.DeleteFunc(slices.Clone(scopes), func(s string) bool { return slices.Contains(opts.scopes, s) }); len(outside) > 0 {
				set.withheld[id] = "it needs the scope " + strings.Join(outside, " ") + ", which --scope leaves out"
				continue
			}
		}
		if isWrite(op.Method) && !opts.allowWrites {
			set.withheld[id] = "it writes (" + op.Method + "), and axa mcp serves writes only with --allow-writes"
			continue
		}
		t, err := newMCPTool(op, doc, lo, scopes)
		if err != nil {
			return nil, err
		}
		set.tools = append(set.tools, t)
	}
	return set, nil
}

// newMCPTool makes the tool of one operation.
func newMCPTool(op gen.Operation, doc gen.OperationDoc, lo localOp, scopes []string) (*mcpTool, error) {
	id := string(op.ID)
	t := &mcpTool{op: op, doc: doc, scopes: scopes, write: isWrite(op.Method), params: map[string]gen.Parameter{}}
	props := map[string]any{}
	var required []string
	for _, p := range doc.Parameters {
		t.params[p.Name] = p
		var schema map[string]any
		for _, ref := range lo.params {
			if ref.Value.Name == p.Name && ref.Value.In == p.In && ref.Value.Schema != nil {
				schema = jsonSchema(ref.Value.Schema.Value, true)
			}
		}
		if schema == nil {
			schema = map[string]any{}
		}
		desc := strings.TrimSpace(p.Description)
		if desc == "" {
			desc = "The " + p.In + " parameter " + p.Name + "."
		}
		desc += " (" + p.In + " parameter)"
		isKey := t.write && p.In == "header" && strings.EqualFold(p.Name, idempotencyKeyParam)
		if isKey {
			t.keyParam = p.Name
			desc += " Optional here: without it, a key derived from the other arguments is sent, so that a call repeated with the same arguments is answered with the first result instead of acting twice; give a new key to act again with the same arguments."
		}
		if p.Deprecated {
			desc += " Deprecated by the API."
		}
		schema["description"] = desc
		props[p.Name] = schema
		if p.Required && !isKey {
			required = append(required, p.Name)
		}
	}
	if doc.Body != nil {
		t.bodyArg = "body"
		for props[t.bodyArg] != nil {
			t.bodyArg = "request_" + t.bodyArg
		}
		var schema map[string]any
		if rb := lo.op.RequestBody; rb != nil && rb.Value != nil {
			if mt := rb.Value.Content.Get(doc.Body.ContentType); mt != nil && mt.Schema != nil {
				schema = jsonSchema(mt.Schema.Value, true)
			}
		}
		if schema == nil {
			schema = map[string]any{}
		}
		desc := "The request body"
		if doc.Body.Schema != "" {
			desc += ", a " + doc.Body.Schema
		}
		desc += " (sent as " + doc.Body.ContentType + ")."
		if d := strings.TrimSpace(doc.Body.Description); d != "" {
			desc += " " + d
		}
		if d, _ := schema["description"].(string); d != "" {
			desc += " " + d
		}
		schema["description"] = desc
		props[t.bodyArg] = schema
		if doc.Body.Required {
			required = append(required, t.bodyArg)
		}
	}
	input := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		input["required"] = required
	}

	t.destructive = op.Method == http.MethodDelete || lo.op.Extensions[destructiveExtension] == true
	t.idempotent = !t.write || op.Method == http.MethodPut || op.Method == http.MethodDelete || t.keyParam != ""
	closed := false
	ann := &mcp.ToolAnnotations{Title: doc.Summary, ReadOnlyHint: !t.write, IdempotentHint: t.idempotent, OpenWorldHint: &closed}
	if t.write {
		ann.DestructiveHint = &t.destructive
	}
	t.tool = &mcp.Tool{
		Name:         id,
		Title:        doc.Summary,
		Description:  t.description(),
		InputSchema:  input,
		OutputSchema: outputSchema(t, lo.op),
		Annotations:  ann,
		Meta: mcp.Meta{
			mcpMetaScopes:    nonNil(scopes),
			mcpMetaOperation: id,
			mcpMetaMethod:    op.Method,
			mcpMetaPath:      op.Path,
		},
	}
	return t, nil
}

// nonNil is list, or an empty list for nil: JSON's [] rather than null.
func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

// description is the tool's description: what the operation does, as
// the spec says, the scope it needs, and what a write does when repeated.
func (t *mcpTool) description() string {
	var b strings.Builder
	b.WriteString(t.op.Method + " " + t.op.Path)
	if t.doc.Summary != "" {
		b.WriteString(": " + t.doc.Summary)
	}
	b.WriteString(".")
	if d := strings.TrimSpace(t.doc.Description); d != "" {
		b.WriteString("\n\n" + d)
	}
	if len(t.scopes) > 0 {
		b.WriteString("\n\nNeeds scope " + strings.Join(t.scopes, " ") + ": each call gets a token of this scope alone.")
	} else {
		b.WriteString("\n\nNeeds no token.")
	}
	switch {
	case !t.write:
		b.WriteString(" Reads only.")
	case t.keyParam != "":
		b.WriteString(" Writes. A call repeated with the same arguments sends the same Idempotency-Key and is answered with the first call's result (idempotent_replayed: true), never acting twice.")
	default:
		b.WriteString(" Writes.")
	}
	if t.destructive {
		b.WriteString(" Destructive: it cannot be undone.")
	}
	if t.doc.Deprecated {
		b.WriteString("\n\nDeprecated by the API" + deprecationReason(t.doc) + ".")
	}
	b.WriteString("\n\nThe result's structured content holds the API's answer (\"answer\"), the HTTP status and the request id.")
	if answersBinary(t.doc) {
		b.WriteString(" The answer, " + t.doc.Successes[0].ContentType + ", comes as an embedded resource.")
	}
	return b.String()
}

// outputSchema is the schema of a tool's structured content: the status,
// the request id, the answer (the JSON success's schema; several, any of
// them), for a write with a key the key and the replay flag, for a binary
// answer its media type and size.
func outputSchema(t *mcpTool, op *openapi3.Operation) map[string]any {
	var statuses []any
	var answers []any
	allJSON := len(t.doc.Successes) > 0
	binary := false
	for _, s := range t.doc.Successes {
		statuses = append(statuses, s.Status)
		switch s.Kind {
		case gen.KindJSON:
			if op.Responses == nil {
				continue
			}
			if ref := op.Responses.Status(s.Status); ref != nil && ref.Value != nil {
				if mt := ref.Value.Content.Get(s.ContentType); mt != nil && mt.Schema != nil {
					answers = append(answers, jsonSchema(mt.Schema.Value, false))
					continue
				}
			}
			answers = append(answers, map[string]any{})
		case gen.KindBinary:
			binary = true
			allJSON = false
		default:
			allJSON = false
		}
	}
	props := map[string]any{
		"status":     map[string]any{"type": "integer", "description": "The HTTP status of the answer.", "enum": statuses},
		"request_id": map[string]any{"type": "string", "description": "The answer's X-Request-Id, to quote to support."},
	}
	required := []any{"status"}
	switch len(answers) {
	case 0:
	case 1:
		props["answer"] = answers[0]
	default:
		props["answer"] = map[string]any{"anyOf": answers}
	}
	if len(answers) > 0 {
		if a, ok := props["answer"].(map[string]any); ok {
			if _, has := a["description"]; !has {
				a["description"] = "The API's answer, as the spec describes it."
			}
		}
		if allJSON {
			required = append(required, "answer")
		}
	}
	if binary {
		props["content_type"] = map[string]any{"type": "string", "description": "The media type of a document answered, embedded as a resource."}
		props["size"] = map[string]any{"type": "integer", "description": "The size of that document, in bytes."}
	}
	if t.keyParam != "" {
		props["idempotency_key"] = map[string]any{"type": "string", "description": "The Idempotency-Key sent."}
		props["idempotent_replayed"] = map[string]any{"type": "boolean", "description": "Whether the API answered with the result of a first call with the same key, instead of acting again."}
		required = append(required, "idempotency_key", "idempotent_replayed")
	}
	return map[string]any{"type": "object", "properties": props, "required": required}
}

// mcpProblem is one problem of a call's arguments or request, as the API's
// problems are: where (path/country_id, body/travellers/0/birth_date) and
// what is wanted.
type mcpProblem struct {
	Location string `json:"location,omitempty"`
	Value    any    `json:"value,omitempty"`
	Message  string `json:"message"`
}

// mcpError is the body of a tool error: what failed and, for a request
// the spec or the API refused, each problem, so that an agent can correct
// its arguments and call again.
type mcpError struct {
	Operation      string       `json:"operation"`
	Status         int          `json:"status,omitempty"`
	Code           string       `json:"code,omitempty"`
	Description    string       `json:"description"`
	Problems       []mcpProblem `json:"problems,omitempty"`
	RequestID      string       `json:"request_id,omitempty"`
	Retryable      bool         `json:"retryable,omitempty"`
	RequiredScopes []string     `json:"required_scopes,omitempty"`
	GrantedScopes  []string     `json:"granted_scopes,omitempty"`
}

// mcpCall is what a tool call needs besides its arguments.
type mcpCall struct {
	f      *Factory
	client *axa.Client
	spec   *localSpec
	router *oprouter.Router
}

// toolError is the result of a failed call: IsError, a line saying what
// failed, and the error as JSON. Every text goes through the factory's
// redaction, as the error line of every command does.
func (c *mcpCall) toolError(e mcpError) *mcp.CallToolResult {
	e.Description = c.f.redact(e.Description)
	line := e.Operation + " failed"
	if e.Status != 0 {
		line += fmt.Sprintf(": %d %s", e.Status, http.StatusText(e.Status))
	}
	if e.Code != "" {
		line += ": " + e.Code
	}
	line += ": " + e.Description
	data, err := json.Marshal(e)
	if err != nil { // strings and ints: cannot fail
		data = []byte(`{}`)
	}
	return &mcp.CallToolResult{
		IsError: true,
		Content: []mcp.Content{
			&mcp.TextContent{Text: c.f.redact(line)},
			&mcp.TextContent{Text: c.f.redact(string(data))},
		},
	}
}

// invalidArguments is the tool error of arguments that do not fit the
// operation.
func (c *mcpCall) invalidArguments(id string, problems []mcpProblem) *mcp.CallToolResult {
	return c.toolError(mcpError{
		Operation: id, Code: "invalid_arguments", Problems: problems,
		Description: "the arguments do not fit the operation, nothing was sent: correct the problems listed and call again",
	})
}

// handler is the tool's handler.
func (t *mcpTool) handler(c *mcpCall) mcp.ToolHandler {
	return func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return c.call(ctx, t, req.Params.Arguments), nil
	}
}

// call calls the tool's operation with the arguments: checked against the
// spec, then sent through the SDK (a token of the operation's scope, the
// retries), the answer checked against the spec.
func (c *mcpCall) call(ctx context.Context, t *mcpTool, rawArgs json.RawMessage) *mcp.CallToolResult {
	id := string(t.op.ID)
	args := map[string]any{}
	if len(bytes.TrimSpace(rawArgs)) > 0 && !bytes.Equal(bytes.TrimSpace(rawArgs), []byte("null")) {
		dec := json.NewDecoder(bytes.NewReader(rawArgs))
		dec.UseNumber()
		if err := dec.Decode(&args); err != nil || args == nil {
			return c.invalidArguments(id, []mcpProblem{{Message: "the arguments are not a JSON object"}})
		}
	}
	params, body, problems := t.request(args)
	if t.keyParam != "" {
		if _, given := params[t.keyParam]; !given {
			params[t.keyParam] = []string{derivedKey(id, args)}
		}
	}
	if p, ok := t.params["Accept-Language"]; ok && p.In == "header" && c.f.lang != "" {
		if _, given := params[p.Name]; !given {
			params[p.Name] = []string{c.f.lang}
		}
	}
	var decoded any
	if body != nil {
		_ = json.Unmarshal(body, &decoded) // it came from JSON
	} else if t.doc.Body != nil && t.doc.Body.Required {
		problems = append(problems, mcpProblem{Location: t.bodyArg, Message: "missing"})
	}
	for _, p := range c.spec.check(id, params, decoded) {
		loc := p.loc
		if rest, ok := strings.CutPrefix(loc, "body"); ok && t.bodyArg != "body" {
			loc = t.bodyArg + rest
		}
		prob := mcpProblem{Location: loc, Message: p.message}
		if quoteValue(p.value) != "" { // a short string, a number, a boolean
			prob.Value = p.value
		}
		problems = append(problems, prob)
	}
	var rb *axa.RequestBody
	if body != nil {
		rb = &axa.RequestBody{ContentType: t.doc.Body.ContentType, Content: bytes.NewReader(body)}
	}
	if len(problems) == 0 {
		if err := axa.ValidateInvokeStream(id, params, rb); err != nil {
			var ie *axa.InvalidRequestError
			if !errors.As(err, &ie) {
				return c.toolError(mcpError{Operation: id, Description: err.Error()})
			}
			for _, p := range ie.Problems {
				problems = append(problems, mcpProblem{Message: p})
			}
		}
	}
	if len(problems) > 0 {
		return c.invalidArguments(id, problems)
	}

	ctx, cancel := context.WithTimeout(ctx, c.f.timeout)
	defer cancel()
	var resp axa.Response
	s, err := c.client.InvokeStream(ctx, id, params, rb, axa.WithResponseInto(&resp))
	if err != nil {
		return c.apiError(id, err)
	}
	raw, err := io.ReadAll(io.LimitReader(s, maxJSONAnswer+1))
	_ = s.Close()
	if err != nil {
		return c.toolError(mcpError{Operation: id, Status: resp.StatusCode, RequestID: resp.RequestID, Description: "reading the answer: " + err.Error()})
	}
	if len(raw) > maxJSONAnswer {
		return c.toolError(mcpError{Operation: id, Status: resp.StatusCode, RequestID: resp.RequestID,
			Description: fmt.Sprintf("the answer is larger than %d MiB: use `axa api %s --output FILE`", maxJSONAnswer>>20, id)})
	}
	return c.answer(t, params, &resp, s.ContentType, raw)
}

// request turns a call's arguments into the operation's parameters (by
// the spec's names, as text) and its JSON body, with the problems of
// arguments that are no parameter or of the wrong kind.
func (t *mcpTool) request(args map[string]any) (map[string][]string, []byte, []mcpProblem) {
	params := map[string][]string{}
	var body []byte
	var problems []mcpProblem
	for _, name := range sortedKeys(args) {
		v := args[name]
		if name == t.bodyArg && t.bodyArg != "" {
			if v == nil {
				continue
			}
			data, err := json.Marshal(v)
			if err != nil {
				problems = append(problems, mcpProblem{Location: name, Message: "not JSON: " + err.Error()})
				continue
			}
			body = data
			continue
		}
		p, ok := t.params[name]
		if !ok {
			for n, q := range t.params {
				if q.In == "header" && strings.EqualFold(n, name) {
					p, ok = q, true
				}
			}
		}
		if !ok {
			problems = append(problems, mcpProblem{Location: name, Message: "not an argument of " + string(t.op.ID) + ": want one of " + strings.Join(t.argumentNames(), ", ")})
			continue
		}
		if v == nil {
			continue // JSON null: not given
		}
		loc := p.In + "/" + p.Name
		values, prob := paramText(v, p.Type == "array")
		if prob != "" {
			problems = append(problems, mcpProblem{Location: loc, Message: prob})
			continue
		}
		params[p.Name] = values
	}
	return params, body, problems
}

// argumentNames are the names a tool takes, sorted.
func (t *mcpTool) argumentNames() []string {
	names := sortedKeys(t.params)
	if t.bodyArg != "" {
		names = append(names, t.bodyArg)
		slices.Sort(names)
	}
	return names
}

// sortedKeys returns m's keys, sorted.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// paramText is the text of a parameter's argument: a string as it is, a
// number as written, a boolean as true or false; an array's items each
// so, for an array parameter (a single value is one item). The local
// check then says whether the text fits the parameter's schema.
func paramText(v any, array bool) ([]string, string) {
	scalar := func(v any) (string, bool) {
		switch x := v.(type) {
		case string:
			return x, true
		case json.Number:
			return x.String(), true
		case bool:
			return strconv.FormatBool(x), true
		}
		return "", false
	}
	if list, ok := v.([]any); ok {
		if !array {
			return nil, "want one value, not an array"
		}
		out := make([]string, 0, len(list))
		for _, item := range list {
			s, ok := scalar(item)
			if !ok {
				return nil, "want an array of strings, numbers or booleans"
			}
			out = append(out, s)
		}
		return out, ""
	}
	s, ok := scalar(v)
	if !ok {
		return nil, "want a string, a number or a boolean, not an object"
	}
	return []string{s}, ""
}

// derivedKey is the Idempotency-Key of a write called without one: the
// same for the same operation and arguments (the arguments' JSON, its
// object keys sorted), so that an agent's retry is answered with the
// first result. It fits the spec's key: printable ASCII, 68 characters.
func derivedKey(id string, args map[string]any) string {
	data, err := json.Marshal(args) // map keys sorted, numbers as written
	if err != nil {                 // decoded from JSON: cannot fail
		data = nil
	}
	sum := sha256.Sum256(append([]byte(id+"\x00"), data...))
	return mcpKeyPrefix + hex.EncodeToString(sum[:])
}

// apiError is the tool error of a call that failed: the API's refusal with
// its status, code, description, problems and request id; the SDK's
// refusal of the request with its problems; or what else failed (a token,
// the network), said as the error line of the other commands says it.
func (c *mcpCall) apiError(id string, err error) *mcp.CallToolResult {
	var ae *axa.Error
	if errors.As(err, &ae) {
		e := mcpError{
			Operation: id, Status: ae.StatusCode, Code: ae.Code, Description: ae.Description,
			RequestID: ae.RequestID, Retryable: ae.Retryable,
			RequiredScopes: ae.RequiredScopes, GrantedScopes: ae.GrantedScopes,
		}
		if e.Description == "" {
			e.Description = http.StatusText(ae.StatusCode)
		}
		for _, p := range ae.Problems {
			e.Problems = append(e.Problems, mcpProblem{Location: p.Location, Message: p.Message})
		}
		return c.toolError(e)
	}
	var ie *axa.InvalidRequestError
	if errors.As(err, &ie) {
		problems := make([]mcpProblem, 0, len(ie.Problems))
		for _, p := range ie.Problems {
			problems = append(problems, mcpProblem{Message: p})
		}
		return c.invalidArguments(id, problems)
	}
	return c.toolError(mcpError{Operation: id, Description: strings.TrimPrefix(oneLine(err, c.f.redact), "axa: ")})
}

// answer is the result of a call the API answered with a success: its
// structured content (status, request id, the answer, the key and the
// replay flag of a write), the same as JSON text, and a document answered
// as an embedded resource. The answer is checked against the spec first:
// one that breaks it is an error, not a result.
func (c *mcpCall) answer(t *mcpTool, params map[string][]string, resp *axa.Response, contentType string, raw []byte) *mcp.CallToolResult {
	id := string(t.op.ID)
	if err := c.checkAnswer(t, params, resp, raw); err != nil {
		return c.toolError(mcpError{Operation: id, Status: resp.StatusCode, RequestID: resp.RequestID, Code: "answer_breaks_the_spec", Description: err.Error()})
	}
	out := map[string]any{"status": resp.StatusCode}
	if resp.RequestID != "" {
		out["request_id"] = resp.RequestID
	}
	if t.keyParam != "" {
		out["idempotency_key"] = params[t.keyParam][0]
		out["idempotent_replayed"] = resp.IdempotentReplayed
	}
	var content []mcp.Content
	kind := gen.KindNone
	if len(bytes.TrimSpace(raw)) > 0 {
		kind = specmedia.Kind(contentType)
	}
	switch kind {
	case gen.KindJSON:
		var answer any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&answer); err != nil {
			return c.toolError(mcpError{Operation: id, Status: resp.StatusCode, RequestID: resp.RequestID, Description: "the answer is not JSON: " + err.Error()})
		}
		out["answer"] = answer
	case gen.KindNone:
	default:
		mt, _, _ := mime.ParseMediaType(contentType)
		out["content_type"] = mt
		out["size"] = len(raw)
		content = append(content, &mcp.EmbeddedResource{Resource: &mcp.ResourceContents{
			URI: "axa:" + requestPath(t.op, params), MIMEType: mt, Blob: raw,
		}})
	}
	text, err := json.Marshal(out)
	if err != nil {
		return c.toolError(mcpError{Operation: id, Status: resp.StatusCode, RequestID: resp.RequestID, Description: "encoding the answer: " + err.Error()})
	}
	content = append([]mcp.Content{&mcp.TextContent{Text: string(text)}}, content...)
	return &mcp.CallToolResult{Content: content, StructuredContent: out}
}

// checkAnswer checks a success against the spec, as axatest and the
// conformance run do (internal/specresponse): its status, headers and
// body.
func (c *mcpCall) checkAnswer(t *mcpTool, params map[string][]string, resp *axa.Response, raw []byte) error {
	req, err := http.NewRequest(t.op.Method, requestPath(t.op, params), http.NoBody)
	if err != nil {
		return fmt.Errorf("the request's path: %w", err)
	}
	return specresponse.Check(c.router, req, resp.StatusCode, resp.Header, raw)
}

// requestPath is the operation's path with its parameters, escaped.
func requestPath(op gen.Operation, params map[string][]string) string {
	path := op.Path
	for name, values := range params {
		path = strings.ReplaceAll(path, "{"+name+"}", url.PathEscape(strings.Join(values, ",")))
	}
	return path
}
