// Package httpstatus is the module's one http.ResponseWriter that
// remembers the status an answer was given, for the middleware that
// report it after the handler: the sandbox's access log, axaotel's
// server spans. It imports net/http alone, so that a module of its own
// (pkg/axaotel) may use it without bringing the sandbox along.
package httpstatus

import (
	"bufio"
	"net"
	"net/http"
)

// Recorder wraps a ResponseWriter and remembers the status of its answer:
// the first WriteHeader's code, or 200 at the first Write, 0 while
// nothing is written.
type Recorder struct {
	http.ResponseWriter
	// Status is the answer's status, 0 while nothing is written.
	Status int
}

// WriteHeader implements http.ResponseWriter.
func (r *Recorder) WriteHeader(code int) {
	if r.Status == 0 {
		r.Status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

// Write implements http.ResponseWriter.
func (r *Recorder) Write(p []byte) (int, error) {
	if r.Status == 0 {
		r.Status = http.StatusOK
	}
	return r.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the writer it wraps (a
// flush, a deadline, a fault's reset of the connection).
func (r *Recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Hijack passes a hijack through to the connection, as
// http.ResponseController does for the writer it wraps.
func (r *Recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(r.ResponseWriter).Hijack()
}
