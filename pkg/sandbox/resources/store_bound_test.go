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
