package specchange

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// claimsScopeName is the scope the proof adds, of the claims operations.
const claimsScopeName = "urn:axa.assistance.travel.claims.creation_request"

// checkMCPTools serves the copy's operations with its own `axa mcp` (the
// built binary, over standard input and output, on the shared sandbox of
// stateDir) and checks that the operations the proof added to the spec
// alone are tools: the GET read-only with its scope, the claims' writes
// with theirs (the DELETE destructive), called and answered; the two whose
// bodies are not JSON (multipart, raw bytes) said to be for axa api.
func checkMCPTools(t *testing.T, dst, axaBin, stateDir string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, axaBin, "mcp", "--allow-writes")
	cmd.Dir = dst
	cmd.Env = append(cleanEnv(), "AXA_STATE_DIR="+stateDir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	client := mcp.NewClient(&mcp.Implementation{Name: "specchange", Version: "v0"}, nil)
	session, err := client.Connect(ctx, &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatalf("axa mcp: %v\n%s", err, stderr.String())
	}
	defer func() {
		if err := session.Close(); err != nil {
			t.Errorf("axa mcp did not end cleanly: %v\n%s", err, stderr.String())
		}
	}()

	list, err := session.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	tools := map[string]*mcp.Tool{}
	for _, tool := range list.Tools {
		tools[tool.Name] = tool
	}
	scopesOf := func(tool *mcp.Tool) []string {
		var out []string
		raw, _ := json.Marshal(tool.Meta["axa/scopes"])
		_ = json.Unmarshal(raw, &out) // a list of strings, or the check below fails
		return out
	}
	for _, want := range []struct {
		name, scope           string
		readOnly, destructive bool
	}{
		{"listCountryEmbassies", "urn:axa.assistance.travel.countries.read_only", true, false},
		{"getClaim", claimsScopeName, true, false},
		{"getClaimReceipt", claimsScopeName, true, false},
		{"createClaim", claimsScopeName, false, false},
		{"updateClaim", claimsScopeName, false, false},
		{"withdrawClaim", claimsScopeName, false, true},
	} {
		tool := tools[want.name]
		if tool == nil {
			t.Errorf("axa mcp has no tool %s", want.name)
			continue
		}
		if got := scopesOf(tool); !slices.Equal(got, []string{want.scope}) || !strings.Contains(tool.Description, "Needs scope "+want.scope) {
			t.Errorf("%s: scopes %v, description %q; want %s", want.name, got, tool.Description, want.scope)
		}
		a := tool.Annotations
		if a == nil || a.ReadOnlyHint != want.readOnly || !want.readOnly && (a.DestructiveHint == nil || *a.DestructiveHint != want.destructive) {
			t.Errorf("%s: annotations %+v, want read-only %v, destructive %v", want.name, a, want.readOnly, want.destructive)
		}
	}
	call := func(name string, args map[string]any) *mcp.CallToolResult {
		t.Helper()
		res, err := session.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return res
	}
	answerOf := func(name string, res *mcp.CallToolResult) map[string]any {
		t.Helper()
		if res.IsError {
			t.Fatalf("%s: %+v", name, res.Content)
		}
		raw, _ := json.Marshal(res.StructuredContent)
		var out map[string]any
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s: structured content %s: %v", name, raw, err)
		}
		return out
	}
	for _, name := range []string{"uploadClaimDocument", "putClaimPhoto"} {
		if tools[name] != nil {
			t.Errorf("%s, whose body is not JSON, is a tool", name)
		}
		res := call(name, map[string]any{"claim_id": "4a1e2b3c-5d6f-4a7b-8c9d-0e1f2a3b4c5d"})
		raw, _ := json.Marshal(res.Content)
		if !res.IsError || !strings.Contains(string(raw), "axa api "+name) {
			t.Errorf("%s called: %s, want a tool error sending to axa api", name, raw)
		}
	}

	// The GET answers the spec's example.
	got := answerOf("listCountryEmbassies", call("listCountryEmbassies", map[string]any{"country_id": "fr"}))
	if list, _ := got["answer"].([]any); len(list) != 2 {
		t.Errorf("listCountryEmbassies = %v, want the spec's two embassies", got)
	}
	// The POST twice with the same arguments: one claim, replayed.
	body := map[string]any{"policy_id": "9d5b2c1e-4f3a-4b6d-8e7f-0a1b2c3d4e5f", "kind": "medical", "incident_date": "2026-12-24"}
	first := answerOf("createClaim", call("createClaim", map[string]any{"body": body}))
	second := answerOf("createClaim", call("createClaim", map[string]any{"body": body}))
	if first["idempotent_replayed"] != false || second["idempotent_replayed"] != true || first["idempotency_key"] != second["idempotency_key"] {
		t.Errorf("createClaim twice: %v then %v, want the second replayed with the same key", first, second)
	}
	// A binary answer, embedded.
	res := call("getClaimReceipt", map[string]any{"claim_id": "4a1e2b3c-5d6f-4a7b-8c9d-0e1f2a3b4c5d"})
	answerOf("getClaimReceipt", res)
	embedded := false
	for _, c := range res.Content {
		if er, ok := c.(*mcp.EmbeddedResource); ok && er.Resource != nil && bytes.HasPrefix(er.Resource.Blob, []byte("%PDF-")) {
			embedded = true
		}
	}
	if !embedded {
		t.Errorf("getClaimReceipt: no PDF embedded in %+v", res.Content)
	}
}
