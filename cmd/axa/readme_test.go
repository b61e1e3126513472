//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/internal/testutil"
)

// What TestReadmeCommandsRun changes in a README command before running
// it, and why; anything else runs as written. Keep this list small: a
// README command that needs more is a README to fix.
//
//   - QUOTE_ID: the id of a quote the test asks for first (axa quote
//     --json), a new one each time.
//   - POLICY_ID: the id of a policy the test issues first (axa quote,
//     then axa policy create --json), the same one each time.
//   - --start and --end of axa quote: the trip moves to start in 30 days,
//     keeping its length: the sandbox refuses a trip in the past, so dates
//     written in the README would fail once passed.
//   - axa sandbox, which serves until interrupted: on 127.0.0.1:0 (its
//     --addr replaced or added), so that it never needs a given port; the
//     test waits for the AXA_BASE_URL it prints, asks it for /version,
//     then interrupts it and wants exit 0.
//   - axa mcp, a server for an agent's client: the test is that client
//     (readmeMCP), over standard input and output, or with --addr on
//     127.0.0.1:0 over streamable HTTP at the URL it prints; it lists the
//     tools, calls getVersion, then ends it and wants exit 0.
//   - axa login: the test plays the browser, approving the login on the
//     sandbox's page as its demo user.
//   - a command with a --base-url of a host that is not this machine
//     (https://staging.example.com) is skipped: the test reaches no other
//     host.
//
// The files the commands read that no earlier command writes are given in
// the working directory: readmeFiles.
var readmePlaceholders = []string{"QUOTE_ID", "POLICY_ID"}

// readmeFiles are the files the test puts in the commands' working
// directory, by name: the body of axa api requestQuote, and the holder
// file (which axa policy create --template also writes).
func readmeFiles(t *testing.T) map[string][]byte {
	t.Helper()
	holder, err := os.ReadFile("../../examples/holder.json")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().AddDate(0, 0, 30)
	quote := fmt.Sprintf(`{"trip_type": "single_trip", "origin_country": "fr", "destination_countries": ["jp"],
		"start_date": %q, "end_date": %q, "travellers": [{"birth_date": "1985-04-12"}], "plan_code": "comfort"}`,
		start.Format(time.DateOnly), start.AddDate(0, 0, 14).Format(time.DateOnly))
	return map[string][]byte{"holder.json": holder, "quote.json": []byte(quote)}
}

// readmeCommand is an axa command line of the README.
type readmeCommand struct {
	line   string   // as written, without its comment
	args   []string // after "axa" or "go run ./cmd/axa"
	stdout string   // the file of a "> FILE" redirection, "" without one
}

// readmeCommands returns the axa command lines of the README's sh blocks:
// those starting with "go run ./cmd/axa " or "axa ", their comments left
// out.
func readmeCommands(t *testing.T) []readmeCommand {
	t.Helper()
	var out []readmeCommand
	for _, b := range testutil.CodeBlocks(t, "../../README.md") {
		if b.Info != "sh" {
			continue
		}
		for line := range strings.Lines(b.Text) {
			line, _, _ = strings.Cut(line, "#")
			line = strings.TrimSpace(line)
			var rest string
			if r, ok := strings.CutPrefix(line, "go run ./cmd/axa "); ok {
				rest = r
			} else if r, ok := strings.CutPrefix(line, "axa "); ok {
				rest = r
			} else {
				continue
			}
			c := readmeCommand{line: line}
			fields := strings.Fields(rest)
			if i := slices.Index(fields, ">"); i >= 0 {
				if i != len(fields)-2 {
					t.Fatalf("README: %q: a redirection other than a last > FILE", line)
				}
				c.stdout, fields = fields[i+1], fields[:i]
			}
			c.args = fields
			out = append(out, c)
		}
	}
	return out
}

// placeholder finds what looks like a placeholder in a command's
// argument: a word in capitals (QUOTE_ID, FILE), alone or in a longer
// argument (cancel-POLICY_ID, --file=FILE).
var placeholder = regexp.MustCompile(`(?:^|[^A-Za-z0-9_])([A-Z][A-Z0-9_]+)(?:$|[^A-Za-z0-9_])`)

