// Package atomicfile writes a file whole or not at all: through a
// temporary file in the same directory, renamed over the target once
// written and closed. A run that fails or is killed midway leaves the old
// file (or none), never a half-written one. The generators and the CLI's
// state files write through it.
package atomicfile

import (
	"io/fs"
	"os"
	"path/filepath"
)

// Write writes data to path with mode perm, atomically: readers see the
// old content or the new, whole. The temporary file has mode perm from its
// creation on, so a secret never sits in a more readable file.
func Write(path string, data []byte, perm fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer os.Remove(name) //nolint:errcheck // best effort: gone after the rename
	if err := tmp.Chmod(perm); err != nil {
		_ = tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(name, path)
}
