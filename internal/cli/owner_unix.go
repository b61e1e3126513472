//go:build unix

package cli

import (
	"io/fs"
	"os"
	"syscall"
)

// privateFile reports whether fi is a regular file of this user that no
// other user may write: what the CLI writes its state in. Another one may
// have been put there by someone else, in a state directory others may
// write.
func privateFile(fi fs.FileInfo) bool {
	if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o022 != 0 {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return !ok || int(st.Uid) == os.Getuid()
}

// othersMayRead reports whether fi's mode lets a user other than its owner
// read or use it (group or other bits).
func othersMayRead(fi fs.FileInfo) bool { return fi.Mode().Perm()&0o077 != 0 }
