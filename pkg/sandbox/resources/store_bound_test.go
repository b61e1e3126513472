package resources

import (
	"crypto/sha256"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/axa-assistance-go/axa/gen"
)

// An owner's quotes are bounded: past MaxRecordsPerOwner the oldest is
// gone (quote_not_found), the others and another owner's are not, and the
// store never holds more than the bound per owner.
func TestStoreKeepsTheNewestQuotesPerOwner(t *testing.T) {
	s := newStore()
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	add := func(o owner) uuid.UUID {
		q := gen.Quote{ID: uuid.New(), ValidUntil: now.Add(time.Hour)}
		s.addQuote(o, q, nil)
		return q.ID
	}
	other := add("b")
	var a []uuid.UUID
	for range MaxRecordsPerOwner + 2 {
		a = append(a, add("a"))
	}
	issue := func(o owner, id uuid.UUID) error {
		_, err := s.issuePolicy(o, id, now, func(*quoteRecord) error { return nil },
			func(_ *quoteRecord, number string) gen.Policy {
				return gen.Policy{ID: uuid.New(), PolicyNumber: number}
			})
		return err
	}
	for _, id := range a[:2] {
		wantError(t, issue("a", id), http.StatusUnprocessableEntity, "quote_not_found")
	}
	for _, c := range []struct {
		o  owner
		id uuid.UUID
	}{{"a", a[2]}, {"a", a[len(a)-1]}, {"b", other}} {
		if err := issue(c.o, c.id); err != nil {
			t.Errorf("a kept quote of %s: %v", c.o, err)
		}
	}
	if n := len(s.quotes); n != MaxRecordsPerOwner+1 {
		t.Errorf("the store holds %d quotes, want %d", n, MaxRecordsPerOwner+1)
	}
}

// An owner's Idempotency-Keys are bounded and expire from the oldest: a key
// pushed out or expired acts afresh; a key still in flight is never dropped.
func TestStoreBoundsAndExpiresIdempotencyKeys(t *testing.T) {
	s := newStore()
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	h := sha256.Sum256([]byte("body"))
	begin := func(key string, at time.Time) idemState {
		st, _ := s.beginIdempotent("a", key, h, at)
		return st
	}
	if begin("in-flight", now) != idemNew {
		t.Fatal("a first key is not new")
	}
	for i := range MaxRecordsPerOwner + 5 {
		k := uuid.NewString()
		if i == 0 {
			k = "first-done"
		}
		if begin(k, now) != idemNew {
			t.Fatalf("key %d is not new", i)
		}
		s.finishIdempotent("a", k, "answer")
	}
	if begin("in-flight", now) != idemInFlight {
		t.Error("a key in flight at the front was dropped")
	}
	s.finishIdempotent("a", "in-flight", "answer")
	// The front is done now: the next key pushes the oldest out.
	next := uuid.NewString()
	begin(next, now)
	s.finishIdempotent("a", next, "answer")
	if n := len(s.idem); n > MaxRecordsPerOwner+7 {
		t.Errorf("the store holds %d keys of one owner", n)
	}
	later := now.Add(idempotencyRetention + time.Minute)
	begin(uuid.NewString(), later)
	if n := len(s.idem); n != 1 {
		t.Errorf("after the retention the store holds %d keys, want only the new one", n)
	}
	if begin("first-done", later) != idemNew {
		t.Error("an expired key does not act afresh")
	}
}

