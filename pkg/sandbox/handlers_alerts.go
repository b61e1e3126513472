package sandbox

import (
	"context"
	"slices"
	"time"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/gen/server"
)

// alertsLanguage is the language of alert texts, which are not translated.
const alertsLanguage = "en"

// ListAlerts answers the latest WHO bulletins and AXA health and security
// alerts worldwide, newest first, at min_level or above.
func (r *resources) ListAlerts(_ context.Context, req server.ListAlertsRequestObject) (server.ListAlertsResponseObject, error) {
	base, minRank := r.alertBase(), minLevelRank(req.Params.MinLevel)
	w := gen.WorldwideAlerts{
		WorldHealthOrganizationBulletins: []gen.WhoBulletin{},
		AxaHealthAlerts:                  axaAlerts(r.data.Health, base, minRank, ""),
		AxaSecurityAlerts:                axaAlerts(r.data.Security, base, minRank, ""),
	}
	for _, a := range r.data.Bulletins {
		if LevelRank(a.Level) >= minRank {
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
func (r *resources) ListCountryAlerts(_ context.Context, req server.ListCountryAlertsRequestObject) (server.ListCountryAlertsResponseObject, error) {
	c, err := r.lookupCountry(req.CountryID)
	if err != nil {
		return nil, err
	}
	base, minRank := r.alertBase(), minLevelRank(req.Params.MinLevel)
	body := gen.CountryAlerts{
		CountryID:         c.ID,
		AxaHealthAlerts:   axaAlerts(r.data.Health, base, minRank, c.ID),
		AxaSecurityAlerts: axaAlerts(r.data.Security, base, minRank, c.ID),
	}
	lang := alertsLanguage
	return server.ListCountryAlerts200JSONResponse{Body: body, Headers: server.ListCountryAlerts200ResponseHeaders{ContentLanguage: &lang}}, nil
}

// alertBase is the time alerts are dated from: the sandbox clock, to the
// hour, so that answers are stable within an hour.
func (r *resources) alertBase() time.Time {
	return r.cfg.now().UTC().Truncate(time.Hour)
}

// minLevelRank is the rank of the min_level filter, 0 (low) when absent.
func minLevelRank(l *gen.AlertLevel) int {
	if l == nil {
		return 0
	}
	return LevelRank(*l)
}

// axaAlerts dates the alerts at minRank or above that concern country (all
// when ""), keeping their order (newest first).
func axaAlerts(list []Alert, base time.Time, minRank int, country string) []gen.AxaAlert {
	out := []gen.AxaAlert{}
	for _, a := range list {
		if LevelRank(a.Level) < minRank || country != "" && !slices.Contains(a.Countries, country) {
			continue
		}
		x := gen.AxaAlert{
			ID: a.ID, Title: a.Title, ShortDescription: a.Short, Level: a.Level,
			AlertDate: base.Add(-a.Age), CountryIds: slices.Clone(a.Countries),
		}
		if a.Content != "" {
			x.Content = PointerTo(a.Content)
		}
		if a.Remaining > 0 {
			x.EndDate = PointerTo(base.Add(a.Remaining))
		}
		out = append(out, x)
	}
	return out
}
