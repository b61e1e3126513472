package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/testutil"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// otherClient is a second client of the sandbox of policyEnv: another
// owner of policies.
const otherClient, otherSecret = "other-client", "other-secret-of-the-test"

// policyEnv is a sandbox on loopback whose clock the test moves, and
// Factories of commands that call it with credentials: the default client,
// or otherClient.
type policyEnv struct {
	t     *testing.T
	nanos atomic.Int64
	url   string
	dir   string // for files the commands read and write
}

func newPolicyEnv(t *testing.T) *policyEnv {
	t.Helper()
	e := &policyEnv{t: t, dir: t.TempDir()}
	e.nanos.Store(time.Now().UnixNano())
	var scopes []string
	for _, s := range gen.AllScopes() {
		scopes = append(scopes, string(s))
	}
	sb, err := sandbox.New(
		sandbox.WithClock(func() time.Time { return time.Unix(0, e.nanos.Load()) }),
		sandbox.WithClient(sandbox.Client{ID: otherClient, Secret: otherSecret, Scopes: scopes}),
	)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	e.url = srv.URL()
	return e
}

// factory returns a Factory calling the sandbox as the client id.
func (e *policyEnv) factory(id, secret string) *Factory {
	env := map[string]string{"AXA_BASE_URL": e.url, "AXA_CLIENT_ID": id, "AXA_CLIENT_SECRET": secret, EnvStateDir: e.dir}
	return &Factory{Getenv: func(k string) string { return env[k] }}
}

// run runs the command line as the sandbox's default client.
func (e *policyEnv) run(args ...string) result {
	e.t.Helper()
	return run(e.t, e.factory(sandbox.DefaultClientID, sandbox.DefaultClientSecret), args...)
}

// issue quotes a trip and issues a policy from it through the commands,
// as the client id, returning its id and number.
func (e *policyEnv) issue(client, secret, key string) (id, number string) {
	e.t.Helper()
	start := time.Unix(0, e.nanos.Load()).AddDate(0, 0, 30).Format(time.DateOnly)
	end := time.Unix(0, e.nanos.Load()).AddDate(0, 0, 44).Format(time.DateOnly)
	r := run(e.t, e.factory(client, secret), "quote", "--json", "--from", "fr", "--to", "jp,kr", "--start", start, "--end", end, "--traveller", "1985-04-12", "--traveller", "2015-09-30")
	if r.code != ExitOK {
		e.t.Fatalf("quote: exit %d: %s", r.code, r.err)
	}
	var q struct{ ID string }
	if err := json.Unmarshal([]byte(r.out), &q); err != nil {
		e.t.Fatal(err)
	}
	holder := filepath.Join(e.dir, "holder.json")
	if err := os.WriteFile(holder, []byte(`{
		"policy_holder": {"person": {"first_name": "Camille", "last_name": "Martin", "birth_date": "1985-04-12"},
			"email": "camille.martin@example.com",
			"address": {"street_address": "6 rue André Gide", "postal_code": "92320", "locality": "Châtillon", "country": "fr"}},
		"travellers": [{"first_name": "Camille", "last_name": "Martin", "birth_date": "1985-04-12"},
			{"first_name": "Léo", "last_name": "Martin", "birth_date": "2015-09-30"}]}`), 0o600); err != nil {
		e.t.Fatal(err)
	}
	r = run(e.t, e.factory(client, secret), "policy", "create", "--json", "--quote", q.ID, "--file", holder, "--idempotency-key", key)
	if r.code != ExitOK {
		e.t.Fatalf("policy create: exit %d: %s", r.code, r.err)
	}
	var p struct {
		ID     string
		Number string `json:"policy_number"`
	}
	if err := json.Unmarshal([]byte(r.out), &p); err != nil {
		e.t.Fatal(err)
	}
	return p.ID, p.Number
}

