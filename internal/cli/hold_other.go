//go:build !unix && !axa_thin

package cli

import "os"

// holdLock has nothing to hold here.
func holdLock(*stateFS, *os.File) error { return nil }
