package sandbox_test

import (
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// A quote lifetime that is not positive is refused, as a token lifetime
// is: with it every quote would be answered already expired (valid_until
// at or before created_at), and no policy could ever be issued.
func TestQuoteLifetimeMustBePositive(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Hour} {
		if _, err := sandbox.New(sandbox.WithQuoteLifetime(d)); err == nil {
			t.Errorf("WithQuoteLifetime(%v): accepted", d)
		}
	}
	if _, err := sandbox.New(sandbox.WithQuoteLifetime(time.Minute)); err != nil {
		t.Errorf("WithQuoteLifetime(1m): %v", err)
	}
}
