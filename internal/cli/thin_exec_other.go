//go:build axa_thin && !unix

package cli

// execFull runs the full axa exe with args as a child (runFull): there is
// no exec that replaces a process here.
func execFull(f *Factory, exe string, args []string) int {
	return runFull(f, exe, args)
}
