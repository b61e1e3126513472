package axa

import (
	"time"

	"github.com/axa-assistance-go/axa/internal/httpheader"
)

// parseRetryAfter reads a Retry-After value: httpheader.RetryAfter.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	return httpheader.RetryAfter(v, now)
}

// bearerParams returns the parameters of the Bearer challenge in h, a
// WWW-Authenticate value; nil without one.
func bearerParams(h string) map[string]string {
	p, _ := httpheader.FindChallenge([]string{h}, "bearer")
	return p
}
