package axa

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// answerOf returns a stored answer of n body bytes.
func answerOf(n int) *CachedResponse {
	return &CachedResponse{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"application/json"}, "Etag": {`"v1"`}},
		Body:       bytes.Repeat([]byte("x"), n),
		ETag:       `"v1"`,
		ReceivedAt: time.Now(),
	}
}

// The cache the existing constructor makes is bounded in bytes too, not
// only in entries: 4,096 answers of up to 16 MiB each would hold 64 GiB.
// Filled with answers of almost a MiB each, it keeps no more than its
// default byte bound; an answer above the default per-entry bound is not
// stored at all.
func TestNewMemoryCacheIsBoundedInBytes(t *testing.T) {
	ctx := context.Background()
	m := NewMemoryCache(0)
	const n, size = 40, 1000 << 10
	for i := range n {
		if err := m.Set(ctx, fmt.Sprint("k", i), answerOf(size)); err != nil {
			t.Fatal(err)
		}
	}
	if got, most := m.Len(), (32<<20)/size; got > most {
		t.Errorf("NewMemoryCache(0) holds %d answers of %d bytes, want at most %d (32 MiB)", got, size, most)
	}
	if err := m.Set(ctx, "big", answerOf(2<<20)); err != nil {
		t.Fatal(err)
	}
	if r, _ := m.Get(ctx, "big"); r != nil {
		t.Error("NewMemoryCache(0) stored an answer of 2 MiB, above its per-entry bound of 1 MiB")
	}
}

// MemoryCacheOptions bound the entries, the bytes and each entry; the
// least recently used answers go first, whichever bound is reached, and
// the bytes counted never pass MaxBytes.
func TestMemoryCacheBytesEvictTheLeastRecentlyUsed(t *testing.T) {
	ctx := context.Background()
	m := NewMemoryCacheWithOptions(MemoryCacheOptions{MaxEntries: 100, MaxBytes: 10 << 10, MaxEntryBytes: 4 << 10})
	for _, k := range []string{"a", "b", "c"} {
		_ = m.Set(ctx, k, answerOf(3<<10))
	}
	if _, err := m.Get(ctx, "a"); err != nil { // a is now the most recently used
		t.Fatal(err)
	}
	_ = m.Set(ctx, "d", answerOf(3<<10))
	for k, want := range map[string]bool{"a": true, "b": false, "c": true, "d": true} {
		if r, _ := m.Get(ctx, k); (r != nil) != want {
			t.Errorf("after storing d: %q stored = %v, want %v (b is the least recently used)", k, r != nil, want)
		}
	}
	if got := m.Bytes(); got > 10<<10 || got < 9<<10 {
		t.Errorf("Bytes() = %d, want the three answers of 3 KiB and their keys and headers, at most 10 KiB", got)
	}

	// Above the per-entry bound: not stored, and the answer stored under
	// its key, no longer the API's, is removed.
	before := m.Bytes()
	_ = m.Set(ctx, "a", answerOf(5<<10))
	if r, _ := m.Get(ctx, "a"); r != nil {
		t.Error("an answer above MaxEntryBytes was stored, or the old one kept")
	}
	if m.Len() != 2 || m.Bytes() >= before {
		t.Errorf("Len() = %d, Bytes() = %d (before %d): want a's answer gone", m.Len(), m.Bytes(), before)
	}

	// A revalidated answer (the same body, new headers) is counted anew.
	c, _ := m.Get(ctx, "c")
	c.Header = c.Header.Clone()
	c.Header.Set("Cache-Control", "private, max-age=60")
	before = m.Bytes()
	_ = m.Set(ctx, "c", c)
	if want := before + int64(len("Cache-Control")+len("private, max-age=60")); m.Bytes() != want {
		t.Errorf("Bytes() after a revalidation = %d, want %d", m.Bytes(), want)
	}

	// Removing gives the bytes back.
	_ = m.Set(ctx, "c", nil)
	_ = m.Set(ctx, "d", nil)
	if m.Len() != 0 || m.Bytes() != 0 {
		t.Errorf("emptied: Len() = %d, Bytes() = %d, want 0 and 0", m.Len(), m.Bytes())
	}
}

// The defaults, and bounds that contradict one another: a per-entry bound
// above the total is the total; an entry bound alone keeps the default
// byte bounds.
func TestMemoryCacheOptionsDefaults(t *testing.T) {
	for _, tc := range []struct {
		name                string
		got                 *MemoryCache
		entries             int
		maxBytes, entryMost int64
	}{
		{"NewMemoryCache(0)", NewMemoryCache(0), DefaultCacheEntries, DefaultCacheBytes, DefaultCacheEntryBytes},
		{"NewMemoryCache(7)", NewMemoryCache(7), 7, DefaultCacheBytes, DefaultCacheEntryBytes},
		{"zero options", NewMemoryCacheWithOptions(MemoryCacheOptions{}), DefaultCacheEntries, DefaultCacheBytes, DefaultCacheEntryBytes},
		{"entry above total", NewMemoryCacheWithOptions(MemoryCacheOptions{MaxBytes: 1 << 10, MaxEntryBytes: 1 << 20}), DefaultCacheEntries, 1 << 10, 1 << 10},
		{"negative", NewMemoryCacheWithOptions(MemoryCacheOptions{MaxEntries: -1, MaxBytes: -1, MaxEntryBytes: -1}), DefaultCacheEntries, DefaultCacheBytes, DefaultCacheEntryBytes},
	} {
		if tc.got.max != tc.entries || tc.got.maxBytes != tc.maxBytes || tc.got.maxEntryBytes != tc.entryMost {
			t.Errorf("%s: bounds %d entries, %d bytes, %d per entry; want %d, %d, %d",
				tc.name, tc.got.max, tc.got.maxBytes, tc.got.maxEntryBytes, tc.entries, tc.maxBytes, tc.entryMost)
		}
	}
	if DefaultCacheEntryBytes > DefaultCacheBytes || DefaultCacheBytes > 64<<20 {
		t.Errorf("defaults %d per entry, %d in all: want a per-entry bound below a total of at most 64 MiB", DefaultCacheEntryBytes, DefaultCacheBytes)
	}
}
