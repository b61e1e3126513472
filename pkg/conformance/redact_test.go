package conformance

import "testing"

func TestScrubRemovesSecretsAndTheirBeginnings(t *testing.T) {
	var s secrets
	s.add("eyJhbGciOiJFZERTQSJ9.payload.signature")
	s.add("abc") // too short to redact
	s.add("s3cret-value")
	for in, want := range map[string]string{
		`token "eyJhbGciOiJFZERTQSJ9.payload.signature" leaked`: `token "[redacted]" leaked`,
		`got "eyJhbGciOiJFZERTQSJ9.pay…"`:                       `got "[redacted]…"`,
		`got "eyJhbGciOiJFZ…"`:                                  `got "eyJhbGciOiJFZ…"`, // shorter than minPrefix: nothing of worth
		`basic s3cret-value and abc`:                            `basic [redacted] and abc`,
	} {
		if got := s.scrub(in); got != want {
			t.Errorf("scrub(%q) = %q, want %q", in, got, want)
		}
	}
}
