package axa

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// redacted stands in for a secret wherever one would be printed.
const redacted = "[REDACTED]"

// formatRedacted writes s for every fmt verb, so that %v, %+v, %#v, %s and %q
// of a type holding secrets all print its safe description. fmt reaches
// unexported fields through reflection without calling their methods, so a
// type holding secrets must format itself whole: redacting its fields'
// types alone would not be enough.
func formatRedacted(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = fmt.Sprintf("%q", s)
	}
	_, _ = io.WriteString(f, s)
}

// secretState describes whether a secret is set, without revealing it.
func secretState(s string) string {
	if s == "" {
		return "unset"
	}
	return redacted
}

// logValue is the slog form of a type holding secrets.
func logValue(s string) slog.Value { return slog.StringValue(s) }

// hideUserinfo returns the URL text raw without its userinfo, user name
// included, for an error message. It works on the text, not on a parsed
// URL, so that a URL too malformed to parse is stripped as well: everything
// of the authority up to its last '@' goes.
func hideUserinfo(raw string) string {
	start := 0
	if i := strings.Index(raw, "//"); i >= 0 {
		start = i + 2
	}
	end := len(raw)
	if i := strings.IndexAny(raw[start:], `/?#\`); i >= 0 {
		end = start + i
	}
	if at := strings.LastIndex(raw[start:end], "@"); at >= 0 {
		return raw[:start] + "[userinfo hidden]@" + raw[start+at+1:]
	}
	return raw
}
