package cli

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/axa-assistance-go/axa/internal/loopback"
)

// The shared sandbox: without credentials, the commands of a shell session
// share one sandbox, started in the background on first use and reached
// through a state file, so that a quote made by one command is there for
// the next. It ends with `axa sandbox stop` or after an idle timeout.

const (
	// EnvStateDir overrides where the CLI keeps its state (the shared
	// sandbox's state file, the login session).
	EnvStateDir = "AXA_STATE_DIR"
	// EnvSandboxIdle is how long the shared sandbox lives without a
	// request, e.g. 30m.
	EnvSandboxIdle = "AXA_SANDBOX_IDLE"

	defaultIdle      = 30 * time.Minute
	sandboxStateFile = "sandbox.json"
	startingFile     = "sandbox.starting"
	sandboxLogFile   = "sandbox.log"
	stopPath         = "/.axa-cli/stop"
	stopHeader       = "X-Axa-Stop"
	// proofPath answers HMAC-SHA256(stop key, nonce) in proofHeader: the
	// commands ask it before they use a recorded sandbox, so that a server
	// that took the port of one that ended is not taken for it.
	proofPath   = "/.axa-cli/proof"
	proofHeader = "X-Axa-Proof"
	// startWait bounds how long a command waits for the shared sandbox to
	// start (its own, or one another command is starting).
	startWait = 15 * time.Second
	// probeWait bounds the check that a recorded sandbox still answers.
	probeWait = time.Second

	// sandboxClientID and sandboxClientSecret are the embedded sandbox's
	// well-known client (sandbox.DefaultClientID and DefaultClientSecret,
	// which a test checks), here so that a command that only calls the
	// sandbox does not link it (see thin.go).
	sandboxClientID     = "sandbox-client"
	sandboxClientSecret = "sandbox-secret"
)

// fullName is the file name of the full axa next to a thin one (an axa
// built with the axa_thin tag, see thin.go).
const fullName = "axa-full"

