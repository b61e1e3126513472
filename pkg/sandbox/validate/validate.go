// Package validate checks every API request against the spec before a
// resource handler sees it: the route, from the operation the outermost
// handler resolved (reqctx), the bearer token and its scopes (against the
// operation's security requirements, each distinct token's signature
// checked once by the Verifier), the parameters and the body (kin-openapi),
// and the names of a JSON body (names.go). A request that fails is answered the
// spec's Error: 401 or 403 for the token, before anything else; 413 for a
// body too large; otherwise 400 with every problem of its parameters and
// body at once, each at its location (problems.go), error_description
// their one-line summary.
package validate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/gen/server"
	"github.com/axa-assistance-go/axa/internal/oprouter"
	"github.com/axa-assistance-go/axa/internal/specmedia"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/apierr"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
)

// Verifier checks a bearer token: the authorization server.
type Verifier interface {
	// Verify checks an access token and returns its claims; its errors
	// wrap oauth.ErrTokenInvalid and say why after "invalid token: ".
	Verify(raw string) (*reqctx.Claims, error)
}

// Config configures New.
type Config struct {
	// Verifier checks bearer tokens.
	Verifier Verifier
	// MaxBody bounds a request body, in bytes; a larger one is 413.
	MaxBody int64
}

// validator checks every API request against the spec before a handler
// sees it: the route, the bearer token and its scopes (checkSecurity), the
// parameters and the body (kin-openapi). The handler is handed
// the very value validated (bound with exact names), and a body whose names
// two JSON decoders could read differently is refused (checkNames). It
// answers the spec's Error schema with short messages: kin-openapi's own
// messages dump the schema and the value.
type validator struct {
	cfg    Config
	routes map[gen.OperationID]route
	names  *nameCache // the names of the spec's schemas, for checkNames
	// fast are the request bodies the fast path reads (body.go), by
	// operation.
	fast map[gen.OperationID]fastBodies
	next http.Handler
}

// route is an operation's kin-openapi route, the security requirements
// of the operation, and the names of its path parameters, in the path
// template's order.
type route struct {
	route *routers.Route
	// security are the operation's requirements (the spec's global ones
	// when it has none of its own), which the validator checks itself
	// before anything else.
	security openapi3.SecurityRequirements
	// checked is route with no security requirement, for kin-openapi's
	// check of the parameters and the body once the token was checked:
	// otherwise it reads the body into memory once more to check security
	// again, and sorts its scheme names, on every request.
	checked *routers.Route
	names   []string
	// fast checks the parameters without kin-openapi (params_fast.go),
	// for an operation without a body; nil when it does not cover them.
	fast *fastParams
}

// New returns the handler that validates each request and passes the
// valid ones on to next: the generated server's router (Handler), or
// anything else that serves the spec's operations. A request's operation
// is the one reqctx resolved (reqctx.Ensure resolves it when New's handler
// is served on its own).
//
// kin-openapi reads the bodies of media types it has a decoder for; New
// registers one for each binary media type of the spec that has none
// (specmedia.RegisterDocDecoders: in kin-openapi's registry, which is the
// process's, where it has none, the same whoever registers it), so that a
// request body of any media type the spec declares is validated.
func New(cfg Config, next http.Handler) (http.Handler, error) {
	doc, err := api.Load(context.Background())
	if err != nil {
		return nil, err
	}
	return newValidator(cfg, doc, gen.Operations(), next), nil
}

// newValidator is New for the operations ops of doc.
func newValidator(cfg Config, doc *openapi3.T, ops []gen.Operation, next http.Handler) *validator {
	specmedia.RegisterDocDecoders(doc)
	routes := routesOf(doc, ops)
	return &validator{cfg: cfg, routes: routes, names: &nameCache{}, fast: compileRoutes(doc, routes), next: next}
}

// Handler is the generated router in front of strict, the resources:
// it binds the validated request to the operation's handler, answering
// the spec's Error when it cannot. A request it has no route for (the
// generated matcher, which the validator resolves with, ignores a trailing
// slash; the router does not) is the API's 404, not net/http's text.
func Handler(strict server.ServerInterface) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		apierr.Write(w, r, http.StatusNotFound, "not_found", "no operation at "+r.URL.Path)
	})
	return server.HandlerWithOptions(strict, server.StdHTTPServerOptions{
		BaseRouter: mux,
		ErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) {
			if p, ok := bindProblem(r, err); ok {
				apierr.WriteProblems(w, r, http.StatusBadRequest, "invalid_request", []gen.Problem{p})
				return
			}
			apierr.Write(w, r, http.StatusBadRequest, "invalid_request", err.Error())
		},
	})
}

