//go:build unix

package cli

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// slowProof is a proxy in front of a shared sandbox whose proof requests
// (the commands' "is it the one recorded" probe) wait at a gate: a live
// sandbox made slow, or dumb, to answer it. Every other request passes.
type slowProof struct {
	srv     *httptest.Server
	arrived chan struct{} // a proof request came to the gate
	open    chan struct{} // closed: the gate lets proofs through
}

func newSlowProof(t *testing.T, target string) *slowProof {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &slowProof{arrived: make(chan struct{}, 16), open: make(chan struct{})}
	proxy := httputil.NewSingleHostReverseProxy(u)
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == proofPath {
			select {
			case p.arrived <- struct{}{}:
			default:
			}
			select {
			case <-p.open:
			case <-r.Context().Done():
				return
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

// recordedAt makes the state file of dir name url for the sandbox it
// records (same key, same process): the commands reach it through url.
func recordedAt(t *testing.T, dir, url string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, sandboxStateFile))
	if err != nil {
		t.Fatal(err)
	}
	st, err := stateAt(dir)
	if err != nil {
		t.Fatal(err)
	}
	old := st.URL
	changed := strings.Replace(string(data), old, url, 1)
	if err := writeFile0600(filepath.Join(dir, sandboxStateFile), []byte(changed)); err != nil {
		t.Fatal(err)
	}
	return data
}

// A live shared sandbox slow to prove itself (its proof over the one
// second the commands used to give it) is not taken for stale: no second
// one is started next to it (whose start would orphan the first one's
// state), as long as it lives and holds the start lock. A command waits
// for it, up to --timeout, and says so when it does not answer in time.
// It used to start a second sandbox.
func TestSlowSharedSandboxIsNotReplaced(t *testing.T) {
	newF, sp, dir := sharedEnv(t)
	if r := run(t, newF(nil), "countries", "fr"); r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	live, err := stateAt(dir)
	if err != nil {
		t.Fatal(err)
	}
	slow := newSlowProof(t, live.URL)
	recordedAt(t, dir, slow.srv.URL)

	// Never answers within --timeout: the command gives up, naming it,
	// and starts nothing.
	r := run(t, newF(nil), "--timeout", "1500ms", "countries", "fr")
	if r.code != ExitError || !strings.Contains(r.err, "did not answer") || !strings.Contains(r.err, slow.srv.URL) {
		t.Errorf("exit %d, err %q; want 1, saying the sandbox at %s did not answer", r.code, r.err, slow.srv.URL)
	}
	if n := sp.started.Load(); n != 1 {
		t.Fatalf("%d sandboxes started, want 1: a live one was replaced", n)
	}

	// axa sandbox stop does not forget it either: it says that it did not
	// answer, and keeps its state file.
	r = run(t, newF(nil), "--timeout", "1s", "sandbox", "stop")
	if r.code != ExitError || !strings.Contains(r.err, "did not answer") {
		t.Errorf("sandbox stop: exit %d, out %q, err %q; want 1, saying it did not answer", r.code, r.out, r.err)
	}
	if cur, err := stateAt(dir); err != nil || cur.StopKey != live.StopKey {
		t.Errorf("sandbox stop forgot the live sandbox: %+v, %v", cur, err)
	}

	// Answers 1.5 s late, over the one-second probe that used to decide
	// that it was stale; nothing of the code under test depends on how
	// late, below --timeout.
	go func() {
		<-slow.arrived
		time.AfterFunc(1500*time.Millisecond, func() { close(slow.open) })
	}()
	r = run(t, newF(nil), "-v", "countries", "fr")
	if r.code != ExitOK || !strings.Contains(r.err, "using the embedded sandbox at "+slow.srv.URL) {
		t.Errorf("exit %d, err %q; want the slow sandbox used", r.code, r.err)
	}
	if n := sp.started.Load(); n != 1 {
		t.Errorf("%d sandboxes started, want 1: a live one was replaced", n)
	}
	if cur, err := stateAt(dir); err != nil || cur.StopKey != live.StopKey {
		t.Errorf("the live sandbox's state was replaced: %+v, %v", cur, err)
	}
}

// A shared sandbox that has ended without removing its state (a process
// killed) released the start lock with its life: the next command starts
// a new one; and so does a command that was waiting for a slow one when it
// ended.
func TestDeadSharedSandboxIsReplaced(t *testing.T) {
	t.Run("ended before", func(t *testing.T) {
		newF, sp, dir := sharedEnv(t)
		if r := run(t, newF(nil), "countries", "fr"); r.code != ExitOK {
			t.Fatalf("exit %d: %s", r.code, r.err)
		}
		stale, err := os.ReadFile(filepath.Join(dir, sandboxStateFile))
		if err != nil {
			t.Fatal(err)
		}
		sp.stopLast()
		if err := writeFile0600(filepath.Join(dir, sandboxStateFile), stale); err != nil { // as a killed one leaves it
			t.Fatal(err)
		}
		if r := run(t, newF(nil), "countries", "fr"); r.code != ExitOK || !strings.Contains(r.err, "started the embedded sandbox") {
			t.Fatalf("exit %d, err %q; want a new sandbox started", r.code, r.err)
		}
		if n := sp.started.Load(); n != 2 {
			t.Errorf("%d sandboxes started, want 2", n)
		}
	})
	t.Run("ended while waited for", func(t *testing.T) {
		newF, sp, dir := sharedEnv(t)
		if r := run(t, newF(nil), "countries", "fr"); r.code != ExitOK {
			t.Fatalf("exit %d: %s", r.code, r.err)
		}
		live, err := stateAt(dir)
		if err != nil {
			t.Fatal(err)
		}
		slow := newSlowProof(t, live.URL)
		recordedAt(t, dir, slow.srv.URL)
		done := make(chan result, 1)
		go func() { done <- run(t, newF(nil), "countries", "fr") }()
		select {
		case <-slow.arrived:
		case r := <-done:
			t.Fatalf("the command did not wait for the live sandbox: exit %d, err %q", r.code, r.err)
		}
		// It ends, and its connections with it.
		sp.stopLast()
		slow.srv.CloseClientConnections()
		r := <-done
		if r.code != ExitOK || !strings.Contains(r.err, "started the embedded sandbox") {
			t.Errorf("exit %d, err %q; want a new sandbox started", r.code, r.err)
		}
		if n := sp.started.Load(); n != 2 {
			t.Errorf("%d sandboxes started, want 2", n)
		}
	})
}
