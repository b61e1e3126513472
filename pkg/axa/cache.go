package axa

import (
	"container/list"
	"context"
	"net/http"
	"slices"
	"sync"
	"time"
)

// A Cache stores the API's answers for a client made with WithCache: the
// reference data (countries and their cards, alerts, provider kinds and
// specialities), which the API marks with an ETag and a Cache-Control
// max-age. The client stores only the 200 answers of GET requests, never
// an error, never an answer marked no-store, and never a token: neither the
// key nor the stored answer holds the Authorization header.
//
// NewMemoryCache makes the in-memory one; implement Cache to keep answers
// elsewhere (a file, Redis). Implementations must be safe for concurrent
// use. An error of Get or Set is not the call's: the client logs it and
// goes to the network as if nothing were stored. A Cache may be shared by
// several clients: each key starts with a digest of the identity that got
// the answer (the grant, the client ID, the password grant's user, the
// scopes of WithScopes), so clients of one identity share their answers and
// a client of another never gets them; an authorization code client
// shares with none. A stored answer is served only to a client that holds
// a valid token of the operation's scopes (fetched if it has none): a
// client of the identity whose secret or password the token endpoint
// refuses gets that refusal, not the answers.
type Cache interface {
	// Get returns the answer stored under key, or nil and no error when
	// there is none. The client does not modify what Get returns.
	Get(ctx context.Context, key string) (*CachedResponse, error)
	// Set stores r under key, replacing what was there; a nil r removes
	// what was there (the API no longer lets it be stored). The client
	// does not modify r afterwards.
	Set(ctx context.Context, key string, r *CachedResponse) error
}

// CachedResponse is an answer as a Cache stores it.
type CachedResponse struct {
	// StatusCode is the answer's status: 200.
	StatusCode int
	// Header holds the headers a stored answer keeps: Content-Type,
	// Content-Language, Cache-Control, ETag, Vary, Last-Modified, Date and
	// Expires; never Set-Cookie nor a request id.
	Header http.Header
	// Body is the answer's body, whole.
	Body []byte
	// ETag is the answer's entity tag, sent back in If-None-Match to
	// revalidate it; empty when the API gave none.
	ETag string
	// ReceivedAt is when the answer, or its last revalidation, arrived by
	// the client's clock, less the Age the API reported: the answer's age
	// is the time since, and it is fresh while that age is below its
	// Cache-Control max-age (RFC 9111 section 4.2).
	ReceivedAt time.Time
}

// clone returns a deep copy of r.
func (r *CachedResponse) clone() *CachedResponse {
	out := *r
	out.Header = r.Header.Clone()
	out.Body = slices.Clone(r.Body)
	return &out
}

// DefaultCacheEntries is how many answers NewMemoryCache keeps when given
// no positive bound, and the bound of WithCache without a Cache: enough for
// every country's answers in a few languages.
const DefaultCacheEntries = 4096

// DefaultCacheBytes is how many bytes a MemoryCache holds at most unless
// MemoryCacheOptions say otherwise (NewMemoryCache and WithCache without a
// Cache included): 32 MiB, room for the reference data's answers in a few
// languages, each a few KiB.
const DefaultCacheBytes = 32 << 20

// DefaultCacheEntryBytes is the largest answer a MemoryCache stores unless
// MemoryCacheOptions say otherwise: 1 MiB. A larger answer is handed to its
// caller and not stored.
const DefaultCacheEntryBytes = 1 << 20

// memoryEntryOverhead is what a MemoryCache counts for each entry besides
// its key, body, headers and ETag: the structures that hold it (list
// element, map entry, CachedResponse, header map), about this much.
const memoryEntryOverhead = 256

// MemoryCacheOptions bound a MemoryCache (NewMemoryCacheWithOptions). A
// field of 0 or less takes its default.
type MemoryCacheOptions struct {
	// MaxEntries bounds how many answers the cache holds; default
	// DefaultCacheEntries.
	MaxEntries int
	// MaxBytes bounds the bytes the cache holds, counted per answer as its
	// key, body, header names and values and ETag, and 256 bytes for the
	// structures holding it; default DefaultCacheBytes.
	MaxBytes int64
	// MaxEntryBytes is the largest answer, counted the same way, the cache
	// stores: a larger one is not stored (and removes the answer stored
	// under its key, which it replaces); default DefaultCacheEntryBytes, at
	// most MaxBytes.
	MaxEntryBytes int64
}

