//go:build !unix

package cli

import "io/fs"

// fileProblem says what makes fi not a file the CLI may use: here, not
// being a regular file; ownership and modes are not checked on this
// system (os.Root keeps links from leading out of the directory).
func fileProblem(fi fs.FileInfo) string {
	if !fi.Mode().IsRegular() {
		return "is not a regular file"
	}
	return ""
}

// dirProblem says what makes fi not a directory the CLI may use: here,
// not being one; the mode bits do not say who may write it.
func dirProblem(fi fs.FileInfo) (string, func(path string) string) {
	if !fi.IsDir() {
		return "is not a directory", func(string) string { return "set " + EnvStateDir + " to a directory of your own" }
	}
	return "", nil
}

// othersMayRead reports false: the mode bits do not say here (every file
// shows 0666) who may read a file.
func othersMayRead(fs.FileInfo) bool { return false }
