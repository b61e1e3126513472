//go:build unix

package cli

import (
	"os"

	"golang.org/x/sys/unix"
)

// terminalWidth returns the width in columns of the terminal v is (an
// *os.File), as the system reports it (TIOCGWINSZ); 0 when v is not a
// terminal or reports no width.
func terminalWidth(v any) int {
	fh, ok := v.(*os.File)
	if !ok {
		return 0
	}
	conn, err := fh.SyscallConn()
	if err != nil {
		return 0
	}
	width := 0
	_ = conn.Control(func(fd uintptr) {
		if ws, err := unix.IoctlGetWinsize(int(fd), unix.TIOCGWINSZ); err == nil {
			width = int(ws.Col)
		}
	})
	return width
}
