package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fallbackShapesSpec adds an operation of each kind of answer to testSpec:
// none (204), binary with a string example and without one, two JSON
// successes, and a POST with an Idempotency-Key but no body.
const fallbackShapesPaths = `  /shapes/{id}:
    delete:
      operationId: withdrawShape
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"204": {description: gone}}
    get:
      operationId: getShapeReceipt
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: a PDF
          content:
            application/pdf:
              schema: {type: string, format: binary}
              example: "%PDF-1.4 example"
  /shapes/{id}/photo:
    get:
      operationId: getShapePhoto
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: a photo
          content:
            image/png:
              schema: {type: string, format: binary}
  /reviews:
    post:
      operationId: reviewShape
      parameters: [{name: Idempotency-Key, in: header, required: true, schema: {type: string}}]
      responses:
        "200":
          description: done
          content:
            application/json:
              example: {status: paid}
        "202":
          description: queued
          content:
            application/json:
              example: {status: received}
`

// fakeServer is the strict server interface oapi-codegen would generate
// for fallbackShapesPaths, as far as renderFallback reads it.
const fakeServer = `package server

import "context"

type StrictServerInterface interface {
	WithdrawShape(ctx context.Context, request WithdrawShapeRequestObject) (WithdrawShapeResponseObject, error)
	GetShapeReceipt(ctx context.Context, request GetShapeReceiptRequestObject) (GetShapeReceiptResponseObject, error)
	GetShapePhoto(ctx context.Context, request GetShapePhotoRequestObject) (GetShapePhotoResponseObject, error)
	ReviewShape(ctx context.Context, request ReviewShapeRequestObject) (ReviewShapeResponseObject, error)
	InheritsDefault(ctx context.Context, request InheritsDefaultRequestObject) (InheritsDefaultResponseObject, error)
	IsPublic(ctx context.Context, request IsPublicRequestObject) (IsPublicResponseObject, error)
	NeedsEither(ctx context.Context, request NeedsEitherRequestObject) (NeedsEitherResponseObject, error)
}
`

// The sandbox's example answers know every success of each operation: a
// success without content, a binary one with the spec's string example or
// none (the sandbox makes a document of the type), several JSON ones with
// their own examples; a POST with a required Idempotency-Key keeps its
// answer per key even without a body.
func TestRenderFallbackKnowsEverySuccess(t *testing.T) {
	spec := strings.Replace(testSpec, "paths:\n", "paths:\n"+fallbackShapesPaths, 1)
	doc := loadTestSpec(t, spec)
	tab, err := buildTable(doc)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "server.gen.go"), []byte(fakeServer), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := renderFallback("resources", doc, tab, dir)
	if err != nil {
		t.Fatal(err)
	}
	src := string(out)
	for _, want := range []string{
		"case gen.OperationWithdrawShape:\n\t\treturn []success{\n\t\t\t{status: 204, kind: gen.KindNone, contentType: \"\", example: \"\"},\n\t\t}",
		`{status: 200, kind: gen.KindBinary, contentType: "application/pdf", example: "%PDF-1.4 example"},`,
		`{status: 200, kind: gen.KindBinary, contentType: "image/png", example: ""},`,
		"{status: 200, kind: gen.KindJSON, contentType: \"application/json\", example: \"{\\\"status\\\":\\\"paid\\\"}\"},\n\t\t\t{status: 202, kind: gen.KindJSON, contentType: \"application/json\", example: \"{\\\"status\\\":\\\"received\\\"}\"},",
		"a, err := e.idempotent(ctx, gen.OperationReviewShape, req.Params.IdempotencyKey, nil)",
		"return e.answer(ctx, gen.OperationWithdrawShape), nil",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("fallback lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(src)
	}
}
