package resources

import (
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/gen"
)

// A quote can be turned into a policy for at least its lifetime from the
// moment it was asked for: created_at is a whole second (the second it was
// made in), valid_until is rounded up to one. With valid_until counted from
// the truncated created_at, a quote made late in a second lived up to a
// second less than its lifetime, and with a lifetime under a second it was
// answered already expired.
func TestQuoteLivesAtLeastItsLifetime(t *testing.T) {
	for _, lifetime := range []time.Duration{500 * time.Millisecond, time.Minute} {
		r := newResTest(t, 1, testNow.Add(700*time.Millisecond)) // late in the second
		r.cfg.QuoteLifetime = lifetime
		q := r.quote(t, "c1", "q", trip(14, gen.PlanCodeComfort, "jp", "1985-04-12", "2015-09-30"))
		if want := testNow.Add(700 * time.Millisecond).Add(lifetime); q.ValidUntil.Before(want) {
			t.Errorf("lifetime %v: valid_until %v, before the quote's request plus its lifetime (%v)", lifetime, q.ValidUntil, want)
		}
		r.advance(lifetime)
		r.mustPolicy(t, "c1", "p", policyFor(q)) // exactly its lifetime later: still valid
	}
}
