package cli

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// firstUnsafe returns the first rune of s a terminal could act on: a
// control character other than a newline, a Unicode bidi control, or an
// invalid UTF-8 byte (as utf8.RuneError).
func firstUnsafe(s string) (rune, bool) {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			return r, true
		case r == '\n':
		case unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r):
			return r, true
		}
	}
	return 0, false
}

func TestSanitizeStripsTerminalControls(t *testing.T) {
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
		if got := sanitize(tc.in); got != tc.want {
			t.Errorf("sanitize(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if r, bad := firstUnsafe(sanitize(tc.in)); bad {
			t.Errorf("sanitize(%q) keeps %U", tc.in, r)
		}
	}
}

// Whatever a server sends is printed without its control characters: the
// text of an error answer on stderr, the fields of a table, and the strings
// of --json (escaped there, so that the JSON still carries them exactly).
func TestServerTextIsPrintedWithoutControlCharacters(t *testing.T) {
	const hostile = "\x1b[2J\x1b]0;owned\x07Fr\u202eance\u009b31m\x7f\u0085!"
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/auth/v1/token":
			_ = json.NewEncoder(w).Encode(map[string]any{
				"access_token": "not-a-secret-in-this-test", "token_type": "Bearer",
				"expires_in": 3600, "scope": r.PostFormValue("scope"),
			})
		case "/travel/v1/countries":
			_ = json.NewEncoder(w).Encode([]map[string]string{{"id": "fr", "label": hostile}})
		default:
			w.WriteHeader(http.StatusNotFound)
			_ = json.NewEncoder(w).Encode(map[string]any{"status_code": 404, "error": "not_found", "error_description": hostile})
		}
	}))
	t.Cleanup(api.Close)
	env := map[string]string{"AXA_BASE_URL": api.URL, "AXA_CLIENT_ID": sandbox.DefaultClientID, "AXA_CLIENT_SECRET": sandbox.DefaultClientSecret}
	newF := func() *Factory { return &Factory{Getenv: func(k string) string { return env[k] }} }

	r := run(t, newF(), "countries")
	if r.code != ExitOK || !strings.Contains(r.out, "France !") {
		t.Errorf("table: exit %d, out %q, err %q", r.code, r.out, r.err)
	}
	if c, bad := firstUnsafe(r.out + r.err); bad {
		t.Errorf("table: %U reached the terminal: %q", c, r.out)
	}

	r = run(t, newF(), "countries", "--json")
	var list []struct{ Label string }
	if err := json.Unmarshal([]byte(r.out), &list); r.code != ExitOK || err != nil || len(list) != 1 || list[0].Label != hostile {
		t.Errorf("--json: exit %d, %v, %+v; want the label exactly, escaped: %q", r.code, err, list, r.out)
	}
	if c, bad := firstUnsafe(r.out + r.err); bad {
		t.Errorf("--json: %U reached the terminal: %q", c, r.out)
	}

	r = run(t, newF(), "countries", "xx")
	if r.code != ExitError || !strings.Contains(r.err, "not_found: France !") {
		t.Errorf("error: exit %d, err %q", r.code, r.err)
	}
	if c, bad := firstUnsafe(r.err); bad {
		t.Errorf("error: %U reached the terminal: %q", c, r.err)
	}
}

// Every error line goes through the sanitizer, whatever made it.
func TestErrorLineIsSanitized(t *testing.T) {
	got := oneLine(errors.New("boom\x1b[2J\nsecond line\u202e"))
	if got != "axa: boom second line" {
		t.Errorf("oneLine = %q", got)
	}
}
