//go:build axa_thin && unix

package cli

import (
	"fmt"
	"os"
	"syscall"
)

// execFull replaces this process by the full axa exe run with args, when
// f's streams are the process's own (Main's): the full axa gets the
// signals, the terminal and the exit code as if it had been run. Else
// (tests) it runs it as a child (runFull). It returns only if the exec
// fails, which it says.
func execFull(f *Factory, exe string, args []string) int {
	if f.Out == os.Stdout && f.Err == os.Stderr && f.In == nil {
		err := syscall.Exec(exe, append([]string{exe}, args...), os.Environ()) //nolint:gosec // the full axa
		fmt.Fprintln(f.Err, oneLine(fmt.Errorf("running %s: %w", exe, err), f.redact))
		return ExitError
	}
	return runFull(f, exe, args)
}
