// Package atomicfile writes a file whole or not at all: through a
// temporary file in the same directory, renamed over the target once
// written and closed. A run that fails or is killed midway leaves the old
// file (or none), never a half-written one. The generators and the CLI's
// state files write through it (WriteIn, inside an os.Root).
package atomicfile

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Write writes data to path with mode perm, atomically: readers see the
// old content or the new, whole. The temporary file has mode perm from its
// creation on, so a secret never sits in a more readable file.
func Write(path string, data []byte, perm fs.FileMode) error {
	_, err := WriteFrom(path, bytes.NewReader(data), perm)
	return err
}

// WriteFrom writes what r gives to path with mode perm, as Write does,
// streaming it: a download too large for memory. It returns how many bytes
// it wrote; when reading r fails, path is left as it was.
func WriteFrom(path string, r io.Reader, perm fs.FileMode) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return 0, err
	}
	name := tmp.Name()
	defer os.Remove(name) //nolint:errcheck // best effort: gone after the rename
	if err := tmp.Chmod(perm); err != nil {
		_ = tmp.Close()
		return 0, err
	}
	n, err := io.Copy(tmp, r)
	if err != nil {
		_ = tmp.Close()
		return n, err
	}
	if err := tmp.Close(); err != nil {
		return n, err
	}
	return n, os.Rename(name, path)
}

// WriteIn writes data to name inside root with mode perm, as Write does:
// the temporary file is created in root (O_EXCL, so never through a link
// planted under its name) and renamed over name, which replaces a link
// there instead of writing through it. Neither name may leave root.
func WriteIn(root *os.Root, name string, data []byte, perm fs.FileMode) error {
	var tmp *os.File
	var tmpName string
	for range 10 {
		tmpName = filepath.Join(filepath.Dir(name), "."+filepath.Base(name)+".tmp-"+rand.Text())
		f, err := root.OpenFile(tmpName, os.O_CREATE|os.O_EXCL|os.O_WRONLY, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return err
		}
		tmp = f
		break
	}
	if tmp == nil {
		return &fs.PathError{Op: "createtemp", Path: name, Err: fs.ErrExist}
	}
	defer root.Remove(tmpName) //nolint:errcheck // best effort: gone after the rename
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
	return root.Rename(tmpName, name)
}
