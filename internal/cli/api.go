package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/termtext"
	"github.com/axa-assistance-go/axa/pkg/axa"
)

// NewCmdAPI builds `axa api [OPERATION_ID]`: one subcommand per operation
// of the spec, made at run time from gen, so that an operation added to
// api/openapi.yaml is callable from the shell after `go generate` with no
// hand edit. Alone, it lists the operations. The operations' subcommands
// are added by addOperations (NewCmdRoot, or newCmdRootFor when the command
// line may need them).
func NewCmdAPI(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "api [OPERATION_ID]",
		Short: "Call any operation of the API by its operationId; alone, list them",
		Long: `api calls one operation of the API by its operationId, with a flag per parameter
of the spec (its name in kebab case, as every flag: --country-id, --accept-language;
the spec's own spelling, --country_id, works too)
and the request body, if it takes one, from --file (a JSON file, or - for
standard input). It prints the API's JSON answer. Alone, it lists the
operations. "axa api OPERATION_ID --help" tells the operation's parameters,
their types, allowed values and defaults.`,
		Example: "  axa api\n  axa api getCountry --country-id fr\n  axa api listAlerts --min-level high\n" +
			"  axa api requestQuote --file quote.json\n  axa api getCountry --help",
		Args: args(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			type row struct {
				ID      string   `json:"id"`
				Method  string   `json:"method"`
				Path    string   `json:"path"`
				Summary string   `json:"summary"`
				Scopes  []string `json:"scopes"`
			}
			var rows []row
			for _, op := range apiOperations() {
				doc, _ := gen.LookupOperationDoc(op.ID)
				scopes, _ := axa.RequiredScopes(string(op.ID))
				rows = append(rows, row{string(op.ID), op.Method, op.Path, doc.Summary, scopes})
			}
			return f.print(rows, func(w *table) {
				w.Header("OPERATION\tMETHOD\tPATH\tSUMMARY")
				for _, r := range rows {
					w.Printf("%s\t%s\t%s\t%s\n", r.ID, r.Method, r.Path, r.Summary)
				}
			})
		},
	}
	helpWithout(cmd, "lang") // the list is not translated
	return cmd
}

// addOperations adds to the api command one subcommand per operation
// (none when api is nil).
func addOperations(f *Factory, api *cobra.Command) {
	if api == nil {
		return
	}
	for _, op := range apiOperations() {
		doc, _ := gen.LookupOperationDoc(op.ID)
		api.AddCommand(newCmdOperation(f, op, doc))
	}
}

// needsOperations tells whether the command line args of root may reach
// the api command's operations: it names the api command (or one of its
// operations), the help command (axa help api getCountry) or the shell
// completion's, or cobra cannot tell which command it names. Any other
// command (axa countries, axa --help, a mistyped command) never looks at
// them, so that a command line that names another does not pay for
// building a command per operation (see newCmdRootFor).
func needsOperations(root *cobra.Command, args []string) bool {
	c, rest, err := root.Find(args)
	if err != nil || c == nil {
		return true
	}
	if c == root {
		// cobra adds its help and completion commands as it executes:
		// Find does not know them yet.
		return slices.ContainsFunc(rest, func(a string) bool {
			switch a {
			case "help", "completion", cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd:
				return true
			}
			return false
		})
	}
	for p := c; p != nil; p = p.Parent() {
		if p.Name() == "api" && p.Parent() == root {
			return true
		}
	}
	return false
}

