package axa

import (
	"strings"
	"testing"
)

// A client's cache identity depends on who asks and with which scopes, and
// on nothing secret: the same for two clients of the same identity
// whatever their secrets, different for another client, user, scope set or
// grant, different for every authorization code client, and never holding
// the client ID or the user in clear.
func TestCacheIdentity(t *testing.T) {
	identity := func(opts ...Option) string {
		t.Helper()
		cfg, err := buildConfig(append([]Option{WithoutEnvironment()}, opts...))
		if err != nil {
			t.Fatal(err)
		}
		return cfg.cacheIdentity()
	}
	const id, user = "client-id-canary", "user-canary"
	base := identity(WithClientCredentials(id, "secret-1"))
	if got := identity(WithClientCredentials(id, "secret-2")); got != base {
		t.Errorf("the secret changed the identity: %s, %s", base, got)
	}
	if got := identity(WithClientCredentials(id, "s"), WithScopes(ScopeQuotes, ScopeCountries, ScopeQuotes)); got != identity(WithClientCredentials(id, "s"), WithScopes(ScopeCountries, ScopeQuotes)) {
		t.Errorf("the order or repetition of the scopes changed the identity")
	}
	alice := identity(WithPassword(id, "s", user, "pw-1"))
	if got := identity(WithPassword(id, "s", user, "pw-2")); got != alice {
		t.Errorf("the password changed the identity")
	}
	seen := map[string]string{"client credentials": base}
	for name, got := range map[string]string{
		"another client":       identity(WithClientCredentials(id+"2", "secret-1")),
		"WithScopes":           identity(WithClientCredentials(id, "secret-1"), WithScopes(ScopeQuotes)),
		"password user":        alice,
		"another user":         identity(WithPassword(id, "s", user+"2", "pw")),
		"authorization code":   identity(WithAuthorizationCode(id, "s", "http://127.0.0.1/cb")),
		"authorization code 2": identity(WithAuthorizationCode(id, "s", "http://127.0.0.1/cb")),
		"no credentials":       identity(),
	} {
		for other, v := range seen {
			if v == got {
				t.Errorf("%s has the identity of %s", name, other)
			}
		}
		seen[name] = got
		if strings.Contains(got, id) || strings.Contains(got, user) {
			t.Errorf("%s: identity %q holds the client ID or the user", name, got)
		}
	}
}
