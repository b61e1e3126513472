package cli

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/internal/testutil"
	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// countPolicies is a transport that counts the policies asked for.
type countPolicies struct{ n *atomic.Int32 }

func (c countPolicies) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/policies") {
		c.n.Add(1)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// promptSandbox starts a sandbox, makes a quote for one traveller born
// 1985-04-12 in it, and returns the quote's id and a maker of Factories
// that ask on a "terminal" reading answers, counting the policies asked
// for in posted.
func promptSandbox(t *testing.T, posted *atomic.Int32) (quoteID string, newF func(answers string) *Factory) {
	t.Helper()
	sb, err := sandbox.New()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	env := map[string]string{"AXA_BASE_URL": srv.URL(), "AXA_CLIENT_ID": sandbox.DefaultClientID, "AXA_CLIENT_SECRET": sandbox.DefaultClientSecret}
	newF = func(answers string) *Factory {
		return &Factory{
			Getenv:        func(k string) string { return env[k] },
			In:            strings.NewReader(answers),
			Interactive:   func() bool { return true },
			ClientOptions: []axa.Option{axa.WithTransport(countPolicies{posted})},
		}
	}
	start := time.Now().AddDate(0, 0, 30).Format(time.DateOnly)
	end := time.Now().AddDate(0, 0, 44).Format(time.DateOnly)
	r := run(t, newF(""), "quote", "--json", "--from", "fr", "--to", "jp", "--start", start, "--end", end, "--traveller", "1985-04-12")
	if r.code != ExitOK {
		t.Fatalf("quote: exit %d: %s", r.code, r.err)
	}
	var q struct{ ID string }
	if err := json.Unmarshal([]byte(r.out), &q); err != nil {
		t.Fatal(err)
	}
	return q.ID, newF
}

// The holder's answers, a line each, up to the travellers.
const holderAnswers = "Camille\nMartin\n1985-04-12\ncamille.martin@example.com\n6 rue André Gide\n92320\nChâtillon\nFR\n"

func TestPolicyCreateAsksOnATerminal(t *testing.T) {
	var posted atomic.Int32
	quote, newF := promptSandbox(t, &posted)
	// Traveller 1 is the holder (the default), then an empty first name
	// ends the list.
	r := run(t, newF(holderAnswers+"\n\n"), "policy", "create", "--json", "--quote", quote)
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var p axa.Policy
	if err := json.Unmarshal([]byte(r.out), &p); err != nil {
		t.Fatal(err)
	}
	h := p.PolicyHolder
	if !strings.HasPrefix(p.PolicyNumber, "AXA-TRV-") || h.Person.FirstName != "Camille" || h.Email != "camille.martin@example.com" ||
		h.Address.Locality != "Châtillon" || h.Address.Country != "fr" ||
		len(p.Travellers) != 1 || p.Travellers[0].LastName != "Martin" {
		t.Errorf("policy %+v", p)
	}
	for _, want := range []string{"Holder's first name: ", "Country (2-letter code, e.g. fr): ", "Traveller 1 — same as the holder? [Y/n]: ", "Traveller 2 first name (empty to finish): "} {
		if !strings.Contains(r.err, want) {
			t.Errorf("stderr lacks the question %q:\n%s", want, r.err)
		}
	}
	if strings.Contains(r.out, "first name") {
		t.Errorf("a question went to stdout: %q", r.out)
	}
	if posted.Load() != 1 {
		t.Errorf("%d policy requests, want 1", posted.Load())
	}
}

func TestPolicyCreateAnswersEndingMidwayExitTwoAndSendNothing(t *testing.T) {
	var posted atomic.Int32
	quote, newF := promptSandbox(t, &posted)
	for _, answers := range []string{"", "Camille\nMartin\n", holderAnswers, holderAnswers + "n\nAlex\n"} {
		r := run(t, newF(answers), "policy", "create", "--quote", quote)
		if r.code != ExitUsage || !strings.Contains(r.err, "the input ended") || !strings.Contains(r.err, "nothing was sent") {
			t.Errorf("answers %q: exit %d, err %q; want 2 and the input ended", answers, r.code, r.err)
		}
	}
	if posted.Load() != 0 {
		t.Errorf("%d policy requests, want none", posted.Load())
	}
}

func TestPolicyCreateWithoutFileOffATerminalIsAUsageError(t *testing.T) {
	for _, f := range []*Factory{
		{Interactive: func() bool { return false }, In: strings.NewReader(holderAnswers + "\n\n")},
		{In: strings.NewReader(holderAnswers + "\n\n")}, // not an *os.File: not a terminal
	} {
		r := run(t, f, "policy", "create", "--quote", "0c6f2a3b-1d4e-4f5a-8b9c-7d6e5f4a3b2c")
		if r.code != ExitUsage || !strings.Contains(r.err, "--file") || !strings.Contains(r.err, "--template") {
			t.Errorf("exit %d, err %q; want 2 naming --file and --template", r.code, r.err)
		}
		if strings.Contains(r.err, "first name") {
			t.Errorf("asked off a terminal: %q", r.err)
		}
	}
}

