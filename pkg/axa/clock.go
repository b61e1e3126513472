package axa

import (
	"context"
	"math/rand/v2"
	"time"
)

// clock is the time source of the token cache and of the retry loops, so
// that tests can drive time instead of sleeping.
type clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx ends, whichever comes first.
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
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
