package middleware

import (
	"crypto/rand"
	"log/slog"
	"net/http"
	"time"

	"github.com/axa-assistance-go/axa/internal/httpstatus"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
)

// AccessLog is the outermost handler: it gives each request an
// X-Request-Id and its state, with the operation it resolves to
// (reqctx.Begin, the one match of the request), and logs method, path,
// status, duration and request id: never headers, bodies or query
// strings, so never a token or a secret. A panic below it is answered 500
// (recoverAnswer). Its records carry no source (a handler with AddSource
// shows none for them): the source of every one would be this function.
//
// With a logger of NewTextLogger, AccessLog writes the line itself (the
// same bytes as the logger's TextHandler, at less cost).
func AccessLog(log *slog.Logger, next http.Handler) http.Handler {
	text, _ := log.Handler().(*textHandler)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := requestID()
		w.Header()["X-Request-Id"] = []string{id} // canonical already: Set's work, without it
		r, st := reqctx.Begin(r, id)
		rec := &httpstatus.Recorder{ResponseWriter: w}
		start := time.Now()
		func() {
			defer recoverAnswer(log, rec, r)
			next.ServeHTTP(rec, r)
		}()
		// The record straight to the handler: what Logger.LogAttrs does,
		// without walking the stack for the caller's PC, which is always
		// this line. NewTextLogger's handler has the line written
		// without a record.
		now := time.Now()
		line := accessLine{time: now, method: r.Method, path: r.URL.Path, operation: string(st.Operation), status: rec.Status, duration: now.Sub(start), requestID: id}
		if text != nil {
			text.write(&line)
			return
		}
		ctx, h := r.Context(), log.Handler()
		if !h.Enabled(ctx, slog.LevelInfo) {
			return
		}
		_ = h.Handle(ctx, line.record()) // as Logger.LogAttrs, which drops the handler's error
	})
}

// requestID is a new X-Request-Id: "req_" and 20 random characters of
// base32's alphabet (100 bits), in one allocation.
func requestID() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	var id [4 + 20]byte
	copy(id[:], "req_")
	_, _ = rand.Read(id[4:]) // crypto/rand.Read never fails
	for i := 4; i < len(id); i++ {
		id[i] = alphabet[id[i]%32]
	}
	return string(id[:])
}
