package validate

import (
	"net/http"
	"strings"
)

// listHeaders are the request header fields of the spec that RFC 9110
// defines as lists (#element): sent on several field lines, they mean the
// one line of their values joined by commas (section 5.3).
var listHeaders = [...]string{"Accept-Language", "If-None-Match"}

// joinListLines joins each list field sent on several lines into one line,
// so that kin-openapi validates, and the generated router binds, the whole
// field: kin-openapi reads the first line only, and the router refuses a
// second ("must be sent once").
func joinListLines(h http.Header) {
	for _, name := range listHeaders {
		if vs := h.Values(name); len(vs) > 1 {
			h[http.CanonicalHeaderKey(name)] = []string{strings.Join(vs, ", ")}
		}
	}
}

// singleAuthorization reports whether the request has at most one
// Authorization field line: the field is a singleton, and two (a default
// header and a per-call one, say) leave which credentials count to
// whoever reads them.
func singleAuthorization(h http.Header) bool { return len(h.Values("Authorization")) <= 1 }
