package resources

import (
	"bytes"
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/gen/server"
	"github.com/axa-assistance-go/axa/pkg/sandbox/data"
)

// A reference answer is made for one instant: the date or hour it is kept
// for (its ETag, its max-age) is the one its body was made for, even when
// the clock passes midnight, or the hour, while it is made. It read the
// clock again to make the body, and so kept the next day's body (or
// hour's) under this day's date.
func TestReferenceAnswerIsMadeForOneInstant(t *testing.T) {
	before := time.Date(2026, 12, 2, 23, 59, 59, 900_000_000, time.UTC)
	after := before.Add(200 * time.Millisecond) // the next day, and hour
	// steps answers before at its first call, after from then on.
	steps := func() func() time.Time {
		var calls atomic.Int64
		return func() time.Time {
			if calls.Add(1) == 1 {
				return before
			}
			return after
		}
	}
	stopped := func() time.Time { return before }
	for name, ask := range map[string]func(r *Resources) (any, error){
		"getCountryHealth (daily)": func(r *Resources) (any, error) {
			return r.GetCountryHealth(context.Background(), server.GetCountryHealthRequestObject{CountryID: "fr"})
		},
		"getCountrySecurity (daily)": func(r *Resources) (any, error) {
			return r.GetCountrySecurity(context.Background(), server.GetCountrySecurityRequestObject{CountryID: "fr"})
		},
		"listAlerts (hourly)": func(r *Resources) (any, error) {
			return r.ListAlerts(context.Background(), server.ListAlertsRequestObject{})
		},
		"listCountryAlerts (hourly)": func(r *Resources) (any, error) {
			return r.ListCountryAlerts(context.Background(), server.ListCountryAlertsRequestObject{CountryID: "fr"})
		},
	} {
		got, err := ask(New(testConfig(steps()), data.NewDataset(1)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want, err := ask(New(testConfig(stopped), data.NewDataset(1)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		g, w := got.(refAnswer), want.(refAnswer)
		if !bytes.Equal(g.body, w.body) || g.etag != w.etag {
			t.Errorf("%s, answered as the clock passed midnight: ETag %s, body\n%s\nwant the answer of the instant it began, ETag %s:\n%s", name, g.etag, g.body, w.etag, w.body)
		}
	}
}
