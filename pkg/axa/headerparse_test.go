package axa

import (
	"testing"
)

func TestBearerParams(t *testing.T) {
	cases := map[string]map[string]string{
		`Bearer realm="axa", error="invalid_token", error_description="The access token expired"`: {
			"realm": "axa", "error": "invalid_token", "error_description": "The access token expired",
		},
		`Bearer error="insufficient_scope", scope="urn:a urn:b"`: {"error": "insufficient_scope", "scope": "urn:a urn:b"},
		`Basic realm="x", Bearer error=invalid_token`:            {"error": "invalid_token"},
		`Bearer realm="a \"quoted\" realm", error="invalid_token"`: {
			"realm": `a "quoted" realm`, "error": "invalid_token",
		},
		`Newauth realm="apps", type=1, title="Login to \"apps\"", bearer realm="simple"`: {"realm": "simple"},
		`Bearer`:                       {},
		`BEARER ERROR="invalid_token"`: {"error": "invalid_token"},
	}
	for in, want := range cases {
		got := bearerParams(in)
		if len(got) != len(want) {
			t.Errorf("bearerParams(%q) = %v, want %v", in, got, want)
			continue
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("bearerParams(%q)[%s] = %q, want %q", in, k, got[k], v)
			}
		}
	}
	for _, in := range []string{"", "Basic realm=x", `"quoted"`, `=`, `Bearer =`} {
		if p := bearerParams(in); p["error"] != "" {
			t.Errorf("bearerParams(%q) found error %q", in, p["error"])
		}
	}
}
