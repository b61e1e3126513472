package conformance

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/axa-assistance-go/axa/internal/termtext"
)

// The report's three forms: a table for a terminal, JSON for programs,
// JUnit XML for CI systems. A report carries what a server sent (Got,
// Message, and whatever the run quotes of it elsewhere), so the table and
// the XML print every string through internal/termtext, the module's one
// sanitizer, and the JSON escapes what a terminal would act on.

// maxCell bounds, in runes, one string of the table (an answer quoted in
// Got can be a whole body); the JSON and the XML keep it as the run
// reported it (each string at most 8 KiB).
const maxCell = 300

// Counts returns how many operations and checks the report has, and how
// many checks passed, failed and were skipped.
func (r *Report) Counts() (operations, checks, passed, failed, skipped int) {
	for _, op := range r.Operations {
		for _, c := range op.Checks {
			checks++
			switch c.Outcome {
			case Pass:
				passed++
			case Fail:
				failed++
			case Skip:
				skipped++
			}
		}
	}
	return len(r.Operations), checks, passed, failed, skipped
}

// Summary returns the report's last line: "N operations, N checks: N
// passed, N failed, N skipped".
func (r *Report) Summary() string {
	ops, checks, passed, failed, skipped := r.Counts()
	return fmt.Sprintf("%d operations, %d checks: %d passed, %d failed, %d skipped", ops, checks, passed, failed, skipped)
}

// WriteTable writes the report for a person at a terminal: a header naming
// the server and the spec's version, then each operation (its operationId,
// method and path) with one line per check (outcome, name, HTTP status),
// a failure followed by where the answer breaks the spec, what the spec
// expects there and what came, and a failure's or a skip's message; last,
// the summary line. Every string is sanitized (no terminal controls, one
// line each) and cut at 300 characters.
func (r *Report) WriteTable(w io.Writer) error {
	width := 0
	for _, op := range r.Operations {
		for _, c := range op.Checks {
			width = max(width, utf8.RuneCountInString(cell(c.Name)))
		}
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "Conformance of %s to the AXA Assistance API spec %s\n", cell(r.BaseURL), cell(r.SpecVersion))
	for _, op := range r.Operations {
		fmt.Fprintf(bw, "\n%s  %s %s\n", cell(op.ID), cell(op.Method), cell(op.Path))
		for _, c := range op.Checks {
			status := "-"
			if c.Status != 0 {
				status = fmt.Sprint(c.Status)
			}
			name := cell(c.Name)
			pad := strings.Repeat(" ", width-utf8.RuneCountInString(name))
			fmt.Fprintf(bw, "  %-4s  %s%s  %s\n", outcomeLabel(c.Outcome), name, pad, status)
			if c.Outcome == Fail {
				detail(bw, "at", c.Pointer)
				detail(bw, "expected", c.Expected)
				detail(bw, "got", c.Got)
			}
			if c.Outcome != Pass {
				detail(bw, "", c.Message)
			}
		}
	}
	fmt.Fprintf(bw, "\n%s\n", r.Summary())
	return bw.Flush()
}

// detail writes one indented line under a check, when text is not empty.
func detail(w io.Writer, label, text string) {
	if text = cell(text); text == "" {
		return
	}
	if label == "" {
		fmt.Fprintf(w, "        %s\n", text)
		return
	}
	fmt.Fprintf(w, "        %-9s %s\n", label+":", text)
}

// cell returns s fit for one cell of the table: sanitized, on one line,
// at most maxCell runes.
func cell(s string) string {
	s = strings.TrimSpace(termtext.Line(s))
	if utf8.RuneCountInString(s) <= maxCell {
		return s
	}
	return string([]rune(s)[:maxCell-1]) + "…"
}

func outcomeLabel(o Outcome) string {
	switch o {
	case Pass:
		return "PASS"
	case Fail:
		return "FAIL"
	case Skip:
		return "SKIP"
	}
	return strings.ToUpper(cell(string(o)))
}

