package validate

import (
	"net/http"
	"strings"
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

// contentCodingProblems is the problem of a request whose Content-Encoding
// names a coding other than identity: the sandbox decodes none, so such a
// body is refused as a whole, before it is read, whether or not it was
// really encoded (a client that names gzip and forgot to compress would
// pass here and fail against a server that decodes).
func contentCodingProblems(h http.Header) []gen.Problem {
	for _, v := range h.Values("Content-Encoding") {
		for c := range strings.SplitSeq(v, ",") {
			if c = strings.TrimSpace(c); c != "" && !strings.EqualFold(c, "identity") {
				return []gen.Problem{{Location: "header/Content-Encoding", Message: "must be identity: the API decodes no content coding"}}
			}
		}
	}
	return nil
}
