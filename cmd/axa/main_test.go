package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// One end-to-end run of the built binary: `axa quote` starts the shared
// sandbox in the background, `axa policy create` issues a policy from that
// quote with no exports, and `axa sandbox stop` ends the background
// process.
func TestSharedSandboxEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if runtime.GOOS == "windows" {
		t.Skip("checks the background process with signals")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "axa")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
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
