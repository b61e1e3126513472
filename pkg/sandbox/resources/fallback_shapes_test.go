package resources

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/gen/server"
	"github.com/axa-assistance-go/axa/internal/specmedia"
	"github.com/axa-assistance-go/axa/pkg/sandbox/data"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
)

// The example answer of each kind of success: none is the status alone, a
// binary one the spec's example when it is a document of its type, else a
// document of the type made up (a real PDF, a PNG; a media range gets a
// type within it), with Content-Type and Content-Length; JSON its example,
// 501 without one; of several, the first unless another is asked for.
func TestExampleAnswerOfEveryKind(t *testing.T) {
	_, pdf := specmedia.Placeholder("application/pdf")
	_, png := specmedia.Placeholder("image/png")
	review := []success{
		{status: 200, kind: gen.KindJSON, contentType: "application/json", example: `{"status":"paid"}`},
		{status: 202, kind: gen.KindJSON, contentType: "application/json", example: `{"status":"received"}`},
	}
	for _, c := range []struct {
		name        string
		answer      exampleAnswer
		successes   []success
		status      int
		contentType string
		body        []byte
		applied     string
	}{
		{"no content", exampleAnswer{}, []success{{status: 204, kind: gen.KindNone}}, 204, "", nil, ""},
		{"a PDF without an example", exampleAnswer{}, []success{{status: 200, kind: gen.KindBinary, contentType: "application/pdf"}}, 200, "application/pdf", pdf, ""},
		{"a PDF example", exampleAnswer{}, []success{{status: 200, kind: gen.KindBinary, contentType: "application/pdf", example: "%PDF-1.4 from the spec"}}, 200, "application/pdf", []byte("%PDF-1.4 from the spec"), ""},
		{"a PDF example that is none", exampleAnswer{}, []success{{status: 200, kind: gen.KindBinary, contentType: "application/pdf", example: "binary"}}, 200, "application/pdf", pdf, ""},
		{"any image", exampleAnswer{}, []success{{status: 200, kind: gen.KindBinary, contentType: "image/*"}}, 200, "image/png", png, ""},
		{"bytes with an example", exampleAnswer{}, []success{{status: 200, kind: gen.KindBinary, contentType: "application/octet-stream", example: "\x00\x01"}}, 200, "application/octet-stream", []byte("\x00\x01"), ""},
		{"a +json answer", exampleAnswer{}, []success{{status: 200, kind: gen.KindJSON, contentType: "application/hal+json", example: `{"a":1}`}}, 200, "application/hal+json", []byte(`{"a":1}`), ""},
		{"JSON without an example", exampleAnswer{}, []success{{status: 200, kind: gen.KindJSON, contentType: "application/json"}}, 501, "application/json", nil, ""},
		{"no success", exampleAnswer{}, nil, 501, "application/json", nil, ""},
		{"the first of several", exampleAnswer{}, review, 200, "application/json", []byte(`{"status":"paid"}`), ""},
		{"the preferred of several", exampleAnswer{status: 202, preferred: true}, review, 202, "application/json", []byte(`{"status":"received"}`), "code=202"},
		{"the replayed of several", exampleAnswer{status: 202, idempotent: true, replayed: true}, review, 202, "application/json", []byte(`{"status":"received"}`), ""},
	} {
		rec := httptest.NewRecorder()
		if err := c.answer.writeFrom(rec, c.successes); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if rec.Code != c.status || rec.Header().Get("Content-Type") != c.contentType || rec.Header().Get("Preference-Applied") != c.applied {
			t.Errorf("%s: %d %q (Preference-Applied %q), want %d %q (%q)", c.name, rec.Code, rec.Header().Get("Content-Type"),
				rec.Header().Get("Preference-Applied"), c.status, c.contentType, c.applied)
		}
		if c.status == http.StatusNotImplemented {
			continue
		}
		if !bytes.Equal(rec.Body.Bytes(), c.body) {
			t.Errorf("%s: body %.40q, want %.40q", c.name, rec.Body.Bytes(), c.body)
		}
		if c.contentType != "" && specmedia.Kind(c.contentType) == gen.KindBinary && rec.Header().Get("Content-Length") != strconv.Itoa(len(c.body)) {
			t.Errorf("%s: Content-Length %q, want %d", c.name, rec.Header().Get("Content-Length"), len(c.body))
		}
	}
}

