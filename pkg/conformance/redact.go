package conformance

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"
)

// redacted replaces a secret in the report.
const redacted = "[redacted]"

// minSecret is the shortest string redacted: shorter ones would blank
// ordinary words of the report.
const minSecret = 4

// secrets are the strings the report must never hold: the client secret,
// the Basic credentials, every token the run asked or saw.
type secrets struct{ list []string }

func (s *secrets) add(v string) {
	if len(v) >= minSecret && !slices.Contains(s.list, v) {
		s.list = append(s.list, v)
	}
}

// addFromBody adds the tokens of a JSON answer: the string members whose
// name ends in "token" (access_token, refresh_token, id_token).
func (s *secrets) addFromBody(body []byte) {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return
	}
	for k, v := range m {
		if str, ok := v.(string); ok && strings.HasSuffix(strings.ToLower(k), "token") {
			s.add(str)
		}
	}
}

// scrub removes every secret from text, the longest first (a token may
// contain a shorter secret).
func (s *secrets) scrub(text string) string {
	if text == "" {
		return text
	}
	list := slices.Clone(s.list)
	slices.SortFunc(list, func(a, b string) int { return len(b) - len(a) })
	for _, v := range list {
		text = strings.ReplaceAll(text, v, redacted)
		text = scrubPrefixes(text, v)
	}
	return text
}

// minPrefix is the shortest beginning of a secret that scrubPrefixes
// removes.
const minPrefix = 16

// scrubPrefixes removes the beginnings of secret, at least minPrefix bytes
// long, that text holds: a value shortened for the report ("eyJhbGciOi…")
// must not leak the start of a token either.
func scrubPrefixes(text, secret string) string {
	if len(secret) < minPrefix {
		return text
	}
	head := secret[:minPrefix]
	var b strings.Builder
	for {
		i := strings.Index(text, head)
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		n := minPrefix
		for n < len(secret) && i+n < len(text) && text[i+n] == secret[n] {
			n++
		}
		b.WriteString(text[:i])
		b.WriteString(redacted)
		text = text[i+n:]
	}
}

// scrubReport removes every secret from the report's text, and bounds
// each string (see bounded).
func (s *secrets) scrubReport(rep *Report) {
	for i := range rep.Operations {
		for j := range rep.Operations[i].Checks {
			c := &rep.Operations[i].Checks[j]
			c.Pointer, c.Expected = bounded(s.scrub(c.Pointer)), bounded(s.scrub(c.Expected))
			c.Got, c.Message = bounded(s.scrub(c.Got)), bounded(s.scrub(c.Message))
		}
	}
}

// maxField bounds, in bytes, each string of a check in the report: they
// quote the server (a header of megabytes, within what the client takes),
// and the report is kept whole in memory and written up to three times.
const maxField = 8 << 10

// bounded returns text cut to maxField bytes at a character's start,
// marked "…" when cut.
func bounded(text string) string {
	if len(text) <= maxField {
		return text
	}
	cut := maxField - len("…")
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut] + "…"
}

// scrubError returns err with every secret removed from its text; it
// keeps wrapping err for errors.Is and errors.As.
func (s *secrets) scrubError(err error) error {
	if err == nil {
		return nil
	}
	if text := s.scrub(err.Error()); text != err.Error() {
		return &scrubbedError{text: text, err: err}
	}
	return err
}

type scrubbedError struct {
	text string
	err  error
}

func (e *scrubbedError) Error() string { return e.text }
func (e *scrubbedError) Unwrap() error { return e.err }
