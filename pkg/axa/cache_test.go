package axa

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// etagAPI scripts the countries list of a fakeAPI as a server of
// conditional requests: the list in the asked language, an ETag per
// version and language, the Cache-Control of cc; it records the
// If-None-Match of each request.
type etagAPI struct {
	*fakeAPI
	mu          sync.Mutex
	version     int
	cc          string
	vary        string
	status      int // answered instead when not 0 (an error body)
	ifNoneMatch []string
}

func newETagAPI(t *testing.T) *etagAPI {
	e := &etagAPI{fakeAPI: newFakeAPI(t), version: 1, cc: "private, max-age=60", vary: "Accept-Language"}
	e.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, r *http.Request, _ int) bool {
			if r.URL.Path != "/travel/v1/countries" || !f.validToken(r.Header.Get("Authorization")) {
				return false
			}
			e.mu.Lock()
			e.ifNoneMatch = append(e.ifNoneMatch, r.Header.Get("If-None-Match"))
			version, cc, vary, status, n := e.version, e.cc, e.vary, e.status, len(e.ifNoneMatch)
			e.mu.Unlock()
			if status != 0 {
				writeJSON(w, status, map[string]any{"status_code": status, "error": "server_error"})
				return true
			}
			lang := r.Header.Get("Accept-Language")
			if lang == "" {
				lang = "en"
			}
			etag := fmt.Sprintf(`"v%d-%s"`, version, lang)
			w.Header().Set("ETag", etag)
			w.Header().Set("Cache-Control", cc)
			w.Header().Set("X-Request-Id", fmt.Sprintf("req-%d", n))
			if vary != "" {
				w.Header().Set("Vary", vary)
			}
			if inm := r.Header.Get("If-None-Match"); inm == etag || inm == "*" {
				w.WriteHeader(http.StatusNotModified)
				return true
			}
			w.Header().Set("Content-Language", lang)
			writeJSON(w, http.StatusOK, []map[string]string{{"id": "fr", "label": fmt.Sprintf("France %s v%d", lang, version)}})
			return true
		}
	})
	return e
}

// requests returns the If-None-Match of every countries request so far
// ("" for an unconditional one).
func (e *etagAPI) requests() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.ifNoneMatch...)
}

func (e *etagAPI) change(fn func(e *etagAPI)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	fn(e)
}

// listLabel calls ListCountries in lang ("" for none) and returns the first
// label.
func listLabel(t *testing.T, c *Client, lang string, opts ...RequestOption) string {
	t.Helper()
	var p *ListCountriesParams
	if lang != "" {
		p = &ListCountriesParams{AcceptLanguage: &lang}
	}
	got, err := c.ListCountries(t.Context(), p, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d countries", len(got))
	}
	return got[0].Label
}

func wantRequests(t *testing.T, e *etagAPI, want ...string) {
	t.Helper()
	if got := e.requests(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("If-None-Match of the requests: %q, want %q", got, want)
	}
}

func TestCacheFreshAnswerSendsNothing(t *testing.T) {
	e, clk := newETagAPI(t), newFakeClock()
	c := newTestClient(t, e.fakeAPI, clk, WithCache())
	if got := listLabel(t, c, ""); got != "France en v1" {
		t.Fatal(got)
	}
	clk.Advance(59 * time.Second)
	var resp Response
	if got := listLabel(t, c, "", WithResponseInto(&resp)); got != "France en v1" {
		t.Fatal(got)
	}
	wantRequests(t, e, "")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Age") != "59" || resp.Header.Get("ETag") != `"v1-en"` || resp.RequestID != "" {
		t.Errorf("a fresh answer: %d, Age %q, ETag %q, request id %q", resp.StatusCode, resp.Header.Get("Age"), resp.Header.Get("ETag"), resp.RequestID)
	}
	if n := len(e.TokenRequests()); n != 1 {
		t.Errorf("%d token requests", n)
	}
}

