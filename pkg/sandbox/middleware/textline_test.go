package middleware

import (
	"bytes"
	"context"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// slogText is what slog.NewTextHandler(buf, nil).Handle writes for l's
// record.
func slogText(t testing.TB, l *accessLine) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := slog.NewTextHandler(&buf, nil).Handle(context.Background(), l.record()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// checkLine fails when the access line l formats differs from slog's.
func checkLine(t testing.TB, l *accessLine) {
	t.Helper()
	want := slogText(t, l)
	if got := l.appendText(nil); !bytes.Equal(got, want) {
		t.Fatalf("access line\n got %q\nwant %q", got, want)
	}
	// Appended to what a buffer already holds, too.
	if got := l.appendText([]byte("prefix")); !bytes.Equal(got, append([]byte("prefix"), want...)) {
		t.Fatalf("access line after a prefix\n got %q\nwant prefix%q", got, want)
	}
}

// TestAccessLineIsTextHandlers: the access line AccessLog writes itself
// for NewTextLogger's handler is, byte for byte, what slog's TextHandler
// writes for the same record, whatever its strings (quoted or not),
// status, duration and time (zones, nanoseconds, years of more or fewer
// than four digits, the zero time).
func TestAccessLineIsTextHandlers(t *testing.T) {
	base := time.Date(2026, 12, 7, 5, 16, 37, 123456789, time.UTC)
	strs := []string{
		"", "GET", "/travel/v1/countries/fr", "getCountry", "req_ABCDEFGHIJKLMNOPQRST",
		"a b", "a=b", `a"b`, `a\b`, "a\tb", "a\nb", "\x00", "\x1f", "\x7f", "é", "日本", "a\u00a0b",
		"\u2028", "\u200b", "\xff", "a\xc3", "\xed\xa0\x80", "\uFFFD", "🙂", " ", "=", `"`, `\`,
		"/path/with spaces/and=equals?q=1", "x\u0085y", "\u3000",
	}
	times := []time.Time{
		base, base.In(time.FixedZone("CET", 3600)), base.In(time.FixedZone("", -(9*3600 + 30*60))),
		base.In(time.FixedZone("odd", 3600+23)), base.In(time.Local),
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 999999999, time.UTC),
		time.Date(2026, 1, 1, 0, 0, 0, 100000, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 1000000, time.UTC),
		time.Date(999, 1, 1, 0, 0, 0, 5e8, time.UTC), time.Date(12026, 1, 1, 0, 0, 0, 5e8, time.UTC),
		time.Date(-5, 1, 1, 0, 0, 0, 5e8, time.UTC), time.Now(), {},
	}
	durs := []time.Duration{0, 1, 999, time.Microsecond, 1500 * time.Microsecond, 42 * time.Millisecond, time.Hour + 1, -3 * time.Second, math.MinInt64, math.MaxInt64}
	statuses := []int{0, 200, 201, 404, 500, -1, math.MaxInt64, math.MinInt64}
	for i, s := range strs {
		l := accessLine{time: times[i%len(times)], method: s, path: strs[(i+1)%len(strs)], operation: strs[(i+2)%len(strs)],
			status: statuses[i%len(statuses)], duration: durs[i%len(durs)], requestID: strs[(i+3)%len(strs)]}
		checkLine(t, &l)
	}
	for _, tm := range times {
		for _, d := range durs {
			checkLine(t, &accessLine{time: tm, method: "GET", path: "/x", operation: "op", status: 200, duration: d, requestID: "id"})
		}
	}
	for _, st := range statuses {
		checkLine(t, &accessLine{time: base, method: "GET", path: "/x", status: st, requestID: ""})
	}
}

// FuzzAccessLineIsTextHandlers: for any strings, status, duration and
// time (any instant, any fixed zone), the access line is what slog's
// TextHandler writes for the same record.
func FuzzAccessLineIsTextHandlers(f *testing.F) {
	f.Add("GET", "/travel/v1/countries/fr", "getCountry", "req_ABCDEFGHIJKLMNOPQRST", 200, int64(1234567), int64(1796620597), int64(123456789), 3600, false)
	f.Add("", "a b=c\"d\\e", "\xff\x00\t", "é\u00a0日本", -1, int64(-1), int64(-62135596800), int64(0), -34200, true)
	f.Add("POST", "/\u2028", "\x7f", " ", 500, int64(math.MaxInt64), int64(253402300800), int64(999999999), 0, false)
	f.Fuzz(func(t *testing.T, method, path, op, id string, status int, dur, sec, nsec int64, offset int, zero bool) {
		tm := time.Time{}
		if !zero {
			tm = time.Unix(sec, nsec).In(time.FixedZone("Z", offset%(36*3600)))
		}
		checkLine(t, &accessLine{time: tm, method: method, path: path, operation: op, status: status, duration: time.Duration(dur), requestID: id})
	})
}

// countingWriter counts the Write calls it is given and keeps what they
// wrote.
type countingWriter struct {
	writes int
	buf    bytes.Buffer
}

func (w *countingWriter) Write(p []byte) (int, error) { w.writes++; return w.buf.Write(p) }

// TestNewTextLoggerAccessLine: AccessLog with NewTextLogger's logger
// writes each request's line in one Write call, in TextHandler's form
// (its time, level, message and attributes, the request's id as its
// X-Request-Id); the logger's other records, and those of a logger
// derived from it, are the TextHandler's.
func TestNewTextLoggerAccessLine(t *testing.T) {
	var w countingWriter
	log := NewTextLogger(&w)
	h := AccessLog(log, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, httptest.NewRequest(http.MethodGet, "/a%20b?token=secret", nil))
	if w.writes != 1 {
		t.Fatalf("%d writes for one access line", w.writes)
	}
	line := w.buf.String()
	var tm, dur string
	rest, ok := strings.CutPrefix(line, "time=")
	if ok {
		tm, rest, ok = strings.Cut(rest, " ")
	}
	want := `level=INFO msg="sandbox: request" method=GET path="/a b" operation="" status=418 duration=`
	if ok {
		rest, ok = strings.CutPrefix(rest, want)
	}
	if ok {
		dur, rest, ok = strings.Cut(rest, " ")
	}
	if !ok || rest != "request_id="+rr.Header().Get("X-Request-Id")+"\n" {
		t.Fatalf("access line %q", line)
	}
	when, err := time.Parse(time.RFC3339, tm)
	d, derr := time.ParseDuration(dur)
	if err != nil || derr != nil || d < 0 || time.Since(when) < 0 || time.Since(when) > time.Hour {
		t.Fatalf("access line %q: time %v (%v), duration %v (%v)", line, when, err, d, derr)
	}
	if strings.Contains(line, "secret") {
		t.Fatalf("access line %q has the query string", line)
	}

	// Other records, and derived loggers, as the TextHandler.
	var want2 bytes.Buffer
	ref := slog.New(slog.NewTextHandler(&want2, nil))
	w.buf.Reset()
	for _, l := range []*slog.Logger{log, ref} {
		l.Warn("hello world", "k", "v w")
		l.With("a", 1).WithGroup("g").Info("x", "b", 2)
		l.Debug("not shown")
	}
	strip := func(s string) string { // the time differs
		var out []string
		for ln := range strings.Lines(s) {
			_, after, _ := strings.Cut(ln, " ")
			out = append(out, after)
		}
		return strings.Join(out, "")
	}
	if got, want := strip(w.buf.String()), strip(want2.String()); got != want || got == "" {
		t.Fatalf("NewTextLogger's records\n got %q\nwant %q", got, want)
	}
}

// BenchmarkAccessLine: an access line written by NewTextLogger's handler
// (fast) and by slog's TextHandler from its record (slog), to a writer
// that discards it.
func BenchmarkAccessLine(b *testing.B) {
	l := accessLine{time: time.Now(), method: "GET", path: "/travel/v1/countries/fr", operation: "getCountry", status: 200,
		duration: 23456 * time.Nanosecond, requestID: "req_ABCDEFGHIJKLMNOPQRST"}
	b.Run("fast", func(b *testing.B) {
		h := NewTextLogger(discard{}).Handler().(*textHandler)
		b.ReportAllocs()
		for b.Loop() {
			h.write(&l)
		}
	})
	b.Run("slog", func(b *testing.B) {
		h := slog.NewTextHandler(discard{}, nil)
		b.ReportAllocs()
		for b.Loop() {
			_ = h.Handle(context.Background(), l.record())
		}
	})
}

// discard is a writer that drops what it is given.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
