package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/axa-assistance-go/axa/gen"
)

// What a mistyped command, operation or flag is answered with: the names
// it may have meant ("did you mean ..."), found here for every command.

// suggest returns the names among candidates that word may stand for,
// best first: the same but for case, '-' and '_' (getcountry, --min_level);
// else those that start with it (--country for --country-id); else those
// of which it is a whole '-' separated part (health for country-health);
// else those within an edit distance of a third of its length, at least 2.
func suggest(word string, candidates []string) []string {
	key := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "-")) }
	w := key(word)
	if w == "" {
		return nil
	}
	var same, prefix, part []string
	type near struct {
		name string
		d    int
	}
	var close []near
	limit := max(2, len([]rune(w))/3)
	for _, c := range candidates {
		k := key(c)
		switch d := editDistance(w, k); {
		case k == w:
			same = append(same, c)
		case strings.HasPrefix(k, w):
			prefix = append(prefix, c)
		case slices.Contains(strings.Split(k, "-"), w):
			part = append(part, c)
		case d <= limit:
			close = append(close, near{c, d})
		}
	}
	if len(same) > 0 {
		return same
	}
	if len(prefix) > 0 {
		return prefix
	}
	if len(part) > 0 {
		return part
	}
	slices.SortStableFunc(close, func(a, b near) int { return a.d - b.d })
	out := make([]string, 0, len(close))
	for _, n := range close {
		out = append(out, n.name)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// didYouMean is "; did you mean X?" (or "X or Y?", at most three), or
// nothing without a suggestion; prefix is put before each name ("--").
func didYouMean(prefix string, names []string) string {
	if len(names) == 0 {
		return ""
	}
	names = names[:min(len(names), 3)]
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = prefix + n
	}
	return "; did you mean " + strings.Join(quoted, " or ") + "?"
}

// unknownCommand is the usage error of an argument that names no
// subcommand of cmd, with the subcommands it may have meant.
func unknownCommand(cmd *cobra.Command, name string) error {
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
			names = append(names, c.Aliases...)
		}
	}
	what := "command"
	if cmd.Name() == "api" {
		what = "operation"
		if op, ok := gen.LookupOperation(gen.OperationID(name)); ok && op.AuthorizationServer {
			return usagef("unknown operation %q for %q: it is the authorization server's, which axa token, axa login and axa logout call", name, cmd.CommandPath())
		}
	}
	return usagef("unknown %s %q for %q%s", what, name, cmd.CommandPath(), didYouMean("", suggest(name, names)))
}

// flagError is every command's answer to a flag it cannot parse: a usage
// error, which for an unknown flag names the flags it may have meant. An
// unknown flag after an argument that names none of cmd's subcommands
// (axa api getcountyr --country-id fr) is that subcommand's flag: the
// name is what is wrong, and the error is unknownCommand's.
func flagError(cmd *cobra.Command, err error) error {
	msg := err.Error()
	if strings.HasPrefix(msg, "unknown flag: ") || strings.HasPrefix(msg, "unknown shorthand flag: ") {
		if args := cmd.Flags().Args(); len(args) > 0 && cmd.HasAvailableSubCommands() {
			return unknownCommand(cmd, args[0])
		}
	}
	name, ok := strings.CutPrefix(msg, "unknown flag: --")
	if !ok {
		return &usageError{err: err}
	}
	name, _, _ = strings.Cut(name, "=")
	var names []string
	visit := func(fl *pflag.Flag) {
		if !fl.Hidden {
			names = append(names, fl.Name)
		}
	}
	cmd.Flags().VisitAll(visit)
	cmd.InheritedFlags().VisitAll(visit)
	slices.Sort(names)
	names = slices.Compact(names)
	return &usageError{err: fmt.Errorf("%w%s", err, didYouMean("--", suggest(name, names)))}
}
