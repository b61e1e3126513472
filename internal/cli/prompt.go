package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"os"
	"strings"
	"time"

	"github.com/axa-assistance-go/axa/pkg/axa"
)

// maxAttempts is how many answers a prompt takes for one field before the
// command gives up: the first and two more after a reason.
const maxAttempts = 3

// maxTravellers is the most travellers the prompt asks for, as many as a
// quote may cover.
const maxTravellers = 9

// maxAnswer is the longest answer read, in bytes.
const maxAnswer = 4096

// errInputEnded is the end of the answers before the last question.
var errInputEnded = errors.New("the input ended before the policy holder and travellers were complete; nothing was sent")

// interactive reports whether the command may ask its questions: the
// Factory's Interactive when set, else whether the input (In, or the
// process's standard input) is a terminal (isTerminal).
func (f *Factory) interactive() bool {
	if f.Interactive != nil {
		return f.Interactive()
	}
	in := f.In
	if in == nil {
		in = os.Stdin
	}
	return isTerminal(in)
}

// isTerminal reports whether v is a terminal: an *os.File that is a
// character device other than the null device (which `< /dev/null`,
// `> /dev/null`, cron and CI give), with the standard library alone.
func isTerminal(v any) bool {
	fh, ok := v.(*os.File)
	if !ok {
		return false
	}
	st, err := fh.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(st, null)
}

// outIsTerminal reports whether the commands' output is a terminal: the
// Factory's OutIsTerminal when set, else whether Out is one.
func (f *Factory) outIsTerminal() bool {
	if f.OutIsTerminal != nil {
		return f.OutIsTerminal()
	}
	return isTerminal(f.Out)
}

// lineResult is one line read by a prompter's reader, or why none was.
type lineResult struct {
	line string
	err  error
}

// prompter asks questions on out and reads the answers from in, a line per
// answer. The lines are read on a goroutine, one when asked for, so that
// the command's context (an interrupt) ends a wait for the user's answer.
type prompter struct {
	ctx  context.Context
	out  io.Writer
	want chan struct{}
	got  chan lineResult
}

// newPrompter starts the reader of in; close ends it.
func newPrompter(ctx context.Context, in io.Reader, out io.Writer) *prompter {
	p := &prompter{ctx: ctx, out: out, want: make(chan struct{}), got: make(chan lineResult, 1)}
	r := bufio.NewReaderSize(in, maxAnswer)
	go func() {
		for range p.want {
			s, more, err := r.ReadLine()
			if more {
				// Not a user's answer (a file, /dev/zero): stop there
				// rather than hold all of it.
				err = usagef("an answer longer than %d bytes", maxAnswer)
			}
			p.got <- lineResult{strings.TrimSpace(string(s)), err}
		}
	}()
	return p
}

// close lets the reader goroutine end after the line it may be reading.
func (p *prompter) close() { close(p.want) }

// line reads the next answer.
func (p *prompter) line() (string, error) {
	select {
	case p.want <- struct{}{}:
	case <-p.ctx.Done():
		return "", fmt.Errorf("policy create: stopped while asking; nothing was sent: %w", p.ctx.Err())
	}
	select {
	case r := <-p.got:
		if errors.Is(r.err, io.EOF) {
			return "", &usageError{err: errInputEnded}
		}
		if r.err != nil {
			if ExitCode(r.err) == ExitUsage {
				return "", r.err
			}
			return "", fmt.Errorf("policy create: reading the answers: %w", r.err)
		}
		return r.line, nil
	case <-p.ctx.Done():
		return "", fmt.Errorf("policy create: stopped while asking; nothing was sent: %w", p.ctx.Err())
	}
}

// ask asks for one field until check accepts the answer, saying why it
// did not in one line, at most maxAttempts times.
func (p *prompter) ask(question string, check func(string) error) (string, error) {
	var last error
	for range maxAttempts {
		fmt.Fprintf(p.out, "%s: ", question)
		s, err := p.line()
		if err != nil {
			return "", err
		}
		if last = check(s); last == nil {
			return s, nil
		}
		fmt.Fprintf(p.out, "  %s\n", last)
	}
	return "", usagef("%s: %w (%d answers refused; nothing was sent)", strings.ToLower(question[:1])+question[1:], last, maxAttempts)
}

