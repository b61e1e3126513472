// Package testutil holds the helpers the module's tests share. It is for
// tests only: no package of the SDK, the sandbox or the CLI imports it.
package testutil

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/axa-assistance-go/axa/api"
)

// Buffer is an io.Writer safe for concurrent writers (loggers, commands
// running in goroutines), whose content tests read with String. A Buffer
// made by NewBuffer also signals each write on Changed, so that a test can
// wait for output without sleeping; the zero value is ready to use without
// the signal.
type Buffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{}
}

// NewBuffer returns a Buffer that signals its writes on Changed.
func NewBuffer() *Buffer { return &Buffer{changed: make(chan struct{}, 1)} }

// Write implements io.Writer.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.changed != nil {
		select {
		case b.changed <- struct{}{}:
		default:
		}
	}
	return b.b.Write(p)
}

// String returns what was written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Changed receives after writes (at most one pending signal); nil for a
// zero Buffer.
func (b *Buffer) Changed() <-chan struct{} { return b.changed }

// Spec loads and validates api/openapi.yaml, failing t if it cannot.
func Spec(t testing.TB) *openapi3.T {
	t.Helper()
	doc, err := api.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// FirstUnsafe returns the first rune of s a terminal could act on: a
// control character other than a newline, a Unicode bidi control, or an
// invalid UTF-8 byte (as utf8.RuneError); false when there is none. The
// tests of whatever prints others' text use it (see internal/termtext).
func FirstUnsafe(s string) (rune, bool) {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			return r, true
		case r == '\n':
		case unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r):
			return r, true
		}
	}
	return 0, false
}