// The same `axa policy cancel` run twice cancels once: the second run, with
// the key made from the policy id, gets the same cancellation back; a run
// with another key is refused (409, exit 1).
func TestPolicyCancelTwiceActsOnce(t *testing.T) {
	e := newPolicyEnv(t)
	id, number := e.issue(sandbox.DefaultClientID, sandbox.DefaultClientSecret, "booking-1")

	first := e.run("policy", "cancel", id, "--json")
	if first.code != ExitOK {
		t.Fatalf("cancel: exit %d: %s", first.code, first.err)
	}
	var p struct {
		Status      string
		CancelledAt string `json:"cancelled_at"`
		Refund      *struct{ Amount float64 }
		Premium     struct{ Amount float64 }
	}
	if err := json.Unmarshal([]byte(first.out), &p); err != nil {
		t.Fatal(err)
	}
	if p.Status != "cancelled" || p.CancelledAt == "" || p.Refund == nil || p.Refund.Amount != p.Premium.Amount {
		t.Errorf("cancel printed %s", first.out)
	}

	e.nanos.Add(int64(time.Minute))
	again := e.run("policy", "cancel", id, "--json")
	if again.code != ExitOK || again.out != first.out {
		t.Errorf("the same command again: exit %d, out %s, err %s; want the first cancellation, unchanged", again.code, again.out, again.err)
	}
	table := e.run("policy", "cancel", id)
	for _, want := range []string{number, "cancelled", "Refund", "Cancelled"} {
		if table.code != ExitOK || !strings.Contains(table.out, want) {
			t.Errorf("cancel's table lacks %q: exit %d, %s%s", want, table.code, table.out, table.err)
		}
	}

	other := e.run("policy", "cancel", id, "--idempotency-key", "another-request")
	if other.code != ExitError || !strings.Contains(other.err, "409") || !strings.Contains(other.err, "policy_already_cancelled") {
		t.Errorf("cancel with another key: exit %d, err %q; want 1 and the 409", other.code, other.err)
	}
}

// Once the trip has started the API refuses the cancellation, and the
// command says why (exit 1).
func TestPolicyCancelAfterTheTripStartedExitsOne(t *testing.T) {
	e := newPolicyEnv(t)
	id, _ := e.issue(sandbox.DefaultClientID, sandbox.DefaultClientSecret, "booking-1")
	e.nanos.Add(int64(31 * 24 * time.Hour))
	r := e.run("policy", "cancel", id)
	if r.code != ExitError || !strings.Contains(r.err, "409") || !strings.Contains(r.err, "trip_started") {
		t.Errorf("cancel after the start: exit %d, err %q; want 1 and 409 trip_started", r.code, r.err)
	}
	if got := e.run("policy", "get", id, "--json"); !strings.Contains(got.out, `"status": "issued"`) {
		t.Errorf("the policy after a refused cancellation: %s", got.out)
	}
}

// listedIDs decodes `axa policy list --json`.
func listedIDs(t *testing.T, r result) (ids []string, next string) {
	t.Helper()
	if r.code != ExitOK {
		t.Fatalf("list: exit %d: %s", r.code, r.err)
	}
	var page struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
		NextCursor string `json:"next_cursor"`
	}
	if err := json.Unmarshal([]byte(r.out), &page); err != nil {
		t.Fatalf("list --json: %v: %s", err, r.out)
	}
	if page.Items == nil {
		t.Errorf("list --json has no items array: %s", r.out)
	}
	for _, it := range page.Items {
		ids = append(ids, it.ID)
	}
	return ids, page.NextCursor
}