// Every axa command line of the README's sh blocks runs, with the built
// binary, against the embedded sandbox (no credentials), in a state
// directory and a working directory of the test's, and exits 0: the
// README cannot show a command that no longer works. What the test changes
// or skips is listed above readmePlaceholders; a placeholder it does not
// know, or a file no earlier command writes and the test does not give,
// fails it.
func TestReadmeCommandsRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	cmds := readmeCommands(t)
	if len(cmds) < 20 {
		t.Fatalf("found %d axa commands in the README's sh blocks: the extraction is broken", len(cmds))
	}
	tmp := t.TempDir()
	bin := buildAxa(t, tmp)
	work, stateDir := filepath.Join(tmp, "work"), filepath.Join(tmp, "state")
	if err := os.Mkdir(work, 0o700); err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	for name, data := range readmeFiles(t) {
		if err := os.WriteFile(filepath.Join(work, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
		files[name] = true
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + tmp, "AXA_STATE_DIR=" + stateDir}

	// The shared sandboxes the commands start end with the test, whatever
	// happens; a README command may stop one and a later one start another.
	seen := map[int]bool{}
	track := func() {
		data, err := os.ReadFile(filepath.Join(stateDir, "sandbox.json"))
		if err != nil {
			return
		}
		var st struct{ PID int }
		if json.Unmarshal(data, &st) != nil || st.PID <= 0 || seen[st.PID] {
			return
		}
		seen[st.PID] = true
		t.Cleanup(func() {
			if !gone(st.PID) {
				_ = syscall.Kill(st.PID, syscall.SIGKILL)
				waitGone(t, st.PID)
			}
		})
	}
	// axa runs one command to its end and returns its standard output.
	axa := func(c readmeCommand, args ...string) ([]byte, error) {
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute) // a failure guard, not a timing
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Dir, cmd.Env = work, env
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		track()
		if err != nil {
			return nil, fmt.Errorf("%s: %w\nstdout: %s\nstderr: %s", c.line, err, out.Bytes(), errOut.Bytes())
		}
		return out.Bytes(), nil
	}
	// setup runs a command the substitutions need, failing the test if it
	// fails, and decodes its JSON output's id.
	setup := func(c readmeCommand, args ...string) string {
		t.Helper()
		out, err := axa(c, args...)
		if err != nil {
			t.Fatalf("setting up %s: %v", strings.Join(args, " "), err)
		}
		var v struct{ ID string }
		if err := json.Unmarshal(out, &v); err != nil || v.ID == "" {
			t.Fatalf("setting up %s: no id in %q: %v", strings.Join(args, " "), out, err)
		}
		return v.ID
	}
	start := time.Now().AddDate(0, 0, 30)
	quote := func(c readmeCommand) string {
		return setup(c, "quote", "--json", "--from", "fr", "--to", "jp", "--traveller", "1985-04-12",
			"--start", start.Format(time.DateOnly), "--end", start.AddDate(0, 0, 14).Format(time.DateOnly))
	}
	policyID := ""

	ran := 0
	for _, c := range cmds {
		args := slices.Clone(c.args)
		if i := slices.Index(args, "--base-url"); i >= 0 && i+1 < len(args) && !isLoopbackURL(args[i+1]) {
			t.Logf("skipped, a server the test does not reach: %s", c.line)
			continue
		}
		for i, a := range args {
			for _, m := range placeholder.FindAllStringSubmatch(a, -1) {
				if !slices.Contains(readmePlaceholders, m[1]) {
					t.Errorf("README: %q: the placeholder %s is none this test knows (%v): give a value that runs, or teach the test",
						c.line, m[1], readmePlaceholders)
				}
			}
			switch {
			case strings.Contains(a, "QUOTE_ID"):
				args[i] = strings.ReplaceAll(a, "QUOTE_ID", quote(c))
			case strings.Contains(a, "POLICY_ID"):
				if policyID == "" {
					policyID = setup(c, "policy", "create", "--json", "--quote", quote(c), "--file", "holder.json")
				}
				args[i] = strings.ReplaceAll(a, "POLICY_ID", policyID)
			}
			if i > 0 && args[i-1] == "--file" && a != "-" && !files[a] {
				t.Errorf("README: %q reads %s, which no earlier command writes and the test does not give (readmeFiles)", c.line, a)
			}
		}
		if args[0] == "quote" {
			moveTrip(t, c, args, start)
		}
		if t.Failed() {
			t.FailNow()
		}

		switch {
		case args[0] == "login":
			readmeLogin(t, c, bin, work, env, args)
		case args[0] == "sandbox" && !slices.Contains(args[1:], "stop"):
			readmeServe(t, c, bin, work, env, args)
		case args[0] == "mcp":
			readmeMCP(t, c, bin, work, env, args)
		default:
			out, err := axa(c, args...)
			if err != nil {
				t.Fatal(err)
			}
			if c.stdout != "" {
				if err := os.WriteFile(filepath.Join(work, c.stdout), out, 0o600); err != nil {
					t.Fatal(err)
				}
				files[c.stdout] = true
			}
		}
		if i := slices.Index(args, "--output"); i >= 0 && i+1 < len(args) {
			files[args[i+1]] = true
		}
		t.Logf("ran: axa %s", strings.Join(args, " "))
		ran++
	}
	if ran < 20 {
		t.Errorf("ran %d of the README's %d axa commands", ran, len(cmds))
	}
}

// isLoopbackURL tells whether u is a URL of this machine.
func isLoopbackURL(u string) bool {
	for _, p := range []string{"http://127.0.0.1", "http://localhost", "http://[::1]"} {
		if strings.HasPrefix(u, p) {
			return true
		}
	}
	return false
}

