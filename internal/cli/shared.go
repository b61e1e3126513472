package cli

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/axa-assistance-go/axa/internal/atomicfile"
	"github.com/axa-assistance-go/axa/internal/loopback"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
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
)

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

// writeFile0600 writes data to path atomically (atomicfile), with mode
// 0600, creating its directory with mode 0700.
func writeFile0600(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return atomicfile.Write(path, data, 0o600)
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

// liveState returns the recorded sandbox if it answers and proves it is
// the one recorded (see isRecorded), else nil.
func liveState(ctx context.Context, d *stateFS) *sandboxState {
	st, err := readState(d)
	if err != nil || !isRecorded(ctx, st) {
		return nil
	}
	return st
}

// proof is what the sandbox recorded with key answers to nonce.
func proof(key, nonce string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(nonce))
	return hex.EncodeToString(m.Sum(nil))
}

// isRecorded tells whether the server at st.URL is the sandbox st records:
// it answers a fresh nonce with the proof only its stop key makes. A
// sandbox that ended leaves its state file, and another server may listen
// on its port since: the commands would send it the client, and the
// refresh token of a login to that sandbox. The key is not sent.
func isRecorded(ctx context.Context, st *sandboxState) bool {
	if st.StopKey == "" {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, probeWait)
	defer cancel()
	n := make([]byte, 16)
	_, _ = rand.Read(n)
	nonce := hex.EncodeToString(n)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, st.URL+proofPath+"?nonce="+nonce, nil)
	if err != nil {
		return false
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	_ = resp.Body.Close()
	got := resp.Header.Get(proofHeader)
	return resp.StatusCode == http.StatusNoContent && hmac.Equal([]byte(got), []byte(proof(st.StopKey, nonce)))
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
}

// SpawnFunc starts the shared sandbox in the background, serving until it
// is idle for a.Idle, and recording itself in a.Dir; it returns once
// started, without waiting for the state file.
type SpawnFunc func(a SpawnArgs) error

// spawnSelf starts this executable as `axa sandbox serve-background`,
// detached from the command: its own session, no terminal, its errors in
// sandbox.log in the state directory.
func spawnSelf(a SpawnArgs) error {
	defer a.Log.Close() //nolint:errcheck // the child has its own copy
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("starting the background sandbox: %w", err)
	}
	cmd := exec.Command(exe, "sandbox", "serve-background", "--state-dir", a.Dir, "--idle", a.Idle.String()) //nolint:gosec // this very program
	cmd.Stdout, cmd.Stderr = a.Log, a.Log
	cmd.SysProcAttr = detached()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting the background sandbox: %w", err)
	}
	return cmd.Process.Release()
}

// sharedSandbox returns the state of the session's shared sandbox, started
// if none answers. Two commands at once start one sandbox: the one that
// holds the "starting" lock (startLock) starts it, the other waits for the
// state file.
func (f *Factory) sharedSandbox(ctx context.Context) (*sandboxState, bool, error) {
	path, err := f.stateDir()
	if err != nil {
		return nil, false, err
	}
	dir, err := openStateFS(path, true)
	if err != nil {
		return nil, false, err
	}
	defer dir.Close() //nolint:errcheck // a directory
	if st := liveState(ctx, dir); st != nil {
		return st, false, nil
	}
	idle, err := f.idleTimeout()
	if err != nil {
		return nil, false, err
	}
	deadline := time.Now().Add(startWait)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		release, ok, err := startLock(dir)
		if err != nil {
			return nil, false, usageIfNotOurs(err, "the start lock of the background sandbox:")
		}
		if ok {
			st, err := f.startShared(ctx, dir, idle, deadline, tick)
			release()
			return st, st != nil, err
		}
		// Another command is starting it: wait for its state file.
		if st := liveState(ctx, dir); st != nil {
			return st, false, nil
		}
		if time.Now().After(deadline) {
			return nil, false, fmt.Errorf("the background sandbox did not start within %s (another command holds %s)", startWait, dir.pathOf(startingFile))
		}
		select {
		case <-ctx.Done():
			return nil, false, ctx.Err()
		case <-tick.C:
		}
	}
}

func (f *Factory) startShared(ctx context.Context, dir *stateFS, idle time.Duration, deadline time.Time, tick *time.Ticker) (*sandboxState, error) {
	if st := liveState(ctx, dir); st != nil { // started while we took the lock
		return st, nil
	}
	_ = dir.remove(sandboxStateFile) // stale
	logf, err := dir.truncate(sandboxLogFile)
	if err != nil {
		return nil, usageIfNotOurs(err, "the background sandbox's log:")
	}
	if err := f.SpawnSandbox(SpawnArgs{Dir: dir.path, Idle: idle, Log: logf}); err != nil {
		return nil, err
	}
	for {
		if st := liveState(ctx, dir); st != nil {
			return st, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("the background sandbox did not start within %s (see %s)", startWait, dir.pathOf(sandboxLogFile))
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-tick.C:
		}
	}
}

