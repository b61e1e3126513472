package cli

import (
	"bytes"
	"fmt"
	"reflect"
	"text/tabwriter"

	"github.com/axa-assistance-go/axa/internal/termtext"
)

// The CLI prints text that others wrote: the API's answers and error
// descriptions, the authorization server's or a browser's redirect. It
// goes through the module's one sanitizer, internal/termtext, before it is
// printed; the table below applies it to every cell.

// table is what a command's table output is written to: a tabwriter whose
// string arguments are sanitized, so that a tab or a line break in the
// server's text cannot break the table, nor an escape sequence reach the
// terminal.
type table struct {
	w   *tabwriter.Writer
	buf bytes.Buffer
}

func newTable() *table {
	t := &table{}
	t.w = tabwriter.NewWriter(&t.buf, 0, 4, 2, ' ', 0)
	return t
}

// Printf writes a row: format is the command's, with \t between cells; each
// argument of a string type is sanitized first.
func (t *table) Printf(format string, a ...any) {
	fmt.Fprintf(t.w, format, sanitizeArgs(a)...)
}

// Header writes the command's own line of column titles, separated by \t.
func (t *table) Header(line string) {
	fmt.Fprintln(t.w, line)
}

// text returns the table laid out, sanitized once more as a whole.
func (t *table) text() (string, error) {
	if err := t.w.Flush(); err != nil {
		return "", fmt.Errorf("laying out the table: %w", err)
	}
	return termtext.Lines(t.buf.String()), nil
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
