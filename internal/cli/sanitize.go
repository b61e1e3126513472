package cli

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/axa-assistance-go/axa/internal/termtext"
)

// The CLI prints text that others wrote: the API's answers and error
// descriptions, the authorization server's or a browser's redirect. It
// goes through the module's one sanitizer, internal/termtext, before it is
// printed; the table below applies it to every cell.

// table is what a command's table output is written to: rows of cells
// separated by \t, each ending in \n, whose string arguments are
// sanitized, so that a tab or a line break in the server's text cannot
// break the table, nor an escape sequence reach the terminal. text lays
// it out (see layout).
type table struct {
	buf strings.Builder
}

func newTable() *table { return &table{} }

// Printf writes a row: format is the command's, with \t between cells; each
// argument of a string type is sanitized first.
func (t *table) Printf(format string, a ...any) {
	fmt.Fprintf(&t.buf, format, sanitizeArgs(a)...)
}

// Header writes the command's own line of column titles, separated by \t.
func (t *table) Header(line string) {
	t.buf.WriteString(line)
	t.buf.WriteByte('\n')
}

// text returns the table laid out for a terminal width columns wide (0:
// not a terminal, no wrapping), sanitized once more as a whole.
func (t *table) text(width int) string {
	return termtext.Lines(layout(t.buf.String(), width))
}

func sanitizeArgs(a []any) []any {
	out := make([]any, len(a))
	for i, v := range a {
		out[i] = v
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
			out[i] = termtext.Line(rv.String())
		}
	}
	return out
}
