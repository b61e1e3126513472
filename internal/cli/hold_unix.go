//go:build unix && !axa_thin

package cli

import (
	"fmt"
	"os"
	"strconv"
)

// holdLock makes sure that fh, the start lock handed to the shared
// sandbox (an open file description it shares with the command that took
// the flock), is the lock file of d and is locked; it writes this
// process's id in it, for messages.
func holdLock(d *stateFS, fh *os.File) error {
	fi, err := fh.Stat()
	if err != nil {
		return fmt.Errorf("the start lock: %w", err)
	}
	if err := d.check(startingFile, fi); err != nil {
		return fmt.Errorf("the start lock handed over: %w", err)
	}
	if err := tryLock(fh); err != nil {
		return fmt.Errorf("the start lock handed over is held by another: %w", err)
	}
	if err := fh.Truncate(0); err != nil {
		return fmt.Errorf("the start lock: %w", err)
	}
	_, err = fh.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return err
}
