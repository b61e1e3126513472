//go:build unix

package cli

import (
	"io/fs"
	"os"
	"syscall"
)

// fileProblem says what makes fi, a file opened in one of the CLI's
// directories, not one the CLI may use ("" when it may): not a regular
// file, another user's, one others may write, or one with another name (a
// hard link, through which writing would write another file). Another one
// may have been put there by someone else, in a directory others may
// write.
func fileProblem(fi fs.FileInfo) string {
	st, ok := fi.Sys().(*syscall.Stat_t)
	switch {
	case !fi.Mode().IsRegular():
		return "is not a regular file"
	case ok && int(st.Uid) != os.Getuid():
		return "is not this user's"
	case fi.Mode().Perm()&0o022 != 0:
		return "may be written by others"
	case ok && st.Nlink != 1:
		return "has another name (a hard link)"
	}
	return ""
}

// dirProblem says what makes fi, one of the CLI's directories, not one
// the CLI may use ("" when it may), and what to do about it. The sticky
// bit does not make a directory others may write one of ours: it keeps
// them from removing or renaming our files, not from creating files under
// the names we use before we do.
func dirProblem(fi fs.FileInfo) (string, func(path string) string) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	switch {
	case !fi.IsDir():
		return "is not a directory", func(string) string { return "set " + EnvStateDir + " to a directory of your own" }
	case ok && int(st.Uid) != os.Getuid():
		return "is not this user's", func(string) string { return "set " + EnvStateDir + " to a directory of your own" }
	case fi.Mode().Perm()&0o022 != 0:
		return "may be written by others", func(path string) string {
			return "chmod 700 " + path + " (or set " + EnvStateDir + " to a directory of your own)"
		}
	}
	return "", nil
}

// othersMayRead reports whether fi's mode lets a user other than its owner
// read or use it (group or other bits).
func othersMayRead(fi fs.FileInfo) bool { return fi.Mode().Perm()&0o077 != 0 }