// A wrong quote id is said before any question.
func TestPolicyCreateChecksTheQuoteBeforeAsking(t *testing.T) {
	f := &Factory{Interactive: func() bool { return true }, In: strings.NewReader(holderAnswers + "\n\n")}
	r := run(t, f, "policy", "create", "--quote", "nope")
	if r.code != ExitUsage || strings.Contains(r.err, "first name") {
		t.Errorf("exit %d, err %q; want 2 and no question", r.code, r.err)
	}
}

func TestPromptReasksABadAnswer(t *testing.T) {
	answers := "Camille\n\nMartin\n1985-13-40\n12/04/1985\n1985-04-12\n" +
		"Camille <camille@example.com>\ncamille.martin@example.com\n6 rue André Gide\n92320\nChâtillon\nfra\nfr\n" +
		"maybe\nn\nAlex\nMartin\n1986-02-03\nSacha\nMartin\n2015-06-07\n\n"
	var out testutil.Buffer
	req, err := promptPolicy(t.Context(), strings.NewReader(answers), &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{
		"Holder's last name:   required\n",
		`"1985-13-40": want a date like 1985-04-12`,
		`"12/04/1985": want a date like 1985-04-12`,
		`"Camille <camille@example.com>": want an e-mail address`,
		`"fra": want a two-letter country code`,
		`"maybe": want y or n`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("questions lack %q:\n%s", want, out.String())
		}
	}
	h := req.PolicyHolder
	if h.Person.BirthDate.Format(time.DateOnly) != "1985-04-12" || h.Email != "camille.martin@example.com" || h.Address.Country != "fr" {
		t.Errorf("holder %+v", h)
	}
	if len(req.Travellers) != 2 || req.Travellers[0].FirstName != "Alex" || req.Travellers[1].BirthDate.Format(time.DateOnly) != "2015-06-07" {
		t.Errorf("travellers %+v", req.Travellers)
	}
}

func TestPromptGivesUpAfterThreeBadAnswers(t *testing.T) {
	var out testutil.Buffer
	_, err := promptPolicy(t.Context(), strings.NewReader("Camille\nMartin\nx\ny\nz\n1985-04-12\n"), &out)
	if ExitCode(err) != ExitUsage || !strings.Contains(err.Error(), "birth date") || !strings.Contains(err.Error(), `"z"`) {
		t.Errorf("err %v; want a usage error on the birth date", err)
	}
	if n := strings.Count(out.String(), "birth date (YYYY-MM-DD): "); n != maxAttempts {
		t.Errorf("asked %d times, want %d", n, maxAttempts)
	}
}

// At most nine travellers: the ninth is the last asked for.
func TestPromptStopsAtNineTravellers(t *testing.T) {
	answers := holderAnswers + "\n" + strings.Repeat("Alex\nMartin\n2000-01-01\n", 8) + "Extra\n"
	var out testutil.Buffer
	req, err := promptPolicy(t.Context(), strings.NewReader(answers), &out)
	if err != nil || len(req.Travellers) != maxTravellers || strings.Contains(out.String(), "Traveller 10") {
		t.Errorf("err %v, %d travellers:\n%s", err, len(req.Travellers), out.String())
	}
}

// An answer that is not a line (/dev/zero) ends the questions.
func TestPromptRefusesAHugeAnswer(t *testing.T) {
	var out testutil.Buffer
	_, err := promptPolicy(t.Context(), strings.NewReader(strings.Repeat("x", 10*maxAnswer)), &out)
	if ExitCode(err) != ExitUsage || !strings.Contains(err.Error(), "longer than") {
		t.Errorf("err %v", err)
	}
}

// An interrupt ends a wait for an answer that does not come.
func TestPromptStopsOnCancel(t *testing.T) {
	pr, pw := io.Pipe()
	t.Cleanup(func() { _ = pw.Close() })
	ctx, cancel := context.WithCancel(t.Context())
	var out testutil.Buffer
	done := make(chan error, 1)
	go func() {
		_, err := promptPolicy(ctx, pr, &out)
		done <- err
	}()
	if _, err := io.WriteString(pw, "Camille\n"); err != nil { // read once the first question is asked
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err == nil || !strings.Contains(err.Error(), "nothing was sent") {
		t.Errorf("err %v", err)
	}
}
