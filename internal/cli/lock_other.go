//go:build !unix

package cli

import (
	"errors"
	"io/fs"
	"os"
	"time"
)

// lifelongLock says that the start lock is not held for the sandbox's
// life here: whether a sandbox runs is told by its answering a probe in
// time (probeWait).
const lifelongLock = false

// tryLock does not lock where flock is not available: commands that use
// one session at once may then invalidate it.
func tryLock(*os.File) error { return nil }

// startLock takes the lock of starting the shared sandbox without waiting:
// here, creating the file sandbox.starting of d (O_EXCL); ok is false when
// it exists. A file older than startWait was left by a command that died:
// it is removed, and the next call may take the lock. held is nil: the
// lock is not handed to the sandbox; release removes the file.
func startLock(d *stateFS) (held *os.File, release func(), ok bool, err error) {
	fh, err := d.root.OpenFile(startingFile, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err == nil {
		_ = fh.Close()
		return nil, func() { _ = d.remove(startingFile) }, true, nil
	}
	if !errors.Is(err, fs.ErrExist) {
		return nil, nil, false, err
	}
	if fi, err := d.root.Lstat(startingFile); err == nil && time.Since(fi.ModTime()) > startWait {
		_ = d.remove(startingFile)
	}
	return nil, nil, false, nil
}

// sandboxRuns reports true: no lock tells it here; a probe does.
func sandboxRuns(*stateFS) bool { return true }
