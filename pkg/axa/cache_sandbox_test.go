package axa_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/axatest"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// apiCounter counts the requests that reach the API, not the token
// endpoint's, and the 304s among their answers.
type apiCounter struct {
	next                 http.RoundTripper
	requests, notChanged atomic.Int64
}

func (c *apiCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Path == "/auth/v1/token" {
		return c.next.RoundTrip(req)
	}
	c.requests.Add(1)
	resp, err := c.next.RoundTrip(req)
	if err == nil && resp.StatusCode == http.StatusNotModified {
		c.notChanged.Add(1)
	}
	return resp, err
}

// A client made WithCache keeps the reference data it reads: a fresh answer
// is reused without a request; a stale one (or one asked for with
// Cache-Control: no-cache) is revalidated, and a 304 Not Modified returns
// the stored answer. The caller always gets the 200's value.
func ExampleWithCache() {
	api := startSandbox() // stands in for https://apis.axa-assistance.com
	defer api.Close()

	counter := &apiCounter{next: http.DefaultTransport} // only to show what is sent
	client, err := axa.NewClient(
		axa.WithBaseURL(api.URL()), // omit for production
		axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret),
		axa.WithCache(), // in memory, up to axa.DefaultCacheEntries answers
		axa.WithTransport(counter),
		axa.WithoutEnvironment(),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()

	first, err := client.ListCountries(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	var resp axa.Response
	again, err := client.ListCountries(ctx, nil, axa.WithResponseInto(&resp)) // fresh: from the cache
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(first), len(again), "countries; requests:", counter.requests.Load(), "status:", resp.StatusCode)

	// Revalidate now rather than when max-age runs out.
	_, err = client.ListCountries(ctx, nil, axa.WithHeader("Cache-Control", "no-cache"), axa.WithResponseInto(&resp))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("requests:", counter.requests.Load(), "304s:", counter.notChanged.Load(), "status:", resp.StatusCode)
	// Output:
	// 249 249 countries; requests: 1 status: 200
	// requests: 2 304s: 1 status: 200
}

// Every reference operation, through the SDK's cache against the sandbox:
// its 200 and the 304 of a revalidation both validate against the spec
// (axatest's checker sits under the cache layer), and the revalidated call
// returns what the first returned.
func TestCacheEveryReferenceOperationAgainstTheSandbox(t *testing.T) {
	// A clock at 10:00: every answer has its full max-age (an answer of the
	// last second of an hour would be stale at once).
	at10 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	env := axatest.New(t, sandbox.WithClock(func() time.Time { return at10 }))
	counter := &apiCounter{next: axatest.SpecChecker(t, &http.Transport{})}
	c, err := axa.NewClient(axa.WithoutEnvironment(), axa.WithBaseURL(env.URL), axa.WithTransport(counter),
		axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret), axa.WithCache())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	ctx := t.Context()
	fr := "fr"
	calls := map[string]func(opts ...axa.RequestOption) (any, error){
		"listCountries": func(o ...axa.RequestOption) (any, error) {
			return c.ListCountries(ctx, &axa.ListCountriesParams{AcceptLanguage: &fr}, o...)
		},
		"getCountry":         func(o ...axa.RequestOption) (any, error) { return c.GetCountry(ctx, "jp", nil, o...) },
		"getCountryHealth":   func(o ...axa.RequestOption) (any, error) { return c.GetCountryHealth(ctx, "br", nil, o...) },
		"getCountrySecurity": func(o ...axa.RequestOption) (any, error) { return c.GetCountrySecurity(ctx, "fr", nil, o...) },
		"listAlerts":         func(o ...axa.RequestOption) (any, error) { return c.ListAlerts(ctx, nil, o...) },
		"listCountryAlerts":  func(o ...axa.RequestOption) (any, error) { return c.ListCountryAlerts(ctx, "fr", nil, o...) },
		"listProviderKinds":  func(o ...axa.RequestOption) (any, error) { return c.ListProviderKinds(ctx, nil, o...) },
		"listProviderSpecialities": func(o ...axa.RequestOption) (any, error) {
			return c.ListProviderSpecialities(ctx, nil, o...)
		},
	}
	for name, call := range calls {
		before, before304 := counter.requests.Load(), counter.notChanged.Load()
		first, err := call()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fresh, err := call()
		if err != nil || !reflect.DeepEqual(fresh, first) {
			t.Errorf("%s from the cache: %v", name, err)
		}
		var resp axa.Response
		revalidated, err := call(axa.WithHeader("Cache-Control", "no-cache"), axa.WithResponseInto(&resp))
		if err != nil || !reflect.DeepEqual(revalidated, first) || resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") == "" {
			t.Errorf("%s revalidated: %v, status %d", name, err, resp.StatusCode)
		}
		if n, n304 := counter.requests.Load()-before, counter.notChanged.Load()-before304; n != 2 || n304 != 1 {
			t.Errorf("%s: %d requests, %d answered 304; want 2 and 1", name, n, n304)
		}
	}
}

