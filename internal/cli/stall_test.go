package cli

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/axa-assistance-go/axa/internal/testutil"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// stalledPost is a request whose headers are complete and whose body never
// comes (a few bytes of it, then nothing).
const stalledPost = "POST /auth/v1/token HTTP/1.1\r\nHost: sandbox\r\n" +
	"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\ngrant_type=cli"

// serveCommand runs `axa sandbox` with args until the test ends, and
// returns its URL.
func serveCommand(t *testing.T, args ...string) string {
	t.Helper()
	out := testutil.NewBuffer()
	f := &Factory{Out: out, Err: &testutil.Buffer{}, Getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan int, 1)
	go func() { done <- f.Run(ctx, append([]string{"sandbox", "--addr", "127.0.0.1:0", "--quiet"}, args...)) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	re := regexp.MustCompile(`listening on (http://\S+)`)
	deadline := time.NewTimer(10 * time.Second) // a failure guard, not a timing
	defer deadline.Stop()
	for {
		select {
		case <-deadline.C:
			t.Fatalf("the sandbox did not say where it listens: %q", out.String())
		case code := <-done:
			done <- code
			t.Fatalf("the sandbox command ended with %d: %q", code, out.String())
		case <-out.Changed():
			if m := re.FindStringSubmatch(out.String()); m != nil {
				return m[1]
			}
		}
	}
}

// `axa sandbox --body-timeout --idle-conn-timeout` bound the wait for a
// request's body and a kept-alive connection's wait for the next request:
// a client that sends headers and never the body is cut off.
func TestSandboxCommandBoundsStalledBodies(t *testing.T) {
	url := serveCommand(t, "--body-timeout", "100ms", "--idle-conn-timeout", "100ms")
	addr := strings.TrimPrefix(url, "http://")
	testutil.WaitClosed(t, testutil.Stall(t, addr, stalledPost), 10*time.Second)
	testutil.IdleConn(t, addr, 10*time.Second)
}

// The shared sandbox has the same bounds, from its options.
func TestSharedSandboxBoundsStalledBodies(t *testing.T) {
	newF, sp, dir := sharedEnv(t)
	sp.opts = []sandbox.Option{sandbox.WithBodyTimeout(100 * time.Millisecond), sandbox.WithIdleConnTimeout(100 * time.Millisecond)}
	if r := run(t, newF(nil), "countries", "fr"); r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	st, err := stateAt(dir)
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(st.URL, "http://")
	testutil.WaitClosed(t, testutil.Stall(t, addr, stalledPost), 10*time.Second)
	testutil.IdleConn(t, addr, 10*time.Second)
}

// A shared sandbox whose only requests are stalled, waiting for a body
// that never comes, is idle: it ends after AXA_SANDBOX_IDLE, as if they
// were not there, and does not wait for the body bound (30 s by default)
// either. Such a request used to keep it alive for ever.
func TestSharedSandboxEndsWhenItsOnlyRequestsAreStalled(t *testing.T) {
	newF, sp, dir := sharedEnv(t, EnvSandboxIdle, "300ms")
	if r := run(t, newF(nil), "countries", "fr"); r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	st, err := stateAt(dir)
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(st.URL, "http://")
	for range 3 {
		testutil.Stall(t, addr, stalledPost)
	}
	select {
	case <-sp.lastEnded():
	case <-time.After(10 * time.Second): // a failure guard, not a timing
		t.Fatal("the sandbox still serves, held by requests whose body never comes")
	}
}

// The idle rule's measure (activity), on a fake clock: a request counts as
// work while its handler works, and as idle time while it waits for its
// client's body; each part of the body that comes is work again.
func TestActivityCountsWaitsForClientsAsIdle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := newActivity(time.Now)
		body, client := io.Pipe()
		done := make(chan struct{})
		h := a.handler(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			time.Sleep(time.Minute) // works a minute
			_, _ = io.ReadAll(r.Body)
		}))
		go func() {
			defer close(done)
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/", body))
		}()
		synctest.Wait()
		time.Sleep(30 * time.Second)
		if got := a.idleFor(); got != 0 {
			t.Errorf("while the handler works: idle for %s, want 0", got)
		}
		time.Sleep(90 * time.Second) // the handler waits for the body from 1m on
		synctest.Wait()
		if got := a.idleFor(); got != time.Minute {
			t.Errorf("while the handler waits for the body: idle for %s, want 1m", got)
		}
		_, _ = io.WriteString(client, "{") // a part of the body comes
		synctest.Wait()
		if got := a.idleFor(); got != 0 {
			t.Errorf("as a part of the body came: idle for %s, want 0", got)
		}
		time.Sleep(time.Hour)
		if got := a.idleFor(); got != time.Hour {
			t.Errorf("an hour after: idle for %s, want 1h", got)
		}
		_ = client.Close()
		<-done
		if got := a.idleFor(); got != 0 {
			t.Errorf("as the request ended: idle for %s, want 0", got)
		}
	})
}
