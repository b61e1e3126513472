package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

func TestWriteReplacesWholeWithItsMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, []byte("new content"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "new content" {
		t.Fatalf("read %q, %v", got, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the directory holds %d entries, want the file alone (no temporary file left)", len(entries))
	}
}

// A write that cannot complete leaves the old file as it was and no
// temporary file: here the target is a directory, so the rename fails.
func TestFailedWriteLeavesTheOldFile(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "gen")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "keep"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(target, []byte("data"), 0o644); err == nil {
		t.Fatal("writing over a non-empty directory succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || !entries[0].IsDir() {
		t.Errorf("the directory holds %v, want the old directory alone", entries)
	}
	if err := Write(filepath.Join(dir, "missing", "f"), []byte("data"), 0o644); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}

// WriteFrom copies a reader into place; a reader that fails midway leaves
// the old file whole and no temporary file.
func TestWriteFromAFailingReaderLeavesTheOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "certificate.pdf")
	if n, err := WriteFrom(path, strings.NewReader("%PDF-1.4 first"), 0o600); err != nil || n != 14 {
		t.Fatalf("WriteFrom = %d, %v", n, err)
	}
	broken := io.MultiReader(strings.NewReader("%PDF-1.4 half"), iotest.ErrReader(errors.New("connection reset")))
	if _, err := WriteFrom(path, broken, 0o600); err == nil || !strings.Contains(err.Error(), "connection reset") {
		t.Fatalf("WriteFrom of a failing reader: %v", err)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != "%PDF-1.4 first" {
		t.Errorf("after a failed write the file holds %q, %v; want the old content", got, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the directory holds %d entries, want the file alone", len(entries))
	}
}

// WriteIn writes inside an os.Root: a link planted under the name is
// replaced, its target untouched; a name that leaves the root is refused.
func TestWriteInReplacesALinkAndStaysInTheRoot(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(dir, "state.json")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close() //nolint:errcheck // a directory
	if err := WriteIn(root, "state.json", []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(victim); err != nil || string(got) != "precious" {
		t.Errorf("the link's target holds %q, %v; want it untouched", got, err)
	}
	fi, err := os.Lstat(filepath.Join(dir, "state.json"))
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
		t.Errorf("state.json: %v, %v; want a regular file, 0600", fi, err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "state.json")); string(got) != "new" {
		t.Errorf("state.json holds %q", got)
	}
	if err := WriteIn(root, "../escape", []byte("x"), 0o600); err == nil {
		t.Error("a name that leaves the root was written")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the directory holds %d entries, want the file alone", len(entries))
	}
}
