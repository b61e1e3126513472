package axa

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// cacheTransport is the layer of WithCache, under the header layer (so that
// the call's headers, Accept-Language among them, are set) and above the
// retry and auth layers (so that an answer served from the cache costs
// neither a request nor an attempt, and the key never sees Authorization).
// It acts on GET requests only (RFC 9111):
//
//   - an answer stored and fresh (its age below its Cache-Control max-age,
//     section 4.2) is served without a request, to a call the auth layer
//     vouches for: a path it would send, and a valid token of the
//     operation's scopes held (fetched if needed), so that a client whose
//     credentials the token endpoint refuses is never served the answers
//     another client of the same identity stored;
//   - a stored answer that is stale, or marked no-cache, is revalidated
//     with If-None-Match: its ETag; a 304 serves the stored body with the
//     304's headers merged in (section 4.3.4), a 200 replaces it;
//   - a 200 is stored unless it is marked no-store or varies on a header
//     the key does not hold; no other status is ever stored;
//   - calls that would ask the API for the same key at once send one
//     request (flights): the others wait for it and are served the answer
//     it stored; when it stored none (an error, an answer not storable)
//     each asks on its own, and when the first caller's context ends, the
//     others are not failed: one of them asks again;
//   - a revalidation that fails (an error status, a transport error) fails
//     the call: a stale answer is never served in its place (RFC 9111
//     section 4.2.4), and it stays stored for the next revalidation.
//
// A request that carries its own precondition (If-None-Match,
// If-Modified-Since, ...), a Range, or Cache-Control: no-store passes
// through untouched: its caller handles the answer, a 304 included. A
// request with Cache-Control: no-cache or max-age=0 is revalidated even when
// fresh.
type cacheTransport struct {
	next      http.RoundTripper
	cache     Cache
	clock     clock
	log       *slog.Logger
	partition string // whose answers: cacheIdentity of the client
	// vouch, when set, says whether a fresh answer may be served to the
	// call without sending it (authTransport.vouch): its error fails the
	// call instead.
	vouch   func(*http.Request) error
	flights flights
	// joined, when set (tests), is called when a call joins the request
	// of another in flight.
	joined func()
}

// keyedHeaders are the request headers of a cache key (space-separated):
// the only ones an answer may Vary on and still be stored.
const keyedHeaders = "Accept Accept-Language"

// storedHeaders are the response headers a stored answer keeps.
const storedHeaders = "Content-Type Content-Language Cache-Control Etag Vary Last-Modified Date Expires"

// preconditionHeaders are the request headers that make a request the caller's
// own conditional or partial request, which the cache leaves alone.
const preconditionHeaders = "If-None-Match If-Modified-Since If-Match If-Unmodified-Since If-Range Range"

// hasHeader reports whether h holds one of the space-separated names.
func hasHeader(h http.Header, names string) bool {
	for name := range strings.FieldsSeq(names) {
		if len(h.Values(name)) > 0 {
			return true
		}
	}
	return false
}

// RoundTrip implements http.RoundTripper.
func (t *cacheTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	reqCC := cacheDirectives(req.Header.Values("Cache-Control"))
	info := infoFrom(req.Context())
	if req.Method != http.MethodGet || reqCC.noStore || hasHeader(req.Header, preconditionHeaders) || info.stream {
		// A stream is the caller's to read: never held whole to be stored.
		return t.next.RoundTrip(req)
	}
	ctx := req.Context()
	key := cacheKey(t.partition, req)
	alone := false // true: ask the API without joining a request in flight
	for {
		stored := t.lookup(req, key)
		if stored != nil && !reqCC.noCache && reqCC.maxAge != 0 && t.fresh(stored) {
			closeBody(req)
			if err := ctx.Err(); err != nil {
				// The caller gave up: its context's error, as from the
				// network, not an answer it no longer waits for.
				return nil, err
			}
			if t.vouch != nil {
				// The key's identity is whom the client claims to be; a
				// valid token of the operation's scopes is the proof.
				if err := t.vouch(req); err != nil {
					return nil, err
				}
			}
			t.log.LogAttrs(ctx, slog.LevelDebug, "axa: answered from the cache", slog.String("method", req.Method), slog.String("path", req.URL.Path))
			if info.watch != nil {
				info.watch.cacheHit(info, t.age(stored), false)
			}
			return t.serve(req, stored, ""), nil
		}
		if alone {
			resp, _, err := t.ask(req, key, stored)
			return resp, err
		}
		fl, leader := t.flights.join(key)
		if leader {
			return t.lead(req, key, stored, fl)
		}
		if t.joined != nil {
			t.joined()
		}
		select {
		case <-fl.done:
		case <-ctx.Done():
			closeBody(req)
			return nil, ctx.Err()
		}
		if err := ctx.Err(); err != nil {
			closeBody(req)
			return nil, err // ended as the flight landed
		}
		if fl.answer != nil {
			closeBody(req)
			t.log.LogAttrs(ctx, slog.LevelDebug, "axa: answered by the same request in flight", slog.String("method", req.Method), slog.String("path", req.URL.Path))
			if info.watch != nil {
				info.watch.cacheHit(info, t.age(fl.answer), true)
			}
			return t.serve(req, fl.answer, fl.requestID), nil
		}
		// Nothing to share: an error, an answer that may not be stored,
		// or a leader whose own context ended (then join a new flight).
		alone = !fl.again
	}
}