// `axa policy list` shows the caller's policies newest first, a page of
// --limit, the cursor to go on (on stderr, in --json), --all every page;
// another client's policies never.
func TestPolicyListPagesNewestFirst(t *testing.T) {
	e := newPolicyEnv(t)
	var newest []string
	var numbers []string
	for i := range 3 {
		id, number := e.issue(sandbox.DefaultClientID, sandbox.DefaultClientSecret, "booking-"+string(rune('a'+i)))
		newest = append([]string{id}, newest...)
		numbers = append([]string{number}, numbers...)
	}
	theirs, _ := e.issue(otherClient, otherSecret, "their-booking")

	ids, next := listedIDs(t, e.run("policy", "list", "--limit", "2", "--json"))
	if !slices.Equal(ids, newest[:2]) || next == "" {
		t.Fatalf("first page: %v next %q, want %v and a cursor", ids, next, newest[:2])
	}
	ids, last := listedIDs(t, e.run("policy", "list", "--limit", "2", "--cursor", next, "--json"))
	if !slices.Equal(ids, newest[2:]) || last != "" {
		t.Errorf("second page: %v next %q, want %v and no cursor", ids, last, newest[2:])
	}
	if ids, next := listedIDs(t, e.run("policy", "list", "--all", "--limit", "1", "--json")); !slices.Equal(ids, newest) || next != "" {
		t.Errorf("--all: %v next %q, want %v", ids, next, newest)
	}

	table := e.run("policy", "list", "--limit", "2")
	if table.code != ExitOK || !strings.HasPrefix(table.out, "NUMBER") {
		t.Fatalf("table: exit %d: %s%s", table.code, table.out, table.err)
	}
	lines := strings.Split(strings.TrimSpace(table.out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], numbers[0]) || !strings.HasPrefix(lines[2], numbers[1]) ||
		!strings.Contains(lines[1], "issued") || !strings.Contains(lines[1], "comfort") || !strings.Contains(lines[1], newest[0]) {
		t.Errorf("table:\n%s", table.out)
	}
	if !strings.Contains(table.err, "--cursor "+next) {
		t.Errorf("stderr does not say how to go on: %q", table.err)
	}
	if all := e.run("policy", "list", "--all"); strings.Contains(all.out, theirs) || strings.Count(all.out, "AXA-TRV-") != 3 || all.err != "" {
		t.Errorf("--all as a table: %s, err %q", all.out, all.err)
	}

	empty := run(t, e.factory(otherClient, otherSecret), "policy", "list", "--cursor", next)
	if empty.code != ExitOK || !strings.Contains(empty.out, "No policies.") {
		t.Errorf("the other client past its policy: exit %d %q %q", empty.code, empty.out, empty.err)
	}
	bad := e.run("policy", "list", "--cursor", "not-a-cursor")
	if bad.code != ExitError || !strings.Contains(bad.err, "invalid_cursor") {
		t.Errorf("a bad cursor: exit %d, err %q; want 1 and the API's 400 invalid_cursor", bad.code, bad.err)
	}
}