// moveTrip moves the --start and --end of an axa quote command so that
// the trip starts on start, keeping its length.
func moveTrip(t *testing.T, c readmeCommand, args []string, start time.Time) {
	t.Helper()
	i, j := slices.Index(args, "--start"), slices.Index(args, "--end")
	if i < 0 || j < 0 || i+1 >= len(args) || j+1 >= len(args) {
		return
	}
	from, err1 := time.Parse(time.DateOnly, args[i+1])
	to, err2 := time.Parse(time.DateOnly, args[j+1])
	if err := errors.Join(err1, err2); err != nil {
		t.Fatalf("README: %q: %v", c.line, err)
	}
	args[i+1] = start.Format(time.DateOnly)
	args[j+1] = start.Add(to.Sub(from)).Format(time.DateOnly)
}

// readmeLogin runs axa login and approves it on the sandbox's page, as
// the user's browser would.
func readmeLogin(t *testing.T, c readmeCommand, bin, work string, env, args []string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Env = work, env
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd.Stdout = &out
	var errOut syncBuffer
	u, done := startUntil(t, c.line+" (its authorization URL)", cmd, stderr, &errOut, func(line string) (string, bool) {
		u := strings.TrimSpace(line)
		return u, strings.HasPrefix(u, "http://") && strings.Contains(u, "/auth/v1/authorize?")
	})
	if err := approve(t, u); err != nil {
		t.Fatalf("%s: approving: %v", c.line, err)
	}
	guard := time.NewTimer(time.Minute) // a failure guard, not a timing
	defer guard.Stop()
	select {
	case err := <-done:
		done <- err
		if err != nil {
			t.Fatalf("%s: %v\n%s%s", c.line, err, out.String(), errOut.String())
		}
	case <-guard.C:
		t.Fatalf("%s did not end once approved", c.line)
	}
}

// readmeServe runs axa sandbox, which serves until interrupted, on a port
// of the system's choosing: it waits for the AXA_BASE_URL it prints, asks
// that URL for /version, interrupts it, and wants it to end with exit 0.
func readmeServe(t *testing.T, c readmeCommand, bin, work string, env, args []string) {
	t.Helper()
	args = slices.Clone(args)
	if i := slices.Index(args, "--addr"); i >= 0 && i+1 < len(args) {
		args[i+1] = "127.0.0.1:0"
	} else {
		args = append(args, "--addr", "127.0.0.1:0")
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Env = work, env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errOut syncBuffer
	cmd.Stderr = &errOut
	var out syncBuffer
	u, done := startUntil(t, c.line+" (its AXA_BASE_URL)", cmd, stdout, &out, func(line string) (string, bool) {
		return strings.CutPrefix(strings.TrimSpace(line), "export AXA_BASE_URL=")
	})
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u+"/version", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: GET /version: %v", c.line, err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("%s: GET /version: %s", c.line, resp.Status)
	}
	guard := time.NewTimer(time.Minute) // a failure guard, not a timing
	defer guard.Stop()
	interruptAndWait(t, c.line, cmd, done, &errOut, guard.C)
}

// interruptAndWait interrupts cmd, started by startUntil, and waits for
// done to say it ended, well (exit 0) and before stop: a command of the
// README that serves ends on Ctrl-C. done gets the result back, for the
// cleanup's wait.
func interruptAndWait[T any](t *testing.T, line string, cmd *exec.Cmd, done chan error, errOut *syncBuffer, stop <-chan T) {
	t.Helper()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		done <- err
		if err != nil {
			t.Fatalf("%s, interrupted: %v\n%s", line, err, errOut.String())
		}
	case <-stop:
		t.Fatalf("%s did not end when interrupted", line)
	}
}

// startUntil starts cmd and reads r, one of its pipes, line by line into
// log, until match finds in a line the value the caller waits for (a URL
// the command prints), which it returns; done receives cmd.Wait's result
// once r is drained. The command is killed and waited for at cleanup,
// whatever happens. It fails the test, naming what, if cmd ends or a
// minute passes before a line matches.
func startUntil(t *testing.T, what string, cmd *exec.Cmd, r io.Reader, log *syncBuffer, match func(line string) (string, bool)) (string, chan error) {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			_, _ = log.Write([]byte(sc.Text() + "\n"))
			if v, ok := match(sc.Text()); ok {
				select {
				case found <- v:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, r)
		done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		done <- <-done
	})
	guard := time.NewTimer(time.Minute) // a failure guard, not a timing
	defer guard.Stop()
	select {
	case v := <-found:
		return v, done
	case err := <-done:
		done <- err
		t.Fatalf("%s: ended first: %v\n%s", what, err, log.String())
	case <-guard.C:
		t.Fatalf("%s: none within a minute\n%s", what, log.String())
	}
	return "", nil
}