// lookup returns the answer stored under key, nil when there is none
// this layer could have stored; a failing Cache is logged.
func (t *cacheTransport) lookup(req *http.Request, key string) *CachedResponse {
	stored, err := t.cache.Get(req.Context(), key)
	if err != nil {
		t.log.LogAttrs(req.Context(), slog.LevelWarn, "axa: cache get failed; asking the API", slog.String("path", req.URL.Path), slog.String("error", err.Error()))
		return nil
	}
	if stored != nil && (stored.StatusCode != http.StatusOK || stored.Header == nil) {
		return nil // not something this layer stored
	}
	return stored
}

// lead asks the API for the calls of flight fl, req's the first of them,
// and lands fl with what may be shared once the answer is in.
func (t *cacheTransport) lead(req *http.Request, key string, stored *CachedResponse, fl *flight) (resp *http.Response, err error) {
	var shared *CachedResponse
	defer func() {
		requestID := ""
		if shared != nil && resp != nil {
			requestID = resp.Header.Get("X-Request-Id")
		}
		t.flights.land(key, fl, shared, requestID, err != nil && req.Context().Err() != nil)
	}()
	resp, shared, err = t.ask(req, key, stored)
	return resp, err
}

// ask sends req to the API, conditional when stored has an ETag, and
// stores what may be stored. shared is the answer now stored (after a 200
// or a 304), which the calls that joined req's flight may be served; nil
// when nothing was stored.
func (t *cacheTransport) ask(req *http.Request, key string, stored *CachedResponse) (resp *http.Response, shared *CachedResponse, err error) {
	out := req
	var revalidated func(resp *http.Response, notModified bool, err error)
	if stored != nil && stored.ETag != "" {
		out = req.Clone(req.Context())
		out.Header.Set("If-None-Match", stored.ETag)
		if info := infoFrom(req.Context()); info.watch != nil {
			revalidated = info.watch.revalidateStart(info, t.age(stored))
		}
	}
	resp, err = t.next.RoundTrip(out)
	notModified := err == nil && resp.StatusCode == http.StatusNotModified && out != req &&
		(resp.Header.Get("ETag") == "" || weakETag(resp.Header.Get("ETag")) == weakETag(stored.ETag))
	if revalidated != nil {
		revalidated(resp, notModified, err)
	}
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode == http.StatusNotModified && out != req {
		if notModified {
			drain(resp)
			updated := t.revalidated(stored, resp.Header)
			if !storable(updated.Header) {
				// The 304 makes it an answer the cache may not keep
				// (no-store, a Vary outside the key): it answers this
				// call, and is dropped.
				t.set(req, key, nil)
				return t.serve(req, updated, resp.Header.Get("X-Request-Id")), nil, nil
			}
			t.set(req, key, updated)
			served := t.serve(req, updated, resp.Header.Get("X-Request-Id"))
			return served, updated, nil
		}
		// Not the answer stored: ask again, unconditionally, and keep
		// what comes like any answer.
		drain(resp)
		if resp, err = t.next.RoundTrip(req); err != nil {
			return nil, nil, err
		}
	}
	return t.keep(req, key, stored, resp)
}