func TestCacheRevalidatesAStaleAnswer(t *testing.T) {
	e, clk := newETagAPI(t), newFakeClock()
	c := newTestClient(t, e.fakeAPI, clk, WithCache())
	listLabel(t, c, "")
	clk.Advance(60 * time.Second) // max-age=60: stale
	e.change(func(e *etagAPI) { e.cc = "private, max-age=120" })
	var resp Response
	if got := listLabel(t, c, "", WithResponseInto(&resp)); got != "France en v1" {
		t.Fatal(got)
	}
	wantRequests(t, e, "", `"v1-en"`)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "private, max-age=120" || resp.RequestID != "req-2" || resp.Header.Get("Age") != "0" {
		t.Errorf("a revalidated answer: %d, Cache-Control %q, request id %q, Age %q", resp.StatusCode, resp.Header.Get("Cache-Control"), resp.RequestID, resp.Header.Get("Age"))
	}
	// The 304's max-age now rules: fresh for 120 s from the revalidation.
	clk.Advance(119 * time.Second)
	listLabel(t, c, "")
	wantRequests(t, e, "", `"v1-en"`)
}

func TestCacheReplacesAChangedAnswer(t *testing.T) {
	e, clk := newETagAPI(t), newFakeClock()
	c := newTestClient(t, e.fakeAPI, clk, WithCache())
	listLabel(t, c, "")
	clk.Advance(time.Hour)
	e.change(func(e *etagAPI) { e.version = 2 })
	if got := listLabel(t, c, ""); got != "France en v2" {
		t.Fatalf("after a change: %s", got)
	}
	clk.Advance(time.Hour)
	if got := listLabel(t, c, ""); got != "France en v2" {
		t.Fatalf("revalidated: %s", got)
	}
	wantRequests(t, e, "", `"v1-en"`, `"v2-en"`)
}

func TestCacheNoCacheAlwaysRevalidates(t *testing.T) {
	e, clk := newETagAPI(t), newFakeClock()
	e.change(func(e *etagAPI) { e.cc = "no-cache" })
	c := newTestClient(t, e.fakeAPI, clk, WithCache())
	for range 3 {
		if got := listLabel(t, c, ""); got != "France en v1" {
			t.Fatal(got)
		}
	}
	wantRequests(t, e, "", `"v1-en"`, `"v1-en"`)
}

func TestCacheNeverStoresNoStore(t *testing.T) {
	e, clk := newETagAPI(t), newFakeClock()
	e.change(func(e *etagAPI) { e.cc = "private, no-store" })
	mem := NewMemoryCache(0)
	c := newTestClient(t, e.fakeAPI, clk, WithCache(mem))
	listLabel(t, c, "")
	listLabel(t, c, "")
	wantRequests(t, e, "", "")
	if mem.Len() != 0 {
		t.Errorf("%d answers stored", mem.Len())
	}
	// An answer stored, then marked no-store: dropped.
	e.change(func(e *etagAPI) { e.cc = "max-age=0" })
	listLabel(t, c, "")
	e.change(func(e *etagAPI) { e.cc = "no-store"; e.version = 2 })
	listLabel(t, c, "")
	if mem.Len() != 0 {
		t.Errorf("%d answers stored after a no-store", mem.Len())
	}
}

func TestCacheKeysOnAcceptLanguage(t *testing.T) {
	e, clk := newETagAPI(t), newFakeClock()
	c := newTestClient(t, e.fakeAPI, clk, WithCache())
	for range 2 {
		if listLabel(t, c, "fr") != "France fr v1" || listLabel(t, c, "") != "France en v1" {
			t.Fatal("an answer in another language")
		}
	}
	wantRequests(t, e, "", "")
	clk.Advance(time.Minute)
	listLabel(t, c, "fr")
	wantRequests(t, e, "", "", `"v1-fr"`)
}

func TestCacheNeverStoresWhatVariesOnOtherHeaders(t *testing.T) {
	for _, vary := range []string{"*", "Accept-Language, Cookie"} {
		e, clk := newETagAPI(t), newFakeClock()
		e.change(func(e *etagAPI) { e.vary = vary })
		c := newTestClient(t, e.fakeAPI, clk, WithCache())
		listLabel(t, c, "")
		listLabel(t, c, "")
		wantRequests(t, e, "", "")
	}
}

