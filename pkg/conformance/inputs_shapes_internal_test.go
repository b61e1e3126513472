package conformance

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/internal/oprouter"
	"github.com/axa-assistance-go/axa/internal/specmedia"
)

// inputShapesSpec has a request body of each kind the run sends: a merge
// patch, a multipart form with a file (and an encoding naming its type), a
// list of values and an object, raw bytes, an image under a media range,
// and a POST with an Idempotency-Key and no body.
const inputShapesSpec = `
openapi: 3.0.3
info: {title: inputs, version: "1"}
paths:
  /claims/{claim_id}/details:
    parameters:
      - {name: claim_id, in: path, required: true, schema: {type: string, format: uuid, example: 4a1e2b3c-5d6f-4a7b-8c9d-0e1f2a3b4c5d}}
    patch:
      operationId: updateClaim
      requestBody:
        required: true
        content:
          application/merge-patch+json:
            schema:
              type: object
              properties:
                amount: {type: number}
                channel: {type: string, enum: [web, phone]}
              example: {amount: 120.5, channel: web}
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object}}}}}
  /claims/{claim_id}/documents:
    post:
      operationId: uploadClaimDocument
      parameters:
        - {name: claim_id, in: path, required: true, schema: {type: string, format: uuid}}
        - {name: Idempotency-Key, in: header, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file, kind, pages, tags, meta]
              properties:
                file: {type: string, format: binary}
                kind: {type: string, enum: [receipt, report]}
                pages: {type: integer, minimum: 1}
                tags: {type: array, items: {type: string}}
                meta: {type: object, required: [source], properties: {source: {type: string}}}
                note: {type: string}
            encoding:
              file: {contentType: image/png}
      responses:
        "201": {description: attached}
  /claims/{claim_id}/photo:
    put:
      operationId: putClaimPhoto
      parameters:
        - {name: claim_id, in: path, required: true, schema: {type: string, format: uuid}}
      requestBody:
        required: true
        content:
          application/pdf:
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
          image/*:
            schema: {type: string, format: binary}
      responses:
        "200":
          description: stored
          content:
            image/png: {schema: {type: string, format: binary}}
  /claims/{claim_id}/review:
    post:
      operationId: requestClaimReview
      parameters:
        - {name: claim_id, in: path, required: true, schema: {type: string, format: uuid}}
        - {name: Idempotency-Key, in: header, required: true, schema: {type: string}}
      responses:
        "200": {description: reviewed, content: {application/json: {schema: {type: object}}}}
        "202": {description: queued, content: {application/json: {schema: {type: object}}}}
`

// operationsOf returns the run's operations of doc, by operationId.
func operationsOf(doc *openapi3.T) map[string]*operation {
	out := map[string]*operation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			out[op.OperationID] = &operation{id: op.OperationID, method: method, path: path, op: op, item: item,
				params: mergeParams(item.Parameters, op.Parameters)}
		}
	}
	return out
}

// validRequest sends nothing: it builds the request of in and validates
// it as a validating server would (kin-openapi, the spec's binary media
// types decoded), returning the request.
func validRequest(t *testing.T, router routers.Router, o *operation, in inputs) *http.Request {
	t.Helper()
	req, err := in.request(o, "http://127.0.0.1:1", "")
	if err != nil {
		t.Fatalf("%s: %v", o.id, err)
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s: %v", o.id, err)
	}
	err = openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true},
	})
	if err != nil {
		t.Errorf("%s: the request built is not valid: %v", o.id, err)
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	return req
}

