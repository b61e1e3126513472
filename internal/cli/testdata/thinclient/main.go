// Command thinclient is BenchmarkColdStart's measure of a command that
// does not link the sandbox: `axa countries` as a binary of the SDK and
// cobra alone would run it, against the shared background sandbox named by
// $AXA_STATE_DIR/sandbox.json, with the client of $THIN_CLIENT_ID and
// $THIN_CLIENT_SECRET. It is not a product: it exists to tell what
// a second binary (the sandbox and the conformance run out of `axa`) would
// save, measured rather than estimated.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/axa-assistance-go/axa/pkg/axa"
)

func main() {
	root := &cobra.Command{Use: "thinclient", SilenceUsage: true, RunE: func(cmd *cobra.Command, _ []string) error {
		data, err := os.ReadFile(filepath.Join(os.Getenv("AXA_STATE_DIR"), "sandbox.json"))
		if err != nil {
			return err
		}
		var st struct {
			URL string `json:"url"`
		}
		if err := json.Unmarshal(data, &st); err != nil {
			return err
		}
		// The sandbox's well-known client, given by the benchmark (this
		// program must not link the sandbox to read its constants).
		c, err := axa.NewClient(axa.WithoutEnvironment(), axa.WithBaseURL(st.URL),
			axa.WithClientCredentials(os.Getenv("THIN_CLIENT_ID"), os.Getenv("THIN_CLIENT_SECRET")))
		if err != nil {
			return err
		}
		defer c.Close() //nolint:errcheck // nothing to report
		countries, err := c.ListCountries(cmd.Context(), nil)
		if err != nil {
			return err
		}
		for _, ct := range countries {
			fmt.Fprintln(cmd.OutOrStdout(), ct.ID, ct.Label)
		}
		fmt.Fprintln(cmd.OutOrStdout(), "ID")
		return nil
	}}
	if root.Execute() != nil {
		os.Exit(1)
	}
}
