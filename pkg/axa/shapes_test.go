package axa

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/axa-assistance-go/axa/gen"
)

// sendTo returns the send function of a request to path, through c's
// pipeline: what a generated method hands the call helpers.
func sendTo(c *Client, method, path string, body io.Reader, edit gen.RequestEditorFn, contentType string) func(context.Context) (*http.Response, error) {
	return func(ctx context.Context) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, method, c.BaseURL()+path, body)
		if err != nil {
			return nil, err
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if edit != nil {
			if err := edit(ctx, req); err != nil {
				return nil, err
			}
		}
		return c.http.Do(req)
	}
}

func TestCallNoContent(t *testing.T) {
	f := newFakeAPI(t)
	var n atomic.Int32
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
			switch n.Add(1) {
			case 1:
				w.WriteHeader(http.StatusNoContent)
			case 2:
				writeJSON(w, http.StatusOK, map[string]string{"ignored": "yes"})
			default:
				writeJSON(w, http.StatusNotFound, map[string]any{"status_code": 404, "error": "not_found"})
			}
			return true
		}
	})
	c := newClientOf(t, f, newFakeClock())
	send := sendTo(c, http.MethodGet, "/version", nil, nil, "") //nolint:bodyclose // the call helpers close it
	var r Response
	if err := callNoContent(t.Context(), gen.OperationGetVersion, []RequestOption{WithResponseInto(&r)}, send); err != nil || r.StatusCode != http.StatusNoContent {
		t.Errorf("204: %v, status %d", err, r.StatusCode)
	}
	if err := callNoContent(t.Context(), gen.OperationGetVersion, nil, send); err != nil {
		t.Errorf("200 with a body: %v", err)
	}
	if err := callNoContent(t.Context(), gen.OperationGetVersion, nil, send); !errors.Is(err, ErrNotFound) {
		t.Errorf("404: %v, want ErrNotFound", err)
	}
}

// A binary answer is handed over as it arrives: the caller reads the first
// part before the server has written the rest.
func TestCallStreamStreams(t *testing.T) {
	f := newFakeAPI(t)
	rest := make(chan struct{})
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
			w.Header().Set("Content-Type", "application/pdf")
			_, _ = io.WriteString(w, "%PDF-1.4 first part\n")
			w.(http.Flusher).Flush()
			<-rest
			_, _ = io.WriteString(w, "the rest\n%%EOF\n")
			return true
		}
	})
	c := newClientOf(t, f, newFakeClock())
	s, err := callStream(t.Context(), gen.OperationGetVersion, nil, sendTo(c, http.MethodGet, "/version", nil, nil, "")) //nolint:bodyclose // the call helpers close it
	if err != nil {
		close(rest)
		t.Fatal(err)
	}
	defer s.Close()
	if s.ContentType != "application/pdf" {
		t.Errorf("ContentType %q", s.ContentType)
	}
	first := make([]byte, len("%PDF-1.4 first part\n"))
	if _, err := io.ReadFull(s, first); err != nil || string(first) != "%PDF-1.4 first part\n" {
		t.Fatalf("first part: %q, %v", first, err)
	}
	close(rest) // only now does the server write the rest
	restBytes, err := io.ReadAll(s)
	if err != nil || string(restBytes) != "the rest\n%%EOF\n" {
		t.Errorf("rest: %q, %v", restBytes, err)
	}
}

// A stream's retries happen before it is returned; an error answer is an
// *Error, its body read.
func TestCallStreamRetriesBeforeHandingOver(t *testing.T) {
	f := newFakeAPI(t)
	var n atomic.Int32
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
			switch n.Add(1) {
			case 1:
				w.Header().Set("Retry-After", "0")
				writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status_code": 503, "error": "unavailable"})
			case 2:
				w.Header().Set("Content-Type", "image/png")
				w.Header().Set("Content-Length", "4")
				_, _ = w.Write([]byte{0x89, 'P', 'N', 'G'})
			default:
				writeJSON(w, http.StatusForbidden, map[string]any{"status_code": 403, "error": "insufficient_scope"})
			}
			return true
		}
	})
	c := newClientOf(t, f, newFakeClock())
	send := sendTo(c, http.MethodGet, "/version", nil, nil, "") //nolint:bodyclose // the call helpers close it
	s, err := callStream(t.Context(), gen.OperationGetVersion, nil, send)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(s)
	_ = s.Close()
	if n.Load() != 2 || s.ContentLength != 4 || !bytes.Equal(b, []byte{0x89, 'P', 'N', 'G'}) {
		t.Errorf("%d requests, length %d, %q", n.Load(), s.ContentLength, b)
	}
	if _, err := callStream(t.Context(), gen.OperationGetVersion, nil, send); !errors.Is(err, ErrInsufficientScope) {
		t.Errorf("403: %v", err)
	}
}