func TestCacheNeverStoresErrors(t *testing.T) {
	e, clk := newETagAPI(t), newFakeClock()
	c := newTestClient(t, e.fakeAPI, clk, WithCache())
	e.change(func(e *etagAPI) { e.status = http.StatusNotFound })
	for range 2 {
		if _, err := c.ListCountries(t.Context(), nil); !errors.Is(err, ErrNotFound) {
			t.Fatalf("err = %v", err)
		}
	}
	wantRequests(t, e, "", "")
	// A stored answer that fails to revalidate: the error, and the stored
	// answer stays for the next revalidation.
	e.change(func(e *etagAPI) { e.status = 0 })
	listLabel(t, c, "")
	clk.Advance(time.Minute)
	e.change(func(e *etagAPI) { e.status = http.StatusInternalServerError })
	var apiErr *Error
	if _, err := c.ListCountries(t.Context(), nil, WithMaxRetries(0)); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusInternalServerError {
		t.Fatalf("err = %v", err)
	}
	e.change(func(e *etagAPI) { e.status = 0 })
	listLabel(t, c, "")
	wantRequests(t, e, "", "", "", `"v1-en"`, `"v1-en"`)
}

// A 304 whose ETag is not the stored answer's cannot revalidate it: the
// client asks again without If-None-Match.
func TestCache304OfAnotherETag(t *testing.T) {
	e, clk := newETagAPI(t), newFakeClock()
	c := newTestClient(t, e.fakeAPI, clk, WithCache())
	listLabel(t, c, "")
	clk.Advance(time.Hour)
	e.set(func(f *fakeAPI) {
		next := f.apiFn
		f.apiFn = func(w http.ResponseWriter, r *http.Request, n int) bool {
			if r.Header.Get("If-None-Match") != "" && f.validToken(r.Header.Get("Authorization")) {
				e.change(func(e *etagAPI) { e.ifNoneMatch = append(e.ifNoneMatch, r.Header.Get("If-None-Match")) })
				w.Header().Set("ETag", `"someone-else"`)
				w.WriteHeader(http.StatusNotModified)
				return true
			}
			return next(w, r, n)
		}
	})
	e.change(func(e *etagAPI) { e.version = 2 })
	if got := listLabel(t, c, ""); got != "France en v2" {
		t.Fatalf("after a 304 of another ETag: %s", got)
	}
	wantRequests(t, e, "", `"v1-en"`, "")
}

func TestCacheEvictsTheLeastRecentlyUsed(t *testing.T) {
	e, clk := newETagAPI(t), newFakeClock()
	mem := NewMemoryCache(2)
	c := newTestClient(t, e.fakeAPI, clk, WithCache(mem))
	listLabel(t, c, "en")
	listLabel(t, c, "fr")
	listLabel(t, c, "en") // fr is now the least recently used
	listLabel(t, c, "de") // evicts fr
	if mem.Len() != 2 {
		t.Errorf("%d entries, want 2", mem.Len())
	}
	listLabel(t, c, "en")
	listLabel(t, c, "fr")
	wantRequests(t, e, "", "", "", "")
}

