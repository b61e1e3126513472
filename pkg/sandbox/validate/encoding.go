package validate

import (
	"unicode/utf8"

	"github.com/axa-assistance-go/axa/gen"
)

// encodingProblems is the problem of a JSON body that is not UTF-8, which
// JSON must be (RFC 8259 section 8.1), whatever charset its Content-Type
// names: encoding/json, kin-openapi's and the handlers', reads each invalid
// byte of a string as U+FFFD, so the handler would act on, and store, text
// the client never sent.
func encodingProblems(body []byte) []gen.Problem {
	if utf8.Valid(body) {
		return nil
	}
	return []gen.Problem{{Location: "body", Message: "must be UTF-8 (RFC 8259 section 8.1)"}}
}
