package termtext_test

import (
	"encoding/json"
	"testing"

	"github.com/axa-assistance-go/axa/internal/termtext"
	"github.com/axa-assistance-go/axa/internal/testutil"
)

func TestLineStripsTerminalControls(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text, é, 東京, 🇫🇷", "plain text, é, 東京, 🇫🇷"},
		{"\x1b[2Jcleared", "cleared"},                                    // CSI
		{"red \x1b[1;31mALERT\x1b[0m", "red ALERT"},                      // CSI with parameters
		{"\x1b]0;owned\x07title", "title"},                               // OSC ended by BEL
		{"\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\", "link"}, // OSC 8 hyperlink, ended by ST
		{"\x1bPq#0;2;0;0;0\x1b\\dcs", "dcs"},                             // DCS
		{"\x1b_apc\x1b\\x", "x"},                                         // APC
		{"\x1b(Bcharset", "charset"},                                     // nF: designate G0
		{"\x1bcreset", "reset"},                                          // Fs: RIS
		{"\u009b2Jc1 csi", "c1 csi"},                                     // C1 CSI
		{"\u009d0;owned\u009cc1 osc", "c1 osc"},                          // C1 OSC ended by C1 ST
		{"a\u0085b\u0080c\u0099d", "a bcd"},                              // C1 controls; NEL is a line break
		{"bell\a back\bspace del\x7f nul\x00", "bell backspace del nul"},
		{"one\ntwo\tthree\r\nfour", "one two three  four"},
		{"\u202eevil\u202c \u2066iso\u2069 \u200fm\u200e \u061calm", "evil iso m alm"}, // bidi controls
		{"line\u2028sep\u2029para", "line sep para"},
		{"latin-1 caf\xe9 and \x9b31m", "latin-1 caf\uFFFD and \uFFFD31m"}, // invalid UTF-8
		{"unterminated \x1b]0;title\nnext", "unterminated  next"},          // a string sequence ends at a line
		{"dangling \x1b", "dangling "},
		{"dangling csi \x1b[12", "dangling csi "},
	} {
		if got := termtext.Line(tc.in); got != tc.want {
			t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if r, bad := testutil.FirstUnsafe(termtext.Line(tc.in)); bad {
			t.Errorf("Line(%q) keeps %U", tc.in, r)
		}
	}
}

// Lines keeps the line breaks of text of several lines, and nothing else
// a terminal acts on.
func TestLinesKeepsNewlinesOnly(t *testing.T) {
	got := termtext.Lines("one\x1b[2J\ntwo\tthree\r\n\u202efour")
	if want := "one\ntwo three \nfour"; got != want {
		t.Errorf("Lines = %q, want %q", got, want)
	}
}

// JSON escapes what encoding/json leaves raw, so that the JSON still
// decodes to exactly the same text.
func TestJSONEscapesWhatATerminalActsOn(t *testing.T) {
	const hostile = "a\x7fb\u009bc\u202ed"
	raw, err := json.Marshal(map[string]string{"s": hostile})
	if err != nil {
		t.Fatal(err)
	}
	safe := termtext.JSON(raw)
	if c, bad := testutil.FirstUnsafe(string(safe)); bad {
		t.Errorf("JSON kept %U: %q", c, safe)
	}
	var back map[string]string
	if err := json.Unmarshal(safe, &back); err != nil || back["s"] != hostile {
		t.Errorf("JSON changed the text: %q (%v)", back["s"], err)
	}
}