// `axa policy certificate` writes the PDF atomically with mode 0600 over
// an older file; without --output it writes to a standard output that is
// not a terminal and refuses one that is; another client's policy is the
// API's 404.
func TestPolicyCertificate(t *testing.T) {
	e := newPolicyEnv(t)
	id, number := e.issue(sandbox.DefaultClientID, sandbox.DefaultClientSecret, "booking-1")
	out := filepath.Join(e.dir, "certificate.pdf")
	if err := os.WriteFile(out, []byte("an older file"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := e.run("policy", "certificate", id, "--output", out)
	if r.code != ExitOK || r.out != "" || !strings.Contains(r.err, "wrote "+out) {
		t.Fatalf("certificate --output: exit %d, out %q, err %q", r.code, r.out, r.err)
	}
	fi, err := os.Stat(out)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the certificate file: %v, %v; want mode 0600", fi, err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(testutil.ReadPDF(t, b).Text), " ")
	for _, want := range []string{number, "Camille Martin", "Léo Martin"} {
		if !strings.Contains(text, want) {
			t.Errorf("the certificate's text lacks %q:\n%s", want, text)
		}
	}
	if entries, _ := os.ReadDir(e.dir); len(entries) != 2 { // holder.json and the certificate
		t.Errorf("the directory holds %d entries: a temporary file was left", len(entries))
	}

	f := e.factory(sandbox.DefaultClientID, sandbox.DefaultClientSecret)
	f.OutIsTerminal = func() bool { return false }
	piped := run(t, f, "policy", "certificate", id)
	if piped.code != ExitOK || piped.out != string(b) {
		t.Errorf("certificate to a pipe: exit %d, %d bytes, err %q; want the PDF", piped.code, len(piped.out), piped.err)
	}
	f = e.factory(sandbox.DefaultClientID, sandbox.DefaultClientSecret)
	f.OutIsTerminal = func() bool { return true }
	tty := run(t, f, "policy", "certificate", id)
	if tty.code != ExitUsage || tty.out != "" || !strings.Contains(tty.err, "--output") {
		t.Errorf("certificate to a terminal: exit %d, out %d bytes, err %q; want 2 and nothing written", tty.code, len(tty.out), tty.err)
	}

	theirs := run(t, e.factory(otherClient, otherSecret), "policy", "certificate", id, "--output", filepath.Join(e.dir, "theirs.pdf"))
	if theirs.code != ExitError || !strings.Contains(theirs.err, "404") {
		t.Errorf("another client's certificate: exit %d, err %q; want 1 and 404", theirs.code, theirs.err)
	}
	if _, err := os.Stat(filepath.Join(e.dir, "theirs.pdf")); !os.IsNotExist(err) {
		t.Errorf("a refused download left a file: %v", err)
	}
}

func TestPolicyLifeUsageErrorsExitTwo(t *testing.T) {
	const id = "9d5b2c1e-4f3a-4b6d-8e7f-0a1b2c3d4e5f"
	for _, args := range [][]string{
		{"policy", "cancel", "not-a-uuid"},
		{"policy", "cancel"},
		{"policy", "cancel", id, "--idempotency-key", ""},
		{"policy", "list", "--limit", "0"},
		{"policy", "list", "--limit", "101"},
		{"policy", "list", "--all", "--cursor", "abc"},
		{"policy", "list", "--cursor", ""},
		{"policy", "certificate", "not-a-uuid", "--output", "x.pdf"},
		{"policy", "certificate", id, "--output", ""},
		{"policy", "certificate", id, "--output", "/nonexistent-dir/x.pdf"},
		{"policy", "certificate", id, "--output", os.TempDir()},
	} {
		r := run(t, nil, args...)
		if r.code != ExitUsage {
			t.Errorf("axa %s: exit %d, want 2 (err %q)", strings.Join(args, " "), r.code, r.err)
		}
		if strings.Contains(r.err, "embedded sandbox") {
			t.Errorf("axa %s: a usage error started the sandbox: %q", strings.Join(args, " "), r.err)
		}
	}
}

// A policy number (AXA-TRV-..., as axa policy list shows it first) is
// taken where a policy id is, found among the caller's policies; what is
// neither is said so.
func TestPolicyNumberIsTakenWhereAnIDIs(t *testing.T) {
	e := newPolicyEnv(t)
	id, number := e.issue(sandbox.DefaultClientID, sandbox.DefaultClientSecret, "booking-number")
	for _, arg := range []string{number, strings.ToLower(number)} {
		r := e.run("policy", "get", arg, "--json")
		if r.code != ExitOK || !strings.Contains(r.out, `"id": "`+id+`"`) {
			t.Errorf("policy get %s: exit %d, out %.200q, err %q", arg, r.code, r.out, r.err)
		}
	}
	pdf := filepath.Join(e.dir, "certificate.pdf")
	if r := e.run("policy", "certificate", number, "--output", pdf); r.code != ExitOK {
		t.Errorf("policy certificate %s: exit %d, err %q", number, r.code, r.err)
	}
	r := e.run("policy", "get", "AXA-TRV-9999999999")
	want := "axa: no policy AXA-TRV-9999999999 among yours (a policy belongs to whoever issued it: this command acts as client sandbox-client, " +
		"and a policy issued by a user logged in with axa login is that user's)\n"
	if r.code != ExitError || r.err != want {
		t.Errorf("an unknown number: exit %d, err\n  %q\nwant exit 1 and\n  %q", r.code, r.err, want)
	}
	r = e.run("policy", "cancel", "AXA-9")
	want = `axa: "AXA-9" is neither a policy id (a UUID such as 9d5b2c1e-4f3a-4b6d-8e7f-0a1b2c3d4e5f) nor a policy number (AXA-TRV- and ten digits); axa policy list shows both (see --help)` + "\n"
	if r.code != ExitUsage || r.err != want {
		t.Errorf("neither: exit %d, err\n  %q\nwant exit 2 and\n  %q", r.code, r.err, want)
	}
}

// A policy is seen only by whoever issued it: a 404 says so, and as whom
// the command acts.
func TestPolicyOfAnotherOwnerSaysWhoseItIs(t *testing.T) {
	e := newPolicyEnv(t)
	id, _ := e.issue(sandbox.DefaultClientID, sandbox.DefaultClientSecret, "booking-owner")
	r := run(t, e.factory(otherClient, otherSecret), "policy", "get", id)
	want := ": a policy belongs to whoever issued it: this command acts as client other-client, and a policy issued by a user logged in with axa login is that user's; axa policy list shows yours"
	if l := lastLine(r.err); r.code != ExitError || !strings.Contains(l, "404 Not Found") || !strings.HasSuffix(l, want) {
		t.Errorf("exit %d, err %q; want exit 1, the 404 and %q", r.code, r.err, want)
	}
	f := &Factory{}
	f.actingAs.client, f.actingAs.user, f.actingAs.session = "sandbox-client", "sandbox-user", true
	if got, want := f.ownerHint(), "a policy belongs to whoever issued it: this command acts as sandbox-user, logged in with axa login, "+
		"and a policy issued before the login is the client's (axa logout to act as the client)"; got != want {
		t.Errorf("ownerHint with a session:\n  %q\nwant\n  %q", got, want)
	}
}