// slowBody is a response body that gives its bytes when release closes,
// and fails when its request's context ends first.
type slowBody struct {
	ctx     context.Context
	release chan struct{}
	done    bool
}

func (b *slowBody) Read(p []byte) (int, error) {
	if b.done {
		return 0, io.EOF
	}
	select {
	case <-b.release:
		b.done = true
		return copy(p, "all of it"), nil
	case <-b.ctx.Done():
		return 0, b.ctx.Err()
	}
}

func (b *slowBody) Close() error { return nil }

// The per-attempt timeout bounds the wait for a stream's headers, not its
// reading, which the call's deadline bounds.
func TestStreamReadingOutlivesThePerAttemptTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/pdf"}},
				Body: &slowBody{ctx: r.Context(), release: release}, ContentLength: -1, Request: r}, nil
		})
		c, err := NewClient(WithoutEnvironment(), WithSandbox(), WithTransport(rt), WithTimeouts(time.Second, time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		s, err := callStream(t.Context(), gen.OperationGetVersion, nil, sendTo(c, http.MethodGet, "/version", nil, nil, "")) //nolint:bodyclose // the call helpers close it
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		time.Sleep(10 * time.Second) // the fake clock: past the per-attempt timeout
		close(release)
		b, err := io.ReadAll(s)
		if err != nil || string(b) != "all of it" {
			t.Errorf("read %q, %v: the per-attempt timeout cut the stream", b, err)
		}
	})
}

// A body read from the caller's reader is sent again on a retry when it
// is an io.Seeker, from where it was; otherwise the call is sent once.
func TestReaderBodyIsResentOnlyWhenItCanBeRewound(t *testing.T) {
	f := newFakeAPI(t)
	var s seen
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, r *http.Request, _ int) bool {
			s.add(r)
			if len(s.all())%2 == 1 {
				w.Header().Set("Retry-After", "0")
				writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status_code": 503, "error": "unavailable"})
				return true
			}
			w.WriteHeader(http.StatusNoContent)
			return true
		}
	})
	c := newTestClient(t, f, newFakeClock())
	seeker := strings.NewReader("skipped|the photo")
	_, _ = seeker.Seek(int64(len("skipped|")), io.SeekStart)
	rd, edit := readerBody(seeker)
	send := sendTo(c, http.MethodPost, "/travel/v1/quotes", rd, edit, "image/jpeg") //nolint:bodyclose // the call helpers close it
	var key []RequestOption                                                         // the header layer gives the POST its Idempotency-Key
	err := callNoContent(t.Context(), gen.OperationRequestQuote, key, send)
	got := s.all()
	if err != nil || len(got) != 2 || got[0].body != "the photo" || got[1].body != "the photo" {
		t.Fatalf("seekable: %v, %d requests: %+v", err, len(got), got)
	}

	once := io.MultiReader(strings.NewReader("streamed"))
	rd, edit = readerBody(once)
	err = callNoContent(t.Context(), gen.OperationRequestQuote, key, sendTo(c, http.MethodPost, "/travel/v1/quotes", rd, edit, "image/jpeg")) //nolint:bodyclose // the call helpers close it
	var ae *Error
	if got := s.all(); len(got) != 3 || !errors.As(err, &ae) || ae.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("not seekable: %v, %d requests in all (want 3: sent once)", err, len(got))
	}
}

type multipartSeen struct {
	fields map[string][]string
	files  map[string]string // name → filename|content type|content
}

func parseMultipart(t *testing.T, r *http.Request) multipartSeen {
	t.Helper()
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		t.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
		return multipartSeen{}
	}
	out := multipartSeen{fields: map[string][]string{}, files: map[string]string{}}
	mr := multipart.NewReader(r.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Errorf("multipart: %v", err)
			return out
		}
		b, _ := io.ReadAll(p)
		if p.FileName() != "" {
			out.files[p.FormName()] = p.FileName() + "|" + p.Header.Get("Content-Type") + "|" + string(b)
		} else {
			out.fields[p.FormName()] = append(out.fields[p.FormName()], string(b))
		}
	}
}

