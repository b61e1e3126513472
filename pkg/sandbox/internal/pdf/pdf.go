// Package pdf writes one-page PDF 1.4 documents of text and rules in the
// standard Helvetica fonts: what the sandbox needs to serve a policy's
// certificate as a real PDF, with no dependency. The fonts are two of the
// standard 14 (PDF 1.4 section 5.5.1), which every reader has, so nothing
// is embedded; the text is encoded in WinAnsiEncoding (Latin-1 and the
// typographic signs of Windows-1252), a rune outside it written as "?".
//
// A Page lays lines out from the top down, each wrapped to the text width
// (Helvetica's own widths); a line that would go below the bottom margin is
// dropped, and the last line kept ends with "…", so a page never overflows
// whatever the input's size.
package pdf

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// A4 in points (1/72 inch), and the page's margin.
const (
	A4Width  = 595.28
	A4Height = 841.89
	margin   = 56.0 // about 2 cm
)

// Font is one of the standard fonts a Page writes with.
type Font int

// The fonts: Helvetica and Helvetica-Bold.
const (
	Helvetica Font = iota
	HelveticaBold
)

// resource is the font's name in the page's resources.
func (f Font) resource() string {
	if f == HelveticaBold {
		return "F2"
	}
	return "F1"
}

// Page is a page of text being laid out, top down, on A4.
type Page struct {
	// Title, Author and Subject go to the document information dictionary;
	// Created is its CreationDate (the zero time: none).
	Title, Author, Subject string
	Created                time.Time

	content bytes.Buffer // the content stream's operators
	y       float64      // the baseline of the next line
	full    bool         // a line was dropped: the page is full
	last    lastLine     // the last line written, to mark the page full
}

// lastLine is where the last piece of text was written, to rewrite it
// with "…" when the page is full.
type lastLine struct {
	written bool
	at      int // its offset in content
	cell
	size, y float64
}

// NewPage returns an empty A4 page.
func NewPage() *Page { return &Page{y: A4Height - margin} }

// TextWidth is the width of the text area: the page less its margins.
const TextWidth = A4Width - 2*margin

// Line writes s in font at size, from the left margin plus indent, and
// moves down by the leading (1.4 times the size); s is wrapped at spaces
// (or anywhere in a word wider than the line) to the text width. It
// reports whether all of s fitted on the page.
func (p *Page) Line(font Font, size, indent float64, s string) bool {
	lines := wrap(font, size, TextWidth-indent, collapse(s))
	for _, l := range lines {
		if !p.row(size, cell{font: font, x: margin + indent, width: TextWidth - indent, text: l}) {
			return false
		}
	}
	return true
}

// Field writes a label in bold at the left margin and its value from
// column (points from the margin) on, each wrapped to its own width, and
// moves down below both. It reports whether all of them fitted.
func (p *Page) Field(size, column float64, label, value string) bool {
	const gap = 8
	labels := wrap(HelveticaBold, size, column-gap, collapse(label))
	values := wrap(Helvetica, size, TextWidth-column, collapse(value))
	for i := range max(len(labels), len(values)) {
		l, v := "", ""
		if i < len(labels) {
			l = labels[i]
		}
		if i < len(values) {
			v = values[i]
		}
		if !p.row(size,
			cell{font: HelveticaBold, x: margin, width: column - gap, text: l},
			cell{font: Helvetica, x: margin + column, width: TextWidth - column, text: v}) {
			return false
		}
	}
	return true
}

// Space moves down by points.
func (p *Page) Space(points float64) { p.y -= points }

// Rule draws a horizontal line across the text width, at the current
// position, then moves down a little.
func (p *Page) Rule() {
	if p.full || p.y < margin {
		return
	}
	fmt.Fprintf(&p.content, "0.5 w %s %s m %s %s l S\n", num(margin), num(p.y), num(A4Width-margin), num(p.y))
	p.y -= 12
}

// cell is a piece of text of a row: its font, where it starts and how wide
// it may be.
type cell struct {
	font     Font
	x, width float64
	text     string
}

// row writes cells on one baseline and moves down by the leading, unless
// the page is full: then the last cell written ends with "…" and it
// reports false.
func (p *Page) row(size float64, cells ...cell) bool {
	if p.full {
		return false
	}
	if p.y-size < margin {
		p.full = true
		if l := p.last; l.written {
			p.content.Truncate(l.at)
			p.text(l.font, l.size, l.x, l.y, ellipsize(l.font, l.size, l.width, l.text))
		}
		return false
	}
	for _, c := range cells {
		if c.text == "" {
			continue
		}
		p.last = lastLine{written: true, at: p.content.Len(), cell: c, size: size, y: p.y}
		p.text(c.font, size, c.x, p.y, c.text)
	}
	p.y -= size * 1.4
	return true
}

// collapse makes s one line: its runs of white space (line breaks
// included) one space.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// text writes the operators that show text at (x, y).
func (p *Page) text(font Font, size, x, y float64, s string) {
	fmt.Fprintf(&p.content, "BT /%s %s Tf %s %s Td (%s) Tj ET\n", font.resource(), num(size), num(x), num(y), literal(encode(s)))
}

// ellipsize returns s cut so that s + "…" fits in width.
func ellipsize(font Font, size, width float64, s string) string {
	r := []rune(s)
	for len(r) > 0 && textWidth(font, size, string(r)+"…") > width {
		r = r[:len(r)-1]
	}
	return strings.TrimRight(string(r), " ") + "…"
}

