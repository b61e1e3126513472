//go:build !unix

package cli

import "io/fs"

// privateFile reports whether fi is a regular file; ownership is not
// checked on this system.
func privateFile(fi fs.FileInfo) bool { return fi.Mode().IsRegular() }
