package axa

import (
	"errors"
	"log/slog"
	"net/http"
	"time"
)

// RetryPolicy tunes the retries of API calls. The zero value of each field
// means its default.
type RetryPolicy struct {
	// MaxAttempts bounds the attempts of one call, the first included.
	// Default 4; 1 disables retries.
	MaxAttempts int
	// BaseDelay and MaxDelay shape the exponential backoff with full
	// jitter. Defaults 250 milliseconds and 8 seconds.
	BaseDelay, MaxDelay time.Duration
	// MaxRetryAfter caps the server's Retry-After hint: a longer hint fails
	// the call at once instead of waiting. Default 30 seconds.
	MaxRetryAfter time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 4
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 250 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 8 * time.Second
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = 30 * time.Second
	}
	return p
}

// isRetryableStatus reports whether an answer is worth sending the same
// request again for.
func isRetryableStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryDelay is the wait before another attempt after an answer with
// header h (nil without an answer): the server's Retry-After when it gave
// one, else the backoff of attempt. ok is false when the hint is above
// maxHint: the server asks for longer than the caller waits, so the attempt
// fails at once (RFC 9110 section 10.2.3). API calls and token fetches both
// decide here.
func retryDelay(h http.Header, now time.Time, attempt int, base, maxDelay, maxHint time.Duration) (delay time.Duration, ok bool) {
	if hint, found := parseRetryAfter(h.Get("Retry-After"), now); found {
		return hint, hint <= maxHint
	}
	return backoff(attempt, base, maxDelay), true
}

// mayRetry reports whether req may be sent more than once: idempotent
// methods, and POSTs (or any method) carrying an Idempotency-Key.
func mayRetry(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete, http.MethodTrace:
		return true
	}
	return req.Header.Get("Idempotency-Key") != ""
}

// isPermanent tells the errors of our own layers that no retry can cure.
func isPermanent(err error) bool {
	var te *TokenError
	return errors.As(err, &te) || errors.Is(err, ErrNoCredentials) || errors.Is(err, ErrInsecureTransport) ||
		errors.Is(err, errNoOperation) || errors.Is(err, ErrClosed)
}

// retryTransport sends a request again after transport errors and the
// retryable statuses, with backoff, within the caller's deadline.
type retryTransport struct {
	next   http.RoundTripper
	policy RetryPolicy
	clock  clock
	log    *slog.Logger
}

// RoundTrip implements http.RoundTripper.
func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	info := infoFrom(ctx)
	retryable := mayRetry(req)
	for attempt := 1; ; attempt++ {
		r := req
		if attempt > 1 {
			var err error
			if r, err = rewind(req); err != nil {
				return nil, err
			}
		}
		info.attempt = attempt
		resp, err := t.next.RoundTrip(r)

		if !retryable || attempt >= t.policy.MaxAttempts || ctx.Err() != nil {
			return resp, err
		}
		switch {
		case err != nil && isPermanent(err):
			return resp, err
		case err == nil && !isRetryableStatus(resp.StatusCode):
			return resp, nil
		}

		var h http.Header
		if resp != nil {
			h = resp.Header
		}
		delay, ok := retryDelay(h, t.clock.Now(), attempt, t.policy.BaseDelay, t.policy.MaxDelay, t.policy.MaxRetryAfter)
		if !ok {
			return resp, err // the server asks for longer than we wait: fail fast
		}
		if !fitsDeadline(ctx, t.clock.Now(), delay) {
			return resp, err // the retry could not finish in time
		}
		attrs := []slog.Attr{slog.String("method", req.Method), slog.String("path", req.URL.Path),
			slog.Int("attempt", attempt), slog.Duration("delay", delay)}
		if err != nil {
			attrs = append(attrs, slog.String("error", err.Error()))
		} else {
			attrs = append(attrs, slog.Int("status", resp.StatusCode))
		}
		t.log.LogAttrs(ctx, slog.LevelInfo, "axa: retrying", attrs...)
		drain(resp)
		if serr := t.clock.Sleep(ctx, delay); serr != nil {
			if err == nil {
				err = serr
			}
			return nil, err
		}
	}
}
