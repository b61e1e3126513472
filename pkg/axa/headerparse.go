package axa

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/axa-assistance-go/axa/internal/authchallenge"
)

// parseRetryAfter reads a Retry-After value (RFC 9110 section 10.2.3):
// delay-seconds or an HTTP-date. A date in the past means no wait.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	const maxWait = 24 * time.Hour // longer hints are capped: a day is "not now"
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, int64(maxWait/time.Second))) * time.Second, true
	} else if errors.Is(err, strconv.ErrRange) && v[0] != '-' {
		return maxWait, true // delay-seconds too large for int64: still a wait, the longest
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), maxWait), true
	}
	return 0, false
}

// bearerParams returns the parameters of the Bearer challenge in h, a
// WWW-Authenticate value; nil without one.
func bearerParams(h string) map[string]string {
	p, _ := authchallenge.Find([]string{h}, "bearer")
	return p
}