// uploadForm is a form as the generator writes them.
type uploadForm struct {
	File    FilePart         `json:"file"`
	Scan    *FilePart        `json:"scan,omitempty"`
	Kind    string           `json:"kind"`
	Pages   *int             `json:"pages,omitempty"`
	Tags    []string         `json:"tags,omitempty"`
	Taken   *Date            `json:"taken,omitempty"`
	Details *struct{ A int } `json:"details,omitempty"`
}

func TestMultipartBodies(t *testing.T) {
	f := newFakeAPI(t)
	var got []multipartSeen
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, r *http.Request, _ int) bool {
			got = append(got, parseMultipart(t, r))
			if len(got) == 1 {
				w.Header().Set("Retry-After", "0")
				writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status_code": 503, "error": "unavailable"})
				return true
			}
			w.WriteHeader(http.StatusNoContent)
			return true
		}
	})
	c := newTestClient(t, f, newFakeClock())
	pages := 3
	var taken Date
	_ = taken.UnmarshalText([]byte("2026-12-24"))
	form := uploadForm{
		File: FilePart{Filename: "receipt.pdf", ContentType: "application/pdf", Content: bytes.NewReader([]byte("%PDF-1.4"))},
		Kind: "receipt", Pages: &pages, Tags: []string{"a", "b"}, Taken: &taken,
		Details: &struct{ A int }{A: 7},
	}
	ct, rd, edit, err := encodeMultipart(form)
	if err != nil {
		t.Fatal(err)
	}
	send := sendTo(c, http.MethodPost, "/travel/v1/quotes", rd, edit, ct) //nolint:bodyclose // the call helpers close it
	if err := callNoContent(t.Context(), gen.OperationRequestQuote, nil, send); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d requests, want 2 (the files are Seekers: the retry resends them)", len(got))
	}
	for i, g := range got {
		if g.files["file"] != "receipt.pdf|application/pdf|%PDF-1.4" || len(g.files) != 1 {
			t.Errorf("request %d files: %q", i, g.files)
		}
		want := map[string][]string{"kind": {"receipt"}, "pages": {"3"}, "tags": {"a", "b"}, "taken": {"2026-12-24"}, "details": {`{"A":7}`}}
		if fmt.Sprint(g.fields) != fmt.Sprint(want) {
			t.Errorf("request %d fields: %v, want %v", i, g.fields, want)
		}
	}

	// A file that cannot be rewound: sent once.
	got = nil
	ct, rd, edit, err = encodeMultipart(uploadForm{File: FilePart{Content: io.MultiReader(strings.NewReader("x"))}, Kind: "other"})
	if err != nil {
		t.Fatal(err)
	}
	err = callNoContent(t.Context(), gen.OperationRequestQuote, nil, sendTo(c, http.MethodPost, "/travel/v1/quotes", rd, edit, ct)) //nolint:bodyclose // the call helpers close it
	if len(got) != 1 || err == nil {
		t.Errorf("%d requests (%v), want 1 and the 503", len(got), err)
	}
	if got[0].files["file"] != "file|application/octet-stream|x" {
		t.Errorf("defaults: %q", got[0].files)
	}

	if _, _, _, err := encodeMultipart(uploadForm{Kind: "other"}); err == nil || !strings.Contains(err.Error(), "without Content") {
		t.Errorf("a FilePart without Content: %v", err)
	}
}

// A multipart body never read (the call fails before sending) leaves no
// goroutine behind; Close stops a writer in progress.
func TestMultipartReaderStartsOnRead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, rd, _, err := encodeMultipart(uploadForm{File: FilePart{Content: strings.NewReader("x")}, Kind: "other"})
		if err != nil {
			t.Fatal(err)
		}
		_ = rd.(io.Closer).Close() // synctest fails the test on a goroutine left blocked
		_, rd, _, _ = encodeMultipart(uploadForm{File: FilePart{Content: strings.NewReader(strings.Repeat("x", 1<<20))}, Kind: "other"})
		buf := make([]byte, 10)
		if _, err := rd.Read(buf); err != nil {
			t.Fatal(err)
		}
		_ = rd.(io.Closer).Close()
		synctest.Wait()
	})
}

