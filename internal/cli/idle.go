//go:build !axa_thin

package cli

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// activity is how the shared sandbox measures its idleness
// (AXA_SANDBOX_IDLE): it is busy while it works on a request, not while
// it waits for a client, for the rest of a request's body or for the
// client to take its answer. A slow request (the first API request waits
// for the spec's loading) is no idle time; a request whose body never
// comes, or whose client never reads, keeps no sandbox alive.
type activity struct {
	now  func() time.Time
	busy atomic.Int64 // requests being worked on
	last atomic.Int64 // when work was last done, in Unix nanoseconds
}

func newActivity(now func() time.Time) *activity {
	a := &activity{now: now}
	a.touch()
	return a
}

func (a *activity) touch() { a.last.Store(a.now().UnixNano()) }

// idleFor tells how long the sandbox has been idle: 0 while it works on a
// request.
func (a *activity) idleFor() time.Duration {
	if a.busy.Load() > 0 {
		return 0
	}
	return a.now().Sub(time.Unix(0, a.last.Load()))
}

// waitClient marks a wait for a client, until the function it returns is
// called: the work done until now ends, and idle time may count.
func (a *activity) waitClient() func() {
	a.touch()
	a.busy.Add(-1)
	return func() {
		a.touch()
		a.busy.Add(1)
	}
}

// handler counts next's requests as work, except their waits for their
// clients: reading the body, writing the answer.
func (a *activity) handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.busy.Add(1)
		a.touch()
		defer func() {
			a.touch()
			a.busy.Add(-1)
		}()
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = &clientBody{ReadCloser: r.Body, a: a}
		}
		next.ServeHTTP(&clientWriter{ResponseWriter: w, a: a}, r)
	})
}

// clientBody is a request body whose reads are waits for the client.
type clientBody struct {
	io.ReadCloser
	a *activity
}

func (b *clientBody) Read(p []byte) (int, error) {
	defer b.a.waitClient()()
	return b.ReadCloser.Read(p)
}

// clientWriter is a ResponseWriter whose writes are waits for the client.
// It passes http.ResponseController's calls and hijacks through.
type clientWriter struct {
	http.ResponseWriter
	a *activity
}

func (w *clientWriter) Write(p []byte) (int, error) {
	defer w.a.waitClient()()
	return w.ResponseWriter.Write(p)
}

func (w *clientWriter) WriteHeader(code int) {
	defer w.a.waitClient()()
	w.ResponseWriter.WriteHeader(code)
}

// Flush sends what is buffered: a wait for the client.
func (w *clientWriter) Flush() {
	defer w.a.waitClient()()
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection.
func (w *clientWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Hijack passes a hijack through to the connection (an injected reset).
func (w *clientWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}
