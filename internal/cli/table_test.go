package cli

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"text/tabwriter"
)

// A table printed to a terminal wraps its long cells at word boundaries
// within their column, to the terminal's width; printed elsewhere (a
// pipe, a file), each row stays one line.
func TestTablesWrapAtWordBoundaries(t *testing.T) {
	terminal := func(width int) *Factory {
		return &Factory{OutIsTerminal: func() bool { return true }, TermWidth: func() int { return width }}
	}
	r := run(t, terminal(60), "countries", "fr")
	const want60 = "" +
		"fr                   France\n" +
		"General information  France lies in Western Europe; its\n" +
		"                     capital is Paris. The currency is the\n" +
		"                     euro (EUR).\n" +
		"Passport and visa    France is part of the Schengen Area: a\n" +
		"                     passport or national identity card\n" +
		"                     valid for the whole stay is required.\n" +
		"                     Many nationalities need no visa for\n" +
		"                     stays of up to 90 days in any 180-day\n" +
		"                     period; others need a Schengen visa.\n" +
		"Currency             Euro (EUR)\n" +
		"Emergency numbers    ambulance 15, police 17, fire 18\n" +
		"Vaccinations         No vaccination is required. Make sure\n" +
		"                     routine vaccinations (measles,\n" +
		"                     diphtheria, tetanus, polio) are up to\n" +
		"                     date.\n" +
		"Health risks         Health care is of a very high standard.\n" +
		"                     Tick-borne diseases occur in forests in\n" +
		"                     summer; heatwaves are frequent in July\n" +
		"                     and August.\n"
	if r.code != ExitOK || r.out != want60 {
		t.Errorf("countries fr, 60 columns: exit %d, err %q, out:\n%s\nwant:\n%s", r.code, r.err, r.out, want60)
	}

	// Not a terminal: one line a row, however wide.
	r = run(t, &Factory{OutIsTerminal: func() bool { return false }}, "countries", "fr")
	const wantPipe = "" +
		"fr                   France\n" +
		"General information  France lies in Western Europe; its capital is Paris. The currency is the euro (EUR).\n" +
		"Passport and visa    France is part of the Schengen Area: a passport or national identity card valid for the whole stay is required. Many nationalities need no visa for stays of up to 90 days in any 180-day period; others need a Schengen visa.\n" +
		"Currency             Euro (EUR)\n" +
		"Emergency numbers    ambulance 15, police 17, fire 18\n" +
		"Vaccinations         No vaccination is required. Make sure routine vaccinations (measles, diphtheria, tetanus, polio) are up to date.\n" +
		"Health risks         Health care is of a very high standard. Tick-borne diseases occur in forests in summer; heatwaves are frequent in July and August.\n"
	if r.code != ExitOK || r.out != wantPipe {
		t.Errorf("countries fr, not a terminal: exit %d, err %q, out:\n%s\nwant:\n%s", r.code, r.err, r.out, wantPipe)
	}
}

