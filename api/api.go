// Package api holds the contract of the AXA Assistance API: the hand-written
// OpenAPI 3.0.3 document openapi.yaml, embedded so that programs (the sandbox,
// the CLI, tests) can serve and validate against it, and the contract tests
// that keep it, the generated code in gen/ and the house rules in step.
//
// The SDK (pkg/axa) does not import this package: it would pull kin-openapi
// and a YAML parser into every importer's build.
package api

import (
	"context"
	_ "embed" // for the spec
	"fmt"
	"net/url"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:embed openapi.yaml
var spec []byte

// Spec returns the OpenAPI document as written, in YAML. Each call returns a
// new copy.
func Spec() []byte {
	return append([]byte(nil), spec...)
}

// Load parses the embedded OpenAPI document and validates it, examples and
// formats included. Each call returns a new document, which the caller may
// change.
func Load(ctx context.Context) (*openapi3.T, error) {
	return LoadData(ctx, spec)
}

// LoadData parses and validates an OpenAPI document the way Load does. It
// exists for tools and tests that check a changed copy of the contract.
func LoadData(ctx context.Context, data []byte) (*openapi3.T, error) {
	RegisterFormats()
	loader := openapi3.NewLoader()
	loader.Context = ctx
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("api: parse openapi.yaml: %w", err)
	}
	if err := doc.Validate(ctx,
		openapi3.EnableExamplesValidation(),
		openapi3.EnableSchemaFormatValidation(),
		openapi3.EnableSchemaPatternValidation(),
		openapi3.EnableSchemaDefaultsValidation(),
	); err != nil {
		return nil, fmt.Errorf("api: openapi.yaml is not valid: %w", err)
	}
	return doc, nil
}

var registerFormats sync.Once

// RegisterFormats teaches kin-openapi to check the string formats the spec
// uses beyond its built-in date and date-time: uuid, email and uri. Without
// it, kin-openapi accepts any string for them. kin-openapi keeps formats in a
// process-wide table, so this registers them once per process; Load calls it.
func RegisterFormats() {
	registerFormats.Do(func() {
		openapi3.DefineStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC9562))
		openapi3.DefineStringFormatValidator("email", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForEmail))
		openapi3.DefineStringFormatValidator("uri", openapi3.NewCallbackValidator(func(s string) error {
			u, err := url.Parse(s)
			if err != nil {
				return err
			}
			if u.Scheme == "" || u.Host == "" {
				return fmt.Errorf("not an absolute URI: %q", s)
			}
			return nil
		}))
	})
}
