package specresponse_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/axa-assistance-go/axa/internal/specmedia"
	"github.com/axa-assistance-go/axa/internal/specresponse"
)

// shapesSpec has an answer of each kind: none (204), binary (a PDF with a
// binary schema, a PNG with a bare string schema, bytes without a schema),
// and two successes (200 and 202).
const shapesSpec = `
openapi: 3.0.3
info: {title: shapes, version: "1"}
paths:
  /things/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    delete:
      responses:
        "204": {description: gone}
        "404":
          description: not found
          content:
            application/json:
              schema: {type: object, required: [error], properties: {error: {type: string}}}
    get:
      responses:
        "200":
          description: the receipt
          content:
            application/pdf:
              schema: {type: string, format: binary}
  /things/{id}/photo:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: the photo
          content:
            image/png:
              schema: {type: string}
            application/x-shapes-raw: {}
  /reviews:
    post:
      responses:
        "200":
          description: done
          content:
            application/json:
              schema: {type: object, required: [status], properties: {status: {type: string}}}
        "202":
          description: queued
          headers:
            Location: {required: true, schema: {type: string}}
          content:
            application/json:
              schema: {type: object, required: [status], properties: {status: {type: string}}}
`

func shapesRouter(t *testing.T) routers.Router {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(shapesSpec))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatal(err)
	}
	r, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Answers without content, binary answers and several successes are
// checked for what they are: no body where the spec documents none, the
// media type and the document's signature of a binary one, any documented
// success with its own headers.
func TestCheckEveryKindOfAnswer(t *testing.T) {
	router := shapesRouter(t)
	_, pdf := specmedia.Placeholder("application/pdf")
	_, png := specmedia.Placeholder("image/png")
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i+1 < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	for _, c := range []struct {
		name, method, path string
		status             int
		header             http.Header
		body               []byte
		pointer, expected  string
	}{
		{"no content", http.MethodDelete, "/things/a", 204, h(), nil, "", ""},
		{"no content, with a body", http.MethodDelete, "/things/a", 204, h("Content-Type", "text/plain"), []byte("gone"), "body", "no content"},
		{"an error beside no content", http.MethodDelete, "/things/a", 404, h("Content-Type", "application/json"), []byte(`{"error":"not_found"}`), "", ""},
		{"a PDF", http.MethodGet, "/things/a", 200, h("Content-Type", "application/pdf"), pdf, "", ""},
		{"a PDF that is none", http.MethodGet, "/things/a", 200, h("Content-Type", "application/pdf"), []byte(`{"id":"a"}`), "body", "a PDF document (starting %PDF-)"},
		{"JSON for a PDF", http.MethodGet, "/things/a", 200, h("Content-Type", "application/json"), []byte(`{}`), "header/Content-Type", "application/pdf"},
		{"a PNG under a string schema", http.MethodGet, "/things/a/photo", 200, h("Content-Type", "image/png"), png, "", ""},
		{"a GIF called a PNG", http.MethodGet, "/things/a/photo", 200, h("Content-Type", "image/png"), []byte("GIF89a..."), "body", "a PNG image (its 8-byte signature)"},
		{"bytes without a schema", http.MethodGet, "/things/a/photo", 200, h("Content-Type", "application/x-shapes-raw"), []byte{0, 1, 2}, "", ""},
		{"the first success", http.MethodPost, "/reviews", 200, h("Content-Type", "application/json"), []byte(`{"status":"paid"}`), "", ""},
		{"the second success", http.MethodPost, "/reviews", 202, h("Content-Type", "application/json", "Location", "/reviews/1"), []byte(`{"status":"received"}`), "", ""},
		{"the second success without its header", http.MethodPost, "/reviews", 202, h("Content-Type", "application/json"), []byte(`{"status":"received"}`), "header/Location", "present (required)"},
		{"an undocumented success", http.MethodPost, "/reviews", 201, h("Content-Type", "application/json"), []byte(`{"status":"x"}`), "status", "one of the statuses 200, 202"},
	} {
		req, err := http.NewRequestWithContext(t.Context(), c.method, "http://127.0.0.1:9/"+c.path[1:], nil)
		if err != nil {
			t.Fatal(err)
		}
		err = specresponse.Check(router, req, c.status, c.header, c.body)
		if c.pointer == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		var se *specresponse.Error
		if !errors.As(err, &se) {
			t.Errorf("%s: err = %v, want a *specresponse.Error", c.name, err)
			continue
		}
		if f := se.Failures[0]; f.Pointer != c.pointer || f.Expected != c.expected {
			t.Errorf("%s: failure = %+v, want pointer %q expected %q", c.name, f, c.pointer, c.expected)
		}
	}
}
