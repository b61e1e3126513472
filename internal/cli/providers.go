package cli

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/axa-assistance-go/axa/pkg/axa"
)

// NewCmdProviders builds `axa providers search|kinds|specialities`.
func NewCmdProviders(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "providers",
		Short:   "Find medical providers",
		Example: "  axa providers search --lat 35.6762 --lng 139.6503\n  axa providers kinds",
		Args:    args(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			return usagef("providers needs a subcommand: search, kinds or specialities")
		},
	}
	var (
		lat, lng         float64
		radius, limit    int32
		kind, speciality string
	)
	search := &cobra.Command{
		Use:     "search --lat LAT --lng LNG",
		Short:   "Search medical providers near a point, nearest first",
		Example: "  axa providers search --lat 48.8566 --lng 2.3522 --radius 3000 --kind hospital",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			fl := cmd.Flags()
			var missing []string
			for _, name := range []string{"--lat", "--lng"} {
				if !fl.Changed(name[2:]) {
					missing = append(missing, name)
				}
			}
			if len(missing) > 0 {
				return usagef("providers search needs %s: the point to search near, in decimal degrees", joinAnd(missing))
			}
			p := axa.SearchMedicalProvidersParams{Lat: lat, Lng: lng, AcceptLanguage: f.langParam()}
			params := map[string][]string{"lat": {fl.Lookup("lat").Value.String()}, "lng": {fl.Lookup("lng").Value.String()}}
			if fl.Changed("radius") {
				p.Radius = &radius
				params["radius"] = []string{fl.Lookup("radius").Value.String()}
			}
			if fl.Changed("limit") {
				p.Limit = &limit
				params["limit"] = []string{fl.Lookup("limit").Value.String()}
			}
			if kind != "" {
				k := axa.ProviderKindID(kind)
				p.Kind = &k
				params["kind"] = []string{kind}
			}
			if speciality != "" {
				p.Speciality = &speciality
				params["speciality"] = []string{speciality}
			}
			if err := f.checkLocal("searchMedicalProviders", params, nil, "", func(loc string) (string, bool) {
				name, ok := strings.CutPrefix(loc, "query/")
				return "--" + name, ok
			}); err != nil {
				return err
			}
			return f.withClient(cmd, func(ctx context.Context, c *axa.Client) error {
				list, err := c.SearchMedicalProviders(ctx, &p)
				if err != nil {
					return err
				}
				return f.print(list, func(w *table) {
					w.Header("DISTANCE\tKIND\tNAME\tCITY\tPHONE")
					for _, m := range list {
						phone := ""
						if m.InternationalPhoneNumber != nil {
							phone = *m.InternationalPhoneNumber
						}
						w.Printf("%.0f m\t%s\t%s\t%s\t%s\n", m.Position.DistanceInMeters, m.Kind, m.Name, m.Address.City, phone)
					}
				})
			})
		},
	}
	fl := search.Flags()
	fl.Float64Var(&lat, "lat", 0, "latitude in decimal degrees")
	fl.Float64Var(&lng, "lng", 0, "longitude in decimal degrees")
	fl.Int32Var(&radius, "radius", 5000, "search radius in metres")
	fl.Int32Var(&limit, "limit", 20, "most providers to show")
	fl.StringVar(&kind, "kind", "", "only providers of this kind")
	fl.StringVar(&speciality, "speciality", "", "only providers with this speciality")

	kinds := &cobra.Command{
		Use:     "kinds",
		Short:   "List the kinds of medical provider",
		Example: "  axa providers kinds --lang fr",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.withClient(cmd, func(ctx context.Context, c *axa.Client) error {
				list, err := c.ListProviderKinds(ctx, &axa.ListProviderKindsParams{AcceptLanguage: f.langParam()})
				if err != nil {
					return err
				}
				return f.print(list, func(w *table) {
					w.Header("ID\tLABEL")
					for _, k := range list {
						w.Printf("%s\t%s\n", k.ID, k.Label)
					}
				})
			})
		},
	}
	specialities := &cobra.Command{
		Use:     "specialities",
		Short:   "List the medical specialities",
		Example: "  axa providers specialities",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.withClient(cmd, func(ctx context.Context, c *axa.Client) error {
				list, err := c.ListProviderSpecialities(ctx, &axa.ListProviderSpecialitiesParams{AcceptLanguage: f.langParam()})
				if err != nil {
					return err
				}
				return f.print(list, func(w *table) {
					w.Header("ID\tLABEL")
					for _, s := range list {
						w.Printf("%s\t%s\n", s.ID, s.Label)
					}
				})
			})
		},
	}
	cmd.AddCommand(search, kinds, specialities)
	return cmd
}
