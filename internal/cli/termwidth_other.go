//go:build !unix

package cli

// terminalWidth returns 0: on this system the terminal's width is known
// from $COLUMNS alone (see tableWidth).
func terminalWidth(any) int { return 0 }