// wrap splits s into lines no wider than width: at spaces, and inside a
// word only when the word alone is wider.
func wrap(font Font, size, width float64, s string) []string {
	var lines []string
	line := ""
	for _, word := range strings.Split(s, " ") {
		candidate := word
		if line != "" {
			candidate = line + " " + word
		}
		if textWidth(font, size, candidate) <= width {
			line = candidate
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		for textWidth(font, size, word) > width {
			cut := 1
			for cut < utf8.RuneCountInString(word) && textWidth(font, size, string([]rune(word)[:cut+1])) <= width {
				cut++
			}
			lines = append(lines, string([]rune(word)[:cut]))
			word = string([]rune(word)[cut:])
		}
		line = word
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// textWidth is the width of s in font at size, in points.
func textWidth(font Font, size float64, s string) float64 {
	units := 0
	for _, r := range s {
		units += glyphWidth(font, r)
	}
	return float64(units) * size / 1000
}

// glyphWidth is the width of r in thousandths of the font size:
// Helvetica's metrics (its AFM) for ASCII, and a wide enough estimate for
// the rest; Helvetica-Bold is taken as a tenth wider, which is never
// narrower than its own metrics by more than a few units.
func glyphWidth(font Font, r rune) int {
	w := 667
	if r >= 0x20 && r <= 0x7e {
		w = helveticaWidths[r-0x20]
	}
	if font == HelveticaBold {
		w = w * 11 / 10
	}
	return w
}

// helveticaWidths are Helvetica's widths of the characters 0x20 to 0x7E.
var helveticaWidths = [95]int{
	278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space to /
	556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0 to ?
	1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @ to O
	667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P to _
	333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // ` to o
	556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p to ~
}

// winAnsiHigh maps the runes of WinAnsiEncoding's codes 0x80 to 0x9F
// (Windows-1252's, PDF 1.4 appendix D) to their codes.
var winAnsiHigh = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88,
	'‰': 0x89, 'Š': 0x8a, '‹': 0x8b, 'Œ': 0x8c, 'Ž': 0x8e, '‘': 0x91, '’': 0x92, '“': 0x93,
	'”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99, 'š': 0x9a, '›': 0x9b,
	'œ': 0x9c, 'ž': 0x9e, 'Ÿ': 0x9f,
}

// encode returns s in WinAnsiEncoding; a rune it has no code for (or a
// control character) is "?".
func encode(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r >= 0x20 && r <= 0x7e, r >= 0xa0 && r <= 0xff:
			out = append(out, byte(r)) //nolint:gosec // r is at most 0xff here
		case winAnsiHigh[r] != 0:
			out = append(out, winAnsiHigh[r])
		default:
			out = append(out, '?')
		}
	}
	return out
}

// literal escapes b for a PDF literal string (PDF 1.4 section 3.2.3):
// the backslash and parentheses escaped, and every byte outside printable
// ASCII written in octal, so that the file's text stays ASCII.
func literal(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		switch {
		case c == '\\' || c == '(' || c == ')':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case c < 0x20 || c > 0x7e:
			fmt.Fprintf(&sb, "\\%03o", c)
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String()
}

// textString encodes s as a PDF text string (PDF 1.4 section 3.8.1) for
// the information dictionary: UTF-16BE with its byte order mark, in hex.
func textString(s string) string {
	var sb strings.Builder
	sb.WriteString("<FEFF")
	for _, r := range s {
		if r > 0xffff {
			r1, r2 := surrogates(r)
			fmt.Fprintf(&sb, "%04X%04X", r1, r2)
			continue
		}
		fmt.Fprintf(&sb, "%04X", r)
	}
	sb.WriteString(">")
	return sb.String()
}

// surrogates returns the UTF-16 surrogate pair of r, above U+FFFF.
func surrogates(r rune) (rune, rune) {
	r -= 0x10000
	return 0xd800 + (r>>10)&0x3ff, 0xdc00 + r&0x3ff
}

// num formats a coordinate or a size: at most two decimals, no exponent.
func num(f float64) string {
	return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
}

// Bytes returns the PDF: the catalog, the page tree, the page, its
// content stream, the two fonts and the information dictionary, then the
// cross-reference table with each object's byte offset, and the trailer.
func (p *Page) Bytes() []byte {
	var info strings.Builder
	info.WriteString("<< /Producer " + textString("AXA Assistance sandbox"))
	for _, kv := range [][2]string{{"Title", p.Title}, {"Author", p.Author}, {"Subject", p.Subject}} {
		if kv[1] != "" {
			info.WriteString(" /" + kv[0] + " " + textString(kv[1]))
		}
	}
	if !p.Created.IsZero() {
		info.WriteString(" /CreationDate (" + date(p.Created) + ")")
	}
	info.WriteString(" >>")

	content := p.content.Bytes()
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] /Resources << /Font << /F1 5 0 R /F2 6 0 R >> /ProcSet [/PDF /Text] >> /Contents 4 0 R >>",
			num(A4Width), num(A4Height)),
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", len(content), content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
		info.String(),
	}
	var b bytes.Buffer
	// The comment's bytes above 127 tell transfer programs the file is binary.
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	// Each entry is exactly 20 bytes: the offset, the generation, the
	// kind and a two-byte end of line (PDF 1.4 section 3.4.3).
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, len(objects), xref)
	return b.Bytes()
}

// date formats t as a PDF date (PDF 1.4 section 3.8.2), in UTC.
func date(t time.Time) string {
	return "D:" + t.UTC().Format("20060102150405") + "Z"
}
