package middleware

import (
	"io"
	"sync"
	"time"
)

// BufferedWriter buffers the lines of a log on their way to a writer (a
// terminal, a file), so that a busy sandbox makes one write for many lines
// instead of a system call per request. Nothing waits for long: the lines
// written are passed on together within a delay of the first of them (a
// timer, armed only while lines wait: an idle sandbox has none), at once
// when they fill the buffer, and on Flush (Server.Shutdown and Close call
// it). Each Write is one whole line (slog's handlers write a record in one
// call), kept whole and in order: lines never interleave, and none is
// dropped, whatever the writer answers. The buffer holds only what was
// logged, which is never a secret (the access log has no header, body or
// query string).
type BufferedWriter struct {
	out   io.Writer
	delay time.Duration

	mu    sync.Mutex
	buf   []byte
	timer *time.Timer // armed while buf holds lines; nil before the first
	armed bool
}

// bufferedLogSize is how many bytes of lines wait at most: about 150
// access log lines.
const bufferedLogSize = 32 << 10

// NewBufferedWriter returns a writer that passes what it is given on to
// out within delay (at once when delay is not positive).
func NewBufferedWriter(out io.Writer, delay time.Duration) *BufferedWriter {
	return &BufferedWriter{out: out, delay: delay, buf: make([]byte, 0, bufferedLogSize)}
}

// Write buffers p, one line or more, whole. It never fails: a failure of
// the writer underneath loses what it could not take, as an unbuffered
// log would.
func (b *BufferedWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.buf)+len(p) > cap(b.buf) {
		b.flushLocked()
	}
	if len(p) >= cap(b.buf) || b.delay <= 0 {
		_, _ = b.out.Write(p)
		return len(p), nil
	}
	b.buf = append(b.buf, p...)
	if !b.armed {
		b.armed = true
		if b.timer == nil {
			b.timer = time.AfterFunc(b.delay, b.Flush)
		} else {
			b.timer.Reset(b.delay)
		}
	}
	return len(p), nil
}

// Flush passes on every line buffered, now.
func (b *BufferedWriter) Flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
}

// flushLocked writes the buffer out and disarms the timer. b.mu is held:
// a Write waits, so lines stay in order.
func (b *BufferedWriter) flushLocked() {
	if b.armed {
		b.timer.Stop()
		b.armed = false
	}
	if len(b.buf) == 0 {
		return
	}
	_, _ = b.out.Write(b.buf)
	b.buf = b.buf[:0]
}
