package validate

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/axa-assistance-go/axa/gen"
)

// encodingProblems is the problem of a JSON body that is not UTF-8, which
// JSON must be (RFC 8259 section 8.1), whatever charset its Content-Type
// names: encoding/json, kin-openapi's and the handlers', reads each invalid
// byte of a string as U+FFFD, so the handler would act on, and store, text
// the client never sent.
//
// A lone surrogate escape (\ud800 without its low half, or a low half
// alone) is no character either, and is read as U+FFFD the same way.
func encodingProblems(body []byte) []gen.Problem {
	switch {
	case !utf8.Valid(body):
		return []gen.Problem{{Location: "body", Message: "must be UTF-8 (RFC 8259 section 8.1)"}}
	case hasLoneSurrogate(body):
		return []gen.Problem{{Location: "body", Message: "must not escape half a surrogate pair (RFC 8259 section 8.2)"}}
	}
	return nil
}

// hasLoneSurrogate reports whether a JSON text escapes a UTF-16 surrogate
// that is not half of a pair: a high one (\ud800 to \udbff) not followed
// by a low one (\udc00 to \udfff), or a low one alone. A backslash
// outside a string is not JSON, which the validator reports otherwise.
func hasLoneSurrogate(body []byte) bool {
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' {
			continue
		}
		if i+1 < len(body) && body[i+1] != 'u' {
			i++ // \", \\, \n...: the escaped character is no escape
			continue
		}
		r, ok := escapedUnit(body, i)
		if !ok {
			continue // not JSON: reported otherwise
		}
		switch {
		case r >= 0xdc00 && r <= 0xdfff:
			return true
		case r >= 0xd800 && r <= 0xdbff:
			low, ok := escapedUnit(body, i+6)
			if !ok || low < 0xdc00 || low > 0xdfff {
				return true
			}
			i += 11 // the pair
		default:
			i += 5
		}
	}
	return false
}

// escapedUnit is the UTF-16 code unit of the \uXXXX escape at body[i:],
// false when there is none there.
func escapedUnit(body []byte, i int) (rune, bool) {
	if i+6 > len(body) || body[i] != '\\' || body[i+1] != 'u' {
		return 0, false
	}
	n, err := strconv.ParseUint(string(body[i+2:i+6]), 16, 16)
	return rune(n), err == nil
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