// routesOf returns the route of every operation of ops (gen's) that doc
// has: gen was generated from doc, and the drift test says when they
// disagree.
func routesOf(doc *openapi3.T, ops []gen.Operation) map[gen.OperationID]route {
	out := map[gen.OperationID]route{}
	for _, op := range ops {
		if op.AuthorizationServer {
			// Served by the authorization server, which answers its own
			// errors (RFC 6749), never the API's Error.
			continue
		}
		item := doc.Paths.Value(op.Path)
		if item == nil || item.GetOperation(op.Method) == nil {
			continue
		}
		var names []string
		for _, seg := range strings.Split(strings.Trim(op.Path, "/"), "/") {
			if name, ok := strings.CutPrefix(seg, "{"); ok {
				names = append(names, strings.TrimSuffix(name, "}"))
			}
		}
		operation := item.GetOperation(op.Method)
		security := doc.Security
		if operation.Security != nil {
			security = *operation.Security
		}
		unsecured := *operation
		unsecured.Security = &openapi3.SecurityRequirements{}
		out[op.ID] = route{
			route:    &routers.Route{Spec: doc, Path: op.Path, PathItem: item, Method: op.Method, Operation: operation},
			security: security,
			checked:  &routers.Route{Spec: doc, Path: op.Path, PathItem: item, Method: op.Method, Operation: &unsecured},
			names:    names,
			fast:     newFastParams(item, operation),
		}
	}
	return out
}

// params names the escaped values of the path parameters, unescaped; false
// when one does not unescape.
func (rt route) params(values []string) (map[string]string, bool) {
	params := make(map[string]string, len(rt.names))
	for i, name := range rt.names {
		if i >= len(values) {
			return nil, false
		}
		v, err := url.PathUnescape(values[i])
		if err != nil {
			return nil, false
		}
		params[name] = v
	}
	return params, true
}

// authError is authenticate's verdict.
type authError struct {
	status int
	code   string
	desc   string
}

func (e *authError) Error() string { return e.desc }

// ServeHTTP implements http.Handler.
func (v *validator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r, st := reqctx.Ensure(r)
	if r.Body == nil {
		r.Body = http.NoBody // a request built for a client, served in process
	}
	if r.Body != http.NoBody {
		r.Body = http.MaxBytesReader(w, r.Body, v.cfg.MaxBody)
	}
	rt, found := v.routes[st.Operation]
	var params map[string]string
	if found {
		params, found = rt.params(st.PathValues)
	}
	if !found {
		if methods := oprouter.Methods(r.URL.EscapedPath()); len(methods) > 0 && st.Operation == "" {
			w.Header().Set("Allow", strings.Join(methods, ", "))
			apierr.Write(w, r, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed on "+r.URL.Path)
			return
		}
		apierr.Write(w, r, http.StatusNotFound, "not_found", "no operation at "+r.URL.Path)
		return
	}
	op := rt.route.Operation
	// Keep a JSON body as kin-openapi reads it (no more than MaxBody), for
	// the check of its names once it is valid; the bytes of another media
	// type are not checked, nor kept twice.
	var raw bytes.Buffer
	// A body of the fast path (body.go) is read by it, which keeps it.
	fast := v.fastNode(st.Operation, op, r.Header.Get("Content-Type"))
	if fast == nil && op.RequestBody != nil && specmedia.IsJSON(r.Header.Get("Content-Type")) {
		r.Body = teeBody{Reader: io.TeeReader(r.Body, &raw), Closer: r.Body}
	}
	// The token and its scopes first, alone: a request that may not be
	// made is 401 or 403 whatever else is wrong with it, and its body is
	// not read. Two Authorization lines are two credentials: refused
	// (RFC 6750 section 3.1, invalid_request).
	if !singleAuthorization(r.Header) {
		apierr.Write(w, r, http.StatusBadRequest, "invalid_request", "send one Authorization header, not several")
		return
	}
	if err := v.checkSecurity(r, rt.security); err != nil {
		v.reject(w, r, err)
		return
	}
	// A body in a content coding is not read: the sandbox decodes none.
	if op.RequestBody != nil {
		if p := contentCodingProblems(r.Header); len(p) > 0 {
			apierr.WriteProblems(w, r, http.StatusBadRequest, "invalid_request", p)
			return
		}
	}
	// A JSON body the fast path reads is checked whole there (body.go);
	// one it is not sure of goes on to kin-openapi and checkNames.
	fastChecked, err := fastBody(r, st, fast, &raw)
	if err != nil {
		v.reject(w, r, err)
		return
	}
	// Then every parameter and the body, each problem collected; the
	// token was checked above. A list field on several lines is one.
	joinListLines(r.Header)
	// No body, or one the fast path accepted, and every parameter plainly
	// valid (params_fast.go): kin-openapi would pass the request.
	if (op.RequestBody == nil || fastChecked) && rt.fast != nil && rt.fast.valid(r, params) {
		v.next.ServeHTTP(w, r)
		return
	}
	routeCopy := *rt.checked
	in := &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: params,
		Route:      &routeCopy,
		Options: &openapi3filter.Options{
			AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
			MultiError:          true,
			SkipSettingDefaults: true, // the handlers apply defaults; the request stays as sent
			// The generated handler binds this value, the one validated,
			// with exact names, instead of decoding the body again.
			KeepValidatedValue: true,
			ExcludeRequestBody: fastChecked,
		},
	}
	err = openapi3filter.ValidateRequest(r.Context(), in)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		apierr.Write(w, r, http.StatusRequestEntityTooLarge, "request_too_large", fmt.Sprintf("the request body is larger than %d bytes", mbe.Limit))
		return
	}
	problems, ok := problemsOf(err)
	if !ok {
		v.reject(w, r, err)
		return
	}
	// The names and the encoding of a JSON body (a +json one too, kept
	// above); the bytes of any other media type (multipart, a file) are
	// not text to check.
	if raw.Len() > 0 {
		problems = append(problems, checkNames(raw.Bytes(), bodySchema(op, r.Header.Get("Content-Type")), v.names)...)
		// After checkNames: its "not valid JSON" comes next to
		// kin-openapi's, so that sortProblems drops the repeat.
		problems = append(problems, encodingProblems(raw.Bytes())...)
	}
	if len(problems) > 0 {
		apierr.WriteProblems(w, r, http.StatusBadRequest, "invalid_request", sortProblems(problems))
		return
	}
	if raw.Len() > 0 {
		st.Body = raw.Bytes()
	}
	v.next.ServeHTTP(w, r)
}

