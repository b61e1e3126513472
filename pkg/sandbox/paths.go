package sandbox

import (
	"net/http"
	"path"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
)

// cleanPathsOnly serves mux, except a path with an empty or a dot segment
// ("//version", "/travel/v1/countries/./fr"), which goes to api: no
// operation has such a path, so it answers the API's 404 (or 400 for a
// parameter such as "."), where mux, a ServeMux, would redirect it to its
// clean form and so hide a client's bug that the API would not forgive.
func cleanPathsOnly(mux *http.ServeMux, api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isCleanPath(r.URL.EscapedPath()) {
			api.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// isCleanPath reports whether ServeMux leaves p as it is: rooted, and
// without an empty, "." or ".." segment (a trailing slash is kept).
func isCleanPath(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	clean := path.Clean(p)
	if p[len(p)-1] == '/' && clean != "/" {
		clean += "/"
	}
	return clean == p
}

// apiFirst serves a request that the outermost handler resolved to an
// operation of the API with api at once, and any other with next: next's
// ServeMux would route the former to api too (its "/" pattern: the
// authorization server's patterns are the paths of its own operations), after
// matching the request against every pattern. The API's operations are
// listed once, here: gen.LookupOperation builds its answer on every call.
func apiFirst(api, next http.Handler) http.Handler {
	apiOps := map[gen.OperationID]bool{}
	for _, op := range gen.Operations() {
		apiOps[op.ID] = !op.AuthorizationServer
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if st := reqctx.From(r.Context()); st != nil && apiOps[st.Operation] {
			api.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}
