package cli

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// EnvColumns is the terminal's width in columns, as shells set it; it
// overrides the width the terminal reports, and is ignored when the
// output is not a terminal.
const EnvColumns = "COLUMNS"

// tableWidth is the width tables wrap to: the Factory's TermWidth when
// set; else 0 when Out is not a terminal (a pipe or a file gets one line a
// row, for scripts); else $COLUMNS when it is a positive number; else the
// width the terminal reports (terminalWidth), 0 when it reports none.
func (f *Factory) tableWidth() int {
	if f.TermWidth != nil {
		return max(f.TermWidth(), 0)
	}
	if !f.outIsTerminal() {
		return 0
	}
	if n, err := strconv.Atoi(f.env(EnvColumns, "")); err == nil && n > 0 {
		return n
	}
	return terminalWidth(f.Out)
}

const (
	// cellPadding is the space between two columns.
	cellPadding = 2
	// minWrap is the narrowest a column is wrapped to: a row that does not
	// fit the width with its columns this narrow is left as it is, for
	// the terminal to break.
	minWrap = 10
)

// tableRow is one line of a laid out table: its cells, the last one
// unpadded; cont marks the continuation of a row whose cells were
// wrapped, and of is the index of the row it comes from.
type tableRow struct {
	cells []string
	cont  bool
	of    int
}

// layout lays out text, rows of cells separated by \t each ending in \n,
// as text/tabwriter would with a padding of two spaces: a column is as
// wide as its widest cell in a block of consecutive rows that have a cell
// after it; the last cell of a row is not padded; a row with fewer cells
// ends the blocks of the columns it lacks. Widths are counted in runes.
//
// With a width (a terminal's, in columns), the long cells of a table too
// wide for it are wrapped at word boundaries, each within its column, the
// other cells of its row left blank on the lines it continues on: every
// cell is wrapped to the same limit, the largest with which each row fits
// the width, so that the widest columns give way first. A word is never
// cut: a row that cannot fit even with its columns minWrap runes wide (a
// long URL, a row of many columns) is not counted in the search; it keeps
// its cells whole where it can and the terminal breaks it.
func layout(text string, width int) string {
	var rows []tableRow
	for i, line := range strings.Split(text, "\n") {
		rows = append(rows, tableRow{cells: strings.Split(line, "\t"), of: i})
	}
	natural := render(rows)
	if width <= 0 {
		return join(natural)
	}
	narrowest := render(wrapRows(rows, minWrap))
	fits := make([]bool, len(rows)) // the rows that can fit the width
	for i := range fits {
		fits[i] = true
	}
	for _, l := range narrowest {
		if utf8.RuneCountInString(l.text) > width {
			fits[l.of] = false
		}
	}
	fit := func(lines []renderedLine) bool {
		for _, l := range lines {
			if fits[l.of] && utf8.RuneCountInString(l.text) > width {
				return false
			}
		}
		return true
	}
	if fit(natural) {
		return join(natural)
	}
	widest := 0
	for _, r := range rows {
		for _, c := range r.cells {
			widest = max(widest, utf8.RuneCountInString(c))
		}
	}
	for limit := widest - 1; limit > minWrap; limit-- {
		if lines := render(wrapRows(rows, limit)); fit(lines) {
			return join(lines)
		}
	}
	return join(narrowest)
}

// renderedLine is one line of the table's text, from row of.
type renderedLine struct {
	text string
	of   int
}

// render aligns rows as text/tabwriter does (see layout); a continuation
// line has no trailing blanks.
func render(rows []tableRow) []renderedLine {
	widths := make([][]int, len(rows)) // of each row's padded cells
	for i, r := range rows {
		widths[i] = make([]int, max(len(r.cells)-1, 0))
	}
	for col := 0; ; col++ {
		found := false
		for i := 0; i < len(rows); {
			if len(rows[i].cells)-1 <= col {
				i++
				continue
			}
			found = true
			end, w := i, 0
			for ; end < len(rows) && len(rows[end].cells)-1 > col; end++ {
				w = max(w, utf8.RuneCountInString(rows[end].cells[col])+cellPadding)
			}
			for ; i < end; i++ {
				widths[i][col] = w
			}
		}
		if !found {
			break
		}
	}
	lines := make([]renderedLine, len(rows))
	for i, r := range rows {
		var b strings.Builder
		for col, w := range widths[i] {
			c := r.cells[col]
			b.WriteString(c)
			b.WriteString(strings.Repeat(" ", w-utf8.RuneCountInString(c)))
		}
		b.WriteString(r.cells[len(r.cells)-1])
		text := b.String()
		if r.cont {
			text = strings.TrimRight(text, " ")
		}
		lines[i] = renderedLine{text: text, of: r.of}
	}
	return lines
}

// join returns the lines as one text, each after the first on a line of
// its own.
func join(lines []renderedLine) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l.text)
	}
	return b.String()
}

// wrapRows wraps each cell of rows to limit runes (wrapCell); a row whose
// cells wrap becomes as many rows as its longest cell has lines, the
// first one marked the row's, the others continuations with the cells
// that ended blank.
func wrapRows(rows []tableRow, limit int) []tableRow {
	out := make([]tableRow, 0, len(rows))
	for _, r := range rows {
		wrapped := make([][]string, len(r.cells))
		n := 1
		for i, c := range r.cells {
			wrapped[i] = wrapCell(c, limit)
			n = max(n, len(wrapped[i]))
		}
		for line := range n {
			cells := make([]string, len(r.cells))
			for i, w := range wrapped {
				if line < len(w) {
					cells[i] = w[line]
				}
			}
			out = append(out, tableRow{cells: cells, cont: line > 0, of: r.of})
		}
	}
	return out
}

// wrapCell returns s cut into lines of at most limit runes at its spaces,
// each line as long as it can be; a word longer than limit is a line of
// its own, whole. s itself when it fits.
func wrapCell(s string, limit int) []string {
	if utf8.RuneCountInString(s) <= limit {
		return []string{s}
	}
	var lines []string
	line, n := "", 0
	for word := range strings.SplitSeq(s, " ") {
		if word == "" {
			continue
		}
		w := utf8.RuneCountInString(word)
		switch {
		case n == 0:
			line, n = word, w
		case n+1+w <= limit:
			line, n = line+" "+word, n+1+w
		default:
			lines = append(lines, line)
			line, n = word, w
		}
	}
	if n > 0 {
		lines = append(lines, line)
	}
	return lines
}
