package axa

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// serveMetadata makes o's authorization server publish RFC 8414 metadata
// at path, naming issuer and the endpoints meta gives (they may change
// between requests); it counts the metadata requests.
func (o *twoOrigins) serveMetadata(path string, meta func() map[string]any) *atomic.Int32 {
	var n atomic.Int32
	o.metadata = func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodGet || r.URL.Path != path {
			return false
		}
		n.Add(1)
		writeJSON(w, http.StatusOK, meta())
		return true
	}
	return &n
}

func (o *twoOrigins) endpoints(issuer string) map[string]any {
	return map[string]any{
		"issuer": issuer, "token_endpoint": o.as.URL + splitTokenPath,
		"authorization_endpoint": o.as.URL + splitAuthPath, "revocation_endpoint": o.as.URL + splitRevokePath,
	}
}

func TestIssuerDiscoveryFindsTheEndpointsOnce(t *testing.T) {
	o := newTwoOrigins(t)
	issuer := o.as.URL
	fetches := o.serveMetadata("/.well-known/oauth-authorization-server", func() map[string]any { return o.endpoints(issuer) })
	c := newClientOf(t, &fakeAPI{srv: o.api}, realClock{}, WithAuthorizationServer(AuthorizationServer{Issuer: issuer}), WithClientCredentials(testClientID, testClientSecret))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := c.ListCountries(t.Context(), nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for _, scope := range []string{ScopeAlerts, ScopeQuotes} {
		if _, err := c.Token(t.Context(), scope); err != nil {
			t.Fatal(err)
		}
	}
	if n := fetches.Load(); n != 1 {
		t.Errorf("metadata fetched %d times, want once", n)
	}
	o.assertApart(t)
}

func TestIssuerWithAPathAndOpenIDConnectDiscovery(t *testing.T) {
	o := newTwoOrigins(t)
	issuer := o.as.URL + "/tenant/"
	// RFC 8414 section 3.1: the well-known segment goes before the path
	// (the path's last "/" removed).
	rfc := o.serveMetadata("/.well-known/oauth-authorization-server/tenant", func() map[string]any { return o.endpoints(issuer) })
	c := newClientOf(t, &fakeAPI{srv: o.api}, realClock{}, WithAuthorizationServer(AuthorizationServer{Issuer: issuer}), WithClientCredentials(testClientID, testClientSecret))
	if _, err := c.ListCountries(t.Context(), nil); err != nil || rfc.Load() != 1 {
		t.Fatalf("RFC 8414 path: %v, %d fetches", err, rfc.Load())
	}

	// A server that only publishes OpenID Connect discovery (Auth0): the
	// RFC 8414 path answers 404, the issuer's own path then serves.
	o2 := newTwoOrigins(t)
	issuer2 := o2.as.URL + "/"
	oidc := o2.serveMetadata("/.well-known/openid-configuration", func() map[string]any { return o2.endpoints(issuer2) })
	c2 := newClientOf(t, &fakeAPI{srv: o2.api}, realClock{}, WithAuthorizationServer(AuthorizationServer{Issuer: issuer2}), WithClientCredentials(testClientID, testClientSecret))
	if _, err := c2.ListCountries(t.Context(), nil); err != nil || oidc.Load() != 1 {
		t.Fatalf("OpenID Connect path: %v, %d fetches", err, oidc.Load())
	}
}

func TestMetadataOfAnotherIssuerIsNotUsed(t *testing.T) {
	o := newTwoOrigins(t)
	o.serveMetadata("/.well-known/oauth-authorization-server", func() map[string]any { return o.endpoints("https://attacker.example") })
	c := newClientOf(t, &fakeAPI{srv: o.api}, realClock{}, WithAuthorizationServer(AuthorizationServer{Issuer: o.as.URL}), WithClientCredentials(testClientID, testClientSecret))
	_, err := c.ListCountries(t.Context(), nil)
	if !errors.Is(err, ErrDiscovery) || !strings.Contains(err.Error(), "attacker.example") {
		t.Fatalf("err = %v, want ErrDiscovery naming the other issuer", err)
	}
	for _, r := range o.requests("as") {
		if strings.HasPrefix(r, "POST") {
			t.Errorf("a token request was sent on metadata of another issuer:\n%s", r)
		}
	}
}

func TestMetadataIsNeverFollowedAcrossARedirect(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		elsewhere.Add(1)
		writeJSON(w, http.StatusOK, map[string]any{"issuer": "x"})
	}))
	defer other.Close()
	o := newTwoOrigins(t)
	o.metadata = func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodGet {
			http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
			return true
		}
		return false
	}
	c := newClientOf(t, &fakeAPI{srv: o.api}, realClock{}, WithAuthorizationServer(AuthorizationServer{Issuer: o.as.URL}), WithClientCredentials(testClientID, testClientSecret))
	if _, err := c.ListCountries(t.Context(), nil); !errors.Is(err, ErrDiscovery) || !strings.Contains(err.Error(), "redirect") {
		t.Fatalf("err = %v, want ErrDiscovery saying it was a redirect", err)
	}
	if elsewhere.Load() != 0 {
		t.Error("the redirect was followed")
	}
}