// WriteJSON writes the report as indented JSON, fields in the order of the
// types' declarations and operations and checks in the report's order, so
// that two runs with the same results write the same bytes; the lists are
// [] rather than null when empty. The strings are what the server sent,
// exactly: the characters a terminal acts on that encoding/json leaves
// raw (DEL, C1 and bidi controls) are escaped as \uXXXX, invalid UTF-8
// becomes U+FFFD.
func (r *Report) WriteJSON(w io.Writer) error {
	out := *r
	out.Operations = make([]OperationResult, len(r.Operations))
	for i, op := range r.Operations {
		out.Operations[i] = op
		if op.Checks == nil {
			out.Operations[i].Checks = []Result{}
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("conformance: encoding the report as JSON: %w", err)
	}
	_, err := w.Write(termtext.JSON(buf.Bytes()))
	return err
}

// The JUnit XML shapes: what Jenkins, GitLab, GitHub Actions' test
// reporters and most others read.
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Skipped  int          `xml:"skipped,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name       string          `xml:"name,attr"`
		Tests      int             `xml:"tests,attr"`
		Failures   int             `xml:"failures,attr"`
		Errors     int             `xml:"errors,attr"`
		Skipped    int             `xml:"skipped,attr"`
		Properties []junitProperty `xml:"properties>property,omitempty"`
		Cases      []junitCase     `xml:"testcase"`
	}
	junitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		Classname string        `xml:"classname,attr"`
		Name      string        `xml:"name,attr"`
		Failure   *junitFailure `xml:"failure,omitempty"`
		Skipped   *junitSkipped `xml:"skipped,omitempty"`
	}
	junitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
	junitSkipped struct {
		Message string `xml:"message,attr,omitempty"`
	}
)

// WriteJUnit writes the report as JUnit XML: one <testsuites> holding one
// <testsuite name="conformance"> (the server and the spec's version in its
// properties), a <testcase classname="operationId" name="check name"> per
// check, with a <failure> for a failed one (message: the check's message,
// else what was expected and what came; type: the pointer, else "fail";
// text: the status, pointer, expectation, answer and message, a line each)
// or a <skipped message="..."> for a skipped one; the counts are in the
// attributes of both elements. Every string is sanitized first (no
// terminal controls, escape sequences, bidi controls or invalid UTF-8),
// and encoding/xml escapes the markup, so the document stays well-formed
// whatever the server sent.
func (r *Report) WriteJUnit(w io.Writer) error {
	_, checks, _, failed, skipped := r.Counts()
	suite := junitSuite{
		Name: "conformance", Tests: checks, Failures: failed, Skipped: skipped,
		Properties: []junitProperty{
			{Name: "base_url", Value: termtext.Line(r.BaseURL)},
			{Name: "spec_version", Value: termtext.Line(r.SpecVersion)},
		},
		Cases: []junitCase{},
	}
	for _, op := range r.Operations {
		for _, c := range op.Checks {
			tc := junitCase{Classname: termtext.Line(op.ID), Name: termtext.Line(c.Name)}
			switch c.Outcome {
			case Fail:
				tc.Failure = failureOf(c)
			case Skip:
				tc.Skipped = &junitSkipped{Message: termtext.Line(c.Message)}
			}
			suite.Cases = append(suite.Cases, tc)
		}
	}
	doc := junitSuites{
		Name: "axa conform", Tests: checks, Failures: failed, Skipped: skipped,
		Suites: []junitSuite{suite},
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("conformance: encoding the report as JUnit XML: %w", err)
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}

// failureOf returns the <failure> of a failed check.
func failureOf(c Result) *junitFailure {
	f := &junitFailure{Message: termtext.Line(c.Message), Type: termtext.Line(c.Pointer)}
	if f.Message == "" {
		f.Message = termtext.Line(fmt.Sprintf("expected %s, got %s", orNone(c.Expected), orNone(c.Got)))
	}
	if f.Type == "" {
		f.Type = string(Fail)
	}
	var text strings.Builder
	for _, l := range []struct{ label, value string }{
		{"status", statusText(c.Status)},
		{"pointer", c.Pointer},
		{"expected", c.Expected},
		{"got", c.Got},
		{"message", c.Message},
	} {
		if l.value != "" {
			fmt.Fprintf(&text, "%s: %s\n", l.label, termtext.Line(l.value))
		}
	}
	f.Text = text.String()
	return f
}

func statusText(status int) string {
	if status == 0 {
		return ""
	}
	return fmt.Sprint(status)
}

func orNone(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}
