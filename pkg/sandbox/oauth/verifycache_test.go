package oauth

import (
	"crypto/sha256"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
)

// A token's signature is checked once: later checks of the same token are
// answered from the cache, with claims of their own.
func TestVerifyChecksEachTokenOnce(t *testing.T) {
	e := newOAuthEnv(t)
	at := e.mustToken(ccForm).str("access_token")
	first, err := e.auth.Verify(at)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		c, err := e.auth.Verify(at)
		if err != nil {
			t.Fatal(err)
		}
		if c == first || c.ID != first.ID || c.ClientID != defaultClientID {
			t.Fatalf("a cached check: claims %p %+v, want a copy of %p %+v", c, c, first, first)
		}
	}
	if h, m := e.auth.verified.hits.Load(), e.auth.verified.misses.Load(); h != 3 || m != 1 {
		t.Errorf("4 checks of one token: %d hits, %d misses; want 3 and 1", h, m)
	}
}

// A cached token is refused from its exp on, by the hand-moved clock, and
// leaves the cache.
func TestVerifyCacheHonoursExpiry(t *testing.T) {
	e := newOAuthEnv(t, withTokenLifetime(10*time.Minute))
	at := e.mustToken(ccForm).str("access_token")
	for range 2 { // checked, then from the cache
		if !e.verifies(at) {
			t.Fatal("a fresh token refused")
		}
	}
	e.clock.advance(10*time.Minute + time.Second) // past exp, rounded up to a second
	if _, err := e.auth.Verify(at); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("an expired, cached token: err = %v, want expired", err)
	}
	if n := e.auth.verified.len(); n != 0 {
		t.Errorf("%d tokens cached after the only one expired", n)
	}
}

// A token verified and cached is refused at once once revoked, and a
// token cached under one issuer is refused under another.
func TestVerifyCacheHonoursRevocationAndIssuer(t *testing.T) {
	e := newOAuthEnv(t)
	at := e.mustToken(ccForm).str("access_token")
	other := e.mustToken(ccForm).str("access_token")
	if !e.verifies(at) || !e.verifies(other) {
		t.Fatal("fresh tokens refused")
	}
	if a := e.post(revokePath, revokeForm(at), defaultClientID, defaultClientSecret); a.status != http.StatusOK {
		t.Fatalf("revoke: %d %v", a.status, a.body)
	}
	if _, err := e.auth.Verify(at); err == nil || !strings.Contains(err.Error(), "revoked") {
		t.Errorf("a revoked, cached token: err = %v, want revoked", err)
	}
	if !e.verifies(other) {
		t.Error("revoking one token refused another")
	}
	e.auth.SetIssuer("http://127.0.0.1:1")
	if _, err := e.auth.Verify(other); err == nil || !strings.Contains(err.Error(), "not issued by this server") {
		t.Errorf("a token cached under the old issuer: err = %v", err)
	}
}

// The cache holds at most its bound, however many distinct tokens come,
// and keeps answering for the ones it holds.
func TestVerifyCacheIsBounded(t *testing.T) {
	e := newOAuthEnv(t)
	const bound = 8
	e.auth.verified = newVerifyCache(bound)
	var tokens []string
	for range 3 * bound {
		at := e.mustToken(ccForm).str("access_token")
		if !e.verifies(at) {
			t.Fatal("a fresh token refused")
		}
		tokens = append(tokens, at)
		if n := e.auth.verified.len(); n > bound {
			t.Fatalf("%d tokens cached, bound %d", n, bound)
		}
	}
	for i, at := range tokens {
		if !e.verifies(at) {
			t.Errorf("token %d refused after it was evicted", i)
		}
	}
}

// The cache alone: an entry is good from its iat to its exp, for its
// issuer; put on a full cache evicts one entry; failures never get in
// (put is only called with accepted claims).
func TestVerifyCacheEntries(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	claims := func(i int) *reqctx.Claims {
		return &reqctx.Claims{RegisteredClaims: jwt.RegisteredClaims{
			Issuer: "iss", ID: strconv.Itoa(i),
			IssuedAt:  jwt.NewNumericDate(t0),
			NotBefore: jwt.NewNumericDate(t0),
			ExpiresAt: jwt.NewNumericDate(t0.Add(time.Minute)),
		}}
	}
	key := func(i int) [sha256.Size]byte { return sha256.Sum256([]byte(strconv.Itoa(i))) }
	vc := newVerifyCache(2)
	vc.put(key(1), claims(1))
	for _, tc := range []struct {
		name string
		at   time.Time
		iss  string
		want bool
	}{
		{"at iat", t0, "iss", true},
		{"before iat", t0.Add(-time.Second), "iss", false},
		{"another issuer", t0, "other", false},
	} {
		if got := vc.get(key(1), tc.at, tc.iss) != nil; got != tc.want {
			t.Errorf("%s: hit = %v, want %v", tc.name, got, tc.want)
		}
	}
	vc.put(key(1), claims(1))
	if vc.get(key(1), t0.Add(time.Minute-time.Nanosecond), "iss") == nil {
		t.Error("refused just before exp")
	}
	vc.put(key(2), claims(2))
	vc.put(key(3), claims(3))
	if n := vc.len(); n != 2 {
		t.Errorf("%d entries in a cache of 2", n)
	}
	if vc.get(key(3), t0, "iss") == nil {
		t.Error("the entry just put is missing")
	}
	if vc.get(key(3), t0.Add(time.Minute), "iss") != nil || vc.len() != 1 {
		t.Errorf("at exp: still answered, or still held (%d entries)", vc.len())
	}
}