func TestMetadataNamingAnInsecureEndpointIsRefused(t *testing.T) {
	o := newTwoOrigins(t)
	o.serveMetadata("/.well-known/oauth-authorization-server", func() map[string]any {
		m := o.endpoints(o.as.URL)
		m["token_endpoint"] = "http://auth.example/token"
		return m
	})
	c := newClientOf(t, &fakeAPI{srv: o.api}, realClock{}, WithAuthorizationServer(AuthorizationServer{Issuer: o.as.URL}), WithClientCredentials(testClientID, testClientSecret))
	if _, err := c.ListCountries(t.Context(), nil); !errors.Is(err, ErrDiscovery) || !errors.Is(err, ErrInsecureTransport) {
		t.Fatalf("err = %v, want ErrDiscovery and ErrInsecureTransport", err)
	}
}

func TestMetadataIsFetchedAgainWhenItsEndpointFails(t *testing.T) {
	o := newTwoOrigins(t)
	var moved atomic.Bool
	fetches := o.serveMetadata("/.well-known/oauth-authorization-server", func() map[string]any {
		m := o.endpoints(o.as.URL)
		if !moved.Load() {
			m["token_endpoint"] = o.as.URL + "/old/token" // gone: 404 without an OAuth error
		}
		return m
	})
	clk := newFakeClock()
	c := newClientOf(t, &fakeAPI{srv: o.api}, clk, WithAuthorizationServer(AuthorizationServer{Issuer: o.as.URL}), WithClientCredentials(testClientID, testClientSecret))
	if _, err := c.ListCountries(t.Context(), nil); err == nil {
		t.Fatal("the old token endpoint worked")
	}
	moved.Store(true)
	clk.Advance(time.Minute) // past the token cache's failure cooldown
	if _, err := c.ListCountries(t.Context(), nil); err != nil {
		t.Fatalf("after the endpoint moved: %v", err)
	}
	if n := fetches.Load(); n != 2 {
		t.Errorf("metadata fetched %d times, want twice (again after the failure)", n)
	}
	// Kept a day, then fetched again.
	clk.Advance(metadataMaxAge + time.Second)
	if _, err := c.Token(t.Context(), ScopeAlerts); err != nil {
		t.Fatal(err)
	}
	if n := fetches.Load(); n != 3 {
		t.Errorf("metadata fetched %d times, want 3 (again after %v)", n, metadataMaxAge)
	}
}

func TestDiscoveryServesAuthCodeURLAndRevoke(t *testing.T) {
	o := newTwoOrigins(t)
	fetches := o.serveMetadata("/.well-known/oauth-authorization-server", func() map[string]any { return o.endpoints(o.as.URL) })
	c := newClientOf(t, &fakeAPI{srv: o.api}, realClock{}, WithAuthorizationServer(AuthorizationServer{Issuer: o.as.URL}),
		WithAuthorizationCode(testClientID, testClientSecret, "http://127.0.0.1/callback"))
	req, err := c.AuthCodeURL(t.Context(), ScopeCountries)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(req.URL, o.as.URL+splitAuthPath+"?") {
		t.Errorf("AuthCodeURL = %s", req.URL)
	}
	if _, err := c.Exchange(t.Context(), req, req.State, testCode); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListCountries(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Revoke(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := fetches.Load(); n != 1 {
		t.Errorf("metadata fetched %d times, want once", n)
	}
	o.assertApart(t)
}

func TestMetadataURLs(t *testing.T) {
	for issuer, want := range map[string]string{
		"https://auth.example":         "https://auth.example/.well-known/oauth-authorization-server https://auth.example/.well-known/openid-configuration",
		"https://auth.example/":        "https://auth.example/.well-known/oauth-authorization-server https://auth.example/.well-known/openid-configuration",
		"https://auth.example/t/1":     "https://auth.example/.well-known/oauth-authorization-server/t/1 https://auth.example/t/1/.well-known/openid-configuration",
		"http://127.0.0.1:8081/issuer": "http://127.0.0.1:8081/.well-known/oauth-authorization-server/issuer http://127.0.0.1:8081/issuer/.well-known/openid-configuration",
	} {
		if got := strings.Join(metadataURLs(issuer), " "); got != want {
			t.Errorf("%s: %s, want %s", issuer, got, want)
		}
	}
}
