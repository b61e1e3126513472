package cli

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/axa-assistance-go/axa/pkg/axa"
)

// NewCmdToken builds `axa token`.
func NewCmdToken(f *Factory) *cobra.Command {
	var scopes []string
	var show bool
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Get an access token and show its scopes and expiry",
		Long: `Get an access token for the given scopes (every scope of the API by default) and show what it
grants. The token itself is a secret: it is printed only with --show-token.`,
		Example: "  axa token --scope urn:axa.assistance.travel.countries.read_only\n  axa token --show-token --json",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, s := range scopes {
				if strings.TrimSpace(s) == "" || strings.ContainsFunc(s, isControl) || strings.Contains(s, " ") {
					return usagef("--scope %q: want one scope, e.g. %s", s, axa.ScopeCountries)
				}
			}
			if len(scopes) == 0 {
				scopes = []string{axa.ScopeCountries, axa.ScopeAlerts, axa.ScopeQuotes, axa.ScopePolicies, axa.ScopeHealthProviders}
			}
			return f.withClient(cmd, func(ctx context.Context, c *axa.Client) error {
				tok, err := c.Token(ctx, scopes...)
				if err != nil {
					return err
				}
				out := map[string]any{"scopes": tok.Scopes(), "expiry": tok.Expiry().UTC().Format(time.RFC3339)}
				if show {
					out["access_token"] = tok.AccessToken()
				}
				return f.print(out, func(w *table) {
					w.Printf("Scopes\t%s\n", strings.Join(tok.Scopes(), " "))
					w.Printf("Expires\t%s\n", tok.Expiry().UTC().Format(time.RFC3339))
					if show {
						w.Printf("Token\t%s\n", tok.AccessToken())
					}
				})
			})
		},
	}
	cmd.Flags().StringArrayVar(&scopes, "scope", nil, "a scope to ask for; repeat for several")
	cmd.Flags().BoolVar(&show, "show-token", false, "print the access token itself (a secret)")
	return cmd
}