// sandboxState is the content of the state file: where the shared sandbox
// listens, the client to use with it, and the key that stops it. The file
// is 0600 in a 0700 directory.
type sandboxState struct {
	URL          string `json:"url"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	StopKey      string `json:"stop_key"`
	PID          int    `json:"pid"`
}

// stateDir is the CLI's state directory: $AXA_STATE_DIR, else axa in the
// user cache directory.
func (f *Factory) stateDir() (string, error) {
	if d := f.env(EnvStateDir, ""); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", usagef("no directory for the CLI's state (set %s): %w", EnvStateDir, err)
	}
	return filepath.Join(d, "axa"), nil
}

func (f *Factory) idleTimeout() (time.Duration, error) {
	s := f.env(EnvSandboxIdle, "")
	if s == "" {
		return defaultIdle, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, usagef("%s=%q: want a positive duration, e.g. 30m", EnvSandboxIdle, s)
	}
	return d, nil
}

// readState reads the state file of d: an error when there is none, when
// it is not this user's alone (see stateFS.open) or not a sandbox's.
func readState(d *stateFS) (*sandboxState, error) {
	// A file another user wrote, or may write, names a server of theirs
	// (its proof, below, is made with a key they chose): stateFS.open
	// refuses it, as a link.
	data, _, err := d.readFile(sandboxStateFile, maxSessionFile)
	if err != nil {
		return nil, err
	}
	var st sandboxState
	// The sandbox is on loopback: a state file naming another host is not
	// followed (the commands would send it the client, and a session).
	if err := json.Unmarshal(data, &st); err != nil || !isLoopbackURL(st.URL) {
		return nil, fmt.Errorf("state file %s is not a sandbox's", d.pathOf(sandboxStateFile))
	}
	return &st, nil
}

func isLoopbackURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && loopback.URL(u) && u.Path == ""
}

// answers tells whether the sandbox at url answers GET /version quickly.
func answers(ctx context.Context, url string) bool {
	ctx, cancel := context.WithTimeout(ctx, probeWait)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/version", nil)
	if err != nil {
		return false
	}
	resp, err := (&http.Client{}).Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// liveState returns the recorded sandbox if it proves, within wait (0:
// until ctx ends), that it is the one recorded (see isRecorded), else nil.
func liveState(ctx context.Context, d *stateFS, wait time.Duration) *sandboxState {
	st, err := readState(d)
	if err != nil || !isRecorded(ctx, st, wait) {
		return nil
	}
	return st
}

// runningWait is how long a command waits for a recorded sandbox to prove
// itself: where the start lock says whether one runs (lifelongLock), as
// long as the command's context allows, a slow sandbox being no stale
// one; elsewhere probeWait, the probe being all that tells.
func runningWait() time.Duration {
	if lifelongLock {
		return 0
	}
	return probeWait
}

// proof is what the sandbox recorded with key answers to nonce.
func proof(key, nonce string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(nonce))
	return hex.EncodeToString(m.Sum(nil))
}

// isRecorded tells whether the server at st.URL is the sandbox st records
// (checkRecorded).
func isRecorded(ctx context.Context, st *sandboxState, wait time.Duration) bool {
	return checkRecorded(ctx, st, wait) == nil
}

// errNotRecorded says that the server at a state file's URL is not the
// sandbox the file records: none answers there, or another server, or one
// that does not know the file's key.
var errNotRecorded = errors.New("not the sandbox recorded")

// checkRecorded checks that the server at st.URL is the sandbox st
// records: it answers a fresh nonce with the proof only its stop key
// makes. A sandbox that ended leaves its state file, and another server
// may listen on its port since: the commands would send it the client, and
// the refresh token of a login to that sandbox. The key is not sent. It
// waits up to wait for the answer (0: until ctx ends); the error wraps
// ctx's when no answer came in time, else errNotRecorded.
func checkRecorded(ctx context.Context, st *sandboxState, wait time.Duration) error {
	if st.StopKey == "" {
		return errNotRecorded
	}
	if wait > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, wait)
		defer cancel()
	}
	n := make([]byte, 16)
	_, _ = rand.Read(n)
	nonce := hex.EncodeToString(n)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, st.URL+proofPath+"?nonce="+nonce, nil)
	if err != nil {
		return errNotRecorded
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("the sandbox at %s: %w", st.URL, ctx.Err())
		}
		return errNotRecorded
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	_ = resp.Body.Close()
	got := resp.Header.Get(proofHeader)
	if resp.StatusCode != http.StatusNoContent || !hmac.Equal([]byte(got), []byte(proof(st.StopKey, nonce))) {
		return errNotRecorded
	}
	return nil
}

// SpawnArgs is what a SpawnFunc is given to start the shared sandbox.
type SpawnArgs struct {
	// Dir is the state directory, where the sandbox records itself.
	Dir string
	// Idle is how long the sandbox serves without a request.
	Idle time.Duration
	// Log is sandbox.log in Dir, opened (never through a link) and
	// emptied: the sandbox's output. The SpawnFunc closes it.
	Log *os.File
	// Lock is the start lock, taken (the flock of sandbox.starting; nil
	// where there is none, see lifelongLock): the sandbox keeps it for its
	// whole life, so that no other is started next to it. The SpawnFunc
	// hands it over (a process inherits it) and closes it.
	Lock *os.File
}

// SpawnFunc starts the shared sandbox in the background, serving until it
// is idle for a.Idle, and recording itself in a.Dir; it returns once
// started, without waiting for the state file.
type SpawnFunc func(a SpawnArgs) error

// lockFD is the descriptor of the start lock in the process spawnSelf
// starts: the first of its ExtraFiles.
const lockFD = 3

// spawnSelf starts this executable (sandboxExecutable: the full axa, in a
// thin build) as `axa sandbox serve-background`,
// detached from the command: its own session, no terminal, its errors in
// sandbox.log in the state directory, the start lock inherited.
func spawnSelf(a SpawnArgs) error {
	defer a.Log.Close() //nolint:errcheck // the child has its own copy
	if a.Lock != nil {
		defer a.Lock.Close() //nolint:errcheck // the child has its own copy, and so the lock
	}
	exe, err := sandboxExecutable()
	if err != nil {
		return fmt.Errorf("starting the background sandbox: %w", err)
	}
	args := []string{"sandbox", "serve-background", "--state-dir", a.Dir, "--idle", a.Idle.String()}
	cmd := exec.Command(exe, args...) //nolint:gosec // this very program, or the full one next to it
	if a.Lock != nil {
		cmd.ExtraFiles = []*os.File{a.Lock}
		cmd.Args = append(cmd.Args, "--lock-fd", strconv.Itoa(lockFD))
	}
	cmd.Stdout, cmd.Stderr = a.Log, a.Log
	cmd.SysProcAttr = detached()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting the background sandbox: %w", err)
	}
	return cmd.Process.Release()
}

// sharedSandbox returns the state of the session's shared sandbox, started
// if none runs, waiting for it until ctx ends. Never two for one state
// directory: the start lock (startLock) is taken by the command that
// starts the sandbox and, where it is a flock (lifelongLock), handed to
// the sandbox, which holds it for its life. A command that cannot take it
// waits for the sandbox that runs, or starts, to prove itself, however
// slow, and never starts another; one that takes it knows that none runs,
// and starts one. Where there is no flock, a sandbox that does not prove
// itself within probeWait is taken for ended.
func (f *Factory) sharedSandbox(ctx context.Context) (*sandboxState, bool, error) {
	path, err := f.stateDir()
	if err != nil {
		return nil, false, err
	}
	idle, err := f.idleTimeout()
	if err != nil {
		return nil, false, err
	}
	dir, err := openStateFS(path, true)
	if err != nil {
		return nil, false, err
	}
	defer dir.Close() //nolint:errcheck // a directory
	if !lifelongLock {
		if st := liveState(ctx, dir, probeWait); st != nil {
			return st, false, nil
		}
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		held, release, ok, err := startLock(dir)
		if err != nil {
			return nil, false, usageIfNotOurs(err, "the start lock of the background sandbox:")
		}
		if ok {
			st, err := f.startShared(ctx, dir, idle, held, release, tick)
			return st, st != nil, err
		}
		// A sandbox runs, or another command is starting one: wait for
		// it to prove itself, or to end (its lock free, taken above).
		if st := liveState(ctx, dir, runningWait()); st != nil {
			return st, false, nil
		}
		select {
		case <-ctx.Done():
			return nil, false, notAnswering(dir)
		case <-tick.C:
		}
	}
}

// notAnswering is the error of a command that waited as long as --timeout
// allows for the shared sandbox of dir that runs, or starts, to prove
// itself.
func notAnswering(dir *stateFS) error {
	const waited = "within --timeout"
	if !lifelongLock {
		return fmt.Errorf("the background sandbox did not start %s (another command holds %s)", waited, dir.pathOf(startingFile))
	}
	holder := "its process"
	if data, _, err := dir.readFile(startingFile, 32); err == nil {
		if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil && pid > 0 {
			holder = "process " + strconv.Itoa(pid)
		}
	}
	if st, err := readState(dir); err == nil {
		return fmt.Errorf("the background sandbox at %s (%s) runs but did not answer %s: retry with a longer --timeout, or end it (axa sandbox stop, or kill %s)",
			st.URL, holder, waited, strings.TrimPrefix(holder, "process "))
	}
	return fmt.Errorf("the background sandbox (%s, which holds %s) did not record itself %s: retry with a longer --timeout, or end it (kill %s); see %s",
		holder, dir.pathOf(startingFile), waited, strings.TrimPrefix(holder, "process "), dir.pathOf(sandboxLogFile))
}

// startShared starts the shared sandbox, holding the start lock (held,
// which it hands over where it is a flock; else it ends it with release),
// and waits until it proves itself or ctx ends.
func (f *Factory) startShared(ctx context.Context, dir *stateFS, idle time.Duration, held *os.File, release func(), tick *time.Ticker) (*sandboxState, error) {
	if held == nil {
		defer release()
		if st := liveState(ctx, dir, probeWait); st != nil { // started while we took the lock
			return st, nil
		}
	}
	// Where the lock is held for the sandbox's life, taking it says that
	// none runs: a state file is a dead one's.
	_ = dir.remove(sandboxStateFile)
	logf, err := dir.truncate(sandboxLogFile)
	if err != nil {
		if held != nil {
			release()
		}
		return nil, usageIfNotOurs(err, "the background sandbox's log:")
	}
	if err := f.SpawnSandbox(SpawnArgs{Dir: dir.path, Idle: idle, Log: logf, Lock: held}); err != nil {
		return nil, err
	}
	for {
		if st := liveState(ctx, dir, runningWait()); st != nil {
			return st, nil
		}
		if held != nil && !sandboxRuns(dir) { // its lock free: it ended
			return nil, fmt.Errorf("the background sandbox ended as it started (see %s)", dir.pathOf(sandboxLogFile))
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("the background sandbox did not start within --timeout (see %s)", dir.pathOf(sandboxLogFile))
		case <-tick.C:
		}
	}
}

// stopShared stops the session's shared sandbox, if one answers, waits
// until it no longer does and has released its start lock, and removes
// its state file, its start lock file and its log when empty
// (cleanUpStateDir). It tells whether one was running, and the path of
// the log it kept, if any.
func stopShared(ctx context.Context, path string) (was bool, keptLog string, err error) {
	dir, err := openStateFS(path, false)
	if errors.Is(err, fs.ErrNotExist) {
		return false, "", nil
	}
	if err != nil {
		return false, "", err
	}
	defer dir.Close() //nolint:errcheck // a directory
	st, err := readState(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return false, cleanUpStateDir(dir), nil
	}
	if err != nil || !sandboxRuns(dir) { // not a sandbox's, or its lock free: it ended
		_ = dir.remove(sandboxStateFile)
		return false, cleanUpStateDir(dir), nil
	}
	// Ended: another server may have its port. Where the lock says that
	// it runs, it is waited for (ctx), and not forgotten if it is slow.
	if err := checkRecorded(ctx, st, runningWait()); err != nil {
		if lifelongLock && !errors.Is(err, errNotRecorded) {
			return false, "", fmt.Errorf("the background sandbox at %s (pid %d) runs but did not answer within --timeout: retry with a longer one, or kill %d", st.URL, st.PID, st.PID)
		}
		_ = dir.remove(sandboxStateFile)
		return false, "", nil
	}
	defer dir.remove(sandboxStateFile) //nolint:errcheck // best effort; the sandbox removes it too
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, st.URL+stopPath, nil)
	if err != nil {
		return false, "", err
	}
	req.Header.Set(stopHeader, st.StopKey)
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		return false, "", fmt.Errorf("stopping the sandbox at %s: %w", st.URL, err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return false, "", fmt.Errorf("stopping the sandbox at %s: %s", st.URL, resp.Status)
	}
	deadline := time.Now().Add(startWait)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	// It ends: it stops answering, then removes its state file and
	// releases its start lock, which is when its files may go.
	for answers(ctx, st.URL) || sandboxRuns(dir) {
		if time.Now().After(deadline) {
			return true, "", fmt.Errorf("the sandbox at %s (pid %d) still runs %s after it was asked to stop", st.URL, st.PID, startWait)
		}
		select {
		case <-ctx.Done():
			return true, "", ctx.Err()
		case <-tick.C:
		}
	}
	return true, cleanUpStateDir(dir), nil
}

// cleanUpStateDir removes what a shared sandbox that ended leaves in its
// state directory: its start lock file, and its log when empty (the
// sandbox logs warnings only); it returns the path of a log that holds
// something, which it keeps. It does so holding the start lock, so that
// no sandbox runs or starts meanwhile (a command that locked the file
// removed takes the lock again on a new one: see startLock); when another
// holds it, a sandbox starts, and nothing is removed.
func cleanUpStateDir(d *stateFS) (keptLog string) {
	held, release, ok, err := startLock(d)
	if err != nil || !ok {
		return ""
	}
	if fi, err := d.root.Lstat(sandboxLogFile); err == nil && fi.Mode().IsRegular() {
		if fi.Size() == 0 {
			_ = d.remove(sandboxLogFile)
		} else {
			keptLog = d.pathOf(sandboxLogFile)
		}
	}
	if held != nil {
		_ = d.remove(startingFile) // under the lock; release removes it where there is no flock
	}
	release()
	return keptLog
}

// newCmdSandboxStop builds `axa sandbox stop`.
func newCmdSandboxStop(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "stop",
		Short: "Stop the background sandbox the commands share",
		Long: `Stop the sandbox that the commands without credentials start in the background
on first use and share (it also stops by itself after $AXA_SANDBOX_IDLE, 30m by
default, without a request), and remove its files: its state file, its start
lock and its log (unless the log holds something, which is kept and named).`,
		Example: "  axa sandbox stop",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := f.stateDir()
			if err != nil {
				return err
			}
			ctx, cancel := f.context(cmd)
			defer cancel()
			was, keptLog, err := stopShared(ctx, dir)
			if err != nil {
				return err
			}
			msg := "axa: no background sandbox was running"
			if was {
				msg = "axa: stopped the background sandbox"
			}
			out := map[string]any{"stopped": was}
			if keptLog != "" {
				msg += "; its log is kept: " + keptLog
				out["log"] = keptLog
			}
			return f.print(out, func(w *table) { w.Printf("%s\n", msg) })
		},
	}
	helpWithout(cmd, "base-url", "client-id", "client-secret", "json", "lang") // --timeout applies
	return cmd
}