// The layout of a table: columns aligned as text/tabwriter aligns them
// (two spaces between, the last cell of a row unpadded, a row with fewer
// cells ending a column's block); with a width, the widest cells wrap
// first, at word boundaries, each within its column; a word longer than
// its column is not cut, and a row that cannot fit however narrow its
// columns (a long URL) is left for the terminal to break.
func TestTableLayout(t *testing.T) {
	const rows = "" +
		"TYPE\tLEVEL\tCOUNTRY\tTITLE\n" +
		"health\thigh\tfr,de\tSeasonal influenza epidemic in the north\n" +
		"who\tcritical\t-\tMarburg virus disease - Equatorial Guinea\n" +
		"No more.\n" +
		"Document\thttps://example.com/travel/v1/policies/9d5b2c1e/certificate.pdf\n"
	for _, tc := range []struct {
		width int
		want  string
	}{
		{0, "" +
			"TYPE    LEVEL     COUNTRY  TITLE\n" +
			"health  high      fr,de    Seasonal influenza epidemic in the north\n" +
			"who     critical  -        Marburg virus disease - Equatorial Guinea\n" +
			"No more.\n" +
			"Document  https://example.com/travel/v1/policies/9d5b2c1e/certificate.pdf\n"},
		{80, "" +
			"TYPE    LEVEL     COUNTRY  TITLE\n" +
			"health  high      fr,de    Seasonal influenza epidemic in the north\n" +
			"who     critical  -        Marburg virus disease - Equatorial Guinea\n" +
			"No more.\n" +
			"Document  https://example.com/travel/v1/policies/9d5b2c1e/certificate.pdf\n"},
		{50, "" +
			"TYPE    LEVEL     COUNTRY  TITLE\n" +
			"health  high      fr,de    Seasonal influenza\n" +
			"                           epidemic in the north\n" +
			"who     critical  -        Marburg virus disease -\n" +
			"                           Equatorial Guinea\n" +
			"No more.\n" +
			"Document  https://example.com/travel/v1/policies/9d5b2c1e/certificate.pdf\n"},
		{40, "" +
			"TYPE    LEVEL     COUNTRY  TITLE\n" +
			"health  high      fr,de    Seasonal\n" +
			"                           influenza\n" +
			"                           epidemic in\n" +
			"                           the north\n" +
			"who     critical  -        Marburg virus\n" +
			"                           disease -\n" +
			"                           Equatorial\n" +
			"                           Guinea\n" +
			"No more.\n" +
			"Document  https://example.com/travel/v1/policies/9d5b2c1e/certificate.pdf\n"},
		// Too narrow for any row at the narrowest column (10): as wide
		// as it comes.
		{20, "" +
			"TYPE    LEVEL     COUNTRY  TITLE\n" +
			"health  high      fr,de    Seasonal influenza epidemic in the north\n" +
			"who     critical  -        Marburg virus disease - Equatorial Guinea\n" +
			"No more.\n" +
			"Document  https://example.com/travel/v1/policies/9d5b2c1e/certificate.pdf\n"},
	} {
		if got := layout(rows, tc.width); got != tc.want {
			t.Errorf("width %d:\n%s\nwant:\n%s", tc.width, got, tc.want)
		}
	}

	// A middle column wraps too, the others keeping their place.
	const middle = "NAME\tCITY\tPHONE\nHôpital Européen Georges-Pompidou\tParis\t+33 1 56 09 20 00\n"
	const want = "" +
		"NAME              CITY   PHONE\n" +
		"Hôpital Européen  Paris  +33 1 56 09 20 00\n" +
		"Georges-Pompidou\n"
	if got := layout(middle, 45); got != want {
		t.Errorf("middle column, width 45:\n%s\nwant:\n%s", got, want)
	}
}

// The width tables wrap to: the terminal's, $COLUMNS first; none when the
// output is not a terminal, whatever $COLUMNS says.
func TestTableWidth(t *testing.T) {
	for _, tc := range []struct {
		terminal bool
		columns  string
		want     int
	}{
		{true, "72", 72},
		{false, "72", 0},
		{true, "wide", 0}, // not a number, and a buffer has no width of its own
		{true, "", 0},
	} {
		f := &Factory{
			Out:           &strings.Builder{},
			OutIsTerminal: func() bool { return tc.terminal },
			Getenv: func(k string) string {
				if k == "COLUMNS" {
					return tc.columns
				}
				return ""
			},
		}
		if got := f.tableWidth(); got != tc.want {
			t.Errorf("terminal %t, COLUMNS %q: width %d, want %d", tc.terminal, tc.columns, got, tc.want)
		}
	}
}

// Without a width, the layout is text/tabwriter's (padding 2), which the
// tables used before they wrapped: rows of any number of cells, empty
// cells, blank lines, multi-byte runes.
func TestTableLayoutIsTabwritersWithoutWidth(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 21))
	words := []string{"", "a", "fr", "Hôtel-Dieu", "critical", "Seasonal influenza", "日本", "AXA-TRV-0000004217"}
	for range 500 {
		var text strings.Builder
		for range rng.IntN(8) {
			for c := range rng.IntN(5) {
				if c > 0 {
					text.WriteByte('\t')
				}
				text.WriteString(words[rng.IntN(len(words))])
			}
			text.WriteByte('\n')
		}
		var want bytes.Buffer
		w := tabwriter.NewWriter(&want, 0, 4, 2, ' ', 0)
		_, _ = w.Write([]byte(text.String()))
		_ = w.Flush()
		if got := layout(text.String(), 0); got != want.String() {
			t.Fatalf("layout(%q) = %q, tabwriter's %q", text.String(), got, want.String())
		}
	}
}
