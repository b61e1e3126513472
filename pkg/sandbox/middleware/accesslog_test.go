package middleware

import (
	"regexp"
	"testing"
)

// TestRequestIDsAreRandomBase32: an X-Request-Id is "req_" and 20
// characters of base32's alphabet, and ids do not repeat.
func TestRequestIDsAreRandomBase32(t *testing.T) {
	form := regexp.MustCompile(`^req_[A-Z2-7]{20}$`)
	seen := map[string]bool{}
	for range 10000 {
		id := requestID()
		if !form.MatchString(id) {
			t.Fatalf("request id %q", id)
		}
		if seen[id] {
			t.Fatalf("request id %q twice", id)
		}
		seen[id] = true
	}
}