// keep hands on resp, the API's answer to req, and stores it under key
// when it may be stored, replacing stored (nil without one); shared is
// what it stored, nil when nothing.
func (t *cacheTransport) keep(req *http.Request, key string, stored *CachedResponse, resp *http.Response) (_ *http.Response, shared *CachedResponse, _ error) {
	if resp.StatusCode != http.StatusOK {
		return resp, nil, nil // never stored; the stored answer, if any, stays
	}
	if !storable(resp.Header) {
		if stored != nil {
			t.set(req, key, nil)
		}
		return resp, nil, nil
	}
	orig := resp.Body
	body, err := io.ReadAll(io.LimitReader(orig, maxResponseBody+1))
	if err != nil {
		_ = orig.Close()
		return nil, nil, fmt.Errorf("axa: reading the response: %w", err)
	}
	if len(body) > maxResponseBody {
		// Too large to store: hand it on whole, what was read first.
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), orig), orig}
		return resp, nil, nil
	}
	_ = orig.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	shared = &CachedResponse{
		StatusCode: http.StatusOK,
		Header:     keep(resp.Header, storedHeaders),
		Body:       body,
		ETag:       resp.Header.Get("ETag"),
		ReceivedAt: t.clock.Now().Add(-headerAge(resp.Header)),
	}
	t.set(req, key, shared)
	return resp, shared, nil
}

// flights are the requests the cache layer has sent to the API and not
// yet had answered, by key: a call that would send the same request joins
// the one in flight instead (single flight), and is served its answer when
// the cache could store it. A leader's context is its own: when it ends,
// the calls that joined are not failed, one of them asks again.
type flights struct {
	mu sync.Mutex
	m  map[string]*flight
}

// flight is one request in flight; its fields are set before done closes.
type flight struct {
	done      chan struct{}
	answer    *CachedResponse // what the calls that joined are served; nil: ask themselves
	requestID string          // the X-Request-Id of the answer
	again     bool            // the leader's context ended: join a new flight
}

// join returns the flight of key and whether the caller leads it: a
// leader asks the API and must land the flight.
func (fs *flights) join(key string) (*flight, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fl, ok := fs.m[key]; ok {
		return fl, false
	}
	if fs.m == nil {
		fs.m = map[string]*flight{}
	}
	fl := &flight{done: make(chan struct{})}
	fs.m[key] = fl
	return fl, true
}

// land ends the flight of key with what its calls get.
func (fs *flights) land(key string, fl *flight, answer *CachedResponse, requestID string, again bool) {
	fs.mu.Lock()
	delete(fs.m, key)
	fs.mu.Unlock()
	fl.answer, fl.requestID, fl.again = answer, requestID, again
	close(fl.done)
}

// fresh reports whether stored may be served without asking the API: its
// age is below its max-age, and it is not marked no-cache.
func (t *cacheTransport) fresh(stored *CachedResponse) bool {
	cc := cacheDirectives(stored.Header.Values("Cache-Control"))
	if cc.noCache || cc.maxAge <= 0 {
		return false
	}
	return t.clock.Now().Sub(stored.ReceivedAt) < time.Duration(cc.maxAge)*time.Second
}

// revalidated returns stored updated by the headers of a 304 (RFC 9111
// section 4.3.4), as received now.
func (t *cacheTransport) revalidated(stored *CachedResponse, h http.Header) *CachedResponse {
	updated := *stored
	updated.Header = stored.Header.Clone()
	for name := range strings.FieldsSeq(storedHeaders) {
		if name == "Content-Type" {
			continue // a 304 describes no body
		}
		if vs := h.Values(name); len(vs) > 0 {
			updated.Header[http.CanonicalHeaderKey(name)] = append([]string(nil), vs...)
		}
	}
	updated.ReceivedAt = t.clock.Now().Add(-headerAge(h))
	return &updated
}

// set stores r (nil: removes the answer) under key; a failure is logged,
// not the call's.
func (t *cacheTransport) set(req *http.Request, key string, r *CachedResponse) {
	if err := t.cache.Set(req.Context(), key, r); err != nil {
		t.log.LogAttrs(req.Context(), slog.LevelWarn, "axa: cache set failed", slog.String("path", req.URL.Path), slog.String("error", err.Error()))
	}
}

