package axa

import (
	"errors"
	"testing"
)

// A path parameter that would make the request another operation's, or
// no operation's, is refused before anything is sent: an empty id makes
// GET /travel/v1/countries/ (listCountries), and "." or ".." are resolved
// away by URL parsing (GET /travel/v1/countries/.. is GET /travel/v1/),
// which the client would otherwise send with a token of getCountry's scope.
func TestPathParameterCannotChangeTheOperation(t *testing.T) {
	f, clk := newFakeAPI(t), newFakeClock()
	c := newTestClient(t, f, clk)
	ctx := t.Context()
	for _, id := range []string{"", ".", ".."} {
		if _, err := c.GetCountry(ctx, id, nil); !errors.Is(err, ErrValidation) {
			t.Errorf("GetCountry(%q): %v, want an error matching ErrValidation", id, err)
		}
		if _, err := c.GetCountryHealth(ctx, id, nil); !errors.Is(err, ErrValidation) {
			t.Errorf("GetCountryHealth(%q): %v, want an error matching ErrValidation", id, err)
		}
	}
	if reqs := f.APIRequests(); len(reqs) != 0 {
		t.Errorf("%d requests reached the API, want none: %+v", len(reqs), reqs)
	}
	// Ids that only look odd are the API's to judge, sent escaped.
	for _, id := range []string{"..fr", "a/b", "%2e%2e", "fr.", "..."} {
		before := len(f.APIRequests())
		_, _ = c.GetCountry(ctx, id, nil)
		if len(f.APIRequests()) != before+1 {
			t.Errorf("GetCountry(%q) was not sent", id)
		}
	}
}
