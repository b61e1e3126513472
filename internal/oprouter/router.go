// Package oprouter routes requests to the operations of the spec with the
// generated matcher of package gen, as a kin-openapi routers.Router: the
// sandbox's validation and axatest's checks route exactly as the SDK does,
// with one matcher written once, by the generator.
package oprouter

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/axa-assistance-go/axa/gen"
)

// Router finds the route of a request in a loaded spec, which must be the
// document gen was generated from.
type Router struct{ doc *openapi3.T }

// New returns a router over doc.
func New(doc *openapi3.T) *Router { return &Router{doc: doc} }

var _ routers.Router = (*Router)(nil)

// FindRoute implements routers.Router. It routes on the escaped path alone,
// whatever the host and the spec's servers; a path of the spec asked with
// another method is routers.ErrMethodNotAllowed, anything else unknown
// routers.ErrPathNotFound. Path parameters come back unescaped.
func (r *Router) FindRoute(req *http.Request) (*routers.Route, map[string]string, error) {
	path := req.URL.EscapedPath()
	id, values, ok := gen.MatchOperation(req.Method, path)
	if !ok {
		if len(Methods(path)) > 0 {
			return nil, nil, routers.ErrMethodNotAllowed
		}
		return nil, nil, routers.ErrPathNotFound
	}
	op, _ := gen.LookupOperation(id)
	item := r.doc.Paths.Value(op.Path)
	if item == nil || item.GetOperation(op.Method) == nil {
		return nil, nil, routers.ErrPathNotFound // gen and doc disagree: the drift test says so
	}
	params := map[string]string{}
	i := 0
	for _, seg := range strings.Split(strings.Trim(op.Path, "/"), "/") {
		name, isParam := strings.CutPrefix(seg, "{")
		if !isParam {
			continue
		}
		v, err := url.PathUnescape(values[i])
		if err != nil {
			return nil, nil, routers.ErrPathNotFound
		}
		params[strings.TrimSuffix(name, "}")] = v
		i++
	}
	return &routers.Route{Spec: r.doc, Path: op.Path, PathItem: item, Method: op.Method, Operation: item.GetOperation(op.Method)}, params, nil
}

// Methods lists the methods the spec has for an escaped path, for the
// Allow header of a 405.
func Methods(path string) []string {
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if _, _, ok := gen.MatchOperation(m, path); ok {
			out = append(out, m)
		}
	}
	return out
}
