package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/axa-assistance-go/axa/internal/termtext"
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
			var body any
			prefix := ""
			names := map[string]string{"header/Idempotency-Key": "--idempotency-key"}
			if file != "" {
				var raw json.RawMessage
				if err := readJSON(file, &raw); err != nil {
					return err
				}
				_ = json.Unmarshal(raw, &body) // JSON: read above
				prefix = "--file " + file + ": "
				if err := f.checkQuote(key, body, prefix, names); err != nil {
					return err
				}
				if err := json.Unmarshal(raw, &req); err != nil {
					return usagef("--file %s: not valid JSON for a quote request: %w", file, err)
				}
			} else {
				var missing []string
				for _, m := range []struct {
					flag  string
					given bool
				}{{"--from", from != ""}, {"--to", len(to) > 0}, {"--start", start != ""}, {"--end", end != ""}, {"--traveller", len(births) > 0}} {
					if !m.given {
						missing = append(missing, m.flag)
					}
				}
				if len(missing) > 0 {
					return usagef("quote needs %s (or --file with the whole request)", joinAnd(missing))
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
				if body, err = jsonValue(req); err != nil {
					return usagef("the quote request cannot be sent: %w", err)
				}
				maps.Copy(names, map[string]string{
					"body/trip_type": "--trip-type", "body/origin_country": "--from", "body/destination_countries": "--to",
					"body/start_date": "--start", "body/end_date": "--end", "body/travellers": "--traveller", "body/plan_code": "--plan",
				})
				if err := f.checkQuote(key, body, prefix, names); err != nil {
					return err
				}
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
					w.Printf("Premium\t%s %s\n", q.Premium.Amount, q.Premium.Currency)
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

// checkQuote checks a quote request (body, decoded JSON) and its
// Idempotency-Key against the spec.
func (f *Factory) checkQuote(key string, body any, prefix string, names map[string]string) error {
	params := map[string][]string{}
	if key != "" {
		params["Idempotency-Key"] = []string{key}
	}
	return f.checkLocal("requestQuote", params, body, prefix, namesOf(names))
}

// joinAnd joins words as "a, b and c".
func joinAnd(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// NewCmdPolicy builds `axa policy create|get|list|cancel|certificate`.
func NewCmdPolicy(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Issue a policy from a quote, read, list or cancel policies, download a certificate",
		Example: "  axa policy create --quote QUOTE_ID --file holder.json --idempotency-key booking-42\n  axa policy get POLICY_ID\n" +
			"  axa policy list\n  axa policy cancel POLICY_ID\n  axa policy certificate POLICY_ID --output certificate.pdf",
		Args: args(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			return usagef("policy needs a subcommand: create, get, list, cancel or certificate")
		},
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
			if quoteID == "" {
				return usagef("policy create needs --quote: the id of the quote to issue the policy from (axa quote prints it)")
			}
			names := namesOf(map[string]string{"body/quote_id": "--quote", "header/Idempotency-Key": "--idempotency-key"})
			params := map[string][]string{}
			if key != "" {
				params["Idempotency-Key"] = []string{key}
			}
			// The quote id and the key, before any question is asked.
			if err := f.checkLocalOnly("createPolicy", params, map[string]any{"quote_id": quoteID}, "", names, true); err != nil {
				return err
			}
			var req axa.PolicyRequest
			var raw json.RawMessage
			var body any
			prefix := "--file " + file + ": "
			if ask {
				prefix = "the policy request you entered: "
				r, err := promptPolicy(cmd.Context(), cmd.InOrStdin(), f.Err)
				if err != nil {
					return err
				}
				if raw, err = json.Marshal(r); err != nil {
					return usagef("the policy request you entered cannot be sent: %w", err)
				}
			} else if err := readJSON(file, &raw); err != nil {
				return err
			}
			_ = json.Unmarshal(raw, &body) // JSON: read or made above
			if obj, ok := body.(map[string]any); ok {
				obj["quote_id"] = quoteID
			}
			if err := f.checkLocal("createPolicy", params, body, prefix, names); err != nil {
				return err
			}
			if err := json.Unmarshal(raw, &req); err != nil {
				return usagef("%snot valid JSON for a policy request: %w", prefix, err)
			}
			id, err := uuid.Parse(quoteID)
			if err != nil {
				return usagef("--quote %q: want a quote id (a UUID)", quoteID)
			}
			req.QuoteID = id
			if err := encodable(req, strings.TrimSuffix(prefix, ": ")); err != nil {
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
		Use:     "get POLICY",
		Short:   "Read a policy back, by its id or its number",
		Example: "  axa policy get 9d5b2c1e-4f3a-4b6d-8e7f-0a1b2c3d4e5f\n  axa policy get AXA-TRV-0000004217",
		Args:    args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			ref, err := f.parsePolicyRef(a[0])
			if err != nil {
				return err
			}
			return f.withClient(cmd, func(ctx context.Context, c *axa.Client) error {
				id, err := ref.resolve(ctx, f, c)
				if err != nil {
					return err
				}
				p, err := c.GetPolicy(ctx, id)
				if err != nil {
					return f.policyNotFound(err)
				}
				return printPolicy(f, p)
			})
		},
	}
	cmd.AddCommand(create, get, newCmdPolicyList(f), newCmdPolicyCancel(f), newCmdPolicyCertificate(f))
	return cmd
}

// policyRef is a policy argument: its id, or its number (AXA-TRV-...),
// found among the caller's policies (policyRef.resolve).
type policyRef struct {
	arg    string
	id     axa.UUID
	number string // set when the argument is a policy number
}

// parsePolicyRef reads a policy argument: a policy id (a UUID) or a policy
// number (the spec's pattern of Policy.policy_number), in any case;
// anything else is a usage error saying what to give.
func (f *Factory) parsePolicyRef(arg string) (policyRef, error) {
	if id, err := uuid.Parse(arg); err == nil {
		return policyRef{arg: arg, id: id}, nil
	}
	s, err := f.localSpec()
	if err != nil {
		return policyRef{}, err
	}
	if n := strings.ToUpper(arg); s.policyNumber != nil && s.policyNumber.MatchString(n) {
		return policyRef{arg: arg, number: n}, nil
	}
	return policyRef{}, usagef("%q is neither a policy id (a UUID such as 9d5b2c1e-4f3a-4b6d-8e7f-0a1b2c3d4e5f) nor a policy number (AXA-TRV- and ten digits); axa policy list shows both", arg)
}

// resolve returns the policy's id: the argument's, or the id of the
// caller's policy with the argument's number, found by listing the
// caller's policies (the API looks a policy up by id only).
func (r policyRef) resolve(ctx context.Context, f *Factory, c *axa.Client) (axa.UUID, error) {
	if r.number == "" {
		return r.id, nil
	}
	n := int32(maxListLimit)
	for p, err := range c.ListPoliciesAll(ctx, &axa.ListPoliciesParams{Limit: &n}) {
		if err != nil {
			return axa.UUID{}, fmt.Errorf("looking for policy %s among yours: %w", r.number, err)
		}
		if strings.EqualFold(p.PolicyNumber, r.number) {
			return p.ID, nil
		}
	}
	return axa.UUID{}, fmt.Errorf("no policy %s among yours (%s)", r.number, f.ownerHint())
}

// ownerHint says whose policies a command sees, for a policy it did not
// find: a policy belongs to the client or the user that issued it, and
// the command acts as one of them.
func (f *Factory) ownerHint() string {
	switch {
	case f.actingAs.session && f.actingAs.user != "":
		return "a policy belongs to whoever issued it: this command acts as " + termtext.Line(f.actingAs.user) +
			", logged in with axa login, and a policy issued before the login is the client's (axa logout to act as the client)"
	case f.actingAs.session:
		return "a policy belongs to whoever issued it: this command acts as the user logged in with axa login, " +
			"and a policy issued before the login is the client's (axa logout to act as the client)"
	case f.actingAs.client != "":
		return "a policy belongs to whoever issued it: this command acts as client " + termtext.Line(f.actingAs.client) +
			", and a policy issued by a user logged in with axa login is that user's"
	}
	return "a policy belongs to the client or user that issued it"
}

// policyNotFound adds to a 404 of a policy command whose policies the
// command sees (ownerHint); other errors are returned as they are.
func (f *Factory) policyNotFound(err error) error {
	if errors.Is(err, axa.ErrNotFound) {
		return fmt.Errorf("%w: %s; axa policy list shows yours", err, f.ownerHint())
	}
	return err
}

// cancelKey is the Idempotency-Key of `axa policy cancel` without
// --idempotency-key: made from the policy id, so that the same command run
// again (after a timeout, a lost answer, an interrupt) is the same request,
// answered by the same cancellation.
func cancelKey(id axa.UUID) string { return "cancel-" + id.String() }

// newCmdPolicyCancel builds `axa policy cancel`.
func newCmdPolicyCancel(f *Factory) *cobra.Command {
	var key string
	cmd := &cobra.Command{
		Use:   "cancel POLICY",
		Short: "Cancel a policy before its trip starts",
		Long: `Cancel a policy whose trip has not started, and print it cancelled, with its refund.
Once the trip has started, or for a policy already cancelled, the API refuses (409)
and the command exits 1.

POLICY is the policy's id or its number (AXA-TRV-...). The Idempotency-Key is made
from the policy id (cancel-POLICY_ID, also when a number is given) unless
--idempotency-key gives one: running the same command again, after a timeout or a
lost answer, answers the same cancellation (marked as a replay by the API) and never
acts twice. Past the API's retention of the key (24 hours in the sandbox), or with
another key, a cancelled policy answers 409 policy_already_cancelled: it is never
cancelled twice either way.`,
		Example: "  axa policy cancel 9d5b2c1e-4f3a-4b6d-8e7f-0a1b2c3d4e5f\n" +
			"  axa policy cancel 9d5b2c1e-4f3a-4b6d-8e7f-0a1b2c3d4e5f --idempotency-key ticket-881 --json",
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			ref, err := f.parsePolicyRef(a[0])
			if err != nil {
				return err
			}
			if key != "" {
				if err := f.checkLocalOnly("cancelPolicy", map[string][]string{"Idempotency-Key": {key}}, nil, "",
					namesOf(map[string]string{"header/Idempotency-Key": "--idempotency-key"}), true); err != nil {
					return err
				}
			}
			return f.withClient(cmd, func(ctx context.Context, c *axa.Client) error {
				id, err := ref.resolve(ctx, f, c)
				if err != nil {
					return err
				}
				k := key
				if k == "" {
					k = cancelKey(id)
				}
				p, err := c.CancelPolicy(ctx, id, &axa.CancelPolicyParams{IdempotencyKey: k})
				if err != nil {
					return f.policyNotFound(err)
				}
				return printPolicy(f, p)
			})
		},
	}
	cmd.Flags().StringVar(&key, "idempotency-key", "", "Idempotency-Key (default: cancel-POLICY_ID, the same on every run)")
	return cmd
}

// The bounds of `axa policy list --limit`: the spec's.
const (
	defaultListLimit = 20
	maxListLimit     = 100
)

// policyList is what `axa policy list --json` prints: the API's page, or
// with --all every policy, without a cursor.
type policyList struct {
	Items      []axa.Policy `json:"items"`
	NextCursor string       `json:"next_cursor,omitempty"`
}

// newCmdPolicyList builds `axa policy list`.
func newCmdPolicyList(f *Factory) *cobra.Command {
	var (
		limit  int
		all    bool
		cursor string
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List your policies, newest first",
		Long: `List the policies of the caller (the client, or the user logged in), newest first:
policy number, status, first and last day of the trip, plan and id.

One page of --limit policies (20 unless given, 100 at most); when more remain it says
so on the standard error with the --cursor that continues. --all follows the pages to
the end, --limit policies a request. --json prints {"items": [...], "next_cursor": "..."}
(no next_cursor on the last page, nor with --all).`,
		Example: "  axa policy list\n  axa policy list --limit 5\n  axa policy list --all --json",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if limit < 1 || limit > maxListLimit {
				return usagef("--limit %d: want 1 to %d", limit, maxListLimit)
			}
			if all && cursor != "" {
				return usagef("--all starts from the newest policy: give --all or --cursor, not both")
			}
			if cursor != "" {
				if err := f.checkLocal("listPolicies", map[string][]string{"cursor": {cursor}}, nil, "",
					namesOf(map[string]string{"query/cursor": "--cursor"})); err != nil {
					return err
				}
			}
			n := int32(limit)
			params := &axa.ListPoliciesParams{Limit: &n}
			if cursor != "" {
				params.Cursor = &cursor
			}
			return f.withClient(cmd, func(ctx context.Context, c *axa.Client) error {
				var out policyList
				if all {
					out.Items = []axa.Policy{}
					for p, err := range c.ListPoliciesAll(ctx, params) {
						if err != nil {
							return err
						}
						out.Items = append(out.Items, p)
					}
				} else {
					page, err := c.ListPolicies(ctx, params)
					if err != nil {
						return err
					}
					out.Items = page.Items
					if page.NextCursor != nil {
						out.NextCursor = *page.NextCursor
					}
				}
				if out.Items == nil {
					out.Items = []axa.Policy{}
				}
				err := f.print(out, func(w *table) {
					if len(out.Items) == 0 {
						w.Printf("No policies.\n")
						return
					}
					w.Header("NUMBER\tSTATUS\tSTART\tEND\tPLAN\tID")
					for _, p := range out.Items {
						w.Printf("%s\t%s\t%s\t%s\t%s\t%s\n", p.PolicyNumber, p.Status,
							p.StartDate.Format(time.DateOnly), p.EndDate.Format(time.DateOnly), p.PlanCode, p.ID)
					}
				})
				if err == nil && out.NextCursor != "" && !f.jsonOut {
					_, err = fmt.Fprintf(f.Err, "axa: more policies: axa policy list --cursor %s (or --all)\n", termtext.Line(out.NextCursor))
				}
				return err
			})
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&limit, "limit", defaultListLimit, fmt.Sprintf("policies a page (1 to %d)", maxListLimit))
	fl.BoolVar(&all, "all", false, "follow the pages to the last, --limit policies a request")
	fl.StringVar(&cursor, "cursor", "", "start after this cursor (the next_cursor of a page)")
	return cmd
}

// newCmdPolicyCertificate builds `axa policy certificate`.
func newCmdPolicyCertificate(f *Factory) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "certificate POLICY",
		Short: "Download a policy's insurance certificate (a PDF)",
		Long: `Download the insurance certificate of a policy, a PDF, to --output FILE: written
whole or not at all (through a temporary file renamed over FILE), mode 0600 (it
names the policy holder). Without --output (or with --output -) it goes to the
standard output, unless that is a terminal, where binary data is refused: redirect
it, or give --output.`,
		Example: "  axa policy certificate 9d5b2c1e-4f3a-4b6d-8e7f-0a1b2c3d4e5f --output certificate.pdf\n" +
			"  axa policy certificate 9d5b2c1e-4f3a-4b6d-8e7f-0a1b2c3d4e5f > certificate.pdf",
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			ref, err := f.parsePolicyRef(a[0])
			if err != nil {
				return err
			}
			if output == "-" {
				output = ""
			}
			if output == "" && f.outIsTerminal() {
				return usagef("the certificate is a PDF, not for a terminal: give --output FILE, or redirect the standard output")
			}
			if err := checkOutput(output); err != nil {
				return err
			}
			return f.withClient(cmd, func(ctx context.Context, c *axa.Client) error {
				id, err := ref.resolve(ctx, f, c)
				if err != nil {
					return err
				}
				s, err := c.GetPolicyCertificate(ctx, id)
				if err != nil {
					return f.policyNotFound(err)
				}
				defer s.Close()
				return f.writeAnswer(s, output)
			})
		},
	}
	cmd.Flags().StringVar(&output, "output", "", "the file to write the PDF to (default: the standard output, when it is not a terminal)")
	_ = cmd.MarkFlagFilename("output", "pdf") // the flag exists: no error
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
		w.Printf("Premium\t%s %s\n", p.Premium.Amount, p.Premium.Currency)
		if p.CancelledAt != nil {
			w.Printf("Cancelled\t%s\n", p.CancelledAt.Format(time.RFC3339))
		}
		if p.Refund != nil {
			w.Printf("Refund\t%s %s\n", p.Refund.Amount, p.Refund.Currency)
		}
		for _, t := range p.Travellers {
			w.Printf("Traveller\t%s %s\n", t.FirstName, t.LastName)
		}
		for _, d := range p.Documents {
			w.Printf("Document\t%s %s\n", d.Kind, d.URL)
		}
	})
}
