package middleware

import (
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/axa-assistance-go/axa/internal/httpstatus"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/apierr"
)

// recoverAnswer, deferred around a request's handlers, answers a panic
// with the API's Error, 500 server_error, and logs it with its stack: a bug
// is answered as the API would answer one, instead of net/http dropping
// the connection (or, served in process, the caller receiving the panic).
// http.ErrAbortHandler (an injected reset) goes on up; so does any panic
// once the answer has begun, as http.ErrAbortHandler, which only aborting
// the connection can end.
func recoverAnswer(log *slog.Logger, rec *httpstatus.Recorder, r *http.Request) {
	p := recover()
	if p == nil {
		return
	}
	if err, ok := p.(error); ok && errors.Is(err, http.ErrAbortHandler) {
		panic(p)
	}
	log.ErrorContext(r.Context(), "sandbox: panic while serving a request", "panic", p, "stack", string(debug.Stack()))
	if rec.Status != 0 {
		panic(http.ErrAbortHandler)
	}
	apierr.Write(rec, r, http.StatusInternalServerError, "server_error", "an unexpected error occurred")
}