// issueFrom issues a bare policy of o from a new quote of o, at now: a
// policy JSON can encode (its e-mail address is one), for the handlers'
// tests.
func issueFrom(t *testing.T, s *store, o owner, now time.Time) uuid.UUID {
	t.Helper()
	q := gen.Quote{ID: uuid.New(), ValidUntil: now.Add(time.Hour)}
	s.addQuote(o, q, nil)
	p, err := s.issuePolicy(o, q.ID, now, func(*quoteRecord) error { return nil },
		func(_ *quoteRecord, number string) gen.Policy {
			p := gen.Policy{ID: uuid.New(), PolicyNumber: number, Status: gen.PolicyStatusIssued}
			p.PolicyHolder.Email = "holder@example.com"
			return p
		})
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// An owner's policies are bounded: past MaxRecordsPerOwner the oldest is
// gone (not found to read or cancel, out of the list), the others and
// another owner's are not, and the store never holds more than the bound
// per owner.
func TestStoreKeepsTheNewestPoliciesPerOwner(t *testing.T) {
	s := newStore()
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	other := issueFrom(t, s, "b", now)
	var a []uuid.UUID
	for range MaxRecordsPerOwner + 2 {
		a = append(a, issueFrom(t, s, "a", now))
	}
	for _, id := range a[:2] {
		if _, ok := s.policy("a", id); ok {
			t.Errorf("policy %s, pushed out, is still found", id)
		}
		_, err := s.cancelPolicy("a", id, now)
		wantError(t, err, http.StatusNotFound, "not_found")
	}
	for _, c := range []struct {
		o  owner
		id uuid.UUID
	}{{"a", a[2]}, {"a", a[len(a)-1]}, {"b", other}} {
		if _, ok := s.policy(c.o, c.id); !ok {
			t.Errorf("a kept policy of %s is not found", c.o)
		}
	}
	if n := s.policyCount(); n != MaxRecordsPerOwner+1 {
		t.Errorf("the store holds %d policies, want %d", n, MaxRecordsPerOwner+1)
	}
	if n := len(s.allPolicies()); n != MaxRecordsPerOwner+1 {
		t.Errorf("allPolicies lists %d policies, want %d", n, MaxRecordsPerOwner+1)
	}
	page, next := s.listPolicies("a", 0, MaxRecordsPerOwner+5)
	if len(page) != MaxRecordsPerOwner || next != 0 {
		t.Fatalf("the whole list: %d policies, next %d; want %d and no next", len(page), next, MaxRecordsPerOwner)
	}
	if page[0].ID != a[len(a)-1] || page[len(page)-1].ID != a[2] {
		t.Errorf("the list runs from %s to %s, want from the newest to the oldest kept", page[0].ID, page[len(page)-1].ID)
	}
}

// A quote whose policy was pushed out while the quote was kept is still
// used: issuing from it again is quote_already_used, never a second policy
// (nor a panic on the policy gone).
func TestStoreQuoteOfAPushedOutPolicyStaysUsed(t *testing.T) {
	s := newStore()
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	newQuote := func() uuid.UUID {
		q := gen.Quote{ID: uuid.New(), ValidUntil: now.Add(time.Hour)}
		s.addQuote("a", q, nil)
		return q.ID
	}
	issue := func(quote uuid.UUID) error {
		_, err := s.issuePolicy("a", quote, now, func(*quoteRecord) error { return nil },
			func(_ *quoteRecord, number string) gen.Policy {
				return gen.Policy{ID: uuid.New(), PolicyNumber: number}
			})
		return err
	}
	// Older quotes first, then the one whose policy comes first: its
	// policy is the oldest, its quote among the newest.
	older := make([]uuid.UUID, MaxRecordsPerOwner-1)
	for i := range older {
		older[i] = newQuote()
	}
	kept := newQuote()
	if err := issue(kept); err != nil {
		t.Fatal(err)
	}
	for _, q := range older {
		if err := issue(q); err != nil {
			t.Fatal(err)
		}
	}
	if err := issue(newQuote()); err != nil { // the bound's one too many: the first policy goes
		t.Fatal(err)
	}
	if n := s.policyCount(); n != MaxRecordsPerOwner {
		t.Fatalf("the store holds %d policies, want %d", n, MaxRecordsPerOwner)
	}
	wantError(t, issue(kept), http.StatusUnprocessableEntity, "quote_already_used")
}