// age is how old stored is now.
func (t *cacheTransport) age(stored *CachedResponse) time.Duration {
	return max(0, t.clock.Now().Sub(stored.ReceivedAt))
}

// serve answers req with stored, as a 200 with an Age header (RFC 9111
// section 5.1); with requestID as its X-Request-Id when not empty (the
// 304's after a revalidation, the shared request's for a call that joined
// it).
func (t *cacheTransport) serve(req *http.Request, stored *CachedResponse, requestID string) *http.Response {
	h := stored.Header.Clone()
	age := t.age(stored)
	h.Set("Age", strconv.FormatInt(int64(age/time.Second), 10))
	if requestID != "" {
		h.Set("X-Request-Id", requestID)
	}
	return &http.Response{
		Status:        "200 OK",
		StatusCode:    http.StatusOK,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(stored.Body)),
		ContentLength: int64(len(stored.Body)),
		Request:       req,
	}
}

// cacheKey is the key of req's answer for the client of partition: the
// partition, the request's method, its URL and its values of keyedHeaders.
// Never a credential.
func cacheKey(partition string, req *http.Request) string {
	var b strings.Builder
	b.WriteString(partition)
	b.WriteByte(' ')
	b.WriteString(req.Method)
	b.WriteByte(' ')
	b.WriteString(req.URL.String())
	for name := range strings.FieldsSeq(keyedHeaders) {
		b.WriteByte('\n')
		b.WriteString(name)
		b.WriteString(": ")
		b.WriteString(strings.Join(req.Header.Values(name), ", "))
	}
	return b.String()
}

// storable reports whether a 200 with header h may be stored: not
// no-store, and varying on no header but those of the key.
func storable(h http.Header) bool {
	cc := cacheDirectives(h.Values("Cache-Control"))
	if cc.noStore {
		return false
	}
	if h.Get("ETag") == "" && (cc.noCache || cc.maxAge <= 0) {
		return false // it could never be used again
	}
	for _, v := range h.Values("Vary") {
		for name := range strings.SplitSeq(v, ",") {
			name = strings.TrimSpace(name)
			if name != "" && !slices.ContainsFunc(strings.Fields(keyedHeaders), func(k string) bool { return strings.EqualFold(k, name) }) {
				return false // "*" included
			}
		}
	}
	return true
}

// directives are the Cache-Control directives the cache acts on.
type directives struct {
	noStore, noCache bool
	maxAge           int // -1 without one
}

// cacheDirectives parses Cache-Control field values (RFC 9111 section 5.2):
// names are case-insensitive, an argument may be quoted; a max-age that is
// not a number counts as 0 (stale), and a repeated one keeps the lowest.
func cacheDirectives(values []string) directives {
	d := directives{maxAge: -1}
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			name, arg, _ := strings.Cut(strings.TrimSpace(part), "=")
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "no-store":
				d.noStore = true
			case "no-cache":
				d.noCache = true
			case "max-age":
				n, err := strconv.Atoi(strings.Trim(strings.TrimSpace(arg), `"`))
				if err != nil || n < 0 {
					n = 0
				}
				if d.maxAge < 0 || n < d.maxAge {
					d.maxAge = n
				}
			}
		}
	}
	return d
}

// headerAge is the Age an answer reports (RFC 9111 section 5.1), 0 when
// absent or not a number.
func headerAge(h http.Header) time.Duration {
	n, err := strconv.ParseInt(strings.TrimSpace(h.Get("Age")), 10, 64)
	if err != nil || n < 0 || n > 1<<31 {
		return 0
	}
	return time.Duration(n) * time.Second
}

// weakETag is an entity tag without its weakness indicator, for the weak
// comparison of RFC 9110 section 8.8.3.2.
func weakETag(etag string) string { return strings.TrimPrefix(strings.TrimSpace(etag), "W/") }

// keep returns the values of h under the space-separated names, copied.
func keep(h http.Header, names string) http.Header {
	out := make(http.Header, 8)
	for name := range strings.FieldsSeq(names) {
		if vs := h.Values(name); len(vs) > 0 {
			out[http.CanonicalHeaderKey(name)] = append([]string(nil), vs...)
		}
	}
	return out
}
