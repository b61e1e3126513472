package httpheader

import (
	"maps"
	"testing"
)

func TestParseChallenges(t *testing.T) {
	for in, want := range map[string][]Challenge{
		`Bearer realm="axa-assistance"`: {{"Bearer", map[string]string{"realm": "axa-assistance"}}},
		`Bearer realm="a", error="insufficient_scope", error_description="needs \"x\", y", scope="s1 s2"`: {{"Bearer",
			map[string]string{"realm": "a", "error": "insufficient_scope", "error_description": `needs "x", y`, "scope": "s1 s2"}}},
		`bearer error=invalid_token, REALM=x`: {{"bearer", map[string]string{"error": "invalid_token", "realm": "x"}}},
		`Basic realm="axa-assistance", Bearer error="invalid_token"`: {
			{"Basic", map[string]string{"realm": "axa-assistance"}},
			{"Bearer", map[string]string{"error": "invalid_token"}},
		},
		`Bearer error="a", error="b"`: {{"Bearer", map[string]string{"error": "a"}}},
		`Negotiate abc123==, Bearer`:  {{"Negotiate", map[string]string{}}, {"Bearer", map[string]string{}}},
		`Negotiate abc123=, Basic`:    {{"Negotiate", map[string]string{}}, {"Basic", map[string]string{}}},
		`Bearer error="unterminated`:  {{"Bearer", map[string]string{"error": "unterminated"}}},
		``:                            nil,
		`"quoted"`:                    nil,
	} {
		got := ParseChallenges(in)
		if len(got) != len(want) {
			t.Errorf("ParseChallenges(%q) = %v, want %v", in, got, want)
			continue
		}
		for i := range got {
			if got[i].Scheme != want[i].Scheme || !maps.Equal(got[i].Params, want[i].Params) {
				t.Errorf("ParseChallenges(%q)[%d] = %v, want %v", in, i, got[i], want[i])
			}
		}
	}
}

func TestFindChallenge(t *testing.T) {
	if p, ok := FindChallenge([]string{`Basic realm="x"`, `Bearer error="insufficient_scope"`}, "bearer"); !ok || p["error"] != "insufficient_scope" {
		t.Errorf("Find over two header values = %v, %v", p, ok)
	}
	if p, ok := FindChallenge([]string{`Basic realm="x"`}, "Bearer"); ok || p != nil {
		t.Errorf("Find of an absent scheme = %v, %v", p, ok)
	}
}

func FuzzParseChallenges(f *testing.F) {
	for _, s := range []string{
		`Bearer realm="axa", error="invalid_token"`,
		`Basic realm="x", Bearer error=invalid_token, scope="a b"`,
		`Bearer abc==`, `Bearer "`, `Bearer a="\`, `,,,`, `Bearer a=b,`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		for _, c := range ParseChallenges(h) {
			if c.Scheme == "" {
				t.Fatalf("empty scheme parsed from %q", h)
			}
			for k, v := range c.Params {
				if len(k)+len(v) > len(h) {
					t.Fatalf("parameter longer than its header: %q", h)
				}
			}
		}
	})
}