func TestPaginate(t *testing.T) {
	pages := map[string]struct {
		items []int
		next  string
	}{"": {[]int{1, 2}, "b"}, "b": {[]int{3}, "c"}, "c": {[]int{4, 5}, ""}}
	var asked []string
	page := func(_ context.Context, cursor string) ([]int, string, error) {
		asked = append(asked, cursor)
		p, ok := pages[cursor]
		if !ok {
			return nil, "", errors.New("bad cursor " + cursor)
		}
		return p.items, p.next, nil
	}
	var all []int
	for v, err := range paginate(t.Context(), page) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, v)
	}
	if fmt.Sprint(all) != "[1 2 3 4 5]" || fmt.Sprint(asked) != "[ b c]" {
		t.Errorf("items %v, cursors %q", all, asked)
	}
	// Breaking stops the requests.
	asked = nil
	for v, err := range paginate(t.Context(), page) {
		if err != nil || v == 2 {
			break
		}
	}
	if len(asked) != 1 {
		t.Errorf("after a break on the first page: %d requests", len(asked))
	}
	// The first error ends it; so does a cursor loop; so does ctx.
	pages["c"] = struct {
		items []int
		next  string
	}{nil, "zz"}
	var last error
	for _, err := range paginate(t.Context(), page) {
		last = err
	}
	if last == nil || !strings.Contains(last.Error(), "bad cursor zz") {
		t.Errorf("error: %v", last)
	}
	pages["c"] = struct {
		items []int
		next  string
	}{nil, "b"}
	for _, err := range paginate(t.Context(), page) {
		last = err
	}
	if !errors.Is(last, errCursorLoop) {
		t.Errorf("loop: %v", last)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	asked = nil
	n := 0
	for _, err := range paginate(ctx, page) {
		n++
		cancel()
		last = err
	}
	if !errors.Is(last, context.Canceled) || len(asked) != 1 {
		t.Errorf("ctx: %v after %d requests", last, len(asked))
	}
}

// InvokeStream sends a body of any media type and hands over any answer.
func TestInvokeStream(t *testing.T) {
	f := newFakeAPI(t)
	var s seen
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, r *http.Request, _ int) bool {
			s.add(r)
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"id":"q1"}`)
			return true
		}
	})
	c := newTestClient(t, f, newFakeClock())
	body := &RequestBody{Content: strings.NewReader(`{"trip_type":"single_trip"}`)}
	st, err := c.InvokeStream(t.Context(), "requestQuote", nil, body)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(st)
	_ = st.Close()
	if string(b) != `{"id":"q1"}` || st.ContentType != "application/json" {
		t.Errorf("answer %q %q", b, st.ContentType)
	}
	if got := s.all(); len(got) != 1 || got[0].contentType != "application/json" || got[0].body != `{"trip_type":"single_trip"}` {
		t.Errorf("sent %+v", got)
	}
	var ie *InvalidRequestError
	_, err = c.InvokeStream(t.Context(), "requestQuote", nil, MultipartBody(map[string][]string{"a": {"b"}}, nil))
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "multipart/form-data") {
		t.Errorf("a multipart body for a JSON operation: %v", err)
	}
	if err := ValidateInvokeStream("requestQuote", nil, nil); !errors.As(err, &ie) {
		t.Errorf("a missing required body: %v", err)
	}
	if err := ValidateInvokeStream("getVersion", nil, &RequestBody{Content: http.NoBody}); !errors.As(err, &ie) {
		t.Errorf("a body for an operation without: %v", err)
	}
	if _, err := c.Invoke(t.Context(), "getVersion", nil, nil); err != nil {
		t.Error(err)
	}
}

// An operation whose successes include one without content returns nil
// for it, the decoded value for the others.
func TestCallOrEmpty(t *testing.T) {
	f := newFakeAPI(t)
	var n atomic.Int32
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
			if n.Add(1) == 1 {
				w.WriteHeader(http.StatusNoContent)
				return true
			}
			writeJSON(w, http.StatusOK, map[string]string{"commit-sha": "abc"})
			return true
		}
	})
	c := newClientOf(t, f, newFakeClock())
	send := sendTo(c, http.MethodGet, "/version", nil, nil, "") //nolint:bodyclose // the call helpers close it
	v, err := callOrEmpty[Version](t.Context(), gen.OperationGetVersion, []int{http.StatusNoContent}, nil, send)
	if err != nil || v != nil {
		t.Errorf("204: %+v, %v, want nil", v, err)
	}
	v, err = callOrEmpty[Version](t.Context(), gen.OperationGetVersion, []int{http.StatusNoContent}, nil, send)
	if err != nil || v == nil || v.CommitSHA != "abc" {
		t.Errorf("200: %+v, %v", v, err)
	}
	if deref[string](nil) != "" {
		t.Error("deref(nil)")
	}
}