// BenchmarkListCountriesCache is a repeated ListCountries against the
// sandbox: "off" without a cache (every call a 200 with the whole list),
// "fresh" WithCache while the answer is fresh (no request at all),
// "revalidate" WithCache with Cache-Control: no-cache on each call (every
// call a request answered 304, the body from the cache). Same sandbox, one
// keep-alive connection each.
func BenchmarkListCountriesCache(b *testing.B) {
	base := benchServer(b, nil)
	ctx := b.Context()
	for _, bc := range []struct {
		name  string
		cache bool
		opts  []axa.RequestOption
	}{
		{"off", false, nil},
		{"fresh", true, nil},
		{"revalidate", true, []axa.RequestOption{axa.WithHeader("Cache-Control", "no-cache")}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			opts := []axa.Option{
				axa.WithoutEnvironment(), axa.WithBaseURL(base), axa.WithTransport(benchTransport(b, 1)),
				axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret),
			}
			if bc.cache {
				opts = append(opts, axa.WithCache())
			}
			client, err := axa.NewClient(opts...)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = client.Close() })
			if list, err := client.ListCountries(ctx, nil); err != nil || len(list) != 249 {
				b.Fatalf("%v, %d countries", err, len(list))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				list, err := client.ListCountries(ctx, nil, bc.opts...)
				if err != nil || len(list) != 249 {
					b.Fatalf("%v, %d countries", err, len(list))
				}
			}
		})
	}
}

// One Cache shared by clients of several identities (one store for a
// service's clients, as a Redis behind Cache would be) must not hand one
// identity what the API gave another: a client whose credentials may not
// read the countries gets the API's 403, not the countries another client
// stored; a client limited by WithScopes likewise; a client of a stored
// identity whose secret or password is wrong gets the token endpoint's
// refusal; a second password user is asked for afresh. Clients of the same
// identity do share: the second one's call is served from the cache
// without a request to the API.
func TestCacheSharedBetweenIdentities(t *testing.T) {
	at10 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	env := axatest.New(t,
		sandbox.WithClock(func() time.Time { return at10 }),
		sandbox.WithClient(sandbox.Client{ID: "quotes-only", Secret: "quotes-secret", Scopes: []string{axa.ScopeQuotes}}),
		sandbox.WithUser(sandbox.User{Login: "alice", Password: "alice-pw"}),
		sandbox.WithUser(sandbox.User{Login: "bob", Password: "bob-pw"}),
	)
	shared := axa.NewMemoryCache(0)
	counter := &apiCounter{next: &http.Transport{}}
	client := func(opts ...axa.Option) *axa.Client {
		t.Helper()
		c, err := axa.NewClient(append([]axa.Option{axa.WithoutEnvironment(), axa.WithBaseURL(env.URL),
			axa.WithTransport(counter), axa.WithCache(shared)}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	list := func(c *axa.Client) error {
		_, err := c.ListCountries(t.Context(), nil)
		return err
	}
	owner := client(axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret))
	if err := list(owner); err != nil {
		t.Fatal(err)
	}

	before := counter.requests.Load()
	same := client(axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret))
	if err := list(same); err != nil || counter.requests.Load() != before {
		t.Errorf("a client of the same identity: %v, %d requests; want the stored answer and none", err, counter.requests.Load()-before)
	}

	for name, c := range map[string]*axa.Client{
		"a client not allowed the scope": client(axa.WithClientCredentials("quotes-only", "quotes-secret")),
		"a client limited by WithScopes": client(axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret),
			axa.WithScopes(axa.ScopeQuotes)),
	} {
		// The refusal comes from the token endpoint or the API: either
		// way, never the stored answer.
		if err := list(c); !errors.Is(err, axa.ErrInsufficientScope) && !errors.Is(err, axa.ErrUnauthorized) {
			t.Errorf("%s got %v from the shared cache; want the API's refusal", name, err)
		}
	}

	alice := client(axa.WithPassword(sandbox.DefaultClientID, sandbox.DefaultClientSecret, "alice", "alice-pw"))
	bob := client(axa.WithPassword(sandbox.DefaultClientID, sandbox.DefaultClientSecret, "bob", "bob-pw"))
	if err := list(alice); err != nil {
		t.Fatal(err)
	}
	// Clients of the owner's and alice's identities whose secret or
	// password the token endpoint refuses: its refusal, never the fresh
	// answers stored, and no request to the API.
	before = counter.requests.Load()
	for name, c := range map[string]*axa.Client{
		"a wrong secret":   client(axa.WithClientCredentials(sandbox.DefaultClientID, "not-the-secret")),
		"a wrong password": client(axa.WithPassword(sandbox.DefaultClientID, sandbox.DefaultClientSecret, "alice", "not-alice-pw")),
	} {
		var te *axa.TokenError
		if err := list(c); !errors.As(err, &te) || !errors.Is(err, axa.ErrUnauthorized) {
			t.Errorf("%s got %v from the shared cache; want the token endpoint's refusal", name, err)
		}
	}
	if n := counter.requests.Load() - before; n != 0 {
		t.Errorf("the refused clients made %d API requests, want none", n)
	}
	before = counter.requests.Load()
	if err := list(bob); err != nil || counter.requests.Load() == before {
		t.Errorf("bob: %v, %d requests; want his own answer from the API", err, counter.requests.Load()-before)
	}
}

// Concurrent calls that all revalidate one answer (Cache-Control:
// no-cache) share the requests in flight: requests/op, below 1, is the
// share of calls that reached the API.
func BenchmarkListCountriesCacheParallelRevalidate(b *testing.B) {
	base := benchServer(b, nil)
	counter := &apiCounter{next: benchTransport(b, 8)}
	client, err := axa.NewClient(axa.WithoutEnvironment(), axa.WithBaseURL(base), axa.WithTransport(counter),
		axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret), axa.WithCache())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = client.Close() })
	ctx := b.Context()
	if _, err := client.ListCountries(ctx, nil); err != nil {
		b.Fatal(err)
	}
	counter.requests.Store(0)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			list, err := client.ListCountries(ctx, nil, axa.WithHeader("Cache-Control", "no-cache"))
			if err != nil || len(list) != 249 {
				b.Errorf("%v, %d countries", err, len(list))
				return
			}
		}
	})
	b.ReportMetric(float64(counter.requests.Load())/float64(b.N), "requests/op")
}
