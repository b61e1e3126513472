package middleware

import (
	"strconv"
	"testing"
	"time"
)

// A set full of active clients (a frozen clock, or many addresses within
// a minute) is not walked on every request: sweeps happen once per
// doubling, so the entries visited stay a small multiple of the clients
// seen. The walk on every request, past 1,024 clients, visited millions
// here.
func TestLimiterSetSweepsOncePerDoubling(t *testing.T) {
	s := newLimiterSet(10, 10)
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	const clients = 5000
	for round := range 2 {
		for i := range clients {
			s.get("client-"+strconv.Itoa(i), now)
		}
		if len(s.m) != clients {
			t.Fatalf("round %d: %d limiters, want %d (active ones are kept)", round, len(s.m), clients)
		}
	}
	if s.walked > 4*clients {
		t.Errorf("sweeps visited %d entries for %d clients seen twice; want at most %d", s.walked, clients, 4*clients)
	}
}

// Idle limiters (unused for over a minute) go at the next sweep; active
// ones keep their limiter, so their budget is not reset.
func TestLimiterSetDropsOnlyIdleLimiters(t *testing.T) {
	s := newLimiterSet(10, 10)
	t0 := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	for i := range maxLimiters - 1 {
		s.get("idle-"+strconv.Itoa(i), t0)
	}
	active := s.get("active", t0)
	later := t0.Add(2 * time.Minute)
	if s.get("active", later) != active {
		t.Fatal("a known client got a new limiter")
	}
	s.get("newcomer", later) // reaches the bound: a sweep
	if len(s.m) != 2 {
		t.Errorf("%d limiters after the sweep, want 2 (the active client and the newcomer)", len(s.m))
	}
	if s.m["active"] != active {
		t.Error("the active client's limiter was replaced: its budget was reset")
	}
}
