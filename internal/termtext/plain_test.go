package termtext

import "testing"

// The shortcut for plain text gives what the walk over its runes gives: a
// text plain says may be kept as it is comes out of cleanRunes unchanged,
// and plain accepts printable ASCII.
func FuzzPlainTextIsKeptAsItIs(f *testing.F) {
	for _, s := range []string{"", "France", "a\nb", "tab\there", "\x1b[2J", "caf\u00e9", "\x7f", "\u202e", "x\r\n"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, keepNewlines bool) {
		if plain(s, keepNewlines) {
			if got := cleanRunes(s, keepNewlines); got != s {
				t.Errorf("plain(%q, %v), but cleanRunes gives %q", s, keepNewlines, got)
			}
		}
		if got, want := clean(s, keepNewlines), cleanRunes(s, keepNewlines); got != want {
			t.Errorf("clean(%q, %v) = %q, cleanRunes gives %q", s, keepNewlines, got, want)
		}
	})
}

func TestPlainIsPrintableASCII(t *testing.T) {
	for _, c := range []struct {
		s          string
		keep, want bool
	}{
		{"Aland Islands (AX), EUR", false, true},
		{"a\nb", true, true},
		{"a\nb", false, false},
		{"a\tb", true, false},
		{"caf\u00e9", true, false},
		{"\x7f", true, false},
		{"\x1b", true, false},
		{"", false, true},
	} {
		if got := plain(c.s, c.keep); got != c.want {
			t.Errorf("plain(%q, %v) = %v, want %v", c.s, c.keep, got, c.want)
		}
	}
}

// BenchmarkLine cleans a line of a countries table: plain text, as most
// of the API's answers are.
func BenchmarkLine(b *testing.B) {
	const s = "FR    France    Europe    EUR    Western Europe"
	for b.Loop() {
		if Line(s) != s {
			b.Fatal("changed")
		}
	}
}
