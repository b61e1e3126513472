package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/axa-assistance-go/axa/pkg/axa"
)

// NewCmdVersion builds `axa version`.
func NewCmdVersion(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Show the client's and the API's versions",
		Example: "  axa version --json",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Without credentials there is no server to ask: the embedded
			// sandbox is this very build, so no sandbox is started.
			if _, err := f.apiCredentials(); err != nil {
				if ExitCode(err) == ExitUsage {
					return err
				}
				out := map[string]any{"client": axa.SDKVersion, "spec": axa.SpecVersion}
				return f.print(out, func(w *table) {
					w.Printf("Client\taxa-go %s\n", axa.SDKVersion)
					w.Printf("Spec\t%s\n", axa.SpecVersion)
					w.Printf("Server\tnone asked (no credentials; the embedded sandbox is this build)\n")
				})
			}
			return f.withClient(cmd, func(ctx context.Context, c *axa.Client) error {
				v, err := c.GetVersion(ctx)
				if err != nil {
					return err
				}
				out := map[string]any{"client": axa.SDKVersion, "spec": axa.SpecVersion, "server": v, "base_url": c.BaseURL()}
				return f.print(out, func(w *table) {
					w.Printf("Client\taxa-go %s\n", axa.SDKVersion)
					w.Printf("Spec\t%s\n", axa.SpecVersion)
					w.Printf("Server\t%s, commit %s, built %s\n", c.BaseURL(), v.CommitSHA, v.BuiltAt.Format(time.RFC3339))
				})
			})
		},
	}
}
