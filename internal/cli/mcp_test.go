package cli

import (
	"context"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
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

// stop closes the session and returns what the command did; it may be
// called more than once.
func (s *mcpServer) stop() result {
	_ = s.session.Close()
	r := <-s.done
	s.done <- r
	return r
}

func TestMCPSmoke(t *testing.T) {
	s := serveMCP(t, nil)
	ctx := context.Background()
	tools, err := s.session.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range tools.Tools {
		t.Logf("%s: %v", tool.Name, tool.Annotations)
	}
	res, err := s.session.CallTool(ctx, &mcp.CallToolParams{Name: "getCountry", Arguments: map[string]any{"country_id": "fr"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			t.Logf("%.300s", tc.Text)
		}
	}
	res, err = s.session.CallTool(ctx, &mcp.CallToolParams{Name: "getCountry", Arguments: map[string]any{"country_id": "france"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			t.Logf("%v %.500s", res.IsError, tc.Text)
		}
	}
	res, err = s.session.CallTool(ctx, &mcp.CallToolParams{Name: "createPolicy", Arguments: map[string]any{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			t.Logf("%v %.500s", res.IsError, tc.Text)
		}
	}
	r := s.stop()
	t.Logf("code %d out %q err %q", r.code, r.out, r.err)
}
