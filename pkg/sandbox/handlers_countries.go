package sandbox

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/gen/server"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/apierr"
)

// ListCountries answers every country, sorted by id, labelled in the
// language of Accept-Language.
func (r *resources) ListCountries(_ context.Context, req server.ListCountriesRequestObject) (server.ListCountriesResponseObject, error) {
	i, lang := r.data.language(req.Params.AcceptLanguage)
	return server.ListCountries200JSONResponse{
		Body:    slices.Clone(r.data.lists[i]),
		Headers: server.ListCountries200ResponseHeaders{ContentLanguage: &lang},
	}, nil
}

// GetCountry answers everything the sandbox knows about a country. Labels
// follow Accept-Language; the longer texts are in English.
func (r *resources) GetCountry(_ context.Context, req server.GetCountryRequestObject) (server.GetCountryResponseObject, error) {
	c, err := r.lookupCountry(req.CountryID)
	if err != nil {
		return nil, err
	}
	i, lang := r.data.language(req.Params.AcceptLanguage)
	label := func(s section) string { return sectionLabels[s][i] }
	text := func(s section, desc string) *gen.TextSection { return &gen.TextSection{Label: label(s), Desc: desc} }
	d := gen.CountryDetail{
		ID:               c.id,
		Label:            c.labels[i],
		GeneralInfo:      *text(secGeneralInfo, c.generalInfo),
		PassportAndVisa:  text(secPassportAndVisa, c.visa),
		Vaccinations:     text(secVaccinations, c.vaccination),
		FirstAidKit:      text(secFirstAidKit, c.firstAidKit),
		HealthRisks:      text(secHealthRisks, c.healthRisks),
		EmergencyNumbers: c.emergencyNumbers(label(secEmergencyNumbers)),
		RisksRatings:     &gen.RiskRatingsSection{Label: label(secRiskRatings), List: slices.Clone(c.risks)},
	}
	if len(c.airports) > 0 {
		d.Airports = &gen.AirportsSection{Label: label(secAirports), List: slices.Clone(c.airports)}
	}
	if c.currency != "" {
		d.CurrencyConverter = &gen.CurrencySection{Label: label(secCurrency), CurrencyCode: c.currency, CurrencyName: cmp.Or(currencyNames[c.currency], c.currency)}
		if c.currencyTip != "" {
			d.CurrencyConverter.Desc = pointerTo(c.currencyTip)
		}
	}
	if len(c.national) > 0 {
		d.NationalEmbassies = &gen.EmbassiesSection{Label: label(secNationalEmbassies), List: slices.Clone(c.national)}
	}
	if len(c.foreign) > 0 {
		d.ForeignEmbassies = &gen.EmbassiesSection{Label: label(secForeignEmbassies), List: slices.Clone(c.foreign)}
	}
	if len(c.holidays) > 0 {
		d.PublicHolidays = &gen.PublicHolidaysSection{Label: label(secPublicHolidays), List: c.holidaysFrom(r.today())}
	}
	daily := c.daily
	daily.Label = label(secDailyLife)
	d.DailyLife = &daily
	return server.GetCountry200JSONResponse{Body: d, Headers: server.GetCountry200ResponseHeaders{ContentLanguage: &lang}}, nil
}

// GetCountryHealth answers a country's vaccinations, health risks, first
// aid kit and emergency numbers.
func (r *resources) GetCountryHealth(_ context.Context, req server.GetCountryHealthRequestObject) (server.GetCountryHealthResponseObject, error) {
	c, err := r.lookupCountry(req.CountryID)
	if err != nil {
		return nil, err
	}
	i, lang := r.data.language(req.Params.AcceptLanguage)
	h := gen.CountryHealth{
		CountryID:        c.id,
		UpdatedAt:        r.today().AddDate(0, 0, -c.healthAge),
		Vaccinations:     &gen.TextSection{Label: sectionLabels[secVaccinations][i], Desc: c.vaccination},
		HealthRisks:      &gen.TextSection{Label: sectionLabels[secHealthRisks][i], Desc: c.healthRisks},
		FirstAidKit:      &gen.TextSection{Label: sectionLabels[secFirstAidKit][i], Desc: c.firstAidKit},
		EmergencyNumbers: c.emergencyNumbers(sectionLabels[secEmergencyNumbers][i]),
	}
	return server.GetCountryHealth200JSONResponse{Body: h, Headers: server.GetCountryHealth200ResponseHeaders{ContentLanguage: &lang}}, nil
}

// GetCountrySecurity answers a country's security level, summary, risk
// ratings and emergency numbers.
func (r *resources) GetCountrySecurity(_ context.Context, req server.GetCountrySecurityRequestObject) (server.GetCountrySecurityResponseObject, error) {
	c, err := r.lookupCountry(req.CountryID)
	if err != nil {
		return nil, err
	}
	i, lang := r.data.language(req.Params.AcceptLanguage)
	s := gen.CountrySecurity{
		CountryID:        c.id,
		UpdatedAt:        r.today().AddDate(0, 0, -c.securityAge),
		Level:            c.security,
		Summary:          pointerTo(c.summary),
		RisksRatings:     &gen.RiskRatingsSection{Label: sectionLabels[secRiskRatings][i], List: slices.Clone(c.risks)},
		EmergencyNumbers: c.emergencyNumbers(sectionLabels[secEmergencyNumbers][i]),
	}
	return server.GetCountrySecurity200JSONResponse{Body: s, Headers: server.GetCountrySecurity200ResponseHeaders{ContentLanguage: &lang}}, nil
}

// lookupCountry returns a country, or the 404 to answer.
func (r *resources) lookupCountry(id string) (*countryData, error) {
	c, ok := r.data.country(id)
	if !ok {
		return nil, apierr.Errorf(http.StatusNotFound, "not_found", "No country with id %q.", id)
	}
	return c, nil
}

// today is the sandbox clock's date, at midnight UTC.
func (r *resources) today() time.Time {
	return dateOf(r.cfg.now())
}

// dateOf returns the date of t in UTC, at midnight.
func dateOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// emergencyNumbers returns the country's emergency numbers section, nil
// when it has none (uninhabited territories).
func (c *countryData) emergencyNumbers(label string) *gen.EmergencyNumbers {
	if c.emergency == nil {
		return nil
	}
	return &gen.EmergencyNumbers{Label: label, Ambulance: c.emergency[0], Police: c.emergency[1], Fire: c.emergency[2]}
}
