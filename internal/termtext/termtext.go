// Package termtext is the module's one sanitizer of text that others
// wrote, before it is printed: the API's answers and error descriptions,
// the authorization server's or a browser's redirect, a server's answers
// in a conformance report. A terminal acts on some characters instead of
// showing them (it clears the screen, sets its title, makes a link,
// reorders a line), so that text goes through Line or Lines before it is
// printed: plain printable text is kept; C0 and C1 controls, DEL, escape
// sequences (ECMA-48: CSI, OSC, DCS, SOS, PM, APC, in their ESC and C1
// forms), Unicode bidi controls and invalid UTF-8 (shown as U+FFFD) are
// not. JSON, which must say exactly what was sent, goes through JSON
// instead, which escapes what encoding/json leaves raw.
//
// The command line (internal/cli) and the conformance report's writers
// (pkg/conformance) use it.
package termtext

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line returns s fit to print on one line of a terminal: line breaks and
// tabs become spaces, everything else a terminal could act on is removed.
func Line(s string) string { return clean(s, false) }

// Lines is Line for text of several lines: it keeps '\n'.
func Lines(s string) string { return clean(s, true) }

// clean is Line, or Lines with keepNewlines. Text that is printable ASCII
// (and line feeds, when kept), as most of the API's answers are, is
// returned as it is, without a copy.
func clean(s string, keepNewlines bool) string {
	if plain(s, keepNewlines) {
		return s
	}
	return cleanRunes(s, keepNewlines)
}

// plain reports whether s holds only printable ASCII characters, and line
// feeds when keepNewlines: the text cleanRunes returns unchanged.
func plain(s string, keepNewlines bool) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 || c > 0x7e) && (c != '\n' || !keepNewlines) {
			return false
		}
	}
	return true
}

// cleanRunes is clean's walk over the runes of s.
func cleanRunes(s string, keepNewlines bool) string {
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

// JSON escapes, in JSON that encoding/json wrote, the characters it
// leaves raw that a terminal acts on: DEL, C1 controls and bidi controls.
// They can only be inside strings there, where \uXXXX means the same
// character, so the JSON still says exactly what the server sent.
func JSON(b []byte) []byte {
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
