package resources

import (
	"net/http"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/sandboxtest"
)

// tenancyEnv is the resources with a token of each of two users of a
// client, as a password grant gives them, and of the client itself (client
// credentials).
type tenancyEnv struct {
	*apiEnv
	alice, bob, client string
}

func newTenancyEnv(t *testing.T) *tenancyEnv {
	t.Helper()
	e := newAPIEnv(t)
	return &tenancyEnv{apiEnv: e, alice: e.token("alice"), bob: e.token("bob"), client: e.token("")}
}

// issue makes a quote and a policy from it with token, under the given
// Idempotency-Keys; it returns the quote's id and the policy's.
func (e *tenancyEnv) issue(token, quoteKey, policyKey string) (quoteID, policyID string) {
	e.t.Helper()
	q := e.do(token, http.MethodPost, "/travel/v1/quotes", quoteKey, sandboxtest.QuoteJSON(""))
	if q.Status != http.StatusCreated {
		e.t.Fatalf("quote: %d %v", q.Status, q.Body)
	}
	p := e.do(token, http.MethodPost, "/travel/v1/policies", policyKey, sandboxtest.PolicyJSON(q.Str("id"), sandboxtest.HolderJSON(sandboxtest.AddressJSON(""), ""), ""))
	if p.Status != http.StatusCreated {
		e.t.Fatalf("policy: %d %v", p.Status, p.Body)
	}
	return q.Str("id"), p.Str("id")
}

// wantNotFound fails the test unless a is the 404 of a policy that does not
// exist for the caller, with nothing of the policy in it.
func wantNotFound(t *testing.T, who string, a apiAnswer) {
	t.Helper()
	if a.Status != http.StatusNotFound || a.Str("error") != "not_found" {
		t.Errorf("%s: %d %v, want 404 not_found", who, a.Status, a.Body)
	}
	if a.Str("policy_number") != "" || a.Body["policy_holder"] != nil {
		t.Errorf("%s: the answer shows the policy: %v", who, a.Body)
	}
}

// A policy issued under a user's token is that user's: another user of the
// same client, or the client itself, does not see it (404, not 403: its
// existence is not confirmed); a policy issued under the client's own token
// is the client's, and no user of it sees it.
func TestPoliciesBelongToTheUserOrClientThatIssuedThem(t *testing.T) {
	e := newTenancyEnv(t)
	_, alices := e.issue(e.alice, "alice-quote", "alice-booking")
	_, clients := e.issue(e.client, "client-quote", "client-booking")
	path := func(id string) string { return "/travel/v1/policies/" + id }

	if got := e.do(e.alice, http.MethodGet, path(alices), "", ""); got.Status != http.StatusOK || got.Str("id") != alices {
		t.Errorf("alice reading her policy: %d %v", got.Status, got.Body)
	}
	wantNotFound(t, "bob reading alice's policy", e.do(e.bob, http.MethodGet, path(alices), "", ""))
	wantNotFound(t, "the client reading alice's policy", e.do(e.client, http.MethodGet, path(alices), "", ""))

	if got := e.do(e.client, http.MethodGet, path(clients), "", ""); got.Status != http.StatusOK || got.Str("id") != clients {
		t.Errorf("the client reading its policy: %d %v", got.Status, got.Body)
	}
	wantNotFound(t, "alice reading the client's policy", e.do(e.alice, http.MethodGet, path(clients), "", ""))
	wantNotFound(t, "bob reading the client's policy", e.do(e.bob, http.MethodGet, path(clients), "", ""))

	// A second token of the same user is the same owner.
	if got := e.do(e.token("alice"), http.MethodGet, path(alices), "", ""); got.Status != http.StatusOK {
		t.Errorf("alice's second token: %d %v", got.Status, got.Body)
	}
}

// Idempotency-Keys are scoped to the owner: bob replaying alice's key with
// alice's very body does not get her answer. For the policy, that body names
// alice's quote, which is not bob's: the answer is the one for a quote that
// does not exist (422 quote_not_found), as for any unknown quote. For the
// quote, bob gets a quote of his own.
func TestIdempotencyKeysAreScopedToTheOwner(t *testing.T) {
	e := newTenancyEnv(t)
	q := e.do(e.alice, http.MethodPost, "/travel/v1/quotes", "trip-1", sandboxtest.QuoteJSON(""))
	body := sandboxtest.PolicyJSON(q.Str("id"), sandboxtest.HolderJSON(sandboxtest.AddressJSON(""), ""), "")
	p := e.do(e.alice, http.MethodPost, "/travel/v1/policies", "booking-42", body)
	if q.Status != http.StatusCreated || p.Status != http.StatusCreated {
		t.Fatalf("alice: quote %d, policy %d %v", q.Status, p.Status, p.Body)
	}

	for who, token := range map[string]string{"bob": e.bob, "the client": e.client} {
		got := e.do(token, http.MethodPost, "/travel/v1/policies", "booking-42", body)
		if got.Status != http.StatusUnprocessableEntity || got.Str("error") != "quote_not_found" || got.Str("id") != "" {
			t.Errorf("%s replaying alice's policy key: %d %v, want 422 quote_not_found", who, got.Status, got.Body)
		}
		if strings.Contains(got.Str("error_description"), p.Str("policy_number")) {
			t.Errorf("%s: the refusal names alice's policy: %v", who, got.Body)
		}
		quote := e.do(token, http.MethodPost, "/travel/v1/quotes", "trip-1", sandboxtest.QuoteJSON(""))
		if quote.Status != http.StatusCreated || quote.Str("id") == q.Str("id") {
			t.Errorf("%s replaying alice's quote key: %d %v, want a quote of its own", who, quote.Status, quote.Body)
		}
		// Alice's quote, under a new key, is no more usable.
		got = e.do(token, http.MethodPost, "/travel/v1/policies", "new-key-"+strings.ReplaceAll(who, " ", "-"), body)
		if got.Status != http.StatusUnprocessableEntity || got.Str("error") != "quote_not_found" {
			t.Errorf("%s issuing from alice's quote: %d %v, want 422 quote_not_found", who, got.Status, got.Body)
		}
	}

	// Alice's own replay still answers her policy.
	if again := e.do(e.alice, http.MethodPost, "/travel/v1/policies", "booking-42", body); again.Status != http.StatusCreated || again.Str("id") != p.Str("id") {
		t.Errorf("alice's replay: %d %v", again.Status, again.Body)
	}
	if n := e.res.store.policyCount(); n != 1 {
		t.Errorf("%d policies issued, want alice's only", n)
	}
}
