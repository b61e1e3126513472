package validate

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/specmedia"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
)

// shapesSpec has an operation of each shape a spec grows: bodies that are
// not application/json (a merge patch, a multipart form with a file, raw
// bytes, an image, a PDF under a bare string schema), PUT, PATCH and
// DELETE on a path item whose parameter they share, a header parameter, a
// query default, a date-time, an integer array and a cursor.
const shapesSpec = `
openapi: 3.0.3
info: {title: shapes, version: "1"}
paths:
  /claims/{claim_id}/details:
    parameters:
      - {name: claim_id, in: path, required: true, schema: {type: string, format: uuid}}
    patch:
      operationId: updateClaim
      parameters:
        - {name: X-Claim-Channel, in: header, required: false, schema: {type: string, enum: [web, phone]}}
      requestBody:
        required: true
        content:
          application/merge-patch+json:
            schema: {$ref: "#/components/schemas/Details"}
      responses: {"200": {description: ok}}
    put:
      operationId: replaceClaimDetails
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Details"}
      responses: {"204": {description: replaced}}
    delete:
      operationId: withdrawClaim
      responses: {"204": {description: withdrawn}}
  /claims/{claim_id}/documents:
    post:
      operationId: uploadClaimDocument
      parameters:
        - {name: claim_id, in: path, required: true, schema: {type: string, format: uuid}}
        - {name: Idempotency-Key, in: header, required: true, schema: {type: string, minLength: 1}}
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file, kind]
              properties:
                file: {type: string, format: binary}
                kind: {type: string, enum: [receipt, report]}
                note: {type: string, maxLength: 20}
                pages: {type: integer}
      responses: {"201": {description: attached}}
  /claims/{claim_id}/photo:
    put:
      operationId: putClaimPhoto
      parameters:
        - {name: claim_id, in: path, required: true, schema: {type: string, format: uuid}}
      requestBody:
        required: true
        content:
          application/octet-stream:
            schema: {type: string, format: binary}
      responses: {"204": {description: stored}}
  /claims/{claim_id}/scan:
    put:
      operationId: putClaimScan
      parameters:
        - {name: claim_id, in: path, required: true, schema: {type: string, format: uuid}}
      requestBody:
        required: true
        content:
          image/png:
            schema: {type: string, format: binary}
          application/x-shapes-scan:
            schema: {type: string}
      responses: {"204": {description: stored}}
  /claim_events:
    get:
      operationId: listClaimEvents
      parameters:
        - {name: cursor, in: query, schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100, default: 20}}
        - {name: since, in: query, schema: {type: string, format: date-time}}
        - {name: codes, in: query, style: form, explode: true, schema: {type: array, items: {type: integer}}}
      responses: {"200": {description: a page}}
components:
  schemas:
    Details:
      type: object
      properties:
        description: {type: string}
        amount: {type: number}
`

// received is what the handler behind the validator got of one request.
type received struct {
	operation   gen.OperationID
	contentType string
	body        []byte
	query       url.Values
	fields      map[string]string // a multipart body's fields and files
}

// shapesEnv is the validator over shapesSpec in front of a handler that
// records what reaches it and answers 200.
type shapesEnv struct {
	t    *testing.T
	doc  *openapi3.T
	h    http.Handler
	last *received
}

func newShapesEnv(t *testing.T, maxBody int64) *shapesEnv {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(shapesSpec))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatal(err)
	}
	var ops []gen.Operation
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops = append(ops, gen.Operation{ID: gen.OperationID(op.OperationID), Method: method, Path: path})
		}
	}
	e := &shapesEnv{t: t, doc: doc}
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := &received{operation: reqctx.Operation(r.Context()), contentType: r.Header.Get("Content-Type"), query: r.URL.Query()}
		if strings.HasPrefix(got.contentType, "multipart/") {
			mr, err := r.MultipartReader()
			if err != nil {
				t.Errorf("the handler cannot read the multipart body: %v", err)
				return
			}
			got.fields = map[string]string{}
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Errorf("the handler cannot read a part: %v", err)
					return
				}
				b, _ := io.ReadAll(p)
				got.fields[p.FormName()] = string(b)
			}
		} else {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				t.Errorf("the handler cannot read the body: %v", err)
			}
			got.body = b
		}
		e.last = got
		w.WriteHeader(http.StatusOK)
	})
	e.h = newValidator(Config{Verifier: stubVerifier{}, MaxBody: maxBody}, doc, ops, next)
	return e
}

