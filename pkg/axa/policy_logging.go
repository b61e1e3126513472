package axa

import (
	"log/slog"
	"net/http"
)

// logTransport is the innermost layer: one Debug record per attempt sent
// (method, path, operation, attempt, duration, then status and request id,
// or the error), never a header or a body. With Debug disabled it costs one
// Enabled check.
type logTransport struct {
	next  http.RoundTripper
	log   *slog.Logger
	clock clock
}

// RoundTrip implements http.RoundTripper.
func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if !t.log.Enabled(ctx, slog.LevelDebug) {
		return t.next.RoundTrip(req)
	}
	start := t.clock.Now()
	resp, err := t.next.RoundTrip(req)
	info := infoFrom(ctx)
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("path", req.URL.Path),
		slog.Int("attempt", info.attempt),
		slog.Duration("duration", t.clock.Now().Sub(start)),
	}
	if info.operation != "" {
		attrs = append(attrs, slog.String("operation", info.operation))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	} else {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
		if id := resp.Header.Get("X-Request-Id"); id != "" {
			attrs = append(attrs, slog.String("request_id", id))
		}
	}
	t.log.LogAttrs(ctx, slog.LevelDebug, "axa: request", attrs...)
	return resp, err
}
