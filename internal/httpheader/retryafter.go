package httpheader

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryAfter reads a Retry-After value (RFC 9110 section 10.2.3):
// delay-seconds or an HTTP-date. A date in the past means no wait;
// a longer wait than a day is a day.
func RetryAfter(v string, now time.Time) (time.Duration, bool) {
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
