package cli

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/axa-assistance-go/axa/pkg/axa"
)

// NewCmdCountries builds `axa countries [ID]`.
func NewCmdCountries(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "countries [ID]",
		Short:   "List countries, or show one country's travel information",
		Example: "  axa countries\n  axa countries jp\n  axa countries fr --lang fr --json",
		Args:    args(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			if len(a) == 1 {
				if err := f.checkCountryArg("getCountry", a[0]); err != nil {
					return err
				}
			}
			return f.withClient(cmd, func(ctx context.Context, c *axa.Client) error {
				if len(a) == 0 {
					list, err := c.ListCountries(ctx, &axa.ListCountriesParams{AcceptLanguage: f.langParam()})
					if err != nil {
						return err
					}
					return f.print(list, func(w *table) {
						w.Header("ID\tNAME")
						for _, c := range list {
							w.Printf("%s\t%s\n", c.ID, c.Label)
						}
					})
				}
				d, err := c.GetCountry(ctx, countryID(a[0]), &axa.GetCountryParams{AcceptLanguage: f.langParam()})
				if err != nil {
					return err
				}
				return f.print(d, func(w *table) {
					w.Printf("%s\t%s\n", d.ID, d.Label)
					section(w, d.GeneralInfo.Label, d.GeneralInfo.Desc)
					if d.PassportAndVisa != nil {
						section(w, d.PassportAndVisa.Label, d.PassportAndVisa.Desc)
					}
					if d.CurrencyConverter != nil {
						section(w, d.CurrencyConverter.Label, d.CurrencyConverter.CurrencyName+" ("+d.CurrencyConverter.CurrencyCode+")")
					}
					if e := d.EmergencyNumbers; e != nil {
						section(w, e.Label, fmt.Sprintf("ambulance %s, police %s, fire %s", e.Ambulance, e.Police, e.Fire))
					}
					if d.Vaccinations != nil {
						section(w, d.Vaccinations.Label, d.Vaccinations.Desc)
					}
					if d.HealthRisks != nil {
						section(w, d.HealthRisks.Label, d.HealthRisks.Desc)
					}
				})
			})
		},
	}
}

func section(w *table, label, text string) {
	if label == "" && text == "" {
		return
	}
	w.Printf("%s\t%s\n", label, text)
}

// countryID accepts "FR" as well as "fr".
func countryID(s string) axa.CountryID { return strings.ToLower(strings.TrimSpace(s)) }

// checkCountryArg checks the country argument of a command calling op
// (and --lang) against the spec: "country \"japan\": want a two-letter
// country code such as fr; see `axa countries`".
func (f *Factory) checkCountryArg(op, arg string) error {
	return f.checkLocal(op, map[string][]string{"country_id": {countryID(arg)}}, nil, "",
		namesOf(map[string]string{"path/country_id": "country"}))
}

// NewCmdCountryHealth builds `axa country-health ID`.
func NewCmdCountryHealth(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "country-health ID",
		Short:   "Show a country's health information",
		Example: "  axa country-health br",
		Args:    args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			if err := f.checkCountryArg("getCountryHealth", a[0]); err != nil {
				return err
			}
			return f.withClient(cmd, func(ctx context.Context, c *axa.Client) error {
				h, err := c.GetCountryHealth(ctx, countryID(a[0]), &axa.GetCountryHealthParams{AcceptLanguage: f.langParam()})
				if err != nil {
					return err
				}
				return f.print(h, func(w *table) {
					w.Printf("Country\t%s\nUpdated\t%s\n", h.CountryID, h.UpdatedAt.Format("2006-01-02"))
					for _, s := range []*axa.TextSection{h.Vaccinations, h.HealthRisks, h.FirstAidKit} {
						if s != nil {
							section(w, s.Label, s.Desc)
						}
					}
				})
			})
		},
	}
}

