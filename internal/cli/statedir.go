package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/axa-assistance-go/axa/internal/atomicfile"
)

// The CLI's directories: the state directory (the shared sandbox's state
// file, its start lock and its log) and the login session's (session.json
// and session.lock), one directory when AXA_STATE_DIR is set. Each is
// opened once, as an os.Root, and every file of the CLI in it is opened
// through that root: no name leaves the directory, a link to elsewhere is
// refused by the root, and a link within it, a hard link, a file of
// another user or one others may write is refused once opened, on the
// opened file (fstat), never by a look at the path before. A file is never
// opened with O_TRUNC: the log is emptied once it has passed the checks.
// A directory others may write is refused whole (openStateFS): anyone
// could plant a file there under a name the CLI uses before it does.

// stateFS is one of the CLI's directories, opened.
type stateFS struct {
	path string
	root *os.Root
}

// openStateFS opens the directory at path, made (mode 0700) when create
// is set and it is missing; an error wrapping fs.ErrNotExist when it is
// missing and not made. A directory that is not this user's, or that
// others may write (sticky bit or not), is refused: a usage error naming
// it and what to do.
func openStateFS(path string, create bool) (*stateFS, error) {
	if create {
		if err := os.MkdirAll(path, 0o700); err != nil {
			return nil, fmt.Errorf("state directory: %w", err)
		}
	}
	root, err := os.OpenRoot(path)
	if err != nil {
		return nil, fmt.Errorf("state directory: %w", err)
	}
	fi, err := root.Stat(".") // the directory opened, not the path again
	if err != nil {
		_ = root.Close()
		return nil, fmt.Errorf("state directory: %w", err)
	}
	if why, fix := dirProblem(fi); why != "" {
		_ = root.Close()
		return nil, usagef("the CLI's directory %s %s (mode %v): it is not used, as others could plant links or files under the names of its state and session in it; %s",
			path, why, fi.Mode(), fix(path))
	}
	return &stateFS{path: path, root: root}, nil
}

// Close closes the directory; the files opened in it stay open.
func (d *stateFS) Close() error { return d.root.Close() }

// pathOf is the path of the file name in d, for messages.
func (d *stateFS) pathOf(name string) string { return filepath.Join(d.path, name) }

// notOursError says that a file of the CLI's directory is not one the CLI
// may use: a link, a hard link, another user's, one others may write.
type notOursError struct {
	path string
	why  string
	mode fs.FileMode
}

func (e *notOursError) Error() string {
	return fmt.Sprintf("%s %s (mode %v): it is not used", e.path, e.why, e.mode)
}

// open opens the file name of d with flag (O_TRUNC is refused: see
// truncate), created with mode 0600 when flag says so, and checks the
// opened file: a regular file of this user's, which others may not write,
// with no other name, reached by no link. A file that fails is closed and
// a *notOursError returned.
func (d *stateFS) open(name string, flag int) (*os.File, fs.FileInfo, error) {
	// Another command may replace the file (an atomic rename) between
	// opening it and checking its name: that is no link, try again.
	for attempt := 1; ; attempt++ {
		fh, fi, err := d.openOnce(name, flag)
		if errors.Is(err, errReplaced) && attempt < maxOpenAttempts {
			continue
		}
		return fh, fi, err
	}
}

// maxOpenAttempts bounds the opens of a file other commands keep
// replacing.
const maxOpenAttempts = 5

// errReplaced says that a file was replaced by another of the same name
// (another command's atomic write) while it was being opened.
var errReplaced = errors.New("was replaced while it was opened")

// openOnce is one attempt of open.
func (d *stateFS) openOnce(name string, flag int) (*os.File, fs.FileInfo, error) {
	if flag&os.O_TRUNC != 0 {
		return nil, nil, errors.New("state directory: O_TRUNC would empty a file before it is checked")
	}
	// The root follows a link that stays in the directory, even to create
	// its target: a file is created only where none is (O_EXCL never
	// follows a link), and one that is there opened without O_CREATE.
	var fh *os.File
	var err error
	if flag&os.O_CREATE != 0 {
		fh, err = d.root.OpenFile(name, flag|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			fh, err = d.root.OpenFile(name, flag&^os.O_CREATE, 0)
		}
	} else {
		fh, err = d.root.OpenFile(name, flag, 0)
	}
	if err != nil {
		// The root refuses a link that leaves the directory: say so.
		if li, lerr := d.root.Lstat(name); lerr == nil && li.Mode()&fs.ModeSymlink != 0 {
			return nil, nil, &notOursError{d.pathOf(name), "is a link", li.Mode()}
		}
		return nil, nil, err
	}
	fi, err := fh.Stat()
	if err == nil {
		err = d.check(name, fi)
	}
	if err != nil {
		_ = fh.Close()
		return nil, nil, err
	}
	return fh, fi, nil
}

// check checks fi, the opened file of name.
func (d *stateFS) check(name string, fi fs.FileInfo) error {
	// The root follows a link that stays in the directory: name must be
	// the very file opened.
	li, err := d.root.Lstat(name)
	switch {
	case err == nil && li.Mode()&fs.ModeSymlink != 0:
		return &notOursError{d.pathOf(name), "is a link", li.Mode()}
	case errors.Is(err, fs.ErrNotExist) || err == nil && li.Mode().IsRegular() && !os.SameFile(li, fi):
		// Renamed over, or removed, since it was opened: not a link.
		return fmt.Errorf("%s %w", d.pathOf(name), errReplaced)
	case err != nil || !os.SameFile(li, fi):
		return &notOursError{d.pathOf(name), "is a link", fi.Mode()}
	}
	if why := fileProblem(fi); why != "" {
		return &notOursError{d.pathOf(name), why, fi.Mode()}
	}
	return nil
}

// readFile reads the file name of d, checked as open does, if it holds at
// most limit bytes; with its FileInfo, from the opened file.
func (d *stateFS) readFile(name string, limit int64) ([]byte, fs.FileInfo, error) {
	fh, fi, err := d.open(name, os.O_RDONLY)
	if err != nil {
		return nil, nil, err
	}
	defer fh.Close() //nolint:errcheck // read only
	data, err := io.ReadAll(io.LimitReader(fh, limit+1))
	if err != nil {
		return nil, nil, err
	}
	if int64(len(data)) > limit {
		return nil, nil, fmt.Errorf("%w (over %d bytes)", errTooLarge, limit)
	}
	return data, fi, nil
}

// writeFile writes data to the file name of d, mode 0600, atomically
// (atomicfile.WriteIn): a link under name is replaced, never written
// through.
func (d *stateFS) writeFile(name string, data []byte) error {
	return atomicfile.WriteIn(d.root, name, data, 0o600)
}

// remove removes the file name of d (a link there, not its target).
func (d *stateFS) remove(name string) error { return d.root.Remove(name) }

// truncate opens the file name of d for writing, made if missing, checked
// as open does, and empties it: a log.
func (d *stateFS) truncate(name string) (*os.File, error) {
	fh, _, err := d.open(name, os.O_CREATE|os.O_WRONLY)
	if err != nil {
		return nil, err
	}
	if err := fh.Truncate(0); err != nil {
		_ = fh.Close()
		return nil, err
	}
	return fh, nil
}

// usageIfNotOurs makes a *notOursError a usage error saying what to do
// (what, e.g. "the sandbox's log"); other errors are returned as they are.
func usageIfNotOurs(err error, what string) error {
	var no *notOursError
	if errors.As(err, &no) {
		return usagef("%s %v; remove it, once you know who made it", what, no)
	}
	return err
}
