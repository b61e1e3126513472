package axa

// The header layer (policy_headers.go): User-Agent, and the one
// Idempotency-Key of a POST (see also retry_test.go and invoke_test.go).

import (
	"context"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/gen"
)

// Every request names the SDK, its version and Go's, then the caller's
// suffix: the API's and the token endpoint's alike.
func TestUserAgent(t *testing.T) {
	prefix := "axa-go/" + SDKVersion
	for _, suffix := range []string{"", "my-app/1.2"} {
		t.Run("suffix="+suffix, func(t *testing.T) {
			f := newFakeAPI(t)
			var opts []Option
			if suffix != "" {
				opts = append(opts, WithUserAgent(suffix))
			}
			c := newTestClient(t, f, newFakeClock(), opts...)
			if _, err := c.GetVersion(t.Context()); err != nil {
				t.Fatal(err)
			}
			if _, err := c.ListCountries(t.Context(), nil); err != nil {
				t.Fatal(err)
			}
			reqs := f.APIRequests()
			if len(reqs) != 2 {
				t.Fatalf("API requests = %d, want 2", len(reqs))
			}
			tokenReqs := f.TokenRequests()
			if len(tokenReqs) != 1 {
				t.Fatalf("token requests = %d, want 1", len(tokenReqs))
			}
			reqs = append(reqs, apiRequest{Path: gen.TokenPath, UserAgent: tokenReqs[0].UserAgent})
			for _, r := range reqs {
				ua := r.UserAgent
				if !strings.HasPrefix(ua, prefix) {
					t.Errorf("%s User-Agent %q does not start with %q", r.Path, ua, prefix)
				}
				if !strings.Contains(ua, runtime.Version()) {
					t.Errorf("%s User-Agent %q does not name %s", r.Path, ua, runtime.Version())
				}
				if suffix != "" && !strings.HasSuffix(ua, " "+suffix) {
					t.Errorf("%s User-Agent %q does not end with the suffix %q", r.Path, ua, suffix)
				}
			}
		})
	}
}

// A raw generated-client POST that names no key gets one from the header
// layer, the same on every attempt, and so may be retried.
func TestRawPostGetsOneKeyForAllAttempts(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, r *http.Request, n int) bool {
			if r.Method != http.MethodPost {
				return false
			}
			if n <= 2 {
				unavailable(w)
				return true
			}
			writeJSON(w, http.StatusCreated, map[string]any{"policy_number": "AXA-TRV-0000000001"})
			return true
		}
	})
	c := newTestClient(t, f, newFakeClock())
	dropKey := func(_ context.Context, req *http.Request) error {
		req.Header.Del("Idempotency-Key")
		return nil
	}
	resp, err := c.Raw().CreatePolicyWithResponse(t.Context(), nil, testPolicyRequest(), dropKey)
	if err != nil || resp.StatusCode() != http.StatusCreated {
		t.Fatalf("raw POST: %v %v", resp, err)
	}
	reqs := f.APIRequests()
	if len(reqs) != 3 {
		t.Fatalf("API requests = %d, want 3", len(reqs))
	}
	for _, r := range reqs {
		if r.IdempotencyKey == "" || r.IdempotencyKey != reqs[0].IdempotencyKey {
			t.Errorf("attempt carried key %q, first %q: want one key for all", r.IdempotencyKey, reqs[0].IdempotencyKey)
		}
	}
}
