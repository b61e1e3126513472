package axa

import (
	"context"
	"net/http"
	"net/http/httputil"
	"strings"
	"sync/atomic"
	"testing"
)

// assertRequestsHoldNoToken fails the test when the request a caller can
// reach from resp, or any request before it (the responses a redirect
// followed keep, Request.Response), holds the canary bearer token: in its
// headers, or in what httputil.DumpRequest prints of it.
func assertRequestsHoldNoToken(t *testing.T, what string, resp *http.Response) {
	t.Helper()
	if resp == nil || resp.Request == nil {
		t.Fatalf("%s: no response, or one without its request", what)
	}
	hops := 0
	for r := resp; r != nil && r.Request != nil; r = r.Request.Response {
		hops++
		req := r.Request
		if h := req.Header.Get("Authorization"); h != "" {
			t.Errorf("%s: the response's request (hop %d) holds Authorization %q", what, hops, redactTokens([]string{h})[0])
		}
		dump, err := httputil.DumpRequest(req, false)
		if err != nil {
			t.Fatalf("%s: DumpRequest: %v", what, err)
		}
		if strings.Contains(string(dump), tokenPrefix) {
			t.Errorf("%s: DumpRequest of the response's request (hop %d) shows the token:\n%s", what, hops, redactTokens([]string{string(dump)})[0])
		}
	}
}

// The requests a caller can reach never hold the bearer token: the request
// of every response the raw client hands out (Raw()'s *http.Response, a
// ...WithResponse's HTTPResponse), after a plain answer, a retry, the
// replay of a 401 invalid_token, a redirect followed, an error status, and
// an answer from the cache; while the API did get the token each time.
func TestRawResponsesHoldNoToken(t *testing.T) {
	f := newFakeAPI(t)
	var failedOnce atomic.Bool
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, r *http.Request, _ int) bool {
			switch {
			case r.URL.Query().Get("case") == "retry" && failedOnce.CompareAndSwap(false, true):
				unavailable(w)
				return true
			case r.URL.Path == "/travel/v1/countries/moved":
				http.Redirect(w, r, "/travel/v1/countries/fr", http.StatusTemporaryRedirect)
				return true
			case r.URL.Path == "/travel/v1/countries/fr":
				if !f.validToken(r.Header.Get("Authorization")) {
					return false
				}
				w.Header().Set("Cache-Control", "private, max-age=300")
				w.Header().Set("ETag", `"fr-1"`)
				writeJSON(w, http.StatusOK, map[string]any{"id": "fr", "label": "France"})
				return true
			}
			return false
		}
	})
	c := newTestClient(t, f, newFakeClock(), WithCache())
	ctx := t.Context()

	list, err := c.Raw().ListCountriesWithResponse(ctx, nil)
	if err != nil || list.StatusCode() != http.StatusOK {
		t.Fatalf("ListCountriesWithResponse: %v %v", list, err)
	}
	assertRequestsHoldNoToken(t, "ListCountriesWithResponse", list.HTTPResponse)

	resp, err := c.Raw().ListCountries(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	assertRequestsHoldNoToken(t, "ListCountries", resp)

	moved, err := c.Raw().GetCountryWithResponse(ctx, "moved", nil)
	if err != nil || moved.StatusCode() != http.StatusOK {
		t.Fatalf("GetCountryWithResponse(moved): %v %v", moved, err)
	}
	assertRequestsHoldNoToken(t, "a redirect followed", moved.HTTPResponse)
	if moved.HTTPResponse.Request.Response == nil {
		t.Error("the redirect's first answer is not kept: the test saw one hop only")
	}
	cached, err := c.Raw().GetCountryWithResponse(ctx, "fr", nil)
	if err != nil || cached.HTTPResponse.Header.Get("Age") == "" {
		t.Fatalf("GetCountryWithResponse(fr) again: %v, want an answer from the cache", err)
	}
	assertRequestsHoldNoToken(t, "an answer from the cache", cached.HTTPResponse)

	missing, err := c.Raw().GetCountryWithResponse(ctx, "atlantis", nil)
	if err != nil || missing.StatusCode() != http.StatusNotFound {
		t.Fatalf("GetCountryWithResponse(atlantis): %v %v", missing, err)
	}
	assertRequestsHoldNoToken(t, "an error status", missing.HTTPResponse)

	before := len(f.APIRequests())
	retried, err := c.Raw().ListCountriesWithResponse(ctx, nil, func(_ context.Context, r *http.Request) error {
		r.URL.RawQuery = "case=retry"
		return nil
	})
	if err != nil || retried.StatusCode() != http.StatusOK {
		t.Fatalf("a retried call: %v %v", retried, err)
	}
	if n := len(f.APIRequests()) - before; n != 2 {
		t.Errorf("the retried call made %d requests, want 2", n)
	}
	assertRequestsHoldNoToken(t, "a retried call", retried.HTTPResponse)

	// The API drops the token: 401 invalid_token, then the replay with a
	// new one.
	f.set(func(f *fakeAPI) { f.issued = nil })
	replayed, err := c.Raw().ListCountriesWithResponse(ctx, nil)
	if err != nil || replayed.StatusCode() != http.StatusOK {
		t.Fatalf("a replayed call: %v %v", replayed, err)
	}
	assertRequestsHoldNoToken(t, "the replay after 401 invalid_token", replayed.HTTPResponse)

	for _, r := range f.APIRequests() {
		if !strings.HasPrefix(r.Authorization, "Bearer "+tokenPrefix) {
			t.Errorf("%s %s reached the API with Authorization %q, want the bearer token", r.Method, r.Path, r.Authorization)
		}
	}
}
