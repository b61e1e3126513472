package sandbox

import (
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/apierr"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
	"github.com/axa-assistance-go/axa/pkg/sandbox/middleware"
)

// origin is what one handler chain serves: the API and the authorization
// server together (the default), or one of them alone, when
// WithAuthorizationServerAddr puts them on two origins.
type origin int

const (
	bothOrigins origin = iota // the API and the authorization server
	apiOrigin                 // the API alone
	authOrigin                // the authorization server alone
)

// serves reports whether the origin serves the operation id; "" (no
// operation) it serves as an unknown path.
func (o origin) serves(id gen.OperationID) bool {
	op, ok := gen.LookupOperation(id)
	switch {
	case !ok:
		return true
	case o == apiOrigin:
		return !op.AuthorizationServer
	case o == authOrigin:
		return op.AuthorizationServer
	}
	return true
}

// chain is the handler chain of an origin, outermost first: the access log
// (which resolves the operation, answers panics 500), the origin's
// operations only (ownOperations), the caller's middleware
// (WithMiddleware), the faults of its operations, the rate limit, then
// routing. Each chain has its own rate limits and fault counts, as two
// hosts would; an operation is served by one of them.
func (s *Sandbox) chain(o origin, routes http.Handler) http.Handler {
	cfg := s.cfg
	inner := middleware.Faults(faultsOf(o, cfg.faults), cfg.seed,
		middleware.RateLimit(middleware.RateLimitConfig{PerSecond: cfg.rate, Burst: cfg.burst, Now: cfg.now, Auth: s.auth}, routes))
	for _, mw := range slices.Backward(cfg.middleware) {
		inner = mw(inner)
	}
	return middleware.AccessLog(cfg.log, ownOperations(o, inner))
}

// ownOperations makes a request to an operation the origin does not serve
// a request to no operation, before any layer reads it: on the API's
// origin the token endpoint's path is an unknown path, answered the API's
// 404 (not the RFC 6749 error of the authorization server's operations),
// with the faults of unknown paths (FaultAll), and the same on the
// authorization server's origin for the API's paths.
func ownOperations(o origin, next http.Handler) http.Handler {
	if o == bothOrigins {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if st := reqctx.From(r.Context()); st != nil && !o.serves(st.Operation) {
			st.Operation, st.PathValues = "", nil
		}
		next.ServeHTTP(w, r)
	})
}

// faultsOf returns the faults of the operations o serves: the token
// endpoint's (FaultToken), named by its path whatever the method, are not
// the API origin's.
func faultsOf(o origin, faults map[string]Fault) map[string]Fault {
	return maps.Collect(func(yield func(string, Fault) bool) {
		for id, f := range faults {
			keep := o.serves(gen.OperationID(id))
			if id == FaultToken {
				keep = o != apiOrigin
			}
			if keep && !yield(id, f) {
				return
			}
		}
	})
}

// apiRoutes serves the API alone: a path of the authorization server's,
// with any method, is the API's 404, as any path of no operation, so that
// a client that sends its secret to the API's origin gets nothing back.
func apiRoutes(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(originMethods(authOrigin, r.URL.EscapedPath())) > 0 {
			notFound(w, r)
			return
		}
		api.ServeHTTP(w, r)
	})
}

// authRoutes serves the authorization server alone, its endpoints
// registered on mux: any other path is 404, a path of its own asked with
// another method 405 with Allow, both the API's Error answer; an unclean
// path is 404 too, never a redirect (cleanPathsOnly).
func authRoutes(mux *http.ServeMux) http.Handler {
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if methods := originMethods(authOrigin, r.URL.EscapedPath()); len(methods) > 0 {
			w.Header().Set("Allow", strings.Join(methods, ", "))
			apierr.Write(w, r, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed on "+r.URL.Path)
			return
		}
		notFound(w, r)
	})
	return cleanPathsOnly(mux, http.HandlerFunc(notFound))
}

// notFound is the API's 404 for a path of no operation.
func notFound(w http.ResponseWriter, r *http.Request) {
	apierr.Write(w, r, http.StatusNotFound, "not_found", "no operation at "+r.URL.Path)
}

// originMethods lists the methods of the operations at an escaped path
// that o serves.
func originMethods(o origin, path string) []string {
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if id, _, ok := gen.MatchOperation(m, path); ok && o.serves(id) {
			out = append(out, m)
		}
	}
	return out
}
