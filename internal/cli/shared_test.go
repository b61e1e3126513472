package cli

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// inProcessSpawner starts the shared sandbox as a goroutine instead of a
// process: the state file logic is the same. Every sandbox it starts is
// ended, and waited for, when the test ends.
type inProcessSpawner struct {
	t       *testing.T
	started atomic.Int32
	mu      sync.Mutex
	running []spawned
	opts    []sandbox.Option
}

// spawned is a sandbox an inProcessSpawner started.
type spawned struct {
	cancel context.CancelFunc
	ended  chan struct{}
}

func (s *inProcessSpawner) spawn(a SpawnArgs) error {
	s.started.Add(1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer a.Log.Close() //nolint:errcheck // a log
		if err := serveBackground(ctx, background{dir: a.Dir, idle: a.Idle, lock: a.Lock, opts: s.opts, log: a.Log}); err != nil {
			s.t.Errorf("the background sandbox ended with %v", err)
		}
	}()
	s.mu.Lock()
	s.running = append(s.running, spawned{cancel, done})
	s.mu.Unlock()
	s.t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second): // a failure guard, not a timing
			s.t.Error("a background sandbox did not end")
		}
	})
	return nil
}

// lastEnded returns the channel closed when the last sandbox started ends.
func (s *inProcessSpawner) lastEnded() chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running[len(s.running)-1].ended
}

// stopLast ends the last sandbox started, as its process ending would,
// and waits until it has.
func (s *inProcessSpawner) stopLast() {
	s.mu.Lock()
	last := s.running[len(s.running)-1]
	s.mu.Unlock()
	last.cancel()
	select {
	case <-last.ended:
	case <-time.After(10 * time.Second): // a failure guard, not a timing
		s.t.Fatal("a background sandbox did not end")
	}
}

func sharedEnv(t *testing.T, extra ...string) (func(*Factory) *Factory, *inProcessSpawner, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "state")
	env := map[string]string{EnvStateDir: dir}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
	}
	sp := &inProcessSpawner{t: t}
	return func(f *Factory) *Factory {
		if f == nil {
			f = &Factory{}
		}
		f.Getenv = func(k string) string { return env[k] }
		f.SpawnSandbox = sp.spawn
		return f
	}, sp, dir
}

// stateAt reads the state file of the state directory at path.
func stateAt(path string) (*sandboxState, error) {
	d, err := openStateFS(path, false)
	if err != nil {
		return nil, err
	}
	defer d.Close() //nolint:errcheck // a directory
	return readState(d)
}