// do sends a request through the validator, resolved to the operation of
// the test spec its method and path match, as reqctx resolves the API's.
func (e *shapesEnv) do(method, target, contentType string, body []byte, header ...string) apiAnswer {
	e.t.Helper()
	e.last = nil
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	router, err := legacy.NewRouter(e.doc)
	if err != nil {
		e.t.Fatal(err)
	}
	req, st := reqctx.Begin(req, "")
	if route, params, err := router.FindRoute(req); err == nil {
		st.Operation = gen.OperationID(route.Operation.OperationID)
		for _, seg := range strings.Split(strings.Trim(route.Path, "/"), "/") {
			if name, ok := strings.CutPrefix(seg, "{"); ok {
				st.PathValues = append(st.PathValues, url.PathEscape(params[strings.TrimSuffix(name, "}")]))
			}
		}
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	a := apiAnswer{Status: rec.Code, Header: rec.Header()}
	if rec.Body.Len() > 0 && specmedia.IsJSON(rec.Header().Get("Content-Type")) {
		if err := json.Unmarshal(rec.Body.Bytes(), &a.Body); err != nil {
			e.t.Fatalf("%s %s: %v", method, target, err)
		}
	}
	return a
}

const claim = "/claims/4a1e2b3c-5d6f-4a7b-8c9d-0e1f2a3b4c5d"

// form writes a multipart form: fields (name, value, ...), then a file
// part "file" with data unless it is nil.
func form(t *testing.T, fields []string, file []byte) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for i := 0; i+1 < len(fields); i += 2 {
		if err := w.WriteField(fields[i], fields[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if file != nil {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="scan.bin"`)
		h.Set("Content-Type", "application/octet-stream")
		p, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Write(file); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), b.Bytes()
}

// notText is bytes that no JSON check may read as text: invalid UTF-8, a
// NUL, an escaped lone surrogate and a duplicated JSON name.
var notText = []byte("\xff\xfe\x00\"\\ud800\" {\"a\":1,\"a\":2}")

// Bodies that are not application/json are validated for what they are:
// a merge patch as JSON (its names checked as a JSON body's), a multipart
// form part by part, raw bytes and images as bytes (the JSON checks of
// names and encoding never read them), a PDF under a bare string schema
// too; well-formed ones reach the handler as sent, bad ones are a 400
// listing their problems.
func TestBodiesOfEveryMediaType(t *testing.T) {
	e := newShapesEnv(t, 1<<20)
	messages := map[string]string{
		"merge patch as JSON":                    "must be application/merge-patch+json",
		"merge patch not JSON":                   "not valid JSON",
		"multipart cut short":                    "not a valid multipart/form-data body",
		"multipart with a field of another type": "must be an integer",
		"raw bytes of another type":              "must be application/octet-stream",
	}
	ok := func(name string, a apiAnswer, op gen.OperationID) *received {
		t.Helper()
		if a.Status != http.StatusOK || e.last == nil || e.last.operation != op {
			t.Fatalf("%s: %d %v (handler reached: %+v), want it handled by %s", name, a.Status, a.Body, e.last, op)
		}
		return e.last
	}
	refused := func(name string, a apiAnswer, location string) {
		t.Helper()
		if a.Status != http.StatusBadRequest || e.last != nil {
			t.Errorf("%s: %d %v (handler reached: %v), want 400", name, a.Status, a.Body, e.last != nil)
			return
		}
		p := answerProblems(t, a)
		if location == "" {
			location = "header/Content-Type"
		}
		if _, found := p[location]; !found {
			t.Errorf("%s: problems %v, want one at %s", name, p, location)
		}
		if want, ok := messages[name]; ok && p[location] != want {
			t.Errorf("%s: %s %q, want %q", name, location, p[location], want)
		}
	}

	patch := []byte(`{"amount":12.5}`)
	got := ok("merge patch", e.do(http.MethodPatch, claim+"/details", "application/merge-patch+json", patch, "X-Claim-Channel", "web"), "updateClaim")
	if !bytes.Equal(got.body, patch) {
		t.Errorf("merge patch: the handler got %q, want %q", got.body, patch)
	}
	refused("merge patch as JSON", e.do(http.MethodPatch, claim+"/details", "application/json", patch), "")
	refused("merge patch with a name twice", e.do(http.MethodPatch, claim+"/details", "application/merge-patch+json", []byte(`{"amount":1,"amount":2}`)), "body/amount")
	refused("merge patch not JSON", e.do(http.MethodPatch, claim+"/details", "application/merge-patch+json", []byte(`{"amount":`)), "body")
	refused("merge patch of another type", e.do(http.MethodPatch, claim+"/details", "application/merge-patch+json", []byte(`{"amount":"twelve"}`)), "body/amount")

	ct, body := form(t, []string{"kind", "receipt", "note", "taxi"}, notText)
	got = ok("multipart", e.do(http.MethodPost, claim+"/documents", ct, body, "Idempotency-Key", "k1"), "uploadClaimDocument")
	if got.fields["kind"] != "receipt" || got.fields["note"] != "taxi" || got.fields["file"] != string(notText) {
		t.Errorf("multipart: the handler got %q", got.fields)
	}
	ct, body = form(t, []string{"note", "taxi"}, notText)
	refused("multipart without a required field", e.do(http.MethodPost, claim+"/documents", ct, body, "Idempotency-Key", "k2"), "body/kind")
	ct, body = form(t, []string{"kind", "invoice"}, notText)
	refused("multipart with a value out of its enum", e.do(http.MethodPost, claim+"/documents", ct, body, "Idempotency-Key", "k3"), "body/kind")
	ct, body = form(t, []string{"kind", "report"}, nil)
	refused("multipart without its file", e.do(http.MethodPost, claim+"/documents", ct, body, "Idempotency-Key", "k4"), "body/file")
	ct, body = form(t, []string{"kind", "report"}, []byte("x"))
	refused("multipart without an Idempotency-Key", e.do(http.MethodPost, claim+"/documents", ct, body), "header/Idempotency-Key")
	refused("multipart as JSON", e.do(http.MethodPost, claim+"/documents", "application/json", []byte(`{"kind":"report","file":"x"}`), "Idempotency-Key", "k5"), "")
	refused("multipart cut short", e.do(http.MethodPost, claim+"/documents", ct, body[:len(body)-8], "Idempotency-Key", "k6"), "body")
	ct, body = form(t, []string{"kind", "report", "pages", "two"}, []byte("x"))
	refused("multipart with a field of another type", e.do(http.MethodPost, claim+"/documents", ct, body, "Idempotency-Key", "k7"), "body/pages")

	got = ok("raw bytes", e.do(http.MethodPut, claim+"/photo", "application/octet-stream", notText), "putClaimPhoto")
	if !bytes.Equal(got.body, notText) {
		t.Errorf("raw bytes: the handler got %q, want %q", got.body, notText)
	}
	refused("raw bytes, none", e.do(http.MethodPut, claim+"/photo", "application/octet-stream", nil), "body")
	refused("raw bytes of another type", e.do(http.MethodPut, claim+"/photo", "image/png", notText), "")

	_, png := specmedia.Placeholder("image/png")
	got = ok("an image", e.do(http.MethodPut, claim+"/scan", "image/png", png), "putClaimScan")
	if !bytes.Equal(got.body, png) {
		t.Error("an image: the handler did not get its bytes")
	}
	got = ok("bytes under a bare string schema", e.do(http.MethodPut, claim+"/scan", "application/x-shapes-scan", notText), "putClaimScan")
	if !bytes.Equal(got.body, notText) {
		t.Error("bytes under a bare string schema: the handler did not get them")
	}
}

// A body over the limit is 413, whatever its media type.
func TestBinaryBodyTooLargeIs413(t *testing.T) {
	e := newShapesEnv(t, 64)
	a := e.do(http.MethodPut, claim+"/photo", "application/octet-stream", bytes.Repeat([]byte{0xff}, 65))
	if a.Status != http.StatusRequestEntityTooLarge || e.last != nil {
		t.Errorf("%d %v, want 413", a.Status, a.Body)
	}
}

// PUT, PATCH and DELETE share their path item's parameter; a header
// parameter, a query default, a date-time, an integer array and a cursor
// are validated as the spec declares them, and a default is left for the
// handler to apply: the request reaches it as sent.
func TestMethodsAndParametersOfEveryShape(t *testing.T) {
	e := newShapesEnv(t, 1<<20)
	for _, c := range []struct {
		name, method, target, contentType, body string
		header                                  []string
		status                                  int
		location                                string
	}{
		{"DELETE without a body", http.MethodDelete, claim + "/details", "", "", nil, 200, ""},
		{"PUT with its body", http.MethodPut, claim + "/details", "application/json", `{"description":"lost"}`, nil, 200, ""},
		{"PUT without its body", http.MethodPut, claim + "/details", "", "", nil, 400, "body"},
		{"the shared parameter, bad", http.MethodDelete, "/claims/not-a-uuid/details", "", "", nil, 400, "path/claim_id"},
		{"the shared parameter of PATCH, bad", http.MethodPatch, "/claims/not-a-uuid/details", "application/merge-patch+json", `{}`, nil, 400, "path/claim_id"},
		{"a header parameter out of its enum", http.MethodPatch, claim + "/details", "application/merge-patch+json", `{}`, []string{"X-Claim-Channel", "fax"}, 400, "header/X-Claim-Channel"},
		{"every query parameter", http.MethodGet, "/claim_events?cursor=123&since=2026-12-01T00:00:00Z&codes=1&codes=2", "", "", nil, 200, ""},
		{"a cursor is a string", http.MethodGet, "/claim_events?cursor=eyJwIjoyfQ%3D%3D", "", "", nil, 200, ""},
		{"a date-time that is none", http.MethodGet, "/claim_events?since=yesterday", "", "", nil, 400, "query/since"},
		{"an integer array with a word", http.MethodGet, "/claim_events?codes=1&codes=two", "", "", nil, 400, "query/codes"},
		{"a limit under its minimum", http.MethodGet, "/claim_events?limit=0", "", "", nil, 400, "query/limit"},
	} {
		a := e.do(c.method, c.target, c.contentType, []byte(c.body), c.header...)
		if a.Status != c.status {
			t.Errorf("%s: %d %v, want %d", c.name, a.Status, a.Body, c.status)
			continue
		}
		if c.location != "" {
			if p := answerProblems(t, a); p[c.location] == "" {
				t.Errorf("%s: problems %v, want one at %s", c.name, p, c.location)
			}
		}
	}
	e.do(http.MethodGet, "/claim_events", "", nil)
	if e.last == nil || e.last.query.Has("limit") {
		t.Errorf("a query default was written into the request: %+v", e.last)
	}
	e.do(http.MethodGet, "/claim_events?codes=1&codes=2", "", nil)
	if e.last == nil || strings.Join(e.last.query["codes"], ",") != "1,2" {
		t.Errorf("the integer array did not reach the handler as sent: %+v", e.last)
	}
}
