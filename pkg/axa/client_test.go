package axa

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/gen"
)

func TestOperationMatcherPrefersLiteralSegments(t *testing.T) {
	for path, want := range map[string]gen.OperationID{
		"/travel/v1/countries":                   gen.OperationListCountries,
		"/travel/v1/countries/alerts":            gen.OperationListAlerts,
		"/travel/v1/countries/fr":                gen.OperationGetCountry,
		"/travel/v1/countries/fr/alerts":         gen.OperationListCountryAlerts,
		"/travel/v1/countries/fr/health_cards":   gen.OperationGetCountryHealth,
		"/health/v1/medical_providers/kinds":     gen.OperationListProviderKinds,
		"/travel/v1/policies/9d5b2c1e-4f3a-4b6d": gen.OperationGetPolicy,
	} {
		id, _, ok := gen.MatchOperation("GET", path)
		if !ok || id != want {
			t.Errorf("GET %s matched %q (%v), want %s", path, id, ok, want)
		}
	}
	for _, bad := range [][2]string{{"POST", "/travel/v1/countries"}, {"GET", "/travel/v1/countries//alerts"}, {"GET", "/nope"}} {
		if id, _, ok := gen.MatchOperation(bad[0], bad[1]); ok {
			t.Errorf("%s %s matched %s", bad[0], bad[1], id)
		}
	}
}

// The scopes the SDK asks for are the ones of gen/scopes.golden, the
// reviewed record of the spec's security contract, line by line.
func TestRequiredScopesFollowTheGoldenFile(t *testing.T) {
	data, err := os.ReadFile("../../gen/scopes.golden")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) != 3 && (len(fields) != 4 || fields[3] != "(authorization server)") {
			t.Fatalf("malformed golden line %q", line)
		}
		if len(fields) == 4 {
			// The authorization server's: no bearer scope, and no call
			// of the SDK's.
			if got, ok := RequiredScopes(fields[0]); ok {
				t.Errorf("RequiredScopes(%s) = %v, true: the authorization server's operations are not the API's", fields[0], got)
			}
			seen++
			continue
		}
		var want []string
		if !strings.HasPrefix(fields[2], "(") {
			inner := strings.TrimSuffix(strings.TrimPrefix(fields[2], "oauth2["), "]")
			want = strings.Fields(inner)
		}
		got, ok := RequiredScopes(fields[0])
		if !ok || !slices.Equal(got, want) {
			t.Errorf("RequiredScopes(%s) = %v, %v; the golden file says %v", fields[0], got, ok, want)
		}
		seen++
	}
	if seen != len(gen.Operations()) {
		t.Errorf("the golden file has %d operations, the spec %d", seen, len(gen.Operations()))
	}
	if _, ok := RequiredScopes("nope"); ok {
		t.Error("RequiredScopes found an unknown operation")
	}
}

func TestEnvironmentDefaults(t *testing.T) {
	f := newFakeAPI(t)
	t.Setenv(EnvBaseURL, f.URL())
	t.Setenv(EnvClientID, testClientID)
	t.Setenv(EnvClientSecret, testClientSecret)
	t.Setenv(EnvScopes, ScopeCountries+" "+ScopeAlerts)

	c, err := NewClient(withClock(newFakeClock()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.BaseURL() != f.URL() {
		t.Errorf("base URL = %s, want the environment's %s", c.BaseURL(), f.URL())
	}
	if _, err := c.ListCountries(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if got := f.TokenRequests()[0].Form.Get("scope"); got != ScopeCountries+" "+ScopeAlerts {
		t.Errorf("scope asked = %q, want AXA_SCOPES", got)
	}

	// Options win over the environment, and WithoutEnvironment ignores it.
	c2, err := NewClient(WithBaseURL("https://api.example"))
	if err != nil {
		t.Fatal(err)
	}
	if c2.BaseURL() != "https://api.example" {
		t.Errorf("WithBaseURL lost to the environment: %s", c2.BaseURL())
	}
	c3, err := NewClient(WithoutEnvironment())
	if err != nil {
		t.Fatal(err)
	}
	if c3.BaseURL() != ProductionURL {
		t.Errorf("WithoutEnvironment still read it: %s", c3)
	}
	if _, err := c3.Token(context.Background(), ScopeCountries); !errors.Is(err, ErrNoCredentials) {
		t.Errorf("WithoutEnvironment still read the credentials: Token = %v", err)
	}
	if _, err := c3.ListCountries(context.Background(), nil); !errors.Is(err, ErrNoCredentials) {
		t.Errorf("no credentials: err = %v", err)
	}
}

func TestNewClientRejectsBadOptions(t *testing.T) {
	for name, opts := range map[string][]Option{
		"relative base URL":   {WithBaseURL("/api")},
		"plain HTTP remote":   {WithBaseURL("http://api.example")},
		"empty secret":        {WithClientCredentials("id", "")},
		"password without id": {WithPassword("", "s", "u", "p")},
		"code without URL":    {WithAuthorizationCode("id", "s", "")},
	} {
		if _, err := NewClient(append([]Option{WithoutEnvironment()}, opts...)...); err == nil {
			t.Errorf("%s: NewClient accepted it", name)
		}
	}
}

// No error about a base URL carries its userinfo, user name included,
// whatever is wrong with the rest of it.
func TestBaseURLErrorsHideUserinfo(t *testing.T) {
	const user, password = "CANARY-user-5e1c", "CANARY-pass-0b7d"
	for _, raw := range []string{
		"https://" + user + ":" + password + "@host:bad/",
		"https://" + user + ":" + password + "@host/%zz",
		"https://" + user + ":" + password + "@host/",
		"http://" + user + ":" + password + "@api.example/",
		"https://" + user + ":" + password + "%zz@host/",
		"https://" + user + ":" + password + "@[::1/",
		user + ":" + password + "@host:bad/",
		"//" + user + ":" + password + "@host/",
		" https://" + user + ":" + password + "@host/",
		"https://" + user + ":" + password + "@host:443@other/",
		"https://user:" + testPassword + "@api.example", // a valid URL: refused all the same
	} {
		_, err := NewClient(WithoutEnvironment(), WithBaseURL(raw))
		if err == nil {
			t.Errorf("NewClient accepted %q", raw)
			continue
		}
		for e := err; e != nil; e = errors.Unwrap(e) {
			if msg := fmt.Sprintf("%v %+v %#v", e, e, e); strings.Contains(msg, password) || strings.Contains(msg, user) || strings.Contains(msg, testPassword) {
				t.Errorf("the error for a base URL with userinfo shows it: %s", msg)
				break
			}
		}
	}
}

func TestClosedClientFailsWithErrClosed(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, newFakeClock())
	_ = c.Close()
	if _, err := c.ListCountries(t.Context(), nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("err = %v, want ErrClosed", err)
	}
	if n := len(f.TokenRequests()) + len(f.APIRequests()); n != 0 {
		t.Errorf("a closed client sent %d requests", n)
	}
}
