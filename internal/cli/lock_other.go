//go:build !unix

package cli

import (
	"errors"
	"io/fs"
	"os"
	"time"
)

// tryLock does not lock where flock is not available: commands that use
// one session at once may then invalidate it.
func tryLock(*os.File) error { return nil }

// startLock takes the lock of starting the shared sandbox without waiting:
// here, creating the file sandbox.starting of d (O_EXCL); ok is false when it exists. A
// file older than startWait was left by a command that died: it is
// removed, and the next call may take the lock.
func startLock(d *stateFS) (release func(), ok bool, err error) {
	fh, err := d.root.OpenFile(startingFile, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err == nil {
		_ = fh.Close()
		return func() { _ = d.remove(startingFile) }, true, nil
	}
	if !errors.Is(err, fs.ErrExist) {
		return nil, false, err
	}
	if fi, err := d.root.Lstat(startingFile); err == nil && time.Since(fi.ModTime()) > startWait {
		_ = d.remove(startingFile)
	}
	return nil, false, nil
}
