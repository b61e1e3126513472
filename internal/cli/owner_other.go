//go:build !unix

package cli

import "io/fs"

// privateFile reports whether fi is a regular file; ownership is not
// checked on this system.
func privateFile(fi fs.FileInfo) bool { return fi.Mode().IsRegular() }

// othersMayRead reports false: the mode bits do not say here (every file
// shows 0666) who may read a file.
func othersMayRead(fs.FileInfo) bool { return false }
