//go:build unix

package cli

import (
	"errors"
	"os"
	"syscall"
)

// tryLock takes an exclusive lock on fh without waiting; errLocked when
// another holds it. The system releases it when the process ends.
func tryLock(fh *os.File) error {
	err := syscall.Flock(int(fh.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errLocked
	}
	return err
}

// startLock takes the lock of starting the shared sandbox, the file
// sandbox.starting of d, without waiting: ok is false when another command holds it. The
// lock is the file's flock, which the system releases when its command
// ends: a command that dies while it starts the sandbox leaves nothing to
// take over (taking over a stale lock file let two commands start one
// each).
func startLock(d *stateFS) (release func(), ok bool, err error) {
	fh, _, err := d.open(startingFile, os.O_CREATE|os.O_RDWR)
	if err != nil {
		return nil, false, err
	}
	if err := tryLock(fh); err != nil {
		_ = fh.Close()
		if errors.Is(err, errLocked) {
			return nil, false, nil
		}
		return nil, false, err
	}
	return func() { _ = fh.Close() }, true, nil // closing unlocks
}
