package axa

import (
	"fmt"
	"io"
	"log/slog"
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