func writeHolder(t *testing.T) string {
	t.Helper()
	holder := filepath.Join(t.TempDir(), "holder.json")
	if err := os.WriteFile(holder, []byte(`{
		"policy_holder": {"person": {"first_name": "Camille", "last_name": "Martin", "birth_date": "1985-04-12"},
			"email": "camille.martin@example.com",
			"address": {"street_address": "6 rue André Gide", "postal_code": "92320", "locality": "Châtillon", "country": "fr"}},
		"travellers": [{"first_name": "Camille", "last_name": "Martin", "birth_date": "1985-04-12"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	return holder
}

// Without credentials, a quote made by one command is there for the next:
// they share one background sandbox, recorded in a 0600 state file, until
// `axa sandbox stop`.
func TestCommandsShareOneSandbox(t *testing.T) {
	newF, sp, dir := sharedEnv(t)
	start := time.Now().AddDate(0, 0, 30).Format(time.DateOnly)
	end := time.Now().AddDate(0, 0, 44).Format(time.DateOnly)
	r := run(t, newF(nil), "quote", "--json", "--from", "fr", "--to", "jp", "--start", start, "--end", end, "--traveller", "1985-04-12")
	if r.code != ExitOK {
		t.Fatalf("quote: exit %d: %s", r.code, r.err)
	}
	if !strings.Contains(r.err, "started the embedded sandbox at http://127.0.0.1:") {
		t.Errorf("stderr does not say a sandbox was started: %q", r.err)
	}
	var q struct{ ID string }
	if err := json.Unmarshal([]byte(r.out), &q); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, sandboxStateFile))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600", fi.Mode().Perm())
	}
	if di, err := os.Stat(dir); err != nil || di.Mode().Perm() != 0o700 {
		t.Errorf("state directory: %v, %v; want mode 0700", di, err)
	}

	r = run(t, newF(nil), "policy", "create", "--quote", q.ID, "--file", writeHolder(t))
	if r.code != ExitOK || !strings.Contains(r.out, "Camille Martin") {
		t.Fatalf("policy create from the first command's quote: exit %d, out %q, err %q", r.code, r.out, r.err)
	}
	if r.err != "" {
		t.Errorf("stderr of a command that uses the running sandbox: %q, want nothing (-v says it)", r.err)
	}
	if n := sp.started.Load(); n != 1 {
		t.Errorf("%d sandboxes started, want 1", n)
	}

	ended := sp.lastEnded()
	r = run(t, newF(nil), "sandbox", "stop")
	if r.code != ExitOK || !strings.Contains(r.out, "stopped") {
		t.Fatalf("sandbox stop: exit %d, out %q, err %q", r.code, r.out, r.err)
	}
	select {
	case <-ended:
	case <-time.After(10 * time.Second): // a failure guard, not a timing
		t.Fatal("the sandbox still serves after axa sandbox stop")
	}
	if _, err := os.Stat(filepath.Join(dir, sandboxStateFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the state file is still there: %v", err)
	}
	r = run(t, newF(nil), "sandbox", "stop")
	if r.code != ExitOK || !strings.Contains(r.out, "no background sandbox") {
		t.Errorf("second sandbox stop: exit %d, out %q, err %q", r.code, r.out, r.err)
	}
}

// Commands started at once start one sandbox between them.
func TestConcurrentCommandsStartOneSandbox(t *testing.T) {
	newF, sp, _ := sharedEnv(t)
	var wg sync.WaitGroup
	codes := make([]result, 6)
	for i := range codes {
		wg.Go(func() { codes[i] = run(t, newF(nil), "countries", "fr") })
	}
	wg.Wait()
	for i, r := range codes {
		if r.code != ExitOK {
			t.Errorf("command %d: exit %d: %s", i, r.code, r.err)
		}
	}
	if n := sp.started.Load(); n != 1 {
		t.Errorf("%d sandboxes started, want 1", n)
	}
}

// A state file whose sandbox no longer answers is replaced by a new one.
func TestStaleStateStartsANewSandbox(t *testing.T) {
	newF, sp, dir := sharedEnv(t)
	stale, _ := json.Marshal(sandboxState{URL: "http://127.0.0.1:1", ClientID: "x", ClientSecret: "y", StopKey: "z"})
	if err := writeFile0600(filepath.Join(dir, sandboxStateFile), stale); err != nil {
		t.Fatal(err)
	}
	r := run(t, newF(nil), "countries", "fr")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	if n := sp.started.Load(); n != 1 {
		t.Errorf("%d sandboxes started, want 1", n)
	}
	st, err := stateAt(dir)
	if err != nil || st.URL == "http://127.0.0.1:1" {
		t.Errorf("state not replaced: %+v, %v", st, err)
	}
}

// The shared sandbox ends by itself after AXA_SANDBOX_IDLE without a
// request, and removes its state file.
func TestSharedSandboxEndsWhenIdle(t *testing.T) {
	newF, sp, dir := sharedEnv(t, EnvSandboxIdle, "300ms")
	r := run(t, newF(nil), "countries", "fr")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	select {
	case <-sp.lastEnded():
	case <-time.After(10 * time.Second): // a failure guard, not a timing
		t.Fatal("the sandbox did not end when idle")
	}
	if _, err := os.Stat(filepath.Join(dir, sandboxStateFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the state file is still there: %v", err)
	}
}

func TestBadIdleIsAUsageError(t *testing.T) {
	newF, _, _ := sharedEnv(t, EnvSandboxIdle, "soon")
	if r := run(t, newF(nil), "countries"); r.code != ExitUsage {
		t.Errorf("exit %d, want 2: %s", r.code, r.err)
	}
}

// The stop endpoint of the shared sandbox answers only its key; a state
// file with another key is not taken for the sandbox (its proof does not
// match), so `axa sandbox stop` does not send it that key.
func TestStopNeedsTheKey(t *testing.T) {
	newF, _, dir := sharedEnv(t)
	if r := run(t, newF(nil), "countries", "fr"); r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	st, err := stateAt(dir)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, st.URL+stopPath, nil)
	req.Header.Set(stopHeader, "wrong")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("stop with a wrong key: %s, want 404", resp.Status)
	}
	bad := *st
	bad.StopKey = "wrong"
	data, _ := json.Marshal(bad)
	if err := writeFile0600(filepath.Join(dir, sandboxStateFile), data); err != nil {
		t.Fatal(err)
	}
	if r := run(t, newF(nil), "sandbox", "stop"); r.code != ExitOK || !strings.Contains(r.out, "no background sandbox") {
		t.Errorf("stop with a wrong key: exit %d, out %q", r.code, r.out)
	}
	if !answers(t.Context(), st.URL) {
		t.Error("a wrong key stopped the sandbox")
	}
}

// A state file that names another host than loopback is not followed: a
// new sandbox is started instead.
func TestStateNamingAnotherHostIsIgnored(t *testing.T) {
	newF, sp, dir := sharedEnv(t)
	other, _ := json.Marshal(sandboxState{URL: "http://example.com", ClientID: "x", ClientSecret: "y", StopKey: "z"})
	if err := writeFile0600(filepath.Join(dir, sandboxStateFile), other); err != nil {
		t.Fatal(err)
	}
	r := run(t, newF(nil), "countries", "fr")
	if r.code != ExitOK || strings.Contains(r.err, "example.com") {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	if n := sp.started.Load(); n != 1 {
		t.Errorf("%d sandboxes started, want 1", n)
	}
}

// axa sandbox stop says so in a line of its own, and leaves nothing of
// the sandbox in the state directory: its state file, start lock and
// (empty) log go; a log that holds something is kept, and named.
func TestSandboxStopEndsTheLineAndCleansUp(t *testing.T) {
	newF, sp, dir := sharedEnv(t)
	if r := run(t, newF(nil), "countries", "fr"); r.code != ExitOK {
		t.Fatalf("countries: exit %d: %s", r.code, r.err)
	}
	ended := sp.lastEnded()
	r := run(t, newF(nil), "sandbox", "stop")
	if r.code != ExitOK || r.out != "axa: stopped the background sandbox\n" {
		t.Fatalf("sandbox stop: exit %d, out %q, err %q; want exit 0 and %q", r.code, r.out, r.err, "axa: stopped the background sandbox\n")
	}
	<-ended
	if left := dirNames(t, dir); len(left) != 0 {
		t.Errorf("sandbox stop left %q in the state directory", left)
	}
	r = run(t, newF(nil), "sandbox", "stop")
	if r.code != ExitOK || r.out != "axa: no background sandbox was running\n" {
		t.Errorf("second sandbox stop: exit %d, out %q, err %q", r.code, r.out, r.err)
	}

	// A sandbox that ended by itself (idle) left its files: stop removes
	// them, but a log with something in it is kept.
	if r := run(t, newF(nil), "countries", "fr"); r.code != ExitOK {
		t.Fatalf("countries: exit %d: %s", r.code, r.err)
	}
	sp.stopLast()
	if err := os.WriteFile(filepath.Join(dir, sandboxLogFile), []byte("level=WARN msg=x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = run(t, newF(nil), "sandbox", "stop")
	want := "axa: no background sandbox was running; its log is kept: " + filepath.Join(dir, sandboxLogFile) + "\n"
	if r.code != ExitOK || r.out != want {
		t.Errorf("sandbox stop after an idle end: exit %d, out %q, want %q", r.code, r.out, want)
	}
	if left := dirNames(t, dir); len(left) != 1 || left[0] != sandboxLogFile {
		t.Errorf("sandbox stop left %q, want the log alone", left)
	}
}

// dirNames lists the names in the directory dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// The sandbox's notice is said once, by the command that starts it, and
// never before a usage error; -v says on every command what is called and
// as whom: the sandbox's client, or after axa login the user.
func TestSandboxNoticeOncePerStartAndWhose(t *testing.T) {
	newF, sp, _ := sharedEnv(t)
	sp.opts = []sandbox.Option{sandbox.WithAutoApprove()}
	if r := run(t, newF(nil), "countries", "fr", "jp"); r.code != ExitUsage || r.err != "axa: accepts at most 1 arg(s), received 2 (see --help)\n" {
		t.Errorf("a usage error: exit %d, err %q; want the error line alone", r.code, r.err)
	}
	r := run(t, newF(nil), "countries", "fr")
	st, err := stateAt(sharedDir(t, newF))
	if err != nil {
		t.Fatal(err)
	}
	want := "axa: no credentials set: started the embedded sandbox at " + st.URL + ", shared by the next commands until `axa sandbox stop` or 30m0s without a request (set AXA_CLIENT_ID and AXA_CLIENT_SECRET to call the real API)\n"
	if r.code != ExitOK || r.err != want {
		t.Errorf("the command that starts the sandbox: exit %d, err\n  %q\nwant\n  %q", r.code, r.err, want)
	}
	for _, args := range [][]string{{"countries", "fr"}, {"alerts", "--min-level", "severe"}} {
		if r := run(t, newF(nil), args...); r.err != "" && !strings.HasPrefix(r.err, "axa: --min-level") {
			t.Errorf("axa %s: err %q; want no word of the sandbox", strings.Join(args, " "), r.err)
		}
	}
	r = run(t, newF(nil), "-v", "countries", "fr")
	if want := "axa: using the embedded sandbox at " + st.URL + " as its client sandbox-client (no credentials set, nobody logged in)\n"; r.err != want {
		t.Errorf("-v: err\n  %q\nwant\n  %q", r.err, want)
	}

	f := newF(nil)
	f.OpenBrowser = browser
	if r := run(t, f, "login", "--wait", "20s"); r.code != ExitOK {
		t.Fatalf("login: exit %d: %s", r.code, r.err)
	}
	if r := run(t, newF(nil), "countries", "fr"); r.err != "" {
		t.Errorf("after login: err %q; want nothing (no \"no credentials\")", r.err)
	}
	r = run(t, newF(nil), "-v", "countries", "fr")
	if want := "axa: using the embedded sandbox at " + st.URL + " as " + sandbox.DefaultUsername + ", logged in with axa login (client sandbox-client)\n"; r.err != want {
		t.Errorf("-v after login: err\n  %q\nwant\n  %q", r.err, want)
	}
	if n := sp.started.Load(); n != 1 {
		t.Errorf("%d sandboxes started, want 1", n)
	}
}

// sharedDir is the state directory of the factories newF makes.
func sharedDir(t *testing.T, newF func(*Factory) *Factory) string {
	t.Helper()
	return newF(nil).Getenv(EnvStateDir)
}