// required refuses an empty answer.
func required(s string) error {
	if s == "" {
		return errors.New("required")
	}
	return nil
}

// optional takes any answer.
func optional(string) error { return nil }

// checkDate wants a date like 1985-04-12.
func checkDate(s string) error {
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return fmt.Errorf("%q: want a date like 1985-04-12", s)
	}
	return nil
}

// checkEmail wants one plain e-mail address, as net/mail reads it.
func checkEmail(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return fmt.Errorf("%q: want an e-mail address like camille.martin@example.com", s)
	}
	return nil
}

// checkCountry wants a two-letter country code.
func checkCountry(s string) error {
	c := strings.ToLower(s)
	if len(c) != 2 || c[0] < 'a' || c[0] > 'z' || c[1] < 'a' || c[1] > 'z' {
		return fmt.Errorf("%q: want a two-letter country code like fr", s)
	}
	return nil
}

// checkYesNo wants y, yes, n or no (any case), or nothing for yes.
func checkYesNo(s string) error {
	switch strings.ToLower(s) {
	case "", "y", "yes", "n", "no":
		return nil
	}
	return fmt.Errorf("%q: want y or n", s)
}

// person asks for a person's first name, last name and birth date; with
// optionalFirst, an empty first name answers nil: no more persons.
func (p *prompter) person(who string, optionalFirst bool) (*axa.Person, error) {
	first := required
	question := who + " first name"
	if optionalFirst {
		first = optional
		question += " (empty to finish)"
	}
	fn, err := p.ask(question, first)
	if err != nil || fn == "" {
		return nil, err
	}
	ln, err := p.ask(who+" last name", required)
	if err != nil {
		return nil, err
	}
	bd, err := p.ask(who+" birth date (YYYY-MM-DD)", checkDate)
	if err != nil {
		return nil, err
	}
	t, _ := time.Parse(time.DateOnly, bd) // checked
	return &axa.Person{FirstName: fn, LastName: ln, BirthDate: axa.Date{Time: t}}, nil
}

// promptPolicy asks for the policy holder and the travellers, on out,
// reading the answers from in, and returns the request they make (without
// its quote id).
func promptPolicy(ctx context.Context, in io.Reader, out io.Writer) (axa.PolicyRequest, error) {
	p := newPrompter(ctx, in, out)
	defer p.close()
	var req axa.PolicyRequest
	fmt.Fprintln(out, "The policy holder:")
	holder, err := p.person("Holder's", false)
	if err != nil {
		return req, err
	}
	h := &req.PolicyHolder
	h.Person = *holder
	fields := []struct {
		question string
		check    func(string) error
		to       func(string)
	}{
		{"Holder's e-mail", checkEmail, func(s string) { h.Email = axa.Email(s) }},
		{"Street address", required, func(s string) { h.Address.StreetAddress = s }},
		{"Postal code", required, func(s string) { h.Address.PostalCode = s }},
		{"Locality", required, func(s string) { h.Address.Locality = s }},
		{"Country (2-letter code, e.g. fr)", checkCountry, func(s string) { h.Address.Country = countryID(s) }},
	}
	for _, fl := range fields {
		s, err := p.ask(fl.question, fl.check)
		if err != nil {
			return req, err
		}
		fl.to(s)
	}
	fmt.Fprintln(out, "The travellers:")
	same, err := p.ask("Traveller 1 — same as the holder? [Y/n]", checkYesNo)
	if err != nil {
		return req, err
	}
	if s := strings.ToLower(same); s == "n" || s == "no" {
		t, err := p.person("Traveller 1", false)
		if err != nil {
			return req, err
		}
		req.Travellers = append(req.Travellers, *t)
	} else {
		req.Travellers = append(req.Travellers, *holder)
	}
	for n := 2; n <= maxTravellers; n++ {
		t, err := p.person(fmt.Sprintf("Traveller %d", n), true)
		if err != nil {
			return req, err
		}
		if t == nil {
			break
		}
		req.Travellers = append(req.Travellers, *t)
	}
	return req, nil
}