func TestCacheCallerMutationsStayTheirs(t *testing.T) {
	e, clk := newETagAPI(t), newFakeClock()
	c := newTestClient(t, e.fakeAPI, clk, WithCache())
	got, err := c.ListCountries(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	got[0].Label = "changed"
	raw, err := c.Invoke(t.Context(), "listCountries", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range raw {
		raw[i] = 'x'
	}
	if got := listLabel(t, c, ""); got != "France en v1" {
		t.Errorf("a caller changed the cache: %s", got)
	}
	wantRequests(t, e, "")
}

// recordingCache is a MemoryCache that records every key and answer it is
// given, and can fail.
type recordingCache struct {
	*MemoryCache
	mu               sync.Mutex
	keys             []string
	stored           []*CachedResponse
	failGet, failSet bool
}

func (r *recordingCache) Get(ctx context.Context, key string) (*CachedResponse, error) {
	r.mu.Lock()
	r.keys = append(r.keys, key)
	fail := r.failGet
	r.mu.Unlock()
	if fail {
		return nil, errors.New("cache down")
	}
	return r.MemoryCache.Get(ctx, key)
}

func (r *recordingCache) Set(ctx context.Context, key string, c *CachedResponse) error {
	r.mu.Lock()
	r.keys = append(r.keys, key)
	r.stored = append(r.stored, c)
	fail := r.failSet
	r.mu.Unlock()
	if fail {
		return errors.New("cache full")
	}
	return r.MemoryCache.Set(ctx, key, c)
}

func TestCacheNeverHoldsTheToken(t *testing.T) {
	e, clk := newETagAPI(t), newFakeClock()
	rc := &recordingCache{MemoryCache: NewMemoryCache(0)}
	c := newTestClient(t, e.fakeAPI, clk, WithCache(rc))
	listLabel(t, c, "fr")
	clk.Advance(time.Minute)
	listLabel(t, c, "fr")
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.keys) != 4 || len(rc.stored) != 2 {
		t.Fatalf("%d keys, %d stored", len(rc.keys), len(rc.stored))
	}
	for _, k := range rc.keys {
		if strings.Contains(k, tokenPrefix) || strings.Contains(strings.ToLower(k), "authorization") || !strings.Contains(k, " GET "+e.URL()+"/travel/v1/countries") {
			t.Errorf("key %q", k)
		}
	}
	for _, s := range rc.stored {
		if s.Header.Get("Authorization") != "" || s.Header.Get("X-Request-Id") != "" || strings.Contains(fmt.Sprint(s.Header), tokenPrefix) {
			t.Errorf("stored headers %v", s.Header)
		}
	}
}

func TestCacheErrorsFallBackToTheNetwork(t *testing.T) {
	for _, fail := range []string{"get", "set", "both"} {
		t.Run(fail, func(t *testing.T) {
			e, clk := newETagAPI(t), newFakeClock()
			rc := &recordingCache{MemoryCache: NewMemoryCache(0), failGet: fail != "set", failSet: fail != "get"}
			c := newTestClient(t, e.fakeAPI, clk, WithCache(rc))
			for range 3 {
				if got := listLabel(t, c, ""); got != "France en v1" {
					t.Fatal(got)
				}
			}
			wantRequests(t, e, "", "", "")
		})
	}
}

// A call with its own If-None-Match bypasses the cache and sees the 304,
// as ErrNotModified; so does a client without the cache.
func TestCacheCallersOwnConditionalRequest(t *testing.T) {
	for _, opts := range [][]Option{{WithCache()}, nil} {
		e, clk := newETagAPI(t), newFakeClock()
		c := newTestClient(t, e.fakeAPI, clk, opts...)
		listLabel(t, c, "")
		var resp Response
		etag := `"v1-en"`
		_, err := c.ListCountries(t.Context(), &ListCountriesParams{IfNoneMatch: &etag}, WithResponseInto(&resp))
		var apiErr *Error
		if !errors.Is(err, ErrNotModified) || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotModified || resp.Header.Get("ETag") != `"v1-en"` {
			t.Errorf("cache %v: err = %v, ETag %q", opts != nil, err, resp.Header.Get("ETag"))
		}
		if _, err := c.ListCountries(t.Context(), &ListCountriesParams{IfNoneMatch: &etag}); !errors.Is(err, ErrNotModified) {
			t.Errorf("cache %v, params: err = %v", opts != nil, err)
		}
		wantRequests(t, e, "", `"v1-en"`, `"v1-en"`)
	}
}

// Cache-Control of the request: no-cache revalidates a fresh answer,
// no-store bypasses the cache.
func TestCacheRequestDirectives(t *testing.T) {
	e, clk := newETagAPI(t), newFakeClock()
	c := newTestClient(t, e.fakeAPI, clk, WithCache())
	listLabel(t, c, "")
	listLabel(t, c, "", WithHeader("Cache-Control", "no-cache"))
	listLabel(t, c, "", WithHeader("Cache-Control", "max-age=0"))
	listLabel(t, c, "", WithHeader("Cache-Control", "no-store"))
	listLabel(t, c, "")
	wantRequests(t, e, "", `"v1-en"`, `"v1-en"`, "")
}

func TestCacheConcurrentUse(t *testing.T) {
	e, clk := newETagAPI(t), newFakeClock()
	c := newTestClient(t, e.fakeAPI, clk, WithCache(NewMemoryCache(2)))
	langs := []string{"en", "fr", "de"}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 30 {
				lang := langs[(i+j)%len(langs)]
				got, err := c.ListCountries(context.Background(), &ListCountriesParams{AcceptLanguage: &lang})
				if err != nil || len(got) != 1 || !strings.HasPrefix(got[0].Label, "France "+lang+" ") {
					t.Errorf("%s: %v %v", lang, got, err)
					return
				}
				if j%10 == 0 {
					clk.Advance(time.Minute)
				}
			}
		})
	}
	wg.Wait()
}

