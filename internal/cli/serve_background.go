//go:build !axa_thin

package cli

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// background is the shared sandbox, as serveBackground runs it.
type background struct {
	dir  string        // the state directory, where it records itself
	idle time.Duration // it ends after this long without a request
	// lock is the start lock handed over by the command that started it
	// (SpawnArgs.Lock), held until it ends; nil: taken here, where
	// lifelongLock, or refused if another holds it.
	lock *os.File
	opts []sandbox.Option
	log  io.Writer
}

// serveBackground serves the shared sandbox until ctx ends, it is idle
// for bg.idle, or it is asked to stop; it holds the start lock for its
// whole life, records itself in its state directory once listening, and
// removes its record when it ends, before it releases the lock.
func serveBackground(ctx context.Context, bg background) error {
	dir, err := openStateFS(bg.dir, true)
	if err != nil {
		if bg.lock != nil {
			_ = bg.lock.Close()
		}
		return err
	}
	defer dir.Close() //nolint:errcheck // a directory
	lock := bg.lock
	switch {
	case lock != nil:
		if err := holdLock(dir, lock); err != nil {
			_ = lock.Close()
			return err
		}
	case lifelongLock:
		held, _, ok, err := startLock(dir)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("another shared sandbox runs, or starts, in %s (it holds %s)", dir.path, dir.pathOf(startingFile))
		}
		if err := holdLock(dir, held); err != nil {
			_ = held.Close()
			return err
		}
		lock = held
	}
	if lock != nil {
		defer lock.Close() //nolint:errcheck // unlocks, once the record is removed (deferred below)
	}
	idle, opts, log := bg.idle, bg.opts, bg.log
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
		return &usageError{err: err}
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
	// The sandbox is idle when it has worked on no request for idle: a
	// slow request is no idle time, a request that waits for its client
	// (a body that never comes) is (activity).
	act := newActivity(time.Now)
	stop := make(chan struct{}, 1)
	srv := &http.Server{ //nolint:gosec // sb.ConfigureServer, below, bounds the headers' wait
		Handler: act.handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
		})),
	}
	sb.ConfigureServer(srv) // bounds on headers and idle connections; the sandbox bounds bodies
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
			since := act.idleFor()
			if since >= idle {
				// What is in flight waits for its clients: cut off.
				_ = srv.Close()
				return nil
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

// newCmdSandboxServeBackground builds the hidden `axa sandbox
// serve-background`, the process the shared sandbox runs in.
func newCmdSandboxServeBackground(f *Factory) *cobra.Command {
	var dir string
	var idle time.Duration
	var inherited int
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
			bg := background{dir: dir, idle: idle, opts: f.SandboxOptions, log: f.Err}
			if inherited > 0 {
				bg.lock = os.NewFile(uintptr(inherited), startingFile)
			}
			return serveBackground(cmd.Context(), bg)
		},
	}
	cmd.Flags().StringVar(&dir, "state-dir", "", "where to record the sandbox")
	cmd.Flags().DurationVar(&idle, "idle", defaultIdle, "stop after this long without a request")
	cmd.Flags().IntVar(&inherited, "lock-fd", 0, "the descriptor of the start lock, inherited from the command that started it")
	return cmd
}
