package sandbox_test

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// lockedBuffer is a log output read while the sandbox may write to it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestLogOutputIsWrittenOutByShutdown: WithLogOutput's access log, which
// is buffered, has every request's line by the time Shutdown returns (a
// command that stops on an interrupt loses none), one line per request,
// with its status and request id and without the token or the client's
// secret.
func TestLogOutputIsWrittenOutByShutdown(t *testing.T) {
	var logs lockedBuffer
	sb, err := sandbox.New(sandbox.WithLogOutput(&logs))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tok := token(t, sb)
	var ids []string
	for range 3 {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL()+"/travel/v1/countries/fr", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET: %d", resp.StatusCode)
		}
		ids = append(ids, resp.Header.Get("X-Request-Id"))
	}
	if err := srv.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	got := logs.String()
	for _, id := range ids {
		if n := strings.Count(got, "request_id="+id); n != 1 {
			t.Errorf("request %s: %d lines, want 1, in\n%s", id, n, got)
		}
	}
	if !strings.Contains(got, "operation=getCountry status=200") {
		t.Errorf("no getCountry 200 line in\n%s", got)
	}
	if strings.Contains(got, tok) || strings.Contains(got, sandbox.DefaultClientSecret) {
		t.Errorf("a secret in the log:\n%s", got)
	}
}