// serveBackground serves the shared sandbox until ctx ends, it is idle
// for idle, or it is asked to stop; it records itself in dir once
// listening and removes its record when it ends.
func serveBackground(ctx context.Context, path string, idle time.Duration, opts []sandbox.Option, log io.Writer) error {
	dir, err := openStateFS(path, true)
	if err != nil {
		return err
	}
	defer dir.Close() //nolint:errcheck // a directory
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	sb, err := sandbox.New(append([]sandbox.Option{
		sandbox.WithIssuer(url),
		sandbox.WithLogger(slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelWarn}))),
	}, opts...)...)
	if err != nil {
		_ = ln.Close()
		return &usageError{err}
	}
	// The commands find the sandbox through the state file written below:
	// it is ready to answer them by then.
	if err := sb.Ready(); err != nil {
		_ = ln.Close()
		return err
	}
	key := make([]byte, 16)
	_, _ = rand.Read(key)
	st := sandboxState{
		URL: url, ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret,
		StopKey: hex.EncodeToString(key), PID: os.Getpid(),
	}
	// The sandbox is idle when no request is in flight and none ended for
	// idle: a slow request (the first API request waits for the spec's
	// loading) does not count as idle time.
	var last, inFlight atomic.Int64
	last.Store(time.Now().UnixNano())
	stop := make(chan struct{}, 1)
	srv := &http.Server{
		ReadHeaderTimeout: 10 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			inFlight.Add(1)
			defer func() {
				last.Store(time.Now().UnixNano())
				inFlight.Add(-1)
			}()
			if r.URL.Path == proofPath {
				nonce := r.URL.Query().Get("nonce")
				if r.Method != http.MethodGet || len(nonce) < 16 || len(nonce) > 128 {
					http.NotFound(w, r)
					return
				}
				w.Header().Set(proofHeader, proof(st.StopKey, nonce))
				w.WriteHeader(http.StatusNoContent)
				return
			}
			if r.URL.Path == stopPath {
				if r.Method != http.MethodPost || subtle.ConstantTimeCompare([]byte(r.Header.Get(stopHeader)), []byte(st.StopKey)) != 1 {
					http.NotFound(w, r)
					return
				}
				w.WriteHeader(http.StatusNoContent)
				select {
				case stop <- struct{}{}:
				default:
				}
				return
			}
			sb.ServeHTTP(w, r)
		}),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	data, _ := json.Marshal(st) //nolint:gosec // the sandbox's well-known client, in a 0600 file
	if err := dir.writeFile(sandboxStateFile, data); err != nil {
		_ = srv.Close()
		return fmt.Errorf("state file: %w", err)
	}
	defer func() {
		// Remove the record only if it is still this sandbox's.
		if cur, err := readState(dir); err == nil && cur.StopKey == st.StopKey {
			_ = dir.remove(sandboxStateFile)
		}
	}()
	idleTimer := time.NewTimer(idle)
	defer idleTimer.Stop()
wait:
	for {
		select {
		case <-ctx.Done():
			break wait
		case <-stop:
			break wait
		case err := <-served:
			return err
		case <-idleTimer.C:
			since := time.Since(time.Unix(0, last.Load()))
			if inFlight.Load() == 0 && since >= idle {
				break wait
			}
			idleTimer.Reset(max(idle-since, idle/10))
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
	}
	return nil
}

// stopShared stops the session's shared sandbox, if one answers, waits
// until it no longer does, and removes its state file. It tells whether
// one was running.
func stopShared(ctx context.Context, path string) (bool, error) {
	dir, err := openStateFS(path, false)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer dir.Close() //nolint:errcheck // a directory
	st, err := readState(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		_ = dir.remove(sandboxStateFile)
		return false, nil
	}
	defer dir.remove(sandboxStateFile) //nolint:errcheck // best effort; the sandbox removes it too
	// Ended: another server may have its port.
	if !isRecorded(ctx, st) {
		return false, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, st.URL+stopPath, nil)
	if err != nil {
		return false, err
	}
	req.Header.Set(stopHeader, st.StopKey)
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		return false, fmt.Errorf("stopping the sandbox at %s: %w", st.URL, err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return false, fmt.Errorf("stopping the sandbox at %s: %s", st.URL, resp.Status)
	}
	deadline := time.Now().Add(startWait)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for answers(ctx, st.URL) {
		if time.Now().After(deadline) {
			return true, fmt.Errorf("the sandbox at %s still answers after %s", st.URL, startWait)
		}
		select {
		case <-ctx.Done():
			return true, ctx.Err()
		case <-tick.C:
		}
	}
	return true, nil
}

// newCmdSandboxStop builds `axa sandbox stop`.
func newCmdSandboxStop(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "stop",
		Short: "Stop the background sandbox the commands share",
		Long: `Stop the sandbox that the commands without credentials start in the background
on first use and share (it also stops by itself after $AXA_SANDBOX_IDLE, 30m by
default, without a request), and remove its state file.`,
		Example: "  axa sandbox stop",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := f.stateDir()
			if err != nil {
				return err
			}
			ctx, cancel := f.context(cmd)
			defer cancel()
			was, err := stopShared(ctx, dir)
			if err != nil {
				return err
			}
			msg := "axa: no background sandbox was running\n"
			if was {
				msg = "axa: stopped the background sandbox\n"
			}
			return f.print(map[string]any{"stopped": was}, func(w *table) { w.Printf("%s", msg) })
		},
	}
	helpWithout(cmd, "base-url", "client-id", "client-secret", "json", "lang") // --timeout applies
	return cmd
}

// newCmdSandboxServeBackground builds the hidden `axa sandbox
// serve-background`, the process the shared sandbox runs in.
func newCmdSandboxServeBackground(f *Factory) *cobra.Command {
	var dir string
	var idle time.Duration
	cmd := &cobra.Command{
		Use:    "serve-background",
		Short:  "Serve the shared sandbox (started by the other commands)",
		Hidden: true,
		Args:   args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" || idle <= 0 {
				return usagef("--state-dir and a positive --idle are required")
			}
			serverGC()
			return serveBackground(cmd.Context(), dir, idle, f.SandboxOptions, f.Err)
		},
	}
	cmd.Flags().StringVar(&dir, "state-dir", "", "where to record the sandbox")
	cmd.Flags().DurationVar(&idle, "idle", defaultIdle, "stop after this long without a request")
	return cmd
}
