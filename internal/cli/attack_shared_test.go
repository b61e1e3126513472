package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// recorder is a foreign server on loopback: it answers 200 to everything
// and records what it was sent.
type recorder struct {
	mu   sync.Mutex
	reqs []string
}

func (rec *recorder) start(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, r.Method+" "+r.URL.Path+" auth="+r.Header.Get("Authorization")+" body="+string(body))
		rec.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"version":"1.0.0","access_token":"x","token_type":"Bearer","expires_in":3600}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func (rec *recorder) got() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]string(nil), rec.reqs...)
}

// A state file left by a sandbox that has ended, whose port another server
// now listens on and answers 200 to /version: the commands must not take
// that server for the sandbox, nor send it the client or the session's
// refresh token; they start a sandbox of their own.
func TestStaleStateOnAPortNowForeign(t *testing.T) {
	newF, sp, dir := sharedEnv(t)
	rec := &recorder{}
	foreign := rec.start(t)
	stale, _ := json.Marshal(sandboxState{URL: foreign.URL, ClientID: sandbox.DefaultClientID,
		ClientSecret: sandbox.DefaultClientSecret, StopKey: "0123456789abcdef0123456789abcdef", PID: 1})
	if err := writeFile0600(filepath.Join(dir, sandboxStateFile), stale); err != nil {
		t.Fatal(err)
	}
	// The session of a login to the sandbox that was there.
	const canaryRefresh = "canary-refresh-Hh27pQ"
	if err := saveSession(filepath.Join(dir, sessionFile), session{BaseURL: foreign.URL, ClientID: sandbox.DefaultClientID,
		RedirectURL: "http://127.0.0.1/callback", RefreshToken: canaryRefresh}); err != nil {
		t.Fatal(err)
	}
	r := run(t, newF(nil), "countries", "fr")
	if r.code != ExitOK {
		t.Errorf("exit %d: %s", r.code, r.err)
	}
	for _, req := range rec.got() {
		if !strings.HasPrefix(req, "GET /version ") && !strings.HasPrefix(req, "GET /.axa-cli/") {
			t.Errorf("the foreign server was sent %q", req)
		}
		if strings.Contains(req, canaryRefresh) || strings.Contains(req, "Basic ") {
			t.Errorf("the foreign server was sent a credential: %q", req)
		}
	}
	if n := sp.started.Load(); n != 1 {
		t.Errorf("%d sandboxes started, want 1", n)
	}
	if strings.Contains(r.err, foreign.URL) {
		t.Errorf("the command used the foreign server: %s", r.err)
	}
}

// A login session to a shared sandbox that has ended, whose port another
// server now listens on: axa auth status and axa logout must not send that
// server the refresh token.
func TestSandboxSessionNotSentToAForeignServer(t *testing.T) {
	for _, args := range [][]string{{"auth", "status"}, {"logout"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			newF, _, dir := sharedEnv(t)
			rec := &recorder{}
			foreign := rec.start(t)
			const canaryRefresh = "canary-refresh-Hh27pQ"
			if err := saveSession(filepath.Join(dir, sessionFile), session{BaseURL: foreign.URL, ClientID: sandbox.DefaultClientID,
				RedirectURL: "http://127.0.0.1/callback", RefreshToken: canaryRefresh}); err != nil {
				t.Fatal(err)
			}
			r := run(t, newF(nil), args...)
			for _, req := range rec.got() {
				if strings.Contains(req, canaryRefresh) || strings.Contains(req, "Basic ") {
					t.Errorf("the foreign server was sent a credential: %q", req)
				}
			}
			t.Logf("exit %d, out %q, err %q", r.code, r.out, r.err)
		})
	}
}

// Commands started at once, with a "starting" file left by a command that
// died while it started the sandbox: one of them takes over, and they
// still start one sandbox between them.
func TestConcurrentCommandsTakeOverAStaleStartOnce(t *testing.T) {
	for round := range 5 {
		newF, sp, dir := sharedEnv(t)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		starting := filepath.Join(dir, startingFile)
		if err := os.WriteFile(starting, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-time.Hour)
		if err := os.Chtimes(starting, old, old); err != nil {
			t.Fatal(err)
		}
		results := make([]result, 8)
		var wg sync.WaitGroup
		for i := range results {
			wg.Go(func() { results[i] = run(t, newF(nil), "countries", "fr") })
		}
		wg.Wait()
		for i, r := range results {
			if r.code != ExitOK {
				t.Errorf("round %d, command %d: exit %d: %s", round, i, r.code, r.err)
			}
		}
		if n := sp.started.Load(); n != 1 {
			t.Fatalf("round %d: %d sandboxes started, want 1", round, n)
		}
	}
}

// A state file others may write (a shared AXA_STATE_DIR): it may have been
// planted with a key its server knows, so its proof says nothing; the
// commands do not use it.
func TestStateFileOthersMayWriteIsNotUsed(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes say nothing of who may read or write here")
	}
	newF, sp, dir := sharedEnv(t)
	const key = "0123456789abcdef0123456789abcdef"
	rec := &recorder{}
	planted := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == proofPath {
			w.Header().Set(proofHeader, proof(key, r.URL.Query().Get("nonce")))
			w.WriteHeader(http.StatusNoContent)
			return
		}
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, r.Method+" "+r.URL.Path)
		rec.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(planted.Close)
	data, _ := json.Marshal(sandboxState{URL: planted.URL, ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret, StopKey: key})
	path := filepath.Join(dir, sandboxStateFile)
	if err := writeFile0600(path, data); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o666); err != nil {
		t.Fatal(err)
	}
	r := run(t, newF(nil), "countries", "fr")
	if r.code != ExitOK {
		t.Errorf("exit %d: %s", r.code, r.err)
	}
	if got := rec.got(); len(got) > 0 {
		t.Errorf("the planted server was used: %q", got)
	}
	if n := sp.started.Load(); n != 1 {
		t.Errorf("%d sandboxes started, want 1", n)
	}
}
