//go:build unix

package cli

import "syscall"

// detached puts the background sandbox in a session of its own, away from
// the terminal and its signals.
func detached() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }
