package cli

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/axa-assistance-go/axa/pkg/axa"
)

func parseDate(flag, s string) (axa.Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return axa.Date{}, usagef("--%s %q: want a date like 2026-12-20", flag, s)
	}
	return axa.Date{Time: t}, nil
}

// maxFileSize is the largest --file the commands read. A quote or a policy
// request is a few kilobytes; the cap keeps a wrong file (a log, a disk
// image, /dev/zero) from costing the memory of its size.
const maxFileSize = 1 << 20

// readJSON decodes the JSON file at path into v, reading at most
// maxFileSize bytes of it. A file that cannot be read, is larger than
// that, or is not JSON for v is a usage error.
func readJSON(path string, v any) error {
	fh, err := os.Open(path)
	if err != nil {
		return usagef("--file: %w", err)
	}
	defer fh.Close() //nolint:errcheck // read only
	data, err := io.ReadAll(io.LimitReader(fh, maxFileSize+1))
	if err != nil {
		return usagef("--file %s: %w", path, err)
	}
	if len(data) > maxFileSize {
		return usagef("--file %s: larger than 1 MiB, the most a request file may be", path)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return usagef("--file %s: not valid JSON for this command: %w", path, err)
	}
	return nil
}

// encodable checks that the SDK can encode req: a value it cannot (an
// e-mail that is missing or malformed, in a policy holder from --file) is
// the user's input error, said before any request is made.
func encodable(req any, what string) error {
	if _, err := json.Marshal(req); err != nil {
		return usagef("%s cannot be sent: %w", what, err)
	}
	return nil
}

// NewCmdQuote builds `axa quote`.
func NewCmdQuote(f *Factory) *cobra.Command {
	var (
		file, tripType, from, plan, start, end, key string
		to, births                                  []string
	)
	cmd := &cobra.Command{
		Use:   "quote",
		Short: "Request a travel insurance quote",
		Example: "  axa quote --from fr --to jp,kr --start 2026-12-20 --end 2027-01-05 --traveller 1985-04-12 --plan comfort\n" +
			"  axa quote --file quote.json",
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			var req axa.QuoteRequest
			if file != "" {
				if err := readJSON(file, &req); err != nil {
					return err
				}
			} else {
				if from == "" || len(to) == 0 || start == "" || end == "" || len(births) == 0 {
					return usagef("give --from, --to, --start, --end and --traveller, or --file")
				}
				req = axa.QuoteRequest{
					TripType: axa.TripType(tripType), OriginCountry: countryID(from),
					PlanCode: axa.PlanCode(plan),
				}
				for _, c := range to {
					req.DestinationCountries = append(req.DestinationCountries, countryID(c))
				}
				var err error
				if req.StartDate, err = parseDate("start", start); err != nil {
					return err
				}
				if req.EndDate, err = parseDate("end", end); err != nil {
					return err
				}
				for _, b := range births {
					d, err := parseDate("traveller", b)
					if err != nil {
						return err
					}
					req.Travellers = append(req.Travellers, axa.Traveller{BirthDate: d})
				}
			}
			if !req.TripType.Valid() {
				return usagef("trip type %q: want single_trip or annual_multi_trip", req.TripType)
			}
			if !req.PlanCode.Valid() {
				return usagef("plan %q: want essential, comfort or premium", req.PlanCode)
			}
			if err := encodable(req, "the quote request"); err != nil {
				return err
			}
			return f.withClient(cmd, func(ctx context.Context, c *axa.Client) error {
				q, err := c.RequestQuote(ctx, req, &axa.RequestQuoteParams{IdempotencyKey: key})
				if err != nil {
					return err
				}
				return f.print(q, func(w *table) {
					w.Printf("Quote\t%s\n", q.ID)
					w.Printf("Trip\t%s, %s → %s, %s to %s\n", q.TripType, q.OriginCountry, strings.Join(q.DestinationCountries, ","),
						q.StartDate.Format(time.DateOnly), q.EndDate.Format(time.DateOnly))
					w.Printf("Plan\t%s, %d traveller(s)\n", q.PlanCode, q.TravellersCount)
					w.Printf("Premium\t%.2f %s\n", q.Premium.Amount, q.Premium.Currency)
					w.Printf("Valid until\t%s\n", q.ValidUntil.Format(time.RFC3339))
				})
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&file, "file", "", "a JSON file holding the QuoteRequest, instead of the flags")
	fl.StringVar(&tripType, "trip-type", "single_trip", "single_trip or annual_multi_trip")
	fl.StringVar(&from, "from", "", "country of origin (ISO 3166-1 alpha-2)")
	fl.StringSliceVar(&to, "to", nil, "destination countries, comma-separated")
	fl.StringVar(&start, "start", "", "first day of the trip (YYYY-MM-DD)")
	fl.StringVar(&end, "end", "", "last day of the trip (YYYY-MM-DD)")
	fl.StringArrayVar(&births, "traveller", nil, "a traveller's birth date (YYYY-MM-DD); repeat for each traveller")
	fl.StringVar(&plan, "plan", "comfort", "essential, comfort or premium")
	fl.StringVar(&key, "idempotency-key", "", "Idempotency-Key to send (default: a new one)")
	return cmd
}

// NewCmdPolicy builds `axa policy create|get`.
func NewCmdPolicy(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "policy",
		Short:   "Issue a policy from a quote, or read one back",
		Example: "  axa policy create --quote QUOTE_ID --file holder.json --idempotency-key booking-42\n  axa policy get POLICY_ID",
		Args:    args(cobra.NoArgs),
		RunE:    func(*cobra.Command, []string) error { return usagef("policy needs a subcommand: create or get") },
	}
	var quoteID, file, key string
	var template bool
	create := &cobra.Command{
		Use:   "create",
		Short: "Issue a policy from a quote",
		Long: `Issue a policy from a quote. The file holds the policy holder and the travellers:
  {"policy_holder": {"person": {...}, "email": "...", "address": {...}}, "travellers": [{...}]}
Without --file, on a terminal, it asks for them instead: the holder's name, birth
date, e-mail and address, then the travellers (the first may be the holder; an
empty first name ends the list). The questions go to the standard error.
Give --idempotency-key (e.g. your booking id) so that running the command again
answers the same policy instead of issuing a second one.`,
		Example: "  axa policy create --template > holder.json\n" +
			"  axa policy create --quote 0c6f2a3b-1d4e-4f5a-8b9c-7d6e5f4a3b2c --file holder.json --idempotency-key booking-42",
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if template {
				_, err := io.WriteString(f.Out, policyTemplate)
				return err
			}
			ask := file == "" && f.interactive()
			if file == "" && !ask {
				return usagef("--file is required: the policy holder and travellers, as JSON (axa policy create --template > holder.json writes one to fill in)")
			}
			id, err := uuid.Parse(quoteID)
			if err != nil {
				return usagef("--quote %q: want a quote id (a UUID)", quoteID)
			}
			var req axa.PolicyRequest
			what := "the policy request in --file " + file
			if ask {
				what = "the policy request you entered"
				if req, err = promptPolicy(cmd.Context(), cmd.InOrStdin(), f.Err); err != nil {
					return err
				}
			} else if err := readJSON(file, &req); err != nil {
				return err
			}
			req.QuoteID = id
			if err := encodable(req, what); err != nil {
				return err
			}
			return f.withClient(cmd, func(ctx context.Context, c *axa.Client) error {
				p, err := c.CreatePolicy(ctx, req, &axa.CreatePolicyParams{IdempotencyKey: key})
				if err != nil {
					return err
				}
				return printPolicy(f, p)
			})
		},
	}
	create.Flags().StringVar(&quoteID, "quote", "", "the quote to issue the policy from")
	create.Flags().StringVar(&file, "file", "", "JSON file with policy_holder and travellers (default on a terminal: ask for them)")
	create.Flags().StringVar(&key, "idempotency-key", "", "Idempotency-Key (default: a new one per run)")
	create.Flags().BoolVar(&template, "template", false, "print a --file to fill in (the holder and one traveller) and exit")

	get := &cobra.Command{
		Use:     "get ID",
		Short:   "Read a policy back",
		Example: "  axa policy get 9d5b2c1e-4f3a-4b6d-8e7f-0a1b2c3d4e5f",
		Args:    args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			id, err := uuid.Parse(a[0])
			if err != nil {
				return usagef("%q is not a policy id (a UUID)", a[0])
			}
			return f.withClient(cmd, func(ctx context.Context, c *axa.Client) error {
				p, err := c.GetPolicy(ctx, id)
				if err != nil {
					return err
				}
				return printPolicy(f, p)
			})
		},
	}
	cmd.AddCommand(create, get)
	return cmd
}

// policyTemplate is what --template prints: a --file to fill in.
const policyTemplate = `{
  "policy_holder": {
    "person": {"first_name": "Camille", "last_name": "Martin", "birth_date": "1985-04-12"},
    "email": "camille.martin@example.com",
    "address": {"street_address": "6 rue André Gide", "postal_code": "92320", "locality": "Châtillon", "country": "fr"}
  },
  "travellers": [
    {"first_name": "Camille", "last_name": "Martin", "birth_date": "1985-04-12"}
  ]
}
`

func printPolicy(f *Factory, p *axa.Policy) error {
	return f.print(p, func(w *table) {
		w.Printf("Policy\t%s (%s)\n", p.PolicyNumber, p.ID)
		w.Printf("Status\t%s\n", p.Status)
		w.Printf("Trip\t%s to %s, %s\n", p.StartDate.Format(time.DateOnly), p.EndDate.Format(time.DateOnly), strings.Join(p.DestinationCountries, ","))
		w.Printf("Premium\t%.2f %s\n", p.Premium.Amount, p.Premium.Currency)
		for _, t := range p.Travellers {
			w.Printf("Traveller\t%s %s\n", t.FirstName, t.LastName)
		}
		for _, d := range p.Documents {
			w.Printf("Document\t%s %s\n", d.Kind, d.URL)
		}
	})
}