// The run builds a valid request of every body kind: a merge patch from
// the schema's example, a multipart form with a file part of the type its
// encoding names and the required fields, raw bytes that are a document of
// their type, an image for a media range; it asks for the answers' media
// types; a replay sends the very same bytes, and a variant body is another
// valid one, except for an operation without a body.
func TestInputsOfEveryBodyKind(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(inputShapesSpec))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatal(err)
	}
	specmedia.RegisterDocDecoders(doc)
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	ops := operationsOf(doc)
	today := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	build := func(id string) (*operation, inputs) {
		t.Helper()
		in, err := buildInputs(ops[id], linked{}, today)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		return ops[id], in
	}
	bodyOf := func(req *http.Request) []byte {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	o, in := build("updateClaim")
	req := validRequest(t, router, o, in)
	if req.Header.Get("Content-Type") != "application/merge-patch+json" || string(bodyOf(req)) != `{"amount":120.5,"channel":"web"}` {
		t.Errorf("merge patch: %q %q", req.Header.Get("Content-Type"), bodyOf(req))
	}
	if v, ok := in.variant(); !ok || v.body.(map[string]any)["channel"] != "phone" {
		t.Errorf("merge patch: variant %v", v.body)
	} else {
		validRequest(t, router, o, v)
	}

	o, in = build("uploadClaimDocument")
	req = validRequest(t, router, o, in)
	first := bodyOf(req)
	mt, params, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		t.Fatalf("multipart: Content-Type %q", req.Header.Get("Content-Type"))
	}
	form, err := multipart.NewReader(bytes.NewReader(first), params["boundary"]).ReadForm(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	if len(form.File["file"]) != 1 || form.File["file"][0].Header.Get("Content-Type") != "image/png" ||
		form.Value["kind"][0] != "receipt" || form.Value["pages"][0] != "2" || form.Value["meta"][0] != `{"source":"x"}` || len(form.Value["tags"]) != 1 {
		t.Errorf("multipart: files %v, values %v", form.File, form.Value)
	}
	f, err := form.File["file"][0].Open()
	if err != nil {
		t.Fatal(err)
	}
	png, _ := io.ReadAll(f)
	if _, ok := specmedia.Signature("image/png", png); !ok {
		t.Errorf("multipart: the file part is not a PNG: %.16q", png)
	}
	again := validRequest(t, router, o, in.withNewKey())
	if !bytes.Equal(bodyOf(again), first) {
		t.Error("multipart: the same inputs send other bytes (a replay would not be the same request)")
	}
	if v, ok := in.variant(); !ok {
		t.Error("multipart: no variant")
	} else if req := validRequest(t, router, o, v); bytes.Equal(bodyOf(req), first) {
		t.Error("multipart: the variant is the same body")
	}

	o, in = build("putClaimPhoto")
	req = validRequest(t, router, o, in)
	pdf := bodyOf(req)
	if req.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Errorf("raw bytes: %q %.16q", req.Header.Get("Content-Type"), pdf)
	}
	if v, ok := in.variant(); !ok || v.body == in.body {
		t.Error("raw bytes: no variant")
	}

	o, in = build("putClaimScan")
	req = validRequest(t, router, o, in)
	if req.Header.Get("Content-Type") != "image/png" || req.Header.Get("Accept") != "image/png, application/json" {
		t.Errorf("image/*: Content-Type %q, Accept %q", req.Header.Get("Content-Type"), req.Header.Get("Accept"))
	}

	o, in = build("requestClaimReview")
	req = validRequest(t, router, o, in)
	if in.hasBody || req.ContentLength != 0 || req.Header.Get("Content-Type") != "" {
		t.Errorf("no body: %+v", req.Header)
	}
	if _, ok := in.variant(); ok {
		t.Error("no body: a variant body")
	}
}

// Every request the run builds from the API's spec passes the spec's own
// request validation, body and parameters, whatever the body's kind.
func TestRequestsBuiltFromTheSpecAreValid(t *testing.T) {
	doc, err := api.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	specmedia.RegisterDocDecoders(doc)
	router := oprouter.New(doc)
	for _, o := range operationsOf(doc) {
		in, err := buildInputs(o, linked{}, time.Now())
		if err != nil {
			t.Errorf("%s: %v", o.id, err)
			continue
		}
		validRequest(t, router, o, in)
	}
}
