package validate

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// hasLoneSurrogate agrees with encoding/json on every JSON string: a
// string that has no U+FFFD of its own (literal or escaped) decodes to one
// exactly when it escapes half a surrogate pair.
func FuzzHasLoneSurrogate(f *testing.F) {
	for _, s := range []string{`"a"`, `"\ud800"`, `"\udc00"`, `"\ud83d\ude00"`, `"\\ud800"`, `"\ud800\u0041"`,
		`"\ud800\\"`, `"x\\\ud800"`, `"\u00e9\n\t\""`, `"\ud800\ud800\udc00"`, `"\udbff\udfff"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var out string
		if json.Unmarshal([]byte(s), &out) != nil || !strings.HasPrefix(s, `"`) {
			return // not a JSON string
		}
		if !utf8.ValidString(s) || strings.ContainsRune(s, '\ufffd') || strings.Contains(strings.ToLower(s), `\ufffd`) {
			return
		}
		if got, want := hasLoneSurrogate([]byte(s)), strings.ContainsRune(out, '\ufffd'); got != want {
			t.Errorf("hasLoneSurrogate(%s) = %v; encoding/json read %q", s, got, out)
		}
	})
}