// checkSecurity checks the request against an operation's security
// requirements as kin-openapi's ValidateSecurityRequirements would with
// authenticate as its AuthenticationFunc: no requirement, or one
// requirement all of whose schemes pass, lets it through; otherwise the
// error is the first requirement's first failure. Every scheme of the
// spec is the API's OAuth2 bearer token, so each is authenticate's check
// of the token and the scheme's scopes. It never reads the body.
func (v *validator) checkSecurity(r *http.Request, security openapi3.SecurityRequirements) error {
	var first error
	for _, req := range security {
		var failed error
		if len(req) == 1 {
			// The spec's requirements have one scheme: nothing to sort.
			for _, scopes := range req {
				failed = v.authenticate(r, scopes)
			}
		} else {
			// The schemes in kin-openapi's order (sorted), so that the
			// same failure is reported.
			for _, name := range slices.Sorted(maps.Keys(req)) {
				if err := v.authenticate(r, req[name]); err != nil {
					failed = err
					break
				}
			}
		}
		if failed == nil {
			return nil
		}
		if first == nil {
			first = failed
		}
	}
	return first
}

// authenticate verifies the request's bearer token, unless an earlier layer
// of this request did (reqctx.State), and that it carries scopes.
func (v *validator) authenticate(r *http.Request, scopes []string) error {
	raw := reqctx.BearerToken(r)
	if raw == "" {
		// RFC 6750 section 3.1: no error code when no token was sent.
		return &authError{status: http.StatusUnauthorized, desc: "this operation needs a bearer token"}
	}
	st := reqctx.From(r.Context())
	c := st.Verified(raw)
	if c == nil {
		var err error
		if c, err = v.cfg.Verifier.Verify(raw); err != nil {
			return &authError{status: http.StatusUnauthorized, code: "invalid_token", desc: strings.TrimPrefix(err.Error(), "invalid token: ")}
		}
		st.SetToken(raw, c)
	}
	for _, s := range scopes {
		if !c.HasScope(s) {
			return &authError{status: http.StatusForbidden, code: "insufficient_scope", desc: "this operation needs the scope " + s}
		}
	}
	return nil
}

// reject answers a request the spec refuses that is not a list of
// problems: a token or scope refused, a body too large, or an error
// kin-openapi gives about neither a parameter nor the body.
func (v *validator) reject(w http.ResponseWriter, r *http.Request, err error) {
	var ae *authError
	if errors.As(err, &ae) {
		apierr.Write(w, r, ae.status, ae.code, ae.desc)
		return
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		apierr.Write(w, r, http.StatusRequestEntityTooLarge, "request_too_large", fmt.Sprintf("the request body is larger than %d bytes", mbe.Limit))
		return
	}
	apierr.Write(w, r, http.StatusBadRequest, "invalid_request", "the request does not match the API's contract")
}
