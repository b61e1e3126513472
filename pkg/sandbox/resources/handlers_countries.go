package resources

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/gen/server"
	"github.com/axa-assistance-go/axa/pkg/sandbox/data"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/apierr"
)

// ListCountries answers every country, sorted by id, labelled in the
// language of Accept-Language (encoded once per language; conditional.go).
func (r *Resources) ListCountries(_ context.Context, req server.ListCountriesRequestObject) (server.ListCountriesResponseObject, error) {
	i, lang := r.data.Language(req.Params.AcceptLanguage)
	return r.answer(answerKey{op: gen.OperationListCountries, lang: i}, timeless, req.Params.IfNoneMatch, func(time.Time) (any, string) {
		return r.data.List(i), lang
	})
}

// GetCountry answers everything the sandbox knows about a country. Labels
// follow Accept-Language; the longer texts are in English. The public
// holidays start today: the answer changes with the date.
func (r *Resources) GetCountry(_ context.Context, req server.GetCountryRequestObject) (server.GetCountryResponseObject, error) {
	c, err := r.lookupCountry(req.CountryID)
	if err != nil {
		return nil, err
	}
	i, lang := r.data.Language(req.Params.AcceptLanguage)
	return r.answer(answerKey{op: gen.OperationGetCountry, id: c.ID, lang: i}, daily, req.Params.IfNoneMatch, func(now time.Time) (any, string) {
		return r.countryDetail(c, i, dateOf(now)), lang
	})
}

// countryDetail is a country's travel information in language i.
func (r *Resources) countryDetail(c *data.Country, i int, today time.Time) gen.CountryDetail {
	label := func(s data.Section) string { return data.SectionLabels[s][i] }
	text := func(s data.Section, desc string) *gen.TextSection {
		return &gen.TextSection{Label: label(s), Desc: desc}
	}
	d := gen.CountryDetail{
		ID:               c.ID,
		Label:            c.Labels[i],
		GeneralInfo:      *text(data.SecGeneralInfo, c.GeneralInfo),
		PassportAndVisa:  text(data.SecPassportAndVisa, c.Visa),
		Vaccinations:     text(data.SecVaccinations, c.Vaccination),
		FirstAidKit:      text(data.SecFirstAidKit, c.FirstAidKit),
		HealthRisks:      text(data.SecHealthRisks, c.HealthRisks),
		EmergencyNumbers: emergencyNumbers(c, label(data.SecEmergencyNumbers)),
		RisksRatings:     &gen.RiskRatingsSection{Label: label(data.SecRiskRatings), List: slices.Clone(c.Risks)},
	}
	if len(c.Airports) > 0 {
		d.Airports = &gen.AirportsSection{Label: label(data.SecAirports), List: slices.Clone(c.Airports)}
	}
	if c.Currency != "" {
		d.CurrencyConverter = &gen.CurrencySection{Label: label(data.SecCurrency), CurrencyCode: c.Currency, CurrencyName: cmp.Or(data.CurrencyName(c.Currency), c.Currency)}
		if c.CurrencyTip != "" {
			d.CurrencyConverter.Desc = data.PointerTo(c.CurrencyTip)
		}
	}
	if len(c.National) > 0 {
		d.NationalEmbassies = &gen.EmbassiesSection{Label: label(data.SecNationalEmbassies), List: slices.Clone(c.National)}
	}
	if len(c.Foreign) > 0 {
		d.ForeignEmbassies = &gen.EmbassiesSection{Label: label(data.SecForeignEmbassies), List: slices.Clone(c.Foreign)}
	}
	if len(c.Holidays) > 0 {
		d.PublicHolidays = &gen.PublicHolidaysSection{Label: label(data.SecPublicHolidays), List: c.HolidaysFrom(today)}
	}
	daily := c.Daily
	daily.Label = label(data.SecDailyLife)
	d.DailyLife = &daily
	return d
}

// GetCountryHealth answers a country's vaccinations, health risks, first
// aid kit and emergency numbers.
func (r *Resources) GetCountryHealth(_ context.Context, req server.GetCountryHealthRequestObject) (server.GetCountryHealthResponseObject, error) {
	c, err := r.lookupCountry(req.CountryID)
	if err != nil {
		return nil, err
	}
	i, lang := r.data.Language(req.Params.AcceptLanguage)
	return r.answer(answerKey{op: gen.OperationGetCountryHealth, id: c.ID, lang: i}, daily, req.Params.IfNoneMatch, func(now time.Time) (any, string) {
		return r.countryHealth(c, i, dateOf(now)), lang
	})
}

// countryHealth is a country's health information in language i, updated
// a number of days before today.
func (r *Resources) countryHealth(c *data.Country, i int, today time.Time) gen.CountryHealth {
	return gen.CountryHealth{
		CountryID:        c.ID,
		UpdatedAt:        today.AddDate(0, 0, -c.HealthAge),
		Vaccinations:     &gen.TextSection{Label: data.SectionLabels[data.SecVaccinations][i], Desc: c.Vaccination},
		HealthRisks:      &gen.TextSection{Label: data.SectionLabels[data.SecHealthRisks][i], Desc: c.HealthRisks},
		FirstAidKit:      &gen.TextSection{Label: data.SectionLabels[data.SecFirstAidKit][i], Desc: c.FirstAidKit},
		EmergencyNumbers: emergencyNumbers(c, data.SectionLabels[data.SecEmergencyNumbers][i]),
	}
}

// GetCountrySecurity answers a country's security level, summary, risk
// ratings and emergency numbers.
func (r *Resources) GetCountrySecurity(_ context.Context, req server.GetCountrySecurityRequestObject) (server.GetCountrySecurityResponseObject, error) {
	c, err := r.lookupCountry(req.CountryID)
	if err != nil {
		return nil, err
	}
	i, lang := r.data.Language(req.Params.AcceptLanguage)
	return r.answer(answerKey{op: gen.OperationGetCountrySecurity, id: c.ID, lang: i}, daily, req.Params.IfNoneMatch, func(now time.Time) (any, string) {
		return r.countrySecurity(c, i, dateOf(now)), lang
	})
}

// countrySecurity is a country's security information in language i,
// updated a number of days before today.
func (r *Resources) countrySecurity(c *data.Country, i int, today time.Time) gen.CountrySecurity {
	return gen.CountrySecurity{
		CountryID:        c.ID,
		UpdatedAt:        today.AddDate(0, 0, -c.SecurityAge),
		Level:            c.Security,
		Summary:          data.PointerTo(c.Summary),
		RisksRatings:     &gen.RiskRatingsSection{Label: data.SectionLabels[data.SecRiskRatings][i], List: slices.Clone(c.Risks)},
		EmergencyNumbers: emergencyNumbers(c, data.SectionLabels[data.SecEmergencyNumbers][i]),
	}
}

// lookupCountry returns a country, or the 404 to answer.
func (r *Resources) lookupCountry(id string) (*data.Country, error) {
	c, ok := r.data.Country(id)
	if !ok {
		return nil, apierr.Errorf(http.StatusNotFound, "not_found", "No country with id %q.", id)
	}
	return c, nil
}

// dateOf returns the date of t in UTC, at midnight.
func dateOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// emergencyNumbers returns the country's emergency numbers section, nil
// when it has none (uninhabited territories).
func emergencyNumbers(c *data.Country, label string) *gen.EmergencyNumbers {
	if c.Emergency == nil {
		return nil
	}
	return &gen.EmergencyNumbers{Label: label, Ambulance: c.Emergency[0], Police: c.Emergency[1], Fire: c.Emergency[2]}
}