// MemoryCache is a Cache in memory, bounded in entries and in bytes: when
// storing an answer takes it past either bound, the least recently used
// answers are evicted until it is within both, and an answer larger than
// the per-entry bound is not stored (MemoryCacheOptions; by default 4,096
// answers, 32 MiB, 1 MiB each). It stores a copy of what it is given, so
// that the caller of Set keeps its own bytes; what Get returns shares the
// stored body and headers, read-only (the client never writes to them: it
// serves the body through a reader and copies the headers, and the values
// a call returns are decoded anew). It is safe for concurrent use.
type MemoryCache struct {
	mu            sync.Mutex
	max           int
	maxBytes      int64
	maxEntryBytes int64
	bytes         int64      // held, as entrySize counts them
	order         *list.List // of *memoryEntry, most recently used first
	entries       map[string]*list.Element
}

type memoryEntry struct {
	key  string
	r    *CachedResponse
	size int64 // entrySize(key, r)
}

// NewMemoryCache returns an empty in-memory cache of at most maxEntries
// answers (DefaultCacheEntries when maxEntries is 0 or less), and of the
// default byte bounds: DefaultCacheBytes in all, DefaultCacheEntryBytes per
// answer. NewMemoryCacheWithOptions sets those too.
func NewMemoryCache(maxEntries int) *MemoryCache {
	return NewMemoryCacheWithOptions(MemoryCacheOptions{MaxEntries: maxEntries})
}

// NewMemoryCacheWithOptions returns an empty in-memory cache bounded by o,
// its zero fields taking their defaults.
func NewMemoryCacheWithOptions(o MemoryCacheOptions) *MemoryCache {
	if o.MaxEntries <= 0 {
		o.MaxEntries = DefaultCacheEntries
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultCacheBytes
	}
	if o.MaxEntryBytes <= 0 {
		o.MaxEntryBytes = DefaultCacheEntryBytes
	}
	o.MaxEntryBytes = min(o.MaxEntryBytes, o.MaxBytes)
	return &MemoryCache{max: o.MaxEntries, maxBytes: o.MaxBytes, maxEntryBytes: o.MaxEntryBytes, order: list.New(), entries: map[string]*list.Element{}}
}

// entrySize is what an answer r stored under key counts for in a
// MemoryCache's byte bounds.
func entrySize(key string, r *CachedResponse) int64 {
	n := int64(len(key)+len(r.Body)+len(r.ETag)) + memoryEntryOverhead
	for name, vs := range r.Header {
		n += int64(len(name))
		for _, v := range vs {
			n += int64(len(v))
		}
	}
	return n
}

// Get implements Cache: a copy of the answer stored under key, nil when
// there is none.
func (m *MemoryCache) Get(_ context.Context, key string) (*CachedResponse, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[key]
	if !ok {
		return nil, nil
	}
	m.order.MoveToFront(e)
	r := *e.Value.(*memoryEntry).r // a new struct; Header and Body shared, read-only
	return &r, nil
}

// Set implements Cache: it stores a copy of r under key, evicting the
// least recently used answers while the cache is past its bound of
// entries or of bytes. A nil r, or one larger than the per-entry bound,
// removes the answer stored under key. An answer revalidated (a 304) comes
// back with the body Get returned: that body, already the cache's own, is
// kept without a copy.
func (m *MemoryCache) Set(_ context.Context, key string, r *CachedResponse) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[key]
	var stored *CachedResponse
	var size int64
	if r != nil {
		if size = entrySize(key, r); size > m.maxEntryBytes {
			r = nil // too large to keep: it still replaces what was stored
		}
	}
	switch {
	case r == nil:
	case ok && sameBytes(e.Value.(*memoryEntry).r.Body, r.Body):
		stored = &CachedResponse{StatusCode: r.StatusCode, Header: r.Header.Clone(), Body: e.Value.(*memoryEntry).r.Body, ETag: r.ETag, ReceivedAt: r.ReceivedAt}
	default:
		stored = r.clone()
	}
	if ok {
		me := e.Value.(*memoryEntry)
		m.bytes -= me.size
		if stored == nil {
			m.order.Remove(e)
			delete(m.entries, key)
			return nil
		}
		me.r, me.size = stored, size
		m.bytes += size
		m.order.MoveToFront(e)
	} else {
		if stored == nil {
			return nil
		}
		m.entries[key] = m.order.PushFront(&memoryEntry{key: key, r: stored, size: size})
		m.bytes += size
	}
	// The entry just stored is within both bounds on its own (size is at
	// most maxEntryBytes, itself at most maxBytes): it is never evicted.
	for m.order.Len() > m.max || m.bytes > m.maxBytes {
		oldest := m.order.Back()
		me := oldest.Value.(*memoryEntry)
		m.order.Remove(oldest)
		delete(m.entries, me.key)
		m.bytes -= me.size
	}
	return nil
}

// sameBytes reports whether a and b are the same bytes in memory, not
// merely equal.
func sameBytes(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// Len returns how many answers the cache holds.
func (m *MemoryCache) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.order.Len()
}

// Bytes returns how many bytes the cache holds, as MemoryCacheOptions
// count them.
func (m *MemoryCache) Bytes() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.bytes
}