// canonicalOperation returns args with the operation of `axa api OP`
// spelled as the spec spells it when args give it in another case
// (getcountry, GETCOUNTRY for getCountry): an operationId is matched
// case-insensitively. It walks args as cobra does: flags, and the values
// of those that take one, are skipped.
func canonicalOperation(root *cobra.Command, args []string) []string {
	api, _, err := root.Find([]string{"api"})
	if err != nil || api == root {
		return args
	}
	takesValue := func(arg string) bool {
		name, _, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if hasValue || !strings.HasPrefix(arg, "--") {
			return false // -h, or --flag=value
		}
		fl := api.Flags().Lookup(name)
		if fl == nil {
			fl = root.PersistentFlags().Lookup(name)
		}
		return fl != nil && fl.NoOptDefVal == ""
	}
	positional := 0
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return args
		case strings.HasPrefix(a, "-") && a != "-":
			if takesValue(a) {
				i++
			}
			continue
		}
		positional++
		if positional == 1 && a != "api" {
			return args
		}
		if positional == 2 {
			for _, c := range api.Commands() {
				if c.Name() != a && strings.EqualFold(c.Name(), a) {
					out := slices.Clone(args)
					out[i] = c.Name()
					return out
				}
			}
			return args
		}
	}
	return args
}

// apiOperations returns the API's operations, without the authorization
// server's: `axa token`, `axa login` and `axa logout` use those, through
// the SDK.
func apiOperations() []gen.Operation {
	return slices.DeleteFunc(gen.Operations(), func(op gen.Operation) bool { return op.AuthorizationServer })
}

// reservedFlags are the flag names a parameter cannot take: the root's
// persistent flags, --help, and the body's --file. A test checks the list
// against the root command.
var reservedFlags = []string{"base-url", "client-id", "client-secret", "json", "verbose", "lang", "timeout", "help", "file", "form", "content-type", "output", "env", "issuer", "token-url", "audience"}

// binding ties a parameter of the spec to its flag.
type binding struct {
	param gen.Parameter
	flag  string
	value *paramValue
}

