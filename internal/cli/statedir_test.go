//go:build unix

package cli

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// plantedCase is one file the CLI opens in its state directory, and a
// command that opens it.
type plantedCase struct {
	name string
	args []string
}

// plantedCases are every file the CLI opens in the state (and session)
// directory, each with a command that opens it.
var plantedCases = []plantedCase{
	{sandboxLogFile, []string{"countries", "fr"}},   // emptied and written by the sandbox it starts
	{startingFile, []string{"countries", "fr"}},     // the start lock
	{sandboxStateFile, []string{"countries", "fr"}}, // read, then replaced
	{"session.lock", []string{"auth", "status"}},    // the session lock
	{sessionFile, []string{"auth", "status"}},       // read
}

// A file of the state directory planted as a link (a symbolic link to a
// file of the user's, or to a path where none is yet, elsewhere or in the
// directory itself, or a hard link) is
// never followed: its target is neither emptied, written nor created. The
// sandbox log, the start lock and the session lock are refused, naming the
// file; the state file is not used (a new sandbox replaces it); the
// session file is refused. It used to empty the target of sandbox.log and
// create the targets of the locks.
func TestPlantedLinksInTheStateDirAreNotFollowed(t *testing.T) {
	const precious = "precious content of the user's\n"
	for _, tc := range plantedCases {
		for _, kind := range []string{"symlink", "dangling symlink", "hard link", "symlink within", "dangling symlink within"} {
			t.Run(tc.name+"/"+kind, func(t *testing.T) {
				newF, sp, dir := sharedEnv(t)
				if err := os.MkdirAll(dir, 0o700); err != nil {
					t.Fatal(err)
				}
				victim := filepath.Join(t.TempDir(), "victim.txt")
				if strings.HasSuffix(kind, " within") { // a file of the directory itself
					victim = filepath.Join(dir, "victim.txt")
				}
				dangling := strings.HasPrefix(kind, "dangling")
				if !dangling {
					if err := os.WriteFile(victim, []byte(precious), 0o600); err != nil {
						t.Fatal(err)
					}
				}
				planted := filepath.Join(dir, tc.name)
				link := os.Symlink
				if kind == "hard link" {
					link = os.Link
				}
				if err := link(victim, planted); err != nil {
					t.Fatal(err)
				}
				r := run(t, newF(nil), tc.args...)
				t.Logf("exit %d, err %q", r.code, r.err)

				got, err := os.ReadFile(victim)
				switch {
				case dangling && !errors.Is(err, fs.ErrNotExist):
					t.Errorf("the link's target was created: %q, %v", got, err)
				case !dangling && (err != nil || string(got) != precious):
					t.Errorf("the link's target now holds %q (%v), want it untouched", got, err)
				}
				switch tc.name {
				case sandboxStateFile:
					// Not used: a sandbox of its own is started, and the
					// link replaced by its state file.
					if r.code != ExitOK || sp.started.Load() != 1 {
						t.Errorf("exit %d, %d sandboxes started; want 0 and 1: %s", r.code, sp.started.Load(), r.err)
					}
				default:
					if r.code != ExitUsage || !strings.Contains(r.err, planted) {
						t.Errorf("exit %d, err %q; want 2 and an error naming %s", r.code, r.err, planted)
					}
					if tc.name != sandboxLogFile && sp.started.Load() != 0 {
						t.Errorf("%d sandboxes started through a planted %s", sp.started.Load(), tc.name)
					}
				}
			})
		}
	}
}

// A state file of this user's, 0600, but planted by another hand in
// another mode: a log others may write is not written.
func TestStateFileOthersMayWriteIsRefused(t *testing.T) {
	newF, sp, dir := sharedEnv(t)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, sandboxLogFile)
	if err := os.WriteFile(log, []byte("old log\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(log, 0o666); err != nil {
		t.Fatal(err)
	}
	r := run(t, newF(nil), "countries", "fr")
	if r.code != ExitUsage || !strings.Contains(r.err, log) {
		t.Errorf("exit %d, err %q; want 2 and an error naming %s", r.code, r.err, log)
	}
	if got, _ := os.ReadFile(log); string(got) != "old log\n" {
		t.Errorf("the log was written: %q", got)
	}
	if n := sp.started.Load(); n != 0 {
		t.Errorf("%d sandboxes started", n)
	}
}