// A code preference is read as RFC 7240 writes preferences, among others,
// in any case, quoted or not; anything else is no preference.
func TestPreferredCode(t *testing.T) {
	for _, c := range []struct {
		values []string
		code   int
	}{
		{[]string{"code=202"}, 202},
		{[]string{"respond-async, wait=10", `Code="202"; x=y`}, 202},
		{[]string{"return=minimal,code=204"}, 204},
		{[]string{"code=two"}, 0},
		{[]string{"code=99"}, 0},
		{[]string{"statuscode=202"}, 0},
		{nil, 0},
	} {
		code, ok := preferredCode(c.values)
		if code != c.code || ok != (c.code != 0) {
			t.Errorf("preferredCode(%q) = %d, %v, want %d", c.values, code, ok, c.code)
		}
	}
}

// multipartForm writes a form with a boundary of its own: kind, then a
// file part.
func multipartForm(t *testing.T, kind string, file []byte) *multipart.Reader {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if err := w.WriteField("kind", kind); err != nil {
		t.Fatal(err)
	}
	p, err := w.CreateFormFile("file", "scan.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Write(file); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return multipart.NewReader(&b, w.Boundary())
}

// The example answer of an operation with an Idempotency-Key keeps its
// answer per key whatever the body: a multipart form is the same form
// whatever its boundary, raw bytes are their bytes, no body is no body; a
// replay answers the status first answered.
func TestIdempotentExampleOfEveryBodyKind(t *testing.T) {
	res := New(testConfig(time.Now), data.NewDataset(1))
	ctx := reqctx.WithClaims(context.Background(), &reqctx.Claims{ClientID: "a"})
	id := gen.OperationCreatePolicy // any id: the fallback's store is by operation and key
	call := func(key string, body any) (exampleAnswer, error) {
		t.Helper()
		return res.idempotentExample(ctx, id, key, body)
	}
	for _, c := range []struct {
		name        string
		first, same func() any
		other       func() any
	}{
		{"multipart",
			func() any { return multipartForm(t, "receipt", []byte("%PDF-1.4 a")) },
			func() any { return multipartForm(t, "receipt", []byte("%PDF-1.4 a")) },
			func() any { return multipartForm(t, "receipt", []byte("%PDF-1.4 b")) }},
		{"raw bytes",
			func() any { return io.Reader(strings.NewReader("\x00\x01")) },
			func() any { return io.Reader(bytes.NewReader([]byte("\x00\x01"))) },
			func() any { return io.Reader(strings.NewReader("\x00\x02")) }},
		{"no body", func() any { return nil }, func() any { return nil }, nil},
	} {
		key := "key-" + c.name
		a, err := call(key, c.first())
		if err != nil || a.replayed || !a.idempotent {
			t.Fatalf("%s: first: %+v, %v", c.name, a, err)
		}
		a, err = call(key, c.same())
		if err != nil || !a.replayed {
			t.Errorf("%s: the same body again: %+v, %v, want a replay", c.name, a, err)
		}
		if c.other != nil {
			_, err = call(key, c.other())
			wantError(t, err, http.StatusUnprocessableEntity, "idempotency_key_reused")
		}
	}
}

// A replay answers the success the first request got (here 202, as a
// first request preferring it would have stored), whatever the replay
// prefers.
func TestIdempotentExampleReplaysItsStatus(t *testing.T) {
	res := New(testConfig(time.Now), data.NewDataset(1))
	ctx := reqctx.WithClaims(context.Background(), &reqctx.Claims{ClientID: "a"})
	o, err := ownerOf(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fp, err := bodyPrint(nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := res.idempotently(o, string(gen.OperationCreatePolicy), "k", fp, func() (any, error) { return 202, nil }); err != nil {
		t.Fatal(err)
	}
	a, err := res.idempotentExample(ctx, gen.OperationCreatePolicy, "k", nil)
	if err != nil || !a.replayed || a.status != 202 || a.preferred {
		t.Errorf("replay: %+v, %v, want status 202 replayed", a, err)
	}
}

// The example answers read the request's Prefer header where the outermost
// handler kept it: a documented success is answered and said applied, an
// undocumented one is ignored (RFC 7240 lets a server ignore a preference).
func TestExampleAnswerHonoursPrefer(t *testing.T) {
	for prefer, applied := range map[string]string{"code=200": "code=200", "code=299": "", "": ""} {
		req := httptest.NewRequest(http.MethodGet, "/version", nil)
		if prefer != "" {
			req.Header.Set("Prefer", prefer)
		}
		req, _ = reqctx.Begin(req, "")
		answer, err := exampleAnswers{}.GetVersion(req.Context(), server.GetVersionRequestObject{})
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		if err := answer.VisitGetVersionResponse(rec); err != nil {
			t.Fatal(err)
		}
		if rec.Code != http.StatusOK || rec.Header().Get("Preference-Applied") != applied {
			t.Errorf("Prefer %q: %d, Preference-Applied %q, want 200 and %q", prefer, rec.Code, rec.Header().Get("Preference-Applied"), applied)
		}
	}
}
