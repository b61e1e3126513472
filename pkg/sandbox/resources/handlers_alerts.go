package resources

import (
	"context"
	"slices"
	"time"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/gen/server"
	"github.com/axa-assistance-go/axa/pkg/sandbox/data"
)

// alertsLanguage is the language of alert texts, which are not translated.
const alertsLanguage = "en"

// ListAlerts answers the latest WHO bulletins and AXA health and security
// alerts worldwide, newest first, at min_level or above. Alerts are dated
// from the hour: the answer changes with it.
func (r *Resources) ListAlerts(_ context.Context, req server.ListAlertsRequestObject) (server.ListAlertsResponseObject, error) {
	// Alert texts are not translated: one answer serves every language.
	key := answerKey{op: gen.OperationListAlerts, minLevel: levelKey(req.Params.MinLevel)}
	return r.answer(key, hourly, req.Params.IfNoneMatch, func(now time.Time) (any, string) {
		return r.worldwideAlerts(req.Params.MinLevel, alertBase(now)), alertsLanguage
	})
}

// worldwideAlerts are the alerts of every country at minLevel or above,
// dated from base.
func (r *Resources) worldwideAlerts(minLevel *gen.AlertLevel, base time.Time) gen.WorldwideAlerts {
	minRank := minLevelRank(minLevel)
	w := gen.WorldwideAlerts{
		WorldHealthOrganizationBulletins: []gen.WHOBulletin{},
		AXAHealthAlerts:                  axaAlerts(r.data.Health(), base, minRank, ""),
		AXASecurityAlerts:                axaAlerts(r.data.Security(), base, minRank, ""),
	}
	for _, a := range r.data.Bulletins() {
		if data.LevelRank(a.Level) >= minRank {
			w.WorldHealthOrganizationBulletins = append(w.WorldHealthOrganizationBulletins, gen.WHOBulletin{
				ID: a.ID, Title: a.Title, ShortDescription: a.Short, Level: a.Level, AlertDate: base.Add(-a.Age),
			})
		}
	}
	return w
}

// ListCountryAlerts answers the latest AXA health and security alerts that
// concern one country, newest first, at min_level or above.
func (r *Resources) ListCountryAlerts(_ context.Context, req server.ListCountryAlertsRequestObject) (server.ListCountryAlertsResponseObject, error) {
	c, err := r.lookupCountry(req.CountryID)
	if err != nil {
		return nil, err
	}
	key := answerKey{op: gen.OperationListCountryAlerts, id: c.ID, minLevel: levelKey(req.Params.MinLevel)}
	return r.answer(key, hourly, req.Params.IfNoneMatch, func(now time.Time) (any, string) {
		base, minRank := alertBase(now), minLevelRank(req.Params.MinLevel)
		return gen.CountryAlerts{
			CountryID:         c.ID,
			AXAHealthAlerts:   axaAlerts(r.data.Health(), base, minRank, c.ID),
			AXASecurityAlerts: axaAlerts(r.data.Security(), base, minRank, c.ID),
		}, alertsLanguage
	})
}

// levelKey is the min_level filter in an answer's key, "" when absent.
func levelKey(l *gen.AlertLevel) string {
	if l == nil {
		return ""
	}
	return string(*l)
}

// alertBase is the time alerts are dated from: the sandbox clock's now, to
// the hour, so that answers are stable within an hour.
func alertBase(now time.Time) time.Time {
	return now.UTC().Truncate(time.Hour)
}

// minLevelRank is the rank of the min_level filter, 0 (low) when absent.
func minLevelRank(l *gen.AlertLevel) int {
	if l == nil {
		return 0
	}
	return data.LevelRank(*l)
}

// axaAlerts dates the alerts at minRank or above that concern country (all
// when ""), keeping their order (newest first).
func axaAlerts(list []data.Alert, base time.Time, minRank int, country string) []gen.AXAAlert {
	out := []gen.AXAAlert{}
	for _, a := range list {
		if data.LevelRank(a.Level) < minRank || country != "" && !slices.Contains(a.Countries, country) {
			continue
		}
		x := gen.AXAAlert{
			ID: a.ID, Title: a.Title, ShortDescription: a.Short, Level: a.Level,
			AlertDate: base.Add(-a.Age), CountryIDs: slices.Clone(a.Countries),
		}
		if a.Content != "" {
			x.Content = data.PointerTo(a.Content)
		}
		if a.Remaining > 0 {
			x.EndDate = data.PointerTo(base.Add(a.Remaining))
		}
		out = append(out, x)
	}
	return out
}
