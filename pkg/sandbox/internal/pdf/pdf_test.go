package pdf

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/internal/testutil"
)

// checkXref checks the file's structure without a reader: the
// cross-reference table that startxref points to gives, for every object,
// the offset where "N 0 obj" starts, and the trailer's Size counts them.
func checkXref(t *testing.T, b []byte) {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("%PDF-1.4\n")) || !bytes.HasSuffix(b, []byte("%%EOF\n")) {
		t.Fatalf("not a PDF 1.4 file: %q...%q", b[:min(20, len(b))], b[max(0, len(b)-20):])
	}
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(b)
	if m == nil {
		t.Fatal("no startxref")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(b[xref:], []byte("xref\n0 ")) {
		t.Fatalf("startxref %d points at %q", xref, b[xref:min(len(b), xref+10)])
	}
	var count int
	rest := b[xref+len("xref\n"):]
	if _, err := fmt.Sscanf(string(rest), "0 %d\n", &count); err != nil {
		t.Fatal(err)
	}
	rest = rest[bytes.IndexByte(rest, '\n')+1:]
	for i := range count {
		entry := string(rest[i*20 : (i+1)*20])
		if i == 0 {
			if entry != "0000000000 65535 f \n" {
				t.Errorf("entry 0 = %q", entry)
			}
			continue
		}
		off, err := strconv.Atoi(entry[:10])
		if err != nil || entry[10:] != " 00000 n \n" {
			t.Fatalf("entry %d = %q", i, entry)
		}
		if want := fmt.Sprintf("%d 0 obj\n", i); !bytes.HasPrefix(b[off:], []byte(want)) {
			t.Errorf("entry %d: offset %d holds %q, want %q", i, off, b[off:min(len(b), off+12)], want)
		}
	}
	if !bytes.Contains(rest[count*20:], fmt.Appendf(nil, "/Size %d ", count)) {
		t.Errorf("trailer's Size is not %d: %q", count, rest[count*20:])
	}
	// The content stream's Length is its length.
	sm := regexp.MustCompile(`(?s)<< /Length (\d+) >>\nstream\n(.*?)endstream`).FindSubmatch(b)
	if sm == nil {
		t.Fatal("no content stream")
	}
	if n, _ := strconv.Atoi(string(sm[1])); n != len(sm[2]) {
		t.Errorf("stream Length %d, holds %d bytes", n, len(sm[2]))
	}
}

func TestAPageIsAPDFAReaderOpens(t *testing.T) {
	p := NewPage()
	p.Title, p.Author, p.Subject = "Certificat de Léo", "AXA", "Test ✓"
	p.Created = time.Date(2026, 11, 25, 10, 5, 0, 0, time.UTC)
	p.Line(HelveticaBold, 18, 0, "Héllo (world) \\ 100 €")
	p.Rule()
	p.Field(10, 120, "Traveller", "Léo Martin, Châtillon — “quoted”")
	p.Line(Helvetica, 10, 20, "Zoë ½ ✓ 日本")
	b := p.Bytes()
	checkXref(t, b)
	if bytes.ContainsFunc(b[15:], func(r rune) bool { return r > 0x7e }) {
		t.Error("the file has non-ASCII bytes after its binary marker comment: the text must be escaped")
	}

	doc := testutil.ReadPDF(t, b)
	for _, want := range []string{"Héllo (world) \\ 100 €", "Traveller", "Léo Martin, Châtillon — “quoted”", "Zoë ½ ? ??"} {
		if !strings.Contains(doc.Text, want) {
			t.Errorf("the text lacks %q:\n%s", want, doc.Text)
		}
	}
	for k, want := range map[string]string{"Pages": "1", "Title": "Certificat de Léo", "Author": "AXA", "Subject": "Test ✓", "PDF version": "1.4", "Page size": "595.28 x 841.89 pts (A4)"} {
		if doc.Info[k] != want {
			t.Errorf("pdfinfo %s = %q, want %q", k, doc.Info[k], want)
		}
	}
}

// Text wider than the page wraps at spaces, every word kept; a page that
// runs out of room drops the rest and ends its last line with "…", and
// stays one page.
func TestLinesWrapAndAFullPageStopsWithAnEllipsis(t *testing.T) {
	p := NewPage()
	long := strings.Repeat("wrapping words ", 40) + "end"
	p.Line(Helvetica, 12, 0, long)
	word := strings.Repeat("x", 300)
	p.Field(10, 100, "Label", word)
	b := p.Bytes()
	checkXref(t, b)
	for _, l := range regexp.MustCompile(`\((.*?)\) Tj`).FindAllSubmatch(b, -1) {
		if w := textWidth(Helvetica, 12, string(l[1])); w > TextWidth+0.01 {
			t.Errorf("a line of %.1f points, wider than %.1f: %q", w, TextWidth, l[1])
		}
	}
	doc := testutil.ReadPDF(t, b)
	if got := strings.Join(strings.Fields(doc.Text), " "); !strings.Contains(got, strings.TrimSpace(long)) {
		t.Errorf("the wrapped text lost words: %q", got)
	}
	if strings.Count(strings.ReplaceAll(doc.Text, "\n", ""), "x") != 300 {
		t.Errorf("the long word was not kept whole across lines: %q", doc.Text)
	}

	full := NewPage()
	fitted := 0
	for i := range 200 {
		if !full.Line(Helvetica, 10, 0, fmt.Sprintf("line %d", i)) {
			break
		}
		fitted++
	}
	if fitted < 40 || fitted >= 200 {
		t.Fatalf("%d lines fitted on a page", fitted)
	}
	if full.Line(Helvetica, 10, 0, "more") || full.Field(10, 100, "a", "b") {
		t.Error("a full page took more text")
	}
	doc = testutil.ReadPDF(t, full.Bytes())
	if doc.Info["Pages"] != "1" {
		t.Errorf("Pages = %q", doc.Info["Pages"])
	}
	lines := strings.Split(strings.TrimSpace(strings.ReplaceAll(doc.Text, "\f", "")), "\n")
	if last := lines[len(lines)-1]; last != fmt.Sprintf("line %d…", fitted-1) {
		t.Errorf("last line %q, want line %d marked cut", last, fitted-1)
	}
}

func TestEncodeAndEscape(t *testing.T) {
	if got := string(encode("a(é)€\x01—✓")); got != "a(\xe9)\x80?\x97?" {
		t.Errorf("encode = %q", got)
	}
	if got := literal([]byte("a(b)\\c\xe9\n")); got != `a\(b\)\\c\351\012` {
		t.Errorf("literal = %q", got)
	}
	if got := textString("é😀"); got != "<FEFF00E9D83DDE00>" {
		t.Errorf("textString = %q", got)
	}
	if got := num(12.3456); got != "12.35" {
		t.Errorf("num = %q", got)
	}
}
