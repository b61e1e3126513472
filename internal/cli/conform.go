//go:build !axa_thin

package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/atomicfile"
	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/conformance"
)

// ConformFunc runs a conformance check of the server cfg names:
// conformance.Check's signature.
type ConformFunc func(ctx context.Context, cfg conformance.Config) (*conformance.Report, error)

// conformTimeout is the default of `axa conform --timeout`: a run makes
// several requests per operation, token requests included, so the 30
// seconds of one command are short for a remote server.
const conformTimeout = 5 * time.Minute

// NewCmdConform builds `axa conform`: conformance.Check against the server
// the global flags and variables name (the embedded sandbox without
// credentials), its report printed as a table or JSON and, with --junit,
// written as JUnit XML.
func NewCmdConform(f *Factory) *cobra.Command {
	var (
		allowWrites   bool
		junit         string
		rawOperations []string
		timeout       time.Duration
	)
	cmd := &cobra.Command{
		Use:   "conform",
		Short: "Check a server against the API's spec: answers, security, idempotency",
		Long: `conform checks that a server implements the AXA Assistance API as its spec says.
It calls every operation with a token of only that operation's scope and validates
the status, headers and body against the spec; calls it without a token (401 and
an RFC 6750 challenge), with each other scope alone (403 insufficient_scope naming
the needed scope) and with a tampered token (401 invalid_token); and replays each
POST with its Idempotency-Key (the same body: the same resource, marked replayed;
another body: 422).

The server is the one the other commands call: --base-url or AXA_BASE_URL with
--client-id/--client-secret or AXA_CLIENT_ID/AXA_CLIENT_SECRET (a client allowed
every scope); without credentials, the embedded sandbox. Against a server not on a
loopback address the run only reads: quotes and policies are created only with
--allow-writes.

It prints a table (or the report as JSON with --json); --junit FILE also writes
the report as JUnit XML for a CI system. Exit status: 0 when no check failed, 1
when one did (or the run could not reach the server), 2 on a usage error (a bad
flag, an unknown --operation, a base URL neither HTTPS nor loopback). --timeout
bounds the whole run: 5m unless given.`,
		Example: "  axa conform\n  axa conform --operation getCountry --operation createPolicy --json\n" +
			"  AXA_BASE_URL=https://staging.example AXA_CLIENT_ID=… AXA_CLIENT_SECRET=… axa conform --junit report.xml\n" +
			"  axa conform --base-url https://staging.example --allow-writes",
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Everything local is checked before a sandbox or a server is
			// reached.
			if timeout <= 0 {
				return usagef("--timeout %s: want a positive duration, e.g. 5m", timeout)
			}
			var operations []string
			for _, v := range rawOperations {
				for id := range strings.SplitSeq(v, ",") {
					if id = strings.TrimSpace(id); id == "" {
						return usagef("--operation %q: an empty operationId", v)
					}
					operations = append(operations, id)
				}
			}
			if cmd.Flags().Changed("junit") && strings.TrimSpace(junit) == "" {
				return usagef("--junit %q: want the file to write", junit)
			}
			if err := knownOperations(operations); err != nil {
				return err
			}
			if junit != "" {
				if fi, err := os.Stat(junit); err == nil && fi.IsDir() {
					return usagef("--junit %s: a directory; want the file to write", junit)
				}
			}
			id, secret, base, sandboxed, err := f.credentials()
			if err != nil {
				return err
			}
			if f.verbose {
				fmt.Fprintln(f.Err, whoLine(base, id, sandboxed, false, ""))
			}
			// The SDK's rules for a base URL and an authorization server
			// (https, or http to loopback only; no credentials in them),
			// which the other commands apply through Client, hold here too,
			// and the SDK decides where the tokens come from.
			c, err := axa.NewClient(append([]axa.Option{axa.WithoutEnvironment(), axa.WithBaseURL(base), axa.WithClientCredentials(id, secret)}, f.authOptions()...)...)
			if err != nil {
				return &usageError{err: err}
			}
			as, params := c.AuthorizationServer(), c.TokenParameters()
			_ = c.Close()
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			check := f.Conform
			if check == nil {
				check = conformance.Check
			}
			report, err := check(ctx, conformance.Config{
				BaseURL: base, ClientID: id, ClientSecret: secret,
				AuthorizationServer: as, TokenParameters: params,
				AllowWrites: allowWrites, Operations: operations,
			})
			if err == nil && report == nil {
				err = errors.New("no report")
			}
			if err != nil {
				return fmt.Errorf("conformance run against %s: %w", base, err)
			}
			if f.jsonOut {
				err = report.WriteJSON(f.Out)
			} else {
				err = report.WriteTable(f.Out)
			}
			if err != nil {
				return err
			}
			if junit != "" {
				var buf bytes.Buffer
				if err := report.WriteJUnit(&buf); err != nil {
					return err
				}
				if err := writeFile0600(junit, buf.Bytes()); err != nil {
					return usagef("--junit: %w", err)
				}
			}
			if n := report.Failed(); n > 0 {
				_, checks, _, _, _ := report.Counts()
				return fmt.Errorf("%d of %d checks failed against %s", n, checks, base)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	// The command's own --timeout, in place of the global one (whose
	// default, 30s, its help would otherwise show): the whole run.
	fl.DurationVar(&timeout, "timeout", conformTimeout, "give up the whole run after this long")
	fl.BoolVar(&allowWrites, "allow-writes", false, "create quotes and policies on a server not on loopback (on loopback they always are)")
	fl.StringVar(&junit, "junit", "", "also write the report as JUnit XML to this file (replaced atomically, mode 0600)")
	fl.StringArrayVar(&rawOperations, "operation", nil, "check only the operation with this `ID` (an operationId; repeat, or comma-separate, for several; axa api lists them)")
	_ = cmd.RegisterFlagCompletionFunc("operation", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return operationIDs(), cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// operationIDs returns the operationIds of the spec, in its order.
func operationIDs() []string {
	var ids []string
	for _, op := range gen.Operations() {
		ids = append(ids, string(op.ID))
	}
	return ids
}

// knownOperations returns a usage error naming the first of ids that is
// not an operationId of the spec.
func knownOperations(ids []string) error {
	known := operationIDs()
	for _, id := range ids {
		if !slices.Contains(known, id) {
			return usagef("--operation %q: not an operationId of the spec %s (one of %s)", id, gen.SpecVersion, strings.Join(known, ", "))
		}
	}
	return nil
}

// writeFile0600 writes data to path atomically (atomicfile), with mode
// 0600, creating its directory with mode 0700.
func writeFile0600(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return atomicfile.Write(path, data, 0o600)
}
