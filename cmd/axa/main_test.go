//go:build unix

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// One end-to-end run of the built binary: `axa quote` starts the shared
// sandbox in the background, `axa policy create` issues a policy from that
// quote with no exports, `axa login` records a session on that sandbox that
// `axa auth status` and `axa countries` use and `axa logout` ends, and
// `axa sandbox stop` ends the background process.
func TestSharedSandboxEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	tmp := t.TempDir()
	bin := buildAxa(t, tmp)
	stateDir := filepath.Join(tmp, "state")
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + tmp, "AXA_STATE_DIR=" + stateDir}
	axa := func(args ...string) (string, string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			t.Fatalf("axa %s: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, out.String(), errOut.String())
		}
		return out.String(), errOut.String()
	}

	start := time.Now().AddDate(0, 0, 30).Format(time.DateOnly)
	end := time.Now().AddDate(0, 0, 44).Format(time.DateOnly)
	out, _ := axa("quote", "--json", "--from", "fr", "--to", "jp", "--start", start, "--end", end, "--traveller", "1985-04-12")

	var st struct{ PID int }
	data, err := os.ReadFile(filepath.Join(stateDir, "sandbox.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &st); err != nil || st.PID <= 0 {
		t.Fatalf("state file %q: %v", data, err)
	}
	t.Cleanup(func() { // whatever happens, the background process ends
		if !gone(st.PID) {
			_ = syscall.Kill(st.PID, syscall.SIGKILL)
			waitGone(t, st.PID)
		}
	})

	var q struct{ ID string }
	if err := json.Unmarshal([]byte(out), &q); err != nil || q.ID == "" {
		t.Fatalf("quote output %q: %v", out, err)
	}
	holder := filepath.Join(tmp, "holder.json")
	if err := os.WriteFile(holder, []byte(`{
		"policy_holder": {"person": {"first_name": "Camille", "last_name": "Martin", "birth_date": "1985-04-12"},
			"email": "camille.martin@example.com",
			"address": {"street_address": "6 rue André Gide", "postal_code": "92320", "locality": "Châtillon", "country": "fr"}},
		"travellers": [{"first_name": "Camille", "last_name": "Martin", "birth_date": "1985-04-12"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _ = axa("policy", "create", "--json", "--quote", q.ID, "--file", holder)
	var p struct {
		PolicyNumber string `json:"policy_number"`
		Status       string
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil || p.PolicyNumber == "" {
		t.Fatalf("policy create output %q: %v", out, err)
	}

	// The login session, on the same sandbox: the test is the browser.
	login := exec.Command(bin, "login", "--wait", "30s")
	login.Env = env
	stderr, err := login.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	var loginOut bytes.Buffer
	login.Stdout = &loginOut
	if err := login.Start(); err != nil {
		t.Fatal(err)
	}
	loginDone := make(chan error, 1)
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if u := strings.TrimSpace(sc.Text()); strings.HasPrefix(u, "http://") && strings.Contains(u, "/auth/v1/authorize?") {
				urls <- u
			}
		}
		loginDone <- login.Wait()
	}()
	t.Cleanup(func() { // ended and waited for, whatever happens
		_ = login.Process.Kill()
		if err := <-loginDone; err != nil {
			t.Logf("axa login: %v", err)
		}
	})
	select {
	case u := <-urls:
		if err := approve(t, u); err != nil {
			t.Fatal(err)
		}
	case err := <-loginDone:
		loginDone <- err
		t.Fatalf("axa login ended before printing its URL: %v", err)
	case <-time.After(30 * time.Second): // a failure guard, not a timing
		t.Fatal("axa login printed no URL")
	}
	select {
	case err := <-loginDone:
		loginDone <- err
		if err != nil {
			t.Fatalf("axa login: %v: %s", err, loginOut.String())
		}
	case <-time.After(30 * time.Second): // a failure guard, not a timing
		t.Fatal("axa login did not end")
	}
	if fi, err := os.Stat(filepath.Join(stateDir, "session.json")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("session file: %v, %v; want mode 0600", fi, err)
	}
	if out, _ := axa("auth", "status"); !strings.Contains(out, "demo") {
		t.Errorf("auth status does not name the user: %q", out)
	}
	axa("countries", "fr")
	if out, _ := axa("logout"); !strings.Contains(out, "logged out") {
		t.Errorf("logout: %q", out)
	}

	out, _ = axa("sandbox", "stop")
	if !strings.Contains(out, "stopped") {
		t.Errorf("sandbox stop: %q", out)
	}
	if !waitGone(t, st.PID) {
		t.Errorf("the background sandbox (pid %d) still runs after axa sandbox stop", st.PID)
	}
	if _, err := os.Stat(filepath.Join(stateDir, "sandbox.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the state file is still there: %v", err)
	}
}

// buildAxa builds the command into dir and returns its path.
func buildAxa(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "axa")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// The reproduction, with the built binary: sandbox.log planted in
// the state directory as a link to a file of the user's. The command that
// starts the background sandbox used to open the log with O_TRUNC through
// the link, emptying the file and filling it with the sandbox's log; it
// refuses the log now (exit 2, naming it), and the file is untouched.
func TestPlantedLogLinkIsNotFollowed(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	tmp := t.TempDir()
	bin := buildAxa(t, tmp)
	stateDir := filepath.Join(tmp, "state")
	if err := os.Mkdir(stateDir, 0o700); err != nil {
		t.Fatal(err)
	}
	const precious = "the user's notes\n"
	for _, link := range []func(string, string) error{os.Symlink, os.Link} {
		victim := filepath.Join(tmp, "notes.txt")
		if err := os.WriteFile(victim, []byte(precious), 0o600); err != nil {
			t.Fatal(err)
		}
		logPath := filepath.Join(stateDir, "sandbox.log")
		_ = os.Remove(logPath)
		if err := link(victim, logPath); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "countries", "fr")
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + tmp, "AXA_STATE_DIR=" + stateDir}
		var errOut bytes.Buffer
		cmd.Stderr = &errOut
		err := cmd.Run()
		if st, rerr := os.ReadFile(filepath.Join(stateDir, "sandbox.json")); rerr == nil {
			var s struct{ PID int }
			if json.Unmarshal(st, &s) == nil && s.PID > 0 {
				_ = syscall.Kill(s.PID, syscall.SIGKILL)
				waitGone(t, s.PID)
			}
		}
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(errOut.String(), logPath) {
			t.Errorf("axa countries with a planted log: %v, stderr %q; want exit 2 naming %s", err, errOut.String(), logPath)
		}
		if got, err := os.ReadFile(victim); err != nil || string(got) != precious {
			t.Errorf("the link's target now holds %q (%v), want it untouched", got, err)
		}
	}
}

// The background sandbox holds the start lock (the flock of
// sandbox.starting) for its whole life, handed over by the command that
// started it: while it runs no other is started in its state directory.
// Killed, it leaves its state file but releases the lock: the next command
// starts a new one.
func TestKilledSharedSandboxIsReplaced(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	tmp := t.TempDir()
	bin := buildAxa(t, tmp)
	stateDir := filepath.Join(tmp, "state")
	axa := func(args ...string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + tmp, "AXA_STATE_DIR=" + stateDir}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("axa %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	pid := func() int {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(stateDir, "sandbox.json"))
		if err != nil {
			t.Fatal(err)
		}
		var st struct{ PID int }
		if err := json.Unmarshal(data, &st); err != nil || st.PID <= 0 {
			t.Fatalf("state file %q: %v", data, err)
		}
		t.Cleanup(func() {
			if !gone(st.PID) {
				_ = syscall.Kill(st.PID, syscall.SIGKILL)
				waitGone(t, st.PID)
			}
		})
		return st.PID
	}
	locked := func() bool {
		t.Helper()
		fh, err := os.OpenFile(filepath.Join(stateDir, "sandbox.starting"), os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer fh.Close() //nolint:errcheck // read only
		err = syscall.Flock(int(fh.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		return errors.Is(err, syscall.EWOULDBLOCK)
	}

	axa("countries", "fr")
	first := pid()
	if !locked() {
		t.Fatal("the start lock is free while the background sandbox runs: another could be started next to it")
	}
	if err := syscall.Kill(first, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if !waitGone(t, first) {
		t.Fatal("the background sandbox did not end")
	}
	// The system releases the lock as the process ends; it may show gone
	// a moment before (gVisor does): polled, up to a failure guard.
	deadline := time.NewTimer(10 * time.Second) // a failure guard, not a timing
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for locked() {
		select {
		case <-deadline.C:
			t.Fatal("the start lock is still held after the background sandbox was killed")
		case <-tick.C:
		}
	}
	axa("countries", "fr")
	if second := pid(); second == first {
		t.Errorf("the killed sandbox (pid %d) is still recorded", first)
	}
	axa("sandbox", "stop")
}

// approve plays the browser on the sandbox's login page: it opens u and
// posts the form, approved as the sandbox's demo user, then follows the
// redirect to the login command's callback.
func approve(t *testing.T, u string) error {
	t.Helper()
	resp, err := http.Get(u) //nolint:noctx // the URL the test's own axa login printed
	if err != nil {
		return err
	}
	page, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return err
	}
	action := regexp.MustCompile(`<form method="post" action="([^"]*)"`).FindSubmatch(page)
	if action == nil {
		return fmt.Errorf("no login form in %s", page)
	}
	target, err := resp.Request.URL.Parse(html.UnescapeString(string(action[1])))
	if err != nil {
		return err
	}
	form := url.Values{"login": {"demo"}, "password": {"demo"}, "decision": {"approve"}}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`).FindAllSubmatch(page, -1) {
		form.Set(html.UnescapeString(string(m[1])), html.UnescapeString(string(m[2])))
	}
	resp, err = http.PostForm(target.String(), form) //nolint:noctx // the sandbox's own form
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("approving the login: %s", resp.Status)
	}
	return nil
}

// gone tells whether the process pid has ended (gone, or a zombie waiting
// for a parent that does not reap it).
func gone(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return true
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(stat, ')')
	return i > 0 && len(stat) > i+2 && stat[i+2] == 'Z'
}

// waitGone polls, up to a deadline, until the process pid has ended.
func waitGone(t *testing.T, pid int) bool {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second) // a failure guard, not a timing
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !gone(pid) {
		select {
		case <-deadline.C:
			return false
		case <-tick.C:
		}
	}
	return true
}
