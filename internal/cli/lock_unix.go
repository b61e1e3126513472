//go:build unix

package cli

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lifelongLock says that the start lock is a flock, handed to the shared
// sandbox it starts, which holds it for its whole life: a command that
// cannot take it knows that a sandbox runs, or starts, and waits for it;
// one that takes it knows that none does. No timed probe decides it.
const lifelongLock = true

// tryLock takes an exclusive lock on fh without waiting; errLocked when
// another holds it. The system releases it when the process ends.
func tryLock(fh *os.File) error {
	err := syscall.Flock(int(fh.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errLocked
	}
	return err
}

// startLock takes the start lock of the shared sandbox, the flock of
// sandbox.starting of d, without waiting: ok is false when another holds
// it (a command starting the sandbox, or the sandbox itself, for its
// life). held is the locked file, for the sandbox started to keep
// (SpawnArgs.Lock); release closes it, which unlocks, when it is not
// handed over. The system releases the lock when its holder ends: a
// command or a sandbox that dies leaves nothing to take over (taking over
// a stale lock file let two commands start one each). The file locked is
// the one the name holds once locked: `axa sandbox stop` removes the file
// under the lock (cleanUpStateDir), and a lock taken on the file it
// removed would lock nothing the next command sees; it is taken again on
// the file now there.
func startLock(d *stateFS) (held *os.File, release func(), ok bool, err error) {
	for range maxLockTries {
		fh, fi, err := d.open(startingFile, os.O_CREATE|os.O_RDWR)
		if err != nil {
			return nil, nil, false, err
		}
		if err := tryLock(fh); err != nil {
			_ = fh.Close()
			if errors.Is(err, errLocked) {
				return nil, nil, false, nil
			}
			return nil, nil, false, err
		}
		if li, err := d.root.Lstat(startingFile); err != nil || !os.SameFile(li, fi) {
			_ = fh.Close() // removed, or replaced, while we locked it
			continue
		}
		return fh, func() { _ = fh.Close() }, true, nil
	}
	return nil, nil, false, fmt.Errorf("the start lock %s: removed each time it was taken", d.pathOf(startingFile))
}

// maxLockTries bounds how many times startLock takes the lock again on a
// file removed while it took it.
const maxLockTries = 10

// sandboxRuns tells whether a shared sandbox runs, or starts, in d: it
// holds the start lock.
func sandboxRuns(d *stateFS) bool {
	_, release, ok, err := startLock(d)
	if err != nil || !ok {
		return err == nil
	}
	release()
	return false
}