// newCmdOperation builds the command of one operation.
func newCmdOperation(f *Factory, op gen.Operation, doc gen.OperationDoc) *cobra.Command {
	id := string(op.ID)
	var (
		file, output, contentType string
		form                      []string
		bindings                  []binding
	)
	cmd := &cobra.Command{
		Use:   id,
		Short: doc.Summary,
		Args:  args(cobra.NoArgs),
		// cobra's own check of the required flags is not a usage error;
		// this one, run just before it, is.
		PreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := cmd.ValidateRequiredFlags(); err != nil {
				return missingFlags(cmd, id, bindings, doc.Body)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			params := map[string][]string{}
			for _, b := range bindings {
				switch {
				case len(b.value.values) > 0:
					params[b.param.Name] = b.value.values
				case b.param.In == "header" && strings.EqualFold(b.param.Name, "Accept-Language") && f.lang != "":
					params[b.param.Name] = []string{f.lang} // --lang, as for every command
				}
			}
			body, raw, closeBody, err := requestBody(cmd.InOrStdin(), doc.Body, file, contentType, form)
			if err != nil {
				return err
			}
			defer closeBody()
			// What the spec says of the values (patterns, formats,
			// lengths, bounds, the body's fields), before anything starts.
			var decoded any
			if raw != nil {
				_ = json.Unmarshal(raw, &decoded) // JSON: read so
			}
			flags := map[string]string{}
			for _, b := range bindings {
				flags[b.param.In+"/"+b.param.Name] = "--" + b.flag
			}
			if err := f.checkLocal(id, params, decoded, "--file "+file+": ", namesOf(flags)); err != nil {
				return err
			}
			// Everything the SDK would refuse is said before anything
			// starts (a sandbox, a token request).
			if err := axa.ValidateInvokeStream(id, params, body); err != nil {
				return &usageError{err: err}
			}
			if err := checkOutput(output); err != nil {
				return err
			}
			if output == "" && answersBinary(doc) && f.outIsTerminal() {
				return usagef("%s answers %s, not for a terminal: give --output FILE, or redirect the standard output", id, doc.Successes[0].ContentType)
			}
			if doc.Deprecated {
				fmt.Fprintf(f.Err, "axa: warning: the API deprecates %s%s\n", id, deprecationReason(doc))
			}
			return f.withClient(cmd, func(ctx context.Context, c *axa.Client) error {
				answer, err := c.InvokeStream(ctx, id, params, body)
				var ie *axa.InvalidRequestError
				if errors.As(err, &ie) || errors.Is(err, axa.ErrUnknownOperation) {
					return &usageError{err: err}
				}
				if err != nil {
					return err
				}
				defer answer.Close()
				return f.writeAnswer(answer, output)
			})
		},
	}
	if cmd.Short == "" {
		cmd.Short = op.Method + " " + op.Path
	}

	taken := map[string]bool{}
	for _, n := range reservedFlags {
		taken[n] = true
	}
	fl := cmd.Flags()
	for _, p := range doc.Parameters {
		name := flagName(p, taken)
		v := &paramValue{param: p}
		// The SDK gives a POST without an Idempotency-Key a new one.
		autoKey := isAutoKey(op, p)
		fl.Var(v, name, paramUsage(p, name, autoKey))
		if p.Type == "boolean" {
			fl.Lookup(name).NoOptDefVal = "true"
		}
		if p.Required && !autoKey {
			_ = cmd.MarkFlagRequired(name) // the flag exists: no error
		}
		values := slices.Clone(p.Enum)
		if p.Type == "boolean" || (p.Type == "array" && p.Items == "boolean") {
			values = []string{"true", "false"}
		}
		_ = cmd.RegisterFlagCompletionFunc(name, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return values, cobra.ShellCompDirectiveNoFileComp
		}) // the flag exists and is new: no error
		bindings = append(bindings, binding{param: p, flag: name, value: v})
	}

	fl.SetNormalizeFunc(snakeAlias)
	bodyHelp := bodyFlags(cmd, doc.Body, &file, &contentType, &form)
	fl.StringVar(&output, "output", "", "write the answer's body to this file (replaced whole, mode 0600) instead of printing it")
	_ = cmd.MarkFlagFilename("output") // the flag exists: no error

	long := op.Method + " " + op.Path
	if doc.Summary != "" {
		long += ": " + doc.Summary
	}
	if d := strings.TrimSpace(doc.Description); d != "" {
		long += "\n\n" + strings.ReplaceAll(d, "`", "")
	}
	if scopes, _ := axa.RequiredScopes(id); len(scopes) > 0 {
		long += "\n\nScope: " + strings.Join(scopes, " ") + " (the command gets a token with it)."
	} else {
		long += "\n\nIt needs no token."
	}
	long += bodyHelp + "\n\n" + answerHelp(doc) + " Without credentials, the embedded sandbox answers."
	if doc.Deprecated {
		long += "\n\nDeprecated: the API deprecates this operation" + deprecationReason(doc) + "."
		cmd.Short += " (deprecated)"
	}
	cmd.Long = long
	cmd.Example = operationExample(id, bindings, doc)
	// It prints the API's JSON whatever --json says, and the parameter's
	// own flag (--accept-language) is the language: neither global flag
	// is shown (both still work, --lang as the default language).
	helpWithout(cmd, "json", "lang")
	return cmd
}

// missingFlags is the usage error of an operation called without its
// required flags: which ones, and what each is.
func missingFlags(cmd *cobra.Command, id string, bindings []binding, body *gen.RequestBody) error {
	bodyWhat := "the request body"
	if body != nil && body.Schema != "" {
		bodyWhat = "the " + body.Schema
	}
	if body != nil && body.Kind == gen.KindJSON {
		bodyWhat += ", a JSON file"
	}
	var missing []string
	cmd.Flags().VisitAll(func(fl *pflag.Flag) {
		if _, required := fl.Annotations[cobra.BashCompOneRequiredFlag]; !required || fl.Changed {
			return
		}
		what := bodyWhat
		for _, b := range bindings {
			if b.flag == fl.Name {
				what = strings.TrimSuffix(firstSentence(b.param.Description), ".")
				if what == "" {
					what = "the " + b.param.In + " parameter " + b.param.Name
				}
			}
		}
		missing = append(missing, "--"+fl.Name+" ("+what+")")
	})
	return usagef("%s needs %s", id, strings.Join(missing, " and "))
}

