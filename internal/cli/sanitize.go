package cli

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"text/tabwriter"
	"unicode"
	"unicode/utf8"
)

// The CLI prints text that others wrote: the API's answers and error
// descriptions, the authorization server's or a browser's redirect. A
// terminal acts on some characters instead of showing them (it clears the
// screen, sets its title, makes a link, reorders a line), so that text goes
// through sanitize before it is printed: plain printable text is kept; C0
// and C1 controls, DEL, escape sequences (ECMA-48: CSI, OSC, DCS, SOS, PM,
// APC, in their ESC and C1 forms), Unicode bidi controls and invalid UTF-8
// (shown as U+FFFD) are not.

// sanitize returns s fit to print on one line of a terminal: line breaks
// and tabs become spaces, everything else a terminal could act on is
// removed.
func sanitize(s string) string { return clean(s, false) }

// sanitizeLines is sanitize for text of several lines: it keeps '\n'.
func sanitizeLines(s string) string { return clean(s, true) }

func clean(s string, keepNewlines bool) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1: // not UTF-8 (a lone 0x9b is CSI to some terminals)
			b.WriteRune(utf8.RuneError)
			i++
		case r == 0x1b: // ESC
			i = skipEscape(s, i+n)
		case r == 0x9b: // C1 CSI
			i = skipCSI(s, i+n)
		case r == 0x90 || r == 0x98 || r == 0x9d || r == 0x9e || r == 0x9f: // C1 DCS, SOS, OSC, PM, APC
			i = skipString(s, i+n)
		case r == '\n' && keepNewlines:
			b.WriteByte('\n')
			i += n
		case isBreak(r):
			b.WriteByte(' ')
			i += n
		case unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r):
			i += n
		default:
			b.WriteString(s[i : i+n])
			i += n
		}
	}
	return b.String()
}

// isBreak reports whether r separates words or lines: tab, line feed,
// vertical tab, form feed, carriage return, NEL, and the Unicode line and
// paragraph separators.
func isBreak(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// skipEscape returns the index after the escape sequence whose ESC ends
// before s[i]. An ESC that starts no sequence is dropped alone.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch c := s[i]; {
	case c == '[':
		return skipCSI(s, i+1)
	case c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_': // OSC, DCS, SOS, PM, APC
		return skipString(s, i+1)
	case c >= 0x20 && c <= 0x2f: // intermediate bytes, then a final byte
		for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
			i++
		}
		if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
			i++
		}
		return i
	case c >= 0x30 && c <= 0x7e: // a two-character sequence
		return i + 1
	}
	return i
}

// skipCSI returns the index after a control sequence's parameter and
// intermediate bytes and its final byte, which start at s[i]; a byte that
// cannot be part of it ends it.
func skipCSI(s string, i int) int {
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 0x40 && c <= 0x7e:
			return i + 1
		case c < 0x20 || c > 0x3f:
			return i
		}
	}
	return i
}

// skipString returns the index after a control string (OSC, DCS, ...)
// starting at s[i] and its terminator, ST or BEL. Another C0 control ends
// it too, and is then read as itself, so that an unterminated string hides
// no more than the rest of its line.
func skipString(s string, i int) int {
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0x07 || r == 0x9c: // BEL, C1 ST
			return i + n
		case r == 0x1b:
			if i+1 < len(s) && s[i+1] == '\\' { // ST
				return i + 2
			}
			return i
		case r < 0x20:
			return i
		}
		i += n
	}
	return i
}

// jsonSafe escapes, in JSON that encoding/json wrote, the characters it
// leaves raw that a terminal acts on: DEL, C1 controls and bidi controls.
// They can only be inside strings there, where \uXXXX means the same
// character, so the JSON still says exactly what the server sent.
func jsonSafe(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == 0x7f || (r >= 0x80 && r <= 0x9f) || unicode.Is(unicode.Bidi_Control, r) {
			if out == nil {
				out = append(make([]byte, 0, len(b)+16), b[:i]...)
			}
			out = fmt.Appendf(out, `\u%04x`, r)
		} else if out != nil {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	if out == nil {
		return b
	}
	return out
}

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
	return sanitizeLines(t.buf.String()), nil
}

func sanitizeArgs(a []any) []any {
	out := make([]any, len(a))
	for i, v := range a {
		out[i] = v
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
			out[i] = sanitize(rv.String())
		}
	}
	return out
}
