package axatest_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/axa-assistance-go/axa/pkg/axatest"
)

// A spec with an answer without content and a PDF answer.
const shapesSpec = `
openapi: 3.0.3
info: {title: shapes, version: "1"}
paths:
  /receipts/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      responses:
        "200":
          description: the receipt
          content:
            application/pdf: {schema: {type: string, format: binary}}
    delete:
      responses:
        "204": {description: gone}
`

// CheckResponse checks an answer without content and a binary one for
// what they are: no body, and a document of the media type.
func TestCheckResponseOfEveryKindOfAnswer(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(shapesSpec))
	if err != nil {
		t.Fatal(err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	pdf := http.Header{"Content-Type": {"application/pdf"}}
	for _, c := range []struct {
		name, method string
		status       int
		header       http.Header
		body         string
		pointer      string
	}{
		{"no content", http.MethodDelete, 204, http.Header{}, "", ""},
		{"no content with a body", http.MethodDelete, 204, http.Header{}, "gone", "body"},
		{"a PDF", http.MethodGet, 200, pdf, "%PDF-1.4\n%%EOF\n", ""},
		{"a PDF that is JSON", http.MethodGet, 200, pdf, `{"id":"r1"}`, "body"},
	} {
		req, err := http.NewRequestWithContext(t.Context(), c.method, "http://127.0.0.1:1/receipts/r1", nil)
		if err != nil {
			t.Fatal(err)
		}
		err = axatest.CheckResponse(router, req, c.status, c.header, []byte(c.body))
		var se *axatest.SpecError
		switch {
		case c.pointer == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.pointer != "" && (!errors.As(err, &se) || se.Failures[0].Pointer != c.pointer):
			t.Errorf("%s: %v, want a failure at %s", c.name, err, c.pointer)
		}
	}
}