// A state directory others may write (group or other write bits, with or
// without the sticky bit) is refused before anything is opened in it: a
// usage error naming it and saying what to do. The session's directory
// too.
func TestStateDirOthersMayWriteIsRefused(t *testing.T) {
	for _, mode := range []fs.FileMode{0o770, 0o777, os.ModeSticky | 0o777, 0o720} {
		for _, args := range [][]string{{"countries", "fr"}, {"auth", "status"}, {"sandbox", "stop"}} {
			t.Run(mode.String()+"/"+strings.Join(args, " "), func(t *testing.T) {
				newF, sp, dir := sharedEnv(t)
				if err := os.MkdirAll(dir, 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(dir, mode); err != nil {
					t.Fatal(err)
				}
				r := run(t, newF(nil), args...)
				if r.code != ExitUsage || !strings.Contains(r.err, dir) || !strings.Contains(r.err, "chmod 700") {
					t.Errorf("exit %d, err %q; want 2 and an error naming %s and chmod 700", r.code, r.err, dir)
				}
				if n := sp.started.Load(); n != 0 {
					t.Errorf("%d sandboxes started in it", n)
				}
				if entries, _ := os.ReadDir(dir); len(entries) != 0 {
					t.Errorf("the CLI wrote in it: %v", entries)
				}
			})
		}
	}
}

// The normal path: a state directory the CLI creates (0700), its files
// 0600, a log of the sandbox emptied at each start.
func TestStateDirOfOurOwnIsUsed(t *testing.T) {
	newF, sp, dir := sharedEnv(t)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, sandboxLogFile), []byte("a log of an earlier sandbox\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := run(t, newF(nil), "countries", "fr"); r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	if n := sp.started.Load(); n != 1 {
		t.Errorf("%d sandboxes started, want 1", n)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, sandboxLogFile)); strings.Contains(string(got), "earlier") {
		t.Errorf("the log was not emptied at the start: %q", got)
	}
	for _, name := range []string{sandboxStateFile, startingFile, sandboxLogFile} {
		fi, err := os.Lstat(filepath.Join(dir, name))
		if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, %v; want a regular file, mode 0600", name, fi, err)
		}
	}
}

// A file another command replaced (an atomic rename over its name) between
// its opening and its check is no link: the check says it was replaced,
// which open tries again, instead of refusing the file as planted.
func TestStateFileReplacedWhileOpenedIsNoLink(t *testing.T) {
	dir := t.TempDir()
	d, err := openStateFS(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = d.Close() }()
	if err := d.writeFile(sessionFile, []byte(`{"a":1}`)); err != nil {
		t.Fatal(err)
	}
	fh, fi, err := d.open(sessionFile, os.O_RDONLY)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = fh.Close() }()
	if err := d.writeFile(sessionFile, []byte(`{"a":2}`)); err != nil { // renamed over it
		t.Fatal(err)
	}
	if err := d.check(sessionFile, fi); !errors.Is(err, errReplaced) {
		t.Errorf("a replaced file: %v, want errReplaced (not a link)", err)
	}
	if data, _, err := d.readFile(sessionFile, 100); err != nil || string(data) != `{"a":2}` {
		t.Errorf("reading it again: %q, %v", data, err)
	}
	link := filepath.Join(dir, "other")
	if err := os.WriteFile(link, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, sessionFile)); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(link, filepath.Join(dir, sessionFile)); err != nil {
		t.Fatal(err)
	}
	var no *notOursError
	if err := d.check(sessionFile, fi); !errors.As(err, &no) {
		t.Errorf("a link planted since: %v, want it refused", err)
	}
}
