package axa

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"
)

// RetryOptions tunes the retries of API calls (WithRetryOptions). The zero
// value of each field means its default.
type RetryOptions struct {
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

func (o RetryOptions) withDefaults() RetryOptions {
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 4
	}
	if o.BaseDelay <= 0 {
		o.BaseDelay = 250 * time.Millisecond
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = 8 * time.Second
	}
	if o.MaxRetryAfter <= 0 {
		o.MaxRetryAfter = 30 * time.Second
	}
	return o
}

// retrier returns the loop of API calls under o.
func (o RetryOptions) retrier(clk clock, log *slog.Logger) *retrier {
	return &retrier{opts: o.withDefaults(), clock: clk, log: log, msg: "axa: retrying"}
}

// retrier is the one retry loop of the SDK: API calls (retryTransport) and
// token requests (tokenFetcher.fetch) both run their attempts through do.
// It owns every step between two attempts: whether another is allowed
// (attempts left, the caller's context alive), how long to wait (the
// server's Retry-After, else full-jitter backoff), whether that wait is
// acceptable (a hint above the cap, or a wait that ends past the caller's
// deadline, fails at once), the log record, and the wait itself. What a
// failure is, and whether it is worth another attempt, stays with the
// caller.
type retrier struct {
	opts  RetryOptions // defaults applied
	clock clock
	log   *slog.Logger
	msg   string // the message of the Info record logged before each wait
	// closing, when set, ends with the client (Close): a wait stops then,
	// and no attempt follows (ErrClosed).
	closing context.Context
}

// outcome is what one attempt tells the loop.
type outcome struct {
	// retry: the attempt failed in a way another attempt may cure.
	retry bool
	// header is the failed response's header, for its Retry-After; nil
	// without a response.
	header http.Header
	// discard is the failed response, drained and closed before the wait so
	// that its connection serves the next attempt; nil without one.
	discard *http.Response
	// who and why are the retry log record's attributes: what was being
	// done (before attempt and delay) and what went wrong (after them).
	// Built only when retry is set.
	who []slog.Attr
	why slog.Attr
	// wait, when set (a call with observers), is told the delay before
	// the next attempt, once it is decided.
	wait func(delay time.Duration)
}

// do calls try with attempt 1, 2, ... until an attempt's outcome stands:
// it needs no retry, the attempts are spent, the caller's context is done,
// the server asks for a longer wait than the cap, or the wait would end
// past the context's deadline. The caller keeps the last attempt's result
// itself (try's closure); do returns nil then. It returns the context's
// error when the context ended during a wait, ErrClosed when the client
// was closed before the next attempt: the last response has been discarded
// by then.
func (r *retrier) do(ctx context.Context, try func(attempt int) outcome) error {
	for attempt := 1; ; attempt++ {
		o := try(attempt)
		if !o.retry || attempt >= r.opts.MaxAttempts || ctx.Err() != nil {
			return nil
		}
		delay, ok := retryDelay(o.header, r.clock.Now(), attempt, r.opts.BaseDelay, r.opts.MaxDelay, r.opts.MaxRetryAfter)
		if !ok || !fitsDeadline(ctx, r.clock.Now(), delay) {
			// The server asks for longer than we wait, or the retry could
			// not finish in time: fail fast.
			return nil
		}
		if r.log.Enabled(ctx, slog.LevelInfo) {
			attrs := append(o.who, slog.Int("attempt", attempt), slog.Duration("delay", delay), o.why)
			r.log.LogAttrs(ctx, slog.LevelInfo, r.msg, attrs...)
		}
		if o.wait != nil {
			o.wait(delay)
		}
		drain(o.discard)
		if err := r.sleep(ctx, delay); err != nil {
			return err
		}
	}
}

// sleep waits d before the next attempt, or until ctx ends (its error), or
// until the client is closed (ErrClosed, also when the wait ended as the
// client was closed: no attempt follows Close).
func (r *retrier) sleep(ctx context.Context, d time.Duration) error {
	if r.closing == nil {
		return r.clock.Sleep(ctx, d)
	}
	if r.closing.Err() != nil {
		return ErrClosed
	}
	wait, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := context.AfterFunc(r.closing, func() { cancel(ErrClosed) })
	defer stop()
	err := r.clock.Sleep(wait, d)
	if ctx.Err() == nil && r.closing.Err() != nil {
		return ErrClosed
	}
	return err
}

// retryDelay is the wait before another attempt after a response with
// header h (nil without a response): the server's Retry-After when it gave
// one, else the backoff of attempt. ok is false when the hint is above
// maxHint: the server asks for longer than the caller waits, so the attempt
// fails at once (RFC 9110 section 10.2.3).
func retryDelay(h http.Header, now time.Time, attempt int, base, maxDelay, maxHint time.Duration) (delay time.Duration, ok bool) {
	if hint, found := parseRetryAfter(h.Get("Retry-After"), now); found {
		return hint, hint <= maxHint
	}
	return backoff(attempt, base, maxDelay), true
}

