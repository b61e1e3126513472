package resources

import (
	"crypto/sha256"
	"strconv"
	"testing"
	"time"
)

// idemFixture is a store and helpers to drive one owner's keys.
type idemFixture struct {
	t   *testing.T
	s   *store
	now time.Time
}

func newIdemFixture(t *testing.T) *idemFixture {
	return &idemFixture{t: t, s: newStore(), now: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)}
}

var idemBody = sha256.Sum256([]byte("body"))

func (f *idemFixture) begin(key string, at time.Time) idemState {
	st, _ := f.s.beginIdempotent("a", key, idemBody, at)
	return st
}

// done begins and finishes key: a request that succeeded.
func (f *idemFixture) done(key string) {
	f.t.Helper()
	if st := f.begin(key, f.now); st != idemNew {
		f.t.Fatalf("key %q: state %d, want new", key, st)
	}
	f.s.finishIdempotent("a", key, "answer "+key)
}

// An owner that holds exactly MaxRecordsPerOwner keys holds its newest
// MaxRecordsPerOwner keys: each replays, the oldest included. A replay adds
// no key, so it must push none out.
func TestStoreReplaysTheOldestOfAFullOwner(t *testing.T) {
	f := newIdemFixture(t)
	for i := range MaxRecordsPerOwner {
		f.done(strconv.Itoa(i))
	}
	if st := f.begin("0", f.now); st != idemReplay {
		t.Errorf("the oldest of %d keys (the bound): state %d, want %d (replay)", MaxRecordsPerOwner, st, idemReplay)
	}
	if st := f.begin(strconv.Itoa(MaxRecordsPerOwner-1), f.now); st != idemReplay {
		t.Errorf("the newest key: state %d, want replay", st)
	}
}

// A key whose first request failed (abandoned) and was then retried with
// success counts once towards the bound: failures do not push an owner's
// answers out early.
func TestStoreAbandonedKeyCountsOnce(t *testing.T) {
	f := newIdemFixture(t)
	f.done("first")
	for range 3 { // three failed attempts, then a success
		if st := f.begin("retried", f.now); st != idemNew {
			t.Fatalf("a retry after a failure: state %d, want new", st)
		}
		f.s.abandonIdempotent("a", "retried")
	}
	f.done("retried")
	for i := range MaxRecordsPerOwner - 3 {
		f.done(strconv.Itoa(i))
	}
	// MaxRecordsPerOwner-1 distinct keys: every one is kept.
	if st := f.begin("retried", f.now); st != idemReplay {
		t.Errorf("a retried key among %d keys: state %d, want %d (replay)", MaxRecordsPerOwner-1, st, idemReplay)
	}
	if st := f.begin("first", f.now); st != idemReplay {
		t.Errorf("the oldest of %d keys: state %d, want %d (replay)", MaxRecordsPerOwner-1, st, idemReplay)
	}
}

// An expired key acts afresh even when an older request of the same owner
// is still in flight (the oldest key, which the store keeps).
func TestStoreExpiredKeyBehindAnInFlightOne(t *testing.T) {
	f := newIdemFixture(t)
	if st := f.begin("slow", f.now); st != idemNew {
		t.Fatal("first key not new")
	}
	f.done("k")
	later := f.now.Add(idempotencyRetention + time.Minute)
	if st := f.begin("k", later); st != idemNew {
		t.Errorf("a key past its retention, behind one in flight: state %d, want %d (new)", st, idemNew)
	}
	if st := f.begin("slow", later); st != idemInFlight {
		t.Errorf("the key in flight: state %d, want in flight", st)
	}
}
