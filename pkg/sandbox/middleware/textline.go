package middleware

import (
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// NewTextLogger returns a logger that writes to w what
// slog.New(slog.NewTextHandler(w, nil)) writes, byte for byte; given to
// AccessLog, its access lines are formatted by AccessLog itself, without
// building a slog.Record and walking its attributes (the line a
// TextHandler would write, in one Write call as the TextHandler makes). Its
// other records, and those of loggers derived from it (With, WithGroup),
// are the TextHandler's. w must be safe for concurrent writes (as
// BufferedWriter is): the access lines do not take the TextHandler's lock.
func NewTextLogger(w io.Writer) *slog.Logger {
	h := &textHandler{TextHandler: slog.NewTextHandler(w, nil), w: w}
	h.bufs.New = func() any { b := make([]byte, 0, 256); return &b }
	return slog.New(h)
}

// textHandler is a slog.TextHandler whose writer AccessLog may write its
// lines to directly.
type textHandler struct {
	*slog.TextHandler
	w    io.Writer
	bufs sync.Pool // of *[]byte, a line's buffer
}

// maxPooledLine is the largest buffer put back in the pool: an
// exceptionally long path does not keep its buffer.
const maxPooledLine = 4 << 10

// accessLine is what an access log line says.
type accessLine struct {
	time                    time.Time
	method, path, operation string
	status                  int
	duration                time.Duration
	requestID               string
}

// accessMessage is the message of every access log line.
const accessMessage = "sandbox: request"

// record is the line as the slog.Record a handler is given.
func (l *accessLine) record() slog.Record {
	r := slog.NewRecord(l.time, slog.LevelInfo, accessMessage, 0)
	r.AddAttrs(slog.String("method", l.method), slog.String("path", l.path), slog.String("operation", l.operation),
		slog.Int("status", l.status), slog.Duration("duration", l.duration), slog.String("request_id", l.requestID))
	return r
}

// write writes the line to h's writer as h's TextHandler would, in one
// Write call.
func (h *textHandler) write(l *accessLine) {
	bp := h.bufs.Get().(*[]byte)
	b := l.appendText((*bp)[:0])
	_, _ = h.w.Write(b) // as Logger.LogAttrs, which drops the handler's error
	if cap(b) <= maxPooledLine {
		*bp = b
		h.bufs.Put(bp)
	}
}

// appendText appends the line as slog.NewTextHandler(w, nil) writes the
// record l.record(): time (when not zero, RFC 3339 in milliseconds),
// level, message and the attributes as key=value, a value quoted as
// strconv.Quote does when it is empty or holds a space, '=', '"', a
// control character, invalid UTF-8 or a rune that is not printable or is
// a space; then a newline.
func (l *accessLine) appendText(b []byte) []byte {
	if !l.time.IsZero() {
		b = append(b, "time="...)
		b = appendRFC3339Millis(b, l.time)
		b = append(b, ' ')
	}
	b = append(b, `level=INFO msg="sandbox: request" method=`...)
	b = appendTextString(b, l.method)
	b = append(b, " path="...)
	b = appendTextString(b, l.path)
	b = append(b, " operation="...)
	b = appendTextString(b, l.operation)
	b = append(b, " status="...)
	b = strconv.AppendInt(b, int64(l.status), 10)
	b = append(b, " duration="...)
	b = append(b, l.duration.String()...)
	b = append(b, " request_id="...)
	b = appendTextString(b, l.requestID)
	return append(b, '\n')
}

// appendRFC3339Millis appends t as RFC 3339 with exactly three digits of
// fraction, truncated: t formatted with time.RFC3339Nano after a tenth of
// a millisecond is added to its milliseconds (so that the fraction has
// four digits, none trimmed), the fourth digit then removed, as slog's
// TextHandler does (in every year, four digits or not).
func appendRFC3339Millis(b []byte, t time.Time) []byte {
	const fraction = len("2006-01-02T15:04:05.000")
	n := len(b)
	b = t.Truncate(time.Millisecond).Add(time.Millisecond/10).AppendFormat(b, time.RFC3339Nano)
	return append(b[:n+fraction], b[n+fraction+1:]...)
}

// appendTextString appends s as slog's TextHandler writes a string value:
// as is, or quoted (strconv.AppendQuote) when textNeedsQuoting.
func appendTextString(b []byte, s string) []byte {
	if textNeedsQuoting(s) {
		return strconv.AppendQuote(b, s)
	}
	return append(b, s...)
}

// textNeedsQuoting reports whether slog's TextHandler quotes s: when it
// is empty, or has a space, '=', '"' or an ASCII control character, or
// invalid UTF-8, or a rune that is a space or not printable. A backslash
// and DEL alone are not quoted.
func textNeedsQuoting(s string) bool {
	if s == "" {
		return true
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c <= ' ' || c == '=' || c == '"' {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return true
		}
		i += size
	}
	return false
}
