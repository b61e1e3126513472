package axa

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
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

// challenge is one parsed WWW-Authenticate challenge (RFC 9110 section
// 11.6.1, RFC 6750 section 3).
type challenge struct {
	scheme string
	params map[string]string
}

// parseChallenges parses a WWW-Authenticate header value into its
// challenges. It never fails: what cannot be parsed is skipped.
func parseChallenges(h string) []challenge {
	var out []challenge
	s := h
	for {
		s = strings.TrimLeft(s, " \t,")
		if s == "" {
			return out
		}
		scheme, rest := token(s)
		if scheme == "" {
			return out // not a token: give up on the rest
		}
		c := challenge{scheme: strings.ToLower(scheme), params: map[string]string{}}
		s = rest
		for {
			s = strings.TrimLeft(s, " \t")
			name, rest := token(s)
			rest = strings.TrimLeft(rest, " \t")
			if name == "" || !strings.HasPrefix(rest, "=") {
				// The end, or the next challenge's scheme, or a token68:
				// the outer loop takes it from here.
				if name != "" && rest == "" {
					s = ""
				}
				break
			}
			rest = strings.TrimLeft(rest[1:], " \t")
			var value string
			if strings.HasPrefix(rest, `"`) {
				value, rest = quoted(rest)
			} else {
				value, rest = token(rest)
			}
			c.params[strings.ToLower(name)] = value
			s = strings.TrimLeft(rest, " \t")
			if !strings.HasPrefix(s, ",") {
				break
			}
			s = s[1:]
		}
		out = append(out, c)
	}
}

// bearerParams returns the parameters of the Bearer challenge in h.
func bearerParams(h string) map[string]string {
	for _, c := range parseChallenges(h) {
		if c.scheme == "bearer" {
			return c.params
		}
	}
	return nil
}

func isTokenChar(c byte) bool {
	return c > ' ' && c < 0x7f && !strings.ContainsRune(`"(),/:;<=>?@[\]{}`, rune(c))
}

// token splits a leading RFC 9110 token (plus '/' for token68 tails) off s.
func token(s string) (string, string) {
	i := 0
	for i < len(s) && (isTokenChar(s[i]) || s[i] == '/') {
		i++
	}
	return s[:i], s[i:]
}

// quoted splits a leading quoted-string off s, unescaping it.
func quoted(s string) (string, string) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:]
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String(), ""
}
