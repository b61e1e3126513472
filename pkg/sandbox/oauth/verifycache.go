package oauth

import (
	"crypto/sha256"
	"sync"
	"sync/atomic"
	"time"

	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
)

// maxVerifiedTokens bounds the verification cache: a client keeps one
// token per scope set for its lifetime, so a few thousand cover every test
// suite; a flood of distinct tokens evicts, it never grows the cache.
const maxVerifiedTokens = 4096

// verifyCache remembers the access tokens whose type, signature, issuer,
// audience and claims the signer checked, so that each distinct token pays
// for its EdDSA signature once instead of on every request (the signature
// was 0.61 of a request's cost). It is keyed by the SHA-256 digest of the
// token, so that its memory holds no usable token. An entry answers only
// while the token itself would pass the time checks (iat and nbf passed,
// exp not reached) and while its issuer is the signer's; revocation is not
// cached: Verify looks it up on every call. Failures are never cached.
type verifyCache struct {
	limit int

	mu      sync.RWMutex
	entries map[[sha256.Size]byte]*reqctx.Claims

	hits, misses atomic.Int64 // for tests: whether a signature was checked
}

// newVerifyCache returns a cache of at most limit tokens.
func newVerifyCache(limit int) *verifyCache {
	return &verifyCache{limit: limit, entries: make(map[[sha256.Size]byte]*reqctx.Claims)}
}

// get returns the claims of the token of digest key, checked earlier, if
// they are still good at now for issuer; nil otherwise. An entry that can
// never be good again (expired, or signed for another issuer) is dropped.
func (vc *verifyCache) get(key [sha256.Size]byte, now time.Time, issuer string) *reqctx.Claims {
	vc.mu.RLock()
	c := vc.entries[key]
	vc.mu.RUnlock()
	if c == nil {
		vc.misses.Add(1)
		return nil
	}
	if c.Issuer != issuer || !now.Before(c.ExpiresAt.Time) {
		vc.mu.Lock()
		delete(vc.entries, key)
		vc.mu.Unlock()
		vc.misses.Add(1)
		return nil
	}
	if now.Before(c.IssuedAt.Time) || (c.NotBefore != nil && now.Before(c.NotBefore.Time)) {
		// Not valid yet at this clock (a test moved it back): let the
		// signer refuse it, and keep the entry for later.
		vc.misses.Add(1)
		return nil
	}
	vc.hits.Add(1)
	return c
}

// put remembers c, the claims of the token of digest key that the signer
// just accepted. When the cache is full it first drops an arbitrary entry
// (Go's map iteration starts at random): no walk over the whole cache.
func (vc *verifyCache) put(key [sha256.Size]byte, c *reqctx.Claims) {
	if c.ExpiresAt == nil || c.IssuedAt == nil {
		return // the signer requires both; nothing to bound the entry by
	}
	vc.mu.Lock()
	defer vc.mu.Unlock()
	if _, ok := vc.entries[key]; !ok && len(vc.entries) >= vc.limit {
		for k := range vc.entries {
			delete(vc.entries, k)
			break
		}
	}
	vc.entries[key] = c
}

// len returns the number of tokens remembered.
func (vc *verifyCache) len() int {
	vc.mu.RLock()
	defer vc.mu.RUnlock()
	return len(vc.entries)
}