// NewCmdCountrySecurity builds `axa country-security ID`.
func NewCmdCountrySecurity(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "country-security ID",
		Short:   "Show a country's security information",
		Example: "  axa country-security jp",
		Args:    args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			if err := f.checkCountryArg("getCountrySecurity", a[0]); err != nil {
				return err
			}
			return f.withClient(cmd, func(ctx context.Context, c *axa.Client) error {
				s, err := c.GetCountrySecurity(ctx, countryID(a[0]), &axa.GetCountrySecurityParams{AcceptLanguage: f.langParam()})
				if err != nil {
					return err
				}
				return f.print(s, func(w *table) {
					w.Printf("Country\t%s\nLevel\t%s\n", s.CountryID, s.Level)
					if s.Summary != nil {
						w.Printf("Summary\t%s\n", *s.Summary)
					}
					if s.RisksRatings != nil {
						for _, r := range s.RisksRatings.List {
							w.Printf("%s\t%s\n", r.Risk, r.Rating)
						}
					}
				})
			})
		},
	}
}

// NewCmdAlerts builds `axa alerts [--country ID]`.
func NewCmdAlerts(f *Factory) *cobra.Command {
	var country, minLevel string
	cmd := &cobra.Command{
		Use:     "alerts",
		Short:   "List the latest health and security alerts",
		Example: "  axa alerts\n  axa alerts --country fr --min-level high",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			var level *axa.AlertLevel
			if minLevel != "" {
				l := axa.AlertLevel(minLevel)
				if !l.Valid() {
					return usagef("--min-level %q: want low, moderate, high or critical", minLevel)
				}
				level = &l
			}
			if country != "" {
				if err := f.checkLocal("listCountryAlerts", map[string][]string{"country_id": {countryID(country)}}, nil, "",
					namesOf(map[string]string{"path/country_id": "--country"})); err != nil {
					return err
				}
			}
			return f.withClient(cmd, func(ctx context.Context, c *axa.Client) error {
				type row struct{ kind, level, date, countries, title string }
				var rows []row
				add := func(kind string, alerts []axa.AXAAlert) {
					for _, a := range alerts {
						rows = append(rows, row{kind, string(a.Level), a.AlertDate.Format("2006-01-02"), strings.Join(a.CountryIDs, ","), a.Title})
					}
				}
				var v any
				if country != "" {
					res, err := c.ListCountryAlerts(ctx, countryID(country), &axa.ListCountryAlertsParams{AcceptLanguage: f.langParam(), MinLevel: level})
					if err != nil {
						return err
					}
					v = res
					add("health", res.AXAHealthAlerts)
					add("security", res.AXASecurityAlerts)
				} else {
					res, err := c.ListAlerts(ctx, &axa.ListAlertsParams{AcceptLanguage: f.langParam(), MinLevel: level})
					if err != nil {
						return err
					}
					v = res
					for _, b := range res.WorldHealthOrganizationBulletins {
						rows = append(rows, row{"who", string(b.Level), b.AlertDate.Format("2006-01-02"), "-", b.Title})
					}
					add("health", res.AXAHealthAlerts)
					add("security", res.AXASecurityAlerts)
				}
				sort.SliceStable(rows, func(i, j int) bool { return rows[i].date > rows[j].date })
				return f.print(v, func(w *table) {
					if country != "" {
						w.Header("TYPE\tLEVEL\tDATE\tTITLE")
						for _, r := range rows {
							w.Printf("%s\t%s\t%s\t%s\n", r.kind, r.level, r.date, r.title)
						}
						return
					}
					// Worldwide, each alert says which countries it concerns
					// (a WHO bulletin, none in particular: -).
					w.Header("TYPE\tLEVEL\tDATE\tCOUNTRY\tTITLE")
					for _, r := range rows {
						w.Printf("%s\t%s\t%s\t%s\t%s\n", r.kind, r.level, r.date, r.countries, r.title)
					}
				})
			})
		},
	}
	cmd.Flags().StringVar(&country, "country", "", "only this country's alerts (ISO 3166-1 alpha-2)")
	cmd.Flags().StringVar(&minLevel, "min-level", "", "only alerts at this level or above: low, moderate, high, critical")
	return cmd
}
