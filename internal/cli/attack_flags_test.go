package cli

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/pkg/axa"
)

// Empty or blank values, and values a header cannot carry, are usage
// errors (exit 2) told before anything is sent: an unset shell variable
// ("$OP") must not widen what a command does.
func TestBlankAndBadValuesAreUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--lang", "fr\r\nX-Evil: 1", "countries", "fr"}, "--lang"},
		{[]string{"--lang", "   ", "countries", "fr"}, "--lang"},
		{[]string{"countries", ""}, "empty"},
		{[]string{"countries", "  "}, "empty"},
		{[]string{"policy", "get", ""}, "empty"},
		{[]string{"--client-id", " ", "--client-secret", " ", "countries"}, "blank"},
		{[]string{"--client-id", "id", "--client-secret", "\t", "countries"}, "blank"},
		{[]string{"token", "--scope", ""}, "--scope"},
		{[]string{"token", "--scope", " "}, "--scope"},
	} {
		r := run(t, nil, tc.args...)
		if r.code != ExitUsage || !strings.Contains(r.err, tc.want) {
			t.Errorf("axa %q: exit %d, err %q; want 2 and %q", tc.args, r.code, r.err, tc.want)
		}
		if strings.Contains(r.err, "sandbox") {
			t.Errorf("axa %q: a sandbox was started for a usage error: %q", tc.args, r.err)
		}
	}
}

// axa conform with --operation "" or --junit "" (an unset variable in a CI
// script) is a usage error: it ran every operation, or wrote no report,
// and exited 0.
func TestConformEmptyFlagValuesAreUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"conform", "--operation", ""},
		{"conform", "--operation", "getCountry", "--operation", ""},
		{"conform", "--junit", ""},
		{"conform", "--junit", " "},
	} {
		canned := &cannedConform{report: cannedReport(false)}
		r := run(t, &Factory{Getenv: apiEnv(t), Conform: canned.check}, args...)
		if r.code != ExitUsage {
			t.Errorf("axa %q: exit %d, err %q; want 2", args, r.code, r.err)
		}
		if n := len(canned.configs()); n != 0 {
			t.Errorf("axa %q: the run was called", args)
		}
	}
}

// axa login with half a configuration is the usage error the other
// commands give: with AXA_BASE_URL (or a secret) but no client id it
// logged in to the embedded sandbox instead, silently.
func TestLoginHalfConfiguredIsAUsageError(t *testing.T) {
	for _, extra := range [][]string{{"--base-url", "https://api.example.test"}, {"--client-secret", "s3cret"}, {"--client-id", " "}} {
		f := &Factory{OpenBrowser: func(string) error { return errors.New("no browser in this test") }}
		r := run(t, f, append(extra, "login", "--wait", "1s")...)
		if r.code != ExitUsage || strings.Contains(r.err, "sandbox at") {
			t.Errorf("axa %q login: exit %d, err %q; want 2 and no sandbox", extra, r.code, r.err)
		}
	}
}

// With --json, what a command prints on stdout is JSON, whichever command.
func TestJSONOutputOfEveryCommandIsJSON(t *testing.T) {
	newF, _, dir := sharedEnv(t)
	for _, args := range [][]string{
		{"countries", "fr"}, {"alerts"}, {"version"}, {"token"}, {"auth", "status"},
		{"logout"}, {"logout", "--forget"}, {"api", "getCountry", "--country_id", "fr"},
		{"sandbox", "stop"}, {"sandbox", "stop"},
	} {
		r := run(t, newF(nil), append(args, "--json")...)
		if r.code != ExitOK || !json.Valid([]byte(r.out)) {
			t.Errorf("axa %q --json: exit %d, out %q, err %q; want JSON", args, r.code, r.out, r.err)
		}
	}
	// A session to log out of.
	if err := saveSession(filepath.Join(dir, sessionFile), session{BaseURL: "http://127.0.0.1:1", ClientID: "c", RedirectURL: "http://127.0.0.1/cb", RefreshToken: "rt-0000"}); err != nil {
		t.Fatal(err)
	}
	if r := run(t, newF(nil), "logout", "--forget", "--json"); r.code != ExitOK || !json.Valid([]byte(r.out)) {
		t.Errorf("axa logout --forget --json: exit %d, out %q; want JSON", r.code, r.out)
	}
}

// A path parameter of "." or "..": the SDK resolves the dot segment
// (axa countries .. called GET /travel/v1/, another endpoint, with the
// token), a server or proxy may too; and an empty one names the list. They
// are usage errors, and nothing is sent.
func TestDotSegmentsAreUsageErrors(t *testing.T) {
	rec := &recorder{}
	srv := rec.start(t)
	env := map[string]string{axa.EnvBaseURL: srv.URL, axa.EnvClientID: "a", axa.EnvClientSecret: "b", EnvStateDir: t.TempDir()}
	for _, args := range [][]string{
		{"countries", ".."}, {"countries", "."}, {"country-health", ".."},
		{"api", "getCountry", "--country_id", ".."}, {"api", "getCountry", "--country_id", "."},
		{"api", "getCountry", "--country_id", ""}, {"api", "getPolicy", "--policy_id", ".."},
	} {
		r := run(t, &Factory{Getenv: func(k string) string { return env[k] }}, args...)
		if r.code != ExitUsage {
			t.Errorf("axa %q: exit %d, err %q; want 2", args, r.code, r.err)
		}
	}
	if got := rec.got(); len(got) > 0 {
		t.Errorf("sent %q", got)
	}
}

// A command's own flag given an empty value (an unset variable in a
// script) is a usage error: --idempotency-key "$KEY" meant the same key on
// a retry, and an empty one silently meant a new key, so a second policy.
func TestEmptyCommandFlagsAreUsageErrors(t *testing.T) {
	rec := &recorder{}
	srv := rec.start(t)
	env := map[string]string{axa.EnvBaseURL: srv.URL, axa.EnvClientID: "a", axa.EnvClientSecret: "b", EnvStateDir: t.TempDir()}
	holder := writeHolder(t)
	for _, args := range [][]string{
		{"policy", "create", "--quote", "8b0a4bde-8ac4-4a4e-a1e0-6c0e3b1b9a10", "--file", holder, "--idempotency-key", ""},
		{"quote", "--from", "fr", "--to", "jp", "--start", "2027-03-01", "--end", "2027-03-15", "--traveller", "1985-04-12", "--idempotency-key", ""},
		{"quote", "--from", "fr", "--to", "jp", "--start", "2027-03-01", "--end", "2027-03-15", "--traveller", "1985-04-12", "--idempotency-key", " "},
		{"alerts", "--country", ""},
		{"login", "--scope", "", "--wait", "1s"},
		{"api", "listAlerts", "--min_level", ""},
	} {
		r := run(t, &Factory{Getenv: func(k string) string { return env[k] }}, args...)
		if r.code != ExitUsage {
			t.Errorf("axa %q: exit %d, err %q; want 2", args, r.code, r.err)
		}
	}
	if got := rec.got(); len(got) > 0 {
		t.Errorf("sent %q", got)
	}
}
