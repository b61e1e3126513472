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

// Two requests under one key are the same when their operations and
// decoded bodies are: the same bytes, or other bytes of the same body, or a
// body whose bytes are not known (a handler called in process) equal to
// one whose are. Another body, or the same body of another operation, is
// another request.
func TestFingerprintsCompareBodies(t *testing.T) {
	type body struct{ A, B string }
	fp := func(op string, b body, raw string) *fingerprint {
		t.Helper()
		var bytes []byte
		if raw != "" {
			bytes = []byte(raw)
		}
		f, err := newFingerprint(op, &b, bytes)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	ab := body{A: "a", B: "b"}
	for _, c := range []struct {
		name string
		f, g *fingerprint
		same bool
	}{
		{"the same bytes", fp("op", ab, `{"A":"a","B":"b"}`), fp("op", ab, `{"A":"a","B":"b"}`), true},
		{"other bytes, the same body", fp("op", ab, `{"A":"a","B":"b"}`), fp("op", ab, `{ "B":"b", "A":"a" }`), true},
		{"bytes unknown, the same body", fp("op", ab, `{"A":"a","B":"b"}`), fp("op", ab, ""), true},
		{"another body", fp("op", ab, `{"A":"a","B":"b"}`), fp("op", body{A: "a"}, `{"A":"a"}`), false},
		{"another body, bytes unknown", fp("op", ab, ""), fp("op", body{B: "b"}, ""), false},
		{"the same bytes, another operation", fp("op", ab, `{"A":"a","B":"b"}`), fp("other", ab, `{"A":"a","B":"b"}`), false},
		{"a digest alone, another body", hashFingerprint(idemBody), fp("op", ab, `{"A":"a","B":"b"}`), false},
	} {
		if got := c.f.same(c.g); got != c.same {
			t.Errorf("%s: same %v, want %v", c.name, got, c.same)
		}
		if got := c.g.same(c.f); got != c.same {
			t.Errorf("%s, the other way: same %v, want %v", c.name, got, c.same)
		}
	}
}