// backoff returns the delay before retry number attempt (1 for the first
// retry): exponential with full jitter, a uniform draw in [0, min(max,
// base·2^(attempt-1))].
func backoff(attempt int, base, maxDelay time.Duration) time.Duration {
	ceiling := base
	for i := 1; i < attempt && ceiling < maxDelay; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, maxDelay)
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling + 1) //nolint:gosec // jitter, not a secret
}

// fitsDeadline reports whether waiting d from now ends before ctx's
// deadline; a retry that cannot start in time is not waited for.
func fitsDeadline(ctx context.Context, now time.Time, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || now.Add(d).Before(deadline)
}

// isRetryableStatus reports whether a response is worth sending the same
// request again for.
func isRetryableStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// mayRetry reports whether req may be sent more than once: idempotent
// methods, and POSTs (or any method) carrying an Idempotency-Key.
func mayRetry(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete, http.MethodTrace:
		return true
	}
	return req.Header.Get(headerIdempotencyKey) != ""
}

// isPermanent tells the errors of our own layers that no retry can cure.
func isPermanent(err error) bool {
	var te *TokenError
	return errors.As(err, &te) || errors.Is(err, ErrNoCredentials) || errors.Is(err, ErrInsecureTransport) ||
		errors.Is(err, errNoOperation) || errors.Is(err, ErrClosed)
}

// retryTransport sends a request again after transport errors and the
// retryable statuses, when the request may be resent (mayRetry).
// Each attempt has perAttempt to get its token, send and be answered (0 =
// no bound of its own); the body's Close ends it.
type retryTransport struct {
	next       http.RoundTripper
	retrier    *retrier
	perAttempt time.Duration
}

// RoundTrip implements http.RoundTripper.
func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	info := infoFrom(ctx)
	// A body that cannot be rewound (a reader the caller gave, not an
	// io.Seeker) is sent once.
	resendable := mayRetry(req) && (req.Body == nil || req.Body == http.NoBody || req.GetBody != nil)
	loop := t.retrier
	if ro := info.opts; ro != nil && ro.hasMaxRetries {
		// WithMaxRetries: this call's own count.
		own := *loop
		own.opts.MaxAttempts = ro.maxRetries + 1
		loop = &own
	}
	var (
		resp *http.Response
		err  error
	)
	waitErr := loop.do(ctx, func(attempt int) outcome {
		r := req
		if attempt > 1 {
			if r, err = rewind(req); err != nil {
				resp = nil
				return outcome{}
			}
		}
		info.attempt = attempt
		var cancel context.CancelFunc
		var headersIn func() bool
		switch {
		case t.perAttempt > 0 && info.stream:
			// A stream's reading is the caller's, bounded by the call's
			// deadline: the attempt's own bound ends with its headers.
			actx, cancelCause := context.WithCancelCause(r.Context())
			timer := time.AfterFunc(t.perAttempt, func() { cancelCause(context.DeadlineExceeded) })
			headersIn = timer.Stop
			cancel = func() { cancelCause(context.Canceled) }
			r = r.WithContext(actx)
		case t.perAttempt > 0:
			var actx context.Context
			actx, cancel = context.WithTimeout(r.Context(), t.perAttempt)
			r = r.WithContext(actx)
		}
		resp, err = t.next.RoundTrip(r) //nolint:bodyclose // returned to the caller, or drained by the loop (outcome.discard)
		if headersIn != nil && !headersIn() {
			// The bound fired before, or as, the headers came: the
			// attempt timed out (and a body that came is cut).
			if err == nil {
				drain(resp)
				resp = nil
			}
			err = fmt.Errorf("%w (waiting %s for the answer's headers)", context.DeadlineExceeded, t.perAttempt)
		}
		resp, err = cancelOnClose(resp, err, cancel) //nolint:bodyclose // returned to the caller, or drained by the loop (outcome.discard)
		switch {
		case !resendable,
			err != nil && isPermanent(err),
			err == nil && !isRetryableStatus(resp.StatusCode):
			return outcome{}
		}
		o := outcome{retry: true, discard: resp,
			who: []slog.Attr{slog.String("method", req.Method), slog.String("path", req.URL.Path)}}
		if resp != nil {
			o.header = resp.Header
		}
		if err != nil {
			o.why = slog.String("error", err.Error())
		} else {
			o.why = slog.Int("status", resp.StatusCode)
		}
		if info.watch != nil {
			o.wait = info.watch.retry(info, resp, err)
		}
		return o
	})
	if waitErr != nil {
		// The context ended, or the client was closed, while waiting; the
		// response was discarded. The last attempt's failure is said too.
		if err != nil {
			return nil, fmt.Errorf("%w (the last attempt: %w)", waitErr, err)
		}
		return nil, waitErr
	}
	return resp, err
}
