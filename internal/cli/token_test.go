package cli

import (
	"regexp"
	"strings"
	"testing"
)

func TestTokenShowsNoSecretUnlessAsked(t *testing.T) {
	r := run(t, nil, "token", "--scope", "urn:axa.assistance.travel.countries.read_only")
	if r.code != ExitOK || !strings.Contains(r.out, "urn:axa.assistance.travel.countries.read_only") {
		t.Fatalf("exit %d, out %q, err %q", r.code, r.out, r.err)
	}
	jwt := regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`)
	if jwt.MatchString(r.out + r.err) {
		t.Errorf("the token was printed without --show-token:\n%s", r.out)
	}
	r = run(t, nil, "token", "--show-token")
	if r.code != ExitOK || !jwt.MatchString(r.out) {
		t.Errorf("--show-token did not print the token: exit %d, %q", r.code, r.out)
	}
}