// firstSentence is the first sentence of s, lower-cased at its start
// unless it starts with an acronym.
func firstSentence(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i+1]
	}
	if len(s) > 1 && s[0] >= 'A' && s[0] <= 'Z' && (s[1] < 'A' || s[1] > 'Z') {
		s = strings.ToLower(s[:1]) + s[1:]
	}
	return s
}

// isAutoKey reports whether p is the Idempotency-Key header of a POST: the
// SDK makes one when none is given.
func isAutoKey(op gen.Operation, p gen.Parameter) bool {
	return op.Method == http.MethodPost && p.In == "header" && strings.EqualFold(p.Name, "Idempotency-Key")
}

// flagName is the flag of parameter p: its name in lower kebab case, as
// every flag of the CLI (country_id is --country-id, Accept-Language
// --accept-language), or, when that is taken (a global flag, --file,
// another parameter), prefixed with where the parameter goes
// ("query-timeout"), numbered if even that is. The spec's snake_case
// spelling (--country_id) is taken too, hidden: see snakeAlias.
func flagName(p gen.Parameter, taken map[string]bool) string {
	name := kebab(p.Name)
	if taken[name] {
		name = p.In + "-" + name
	}
	for i := 2; taken[name]; i++ {
		name = fmt.Sprintf("%s-%s-%d", p.In, kebab(p.Name), i)
	}
	taken[name] = true
	return name
}

// kebab is name in lower case with '-' for '_': a flag's spelling.
func kebab(name string) string { return strings.ReplaceAll(strings.ToLower(name), "_", "-") }

// snakeAlias makes an operation's flags answer to their snake_case
// spelling too (--country_id for --country-id), as the spec names the
// parameters and as `axa api` spelled them before: scripts use it. The
// help shows the kebab-case flag alone.
func snakeAlias(_ *pflag.FlagSet, name string) pflag.NormalizedName {
	return pflag.NormalizedName(strings.ReplaceAll(name, "_", "-"))
}

// paramUsage is the help of a parameter's flag: the spec's description and
// what it says of the values.
func paramUsage(p gen.Parameter, flag string, autoKey bool) string {
	// pflag takes a `quoted` word of a usage as the value's name: the
	// spec's backquotes are dropped.
	desc := strings.ReplaceAll(strings.TrimSpace(p.Description), "`", "")
	if desc == "" {
		desc = "the " + p.In + " parameter " + p.Name
	}
	var notes []string
	switch {
	case p.In == "header":
		notes = append(notes, "header "+p.Name)
	case flag != p.Name:
		notes = append(notes, p.In+" parameter "+p.Name)
	}
	if len(p.Enum) > 0 {
		notes = append(notes, "one of: "+strings.Join(p.Enum, ", "))
	}
	switch p.Format {
	case "", "int32", "int64", "float", "double": // the type says enough
	default:
		notes = append(notes, "format "+p.Format)
	}
	if p.Default != "" {
		notes = append(notes, "default "+p.Default)
	}
	if p.Type == "array" {
		notes = append(notes, "repeat the flag for several values")
	}
	switch {
	case autoKey:
		notes = append(notes, "default: a new one per run")
	case p.Required:
		notes = append(notes, "required")
	}
	if p.Deprecated {
		notes = append(notes, "deprecated by the API")
	}
	if len(notes) == 0 {
		return desc
	}
	return desc + " (" + strings.Join(notes, "; ") + ")"
}

// operationExample shows the operation called with its required flags
// (placeholders, or an enum's first value) and its body.
func operationExample(id string, bindings []binding, doc gen.OperationDoc) string {
	line := "  axa api " + id
	for _, b := range bindings {
		if !b.param.Required || strings.EqualFold(b.param.Name, "Idempotency-Key") {
			continue
		}
		v := strings.ToUpper(strings.ReplaceAll(b.flag, "-", "_"))
		if len(b.param.Enum) > 0 {
			v = b.param.Enum[0]
		}
		line += " --" + b.flag + " " + v
	}
	lines := []string{line}
	switch body := doc.Body; {
	case body == nil:
	case body.Kind == gen.KindMultipart:
		lines[0] += " --form NAME=VALUE --form FILE_FIELD=@document.pdf"
	case body.Kind == gen.KindJSON || body.Kind == gen.KindForm:
		lines[0] += " --file body.json"
		lines = append(lines, "  axa api "+id+" --file - < body.json")
	default:
		lines[0] += " --file data.bin"
	}
	if answersBinary(doc) {
		lines[0] += " --output " + answerFile(doc.Successes[0].ContentType)
	}
	return strings.Join(lines, "\n")
}

