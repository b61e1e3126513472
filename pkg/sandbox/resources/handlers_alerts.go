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
// alerts worldwide, newest first, at min_level or above.
func (r *Resources) ListAlerts(_ context.Context, req server.ListAlertsRequestObject) (server.ListAlertsResponseObject, error) {
	base, minRank := r.alertBase(), minLevelRank(req.Params.MinLevel)
	w := gen.WorldwideAlerts{
		WorldHealthOrganizationBulletins: []gen.WhoBulletin{},
		AxaHealthAlerts:                  axaAlerts(r.data.Health(), base, minRank, ""),
		AxaSecurityAlerts:                axaAlerts(r.data.Security(), base, minRank, ""),
	}
	for _, a := range r.data.Bulletins() {
		if data.LevelRank(a.Level) >= minRank {
			w.WorldHealthOrganizationBulletins = append(w.WorldHealthOrganizationBulletins, gen.WhoBulletin{
				ID: a.ID, Title: a.Title, ShortDescription: a.Short, Level: a.Level, AlertDate: base.Add(-a.Age),
			})
		}
	}
	lang := alertsLanguage
	return server.ListAlerts200JSONResponse{Body: w, Headers: server.ListAlerts200ResponseHeaders{ContentLanguage: &lang}}, nil
}

// ListCountryAlerts answers the latest AXA health and security alerts that
// concern one country, newest first, at min_level or above.
func (r *Resources) ListCountryAlerts(_ context.Context, req server.ListCountryAlertsRequestObject) (server.ListCountryAlertsResponseObject, error) {
	c, err := r.lookupCountry(req.CountryID)
	if err != nil {
		return nil, err
	}
	base, minRank := r.alertBase(), minLevelRank(req.Params.MinLevel)
	body := gen.CountryAlerts{
		CountryID:         c.ID,
		AxaHealthAlerts:   axaAlerts(r.data.Health(), base, minRank, c.ID),
		AxaSecurityAlerts: axaAlerts(r.data.Security(), base, minRank, c.ID),
	}
	lang := alertsLanguage
	return server.ListCountryAlerts200JSONResponse{Body: body, Headers: server.ListCountryAlerts200ResponseHeaders{ContentLanguage: &lang}}, nil
}

// alertBase is the time alerts are dated from: the sandbox clock, to the
// hour, so that answers are stable within an hour.
func (r *Resources) alertBase() time.Time {
	return r.cfg.Now().UTC().Truncate(time.Hour)
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
func axaAlerts(list []data.Alert, base time.Time, minRank int, country string) []gen.AxaAlert {
	out := []gen.AxaAlert{}
	for _, a := range list {
		if data.LevelRank(a.Level) < minRank || country != "" && !slices.Contains(a.Countries, country) {
			continue
		}
		x := gen.AxaAlert{
			ID: a.ID, Title: a.Title, ShortDescription: a.Short, Level: a.Level,
			AlertDate: base.Add(-a.Age), CountryIds: slices.Clone(a.Countries),
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
