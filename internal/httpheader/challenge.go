// Package httpheader parses the HTTP headers that the SDK and the
// conformance run both read: WWW-Authenticate challenges (RFC 9110 section
// 11.6.1, RFC 6750 section 3) and Retry-After (RFC 9110 section 10.2.3).
// Standard library only, so that the SDK can import it.
package httpheader

import "strings"

// Challenge is one challenge of a WWW-Authenticate header.
type Challenge struct {
	// Scheme is the auth-scheme as sent ("Bearer", "Basic"); compare it
	// without case.
	Scheme string
	// Params are its auth-params, names in lower case; the first of a
	// repeated name wins. A token68 challenge has none.
	Params map[string]string
}

// ParseChallenges parses the challenges of a WWW-Authenticate value. It never fails:
// a token68 is skipped, and what cannot be parsed ends the list.
func ParseChallenges(v string) []Challenge {
	var out []Challenge
	s := v
	for {
		s = strings.TrimLeft(s, " \t,")
		scheme, rest := httpToken(s)
		if scheme == "" {
			return out
		}
		c := Challenge{Scheme: scheme, Params: map[string]string{}}
		s = rest
		for {
			s = strings.TrimLeft(s, " \t")
			name, rest := httpToken(s)
			rest = strings.TrimLeft(rest, " \t")
			if name == "" || !strings.HasPrefix(rest, "=") {
				break // the next challenge's scheme, or the end
			}
			if after := strings.TrimLeft(strings.TrimLeft(rest, "="), " \t"); len(rest)-len(strings.TrimLeft(rest, "=")) > 1 ||
				after == "" || after[0] == ',' {
				s = after // a token68 ("abc=="): the challenge has no params
				break
			}
			rest = strings.TrimLeft(rest[1:], " \t")
			var value string
			if strings.HasPrefix(rest, `"`) {
				value, rest = quotedString(rest)
			} else {
				value, rest = httpToken(rest)
			}
			if _, seen := c.Params[strings.ToLower(name)]; !seen {
				c.Params[strings.ToLower(name)] = value
			}
			s = strings.TrimLeft(rest, " \t")
			if !strings.HasPrefix(s, ",") {
				break
			}
			s = s[1:]
		}
		out = append(out, c)
	}
}

// FindChallenge returns the params of the first challenge of scheme (compared
// without case) among the WWW-Authenticate header values.
func FindChallenge(values []string, scheme string) (map[string]string, bool) {
	for _, c := range ParseChallenges(strings.Join(values, ", ")) {
		if strings.EqualFold(c.Scheme, scheme) {
			return c.Params, true
		}
	}
	return nil, false
}

// httpToken splits a leading RFC 9110 token off s.
func httpToken(s string) (string, string) {
	i := 0
	for i < len(s) && s[i] > ' ' && s[i] < 0x7f && !strings.ContainsRune(`"(),/:;<=>?@[\]{}`, rune(s[i])) {
		i++
	}
	return s[:i], s[i:]
}

// quotedString splits a leading quoted-string off s, unescaping it.
func quotedString(s string) (string, string) {
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