// paramValue is the flag of one parameter: it checks each value against the
// spec's type and enum as it is given, so that a wrong one is a usage error
// naming the allowed values, before anything is sent.
type paramValue struct {
	param  gen.Parameter
	values []string
}

// String implements pflag.Value.
func (v *paramValue) String() string { return strings.Join(v.values, ",") }

// Type implements pflag.Value: the spec's type, shown in the help.
func (v *paramValue) Type() string {
	switch t := v.param.Type; t {
	case "boolean":
		return "bool" // pflag shows no value name for a flag that needs none
	case "array":
		if v.param.Items == "" {
			return "strings"
		}
		return v.param.Items + "s"
	case "":
		return "string"
	default:
		return t
	}
}

// Set implements pflag.Value.
func (v *paramValue) Set(s string) error {
	p := v.param
	if p.Type != "array" && len(v.values) > 0 {
		return errors.New("give it once: it takes one value")
	}
	typ := p.Type
	if typ == "array" {
		typ = p.Items
	}
	switch typ {
	case "integer":
		bits := 64
		if p.Format == "int32" {
			bits = 32
		}
		if _, err := strconv.ParseInt(s, 10, bits); err != nil {
			return fmt.Errorf("want an integer (%d bits)", bits)
		}
	case "number":
		n, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
			return errors.New("want a number, e.g. 48.8566")
		}
	case "boolean":
		b, err := strconv.ParseBool(s)
		if err != nil {
			return errors.New("want true or false")
		}
		s = strconv.FormatBool(b)
	}
	if len(p.Enum) > 0 && !slices.Contains(p.Enum, s) {
		return fmt.Errorf("want one of %s", strings.Join(p.Enum, ", "))
	}
	// A path parameter is one segment: empty, or a dot segment, it would
	// name another path (the SDK resolves "..").
	if p.In == "path" && (strings.TrimSpace(s) == "" || isDotSegment(s)) {
		return fmt.Errorf(`%q: a path parameter is not empty, "." or ".."`, s)
	}
	if strings.TrimSpace(s) == "" { // an unset variable in a script
		return errors.New("empty")
	}
	v.values = append(v.values, s)
	return nil
}

// readBody reads the JSON body of --file: the file at path through the
// reader of the other commands' --file, or in when path is "-". Either is
// read through the same 1 MiB limit.
func readBody(in io.Reader, path string) ([]byte, error) {
	var raw json.RawMessage
	if path != "-" {
		if err := readJSON(path, &raw); err != nil {
			return nil, err
		}
		return raw, nil
	}
	data, err := io.ReadAll(io.LimitReader(in, maxFileSize+1))
	if err != nil {
		return nil, usagef("--file -: reading standard input: %w", err)
	}
	if len(data) > maxFileSize {
		return nil, usagef("--file -: standard input is larger than 1 MiB, the most a request body may be")
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, usagef("--file -: standard input is not valid JSON: %w", err)
	}
	return raw, nil
}

// printRawJSON writes the API's JSON answer indented, as sent otherwise
// (its keys in their order, its numbers as written), fit for a terminal
// like every --json output: invalid UTF-8 becomes U+FFFD and the
// characters a terminal acts on are escaped (see termtext.JSON).
func printRawJSON(w io.Writer, raw []byte) error {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return fmt.Errorf("the answer is not JSON: %w", err)
	}
	out := termtext.JSON(bytes.ToValidUTF8(buf.Bytes(), []byte("\uFFFD")))
	_, err := w.Write(append(out, '\n'))
	return err
}