func TestWithCacheTakesOneCache(t *testing.T) {
	if _, err := NewClient(WithoutEnvironment(), WithCache(NewMemoryCache(1), NewMemoryCache(1))); err == nil {
		t.Error("two caches accepted")
	}
	for _, opt := range []Option{WithCache(), WithCache(nil)} {
		cfg, err := buildConfig([]Option{opt})
		if err != nil {
			t.Fatal(err)
		}
		if m, ok := cfg.cache.(*MemoryCache); !ok || m.max != DefaultCacheEntries {
			t.Errorf("WithCache without a cache: %T", cfg.cache)
		}
	}
}

func TestCacheDirectives(t *testing.T) {
	for in, want := range map[string]directives{
		"private, max-age=300":   {maxAge: 300},
		`MAX-AGE="60", no-cache`: {maxAge: 60, noCache: true},
		"no-store":               {noStore: true, maxAge: -1},
		"max-age=x":              {maxAge: 0},
		"max-age=10, max-age=5":  {maxAge: 5},
		"":                       {maxAge: -1},
	} {
		if got := cacheDirectives([]string{in}); got != want {
			t.Errorf("%q: %+v, want %+v", in, got, want)
		}
	}
}

// MemoryCache keeps its own copy of what Set is given; a revalidated answer
// handed back with the body Get returned keeps that body without a copy.
func TestMemoryCacheOwnsItsBytes(t *testing.T) {
	ctx := t.Context()
	m := NewMemoryCache(0)
	body := []byte(`[{"id":"fr"}]`)
	h := http.Header{"Etag": {`"a"`}}
	if err := m.Set(ctx, "k", &CachedResponse{StatusCode: http.StatusOK, Header: h, Body: body, ETag: `"a"`}); err != nil {
		t.Fatal(err)
	}
	body[2], h["Etag"][0] = 'X', "changed"
	got, err := m.Get(ctx, "k")
	if err != nil || string(got.Body) != `[{"id":"fr"}]` || got.Header.Get("ETag") != `"a"` {
		t.Fatalf("the cache shares its caller's bytes: %s %v %v", got.Body, got.Header, err)
	}
	later := time.Now()
	revalidated := *got
	revalidated.Header = http.Header{"Etag": {`"a"`}, "Cache-Control": {"max-age=9"}}
	revalidated.ReceivedAt = later
	if err := m.Set(ctx, "k", &revalidated); err != nil {
		t.Fatal(err)
	}
	again, _ := m.Get(ctx, "k")
	if !sameBytes(again.Body, got.Body) || !again.ReceivedAt.Equal(later) || again.Header.Get("Cache-Control") != "max-age=9" {
		t.Errorf("revalidated: %+v", again)
	}
	if err := m.Set(ctx, "k", nil); err != nil || m.Len() != 0 {
		t.Errorf("Set(nil) left %d answers", m.Len())
	}
}
