// Package schemaerr reads the schema failures out of the errors
// kin-openapi returns, for the sandbox's problem lists and the CLI's local
// checks alike.
package schemaerr

import (
	"errors"

	"github.com/getkin/kin-openapi/openapi3"
)

// Collect returns the SchemaErrors of err, in order, through the
// MultiErrors kin-openapi nests them in; nil when it holds none.
func Collect(err error) []*openapi3.SchemaError {
	var out []*openapi3.SchemaError
	collect(err, &out)
	return out
}

func collect(err error, out *[]*openapi3.SchemaError) {
	switch e := err.(type) { //nolint:errorlint // the MultiErrors themselves, not what their As answers
	case nil:
	case openapi3.MultiError:
		for _, err := range e {
			collect(err, out)
		}
	case *openapi3.SchemaError:
		*out = append(*out, e)
	default:
		var se *openapi3.SchemaError
		if errors.As(err, &se) {
			*out = append(*out, se)
		}
	}
}
