// Package validate checks every API request against the spec before a
// resource handler sees it: the route, from the operation the outermost
// handler resolved (reqctx), the bearer token and its scopes (through
// kin-openapi's AuthenticationFunc), the parameters and the body, and the
// names of a JSON body (names.go). A request that fails is answered the
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
// sees it: the route, the bearer token and its scopes (through kin-openapi's
// AuthenticationFunc), the parameters and the body. The handler is handed
// the very value validated (bound with exact names), and a body whose names
// two JSON decoders could read differently is refused (checkNames). It
// answers the spec's Error schema with short messages: kin-openapi's own
// messages dump the schema and the value.
type validator struct {
	cfg    Config
	routes map[gen.OperationID]route
	names  *nameCache // the names of the spec's schemas, for checkNames
	next   http.Handler
}

// route is an operation's kin-openapi route and the names of its path
// parameters, in the path template's order.
type route struct {
	route *routers.Route
	names []string
}

// New returns the handler that validates each request and passes the
// valid ones on to next: the generated server's router (Handler), or
// anything else that serves the spec's operations. A request's operation
// is the one reqctx resolved (reqctx.Ensure resolves it when New's handler
// is served on its own).
func New(cfg Config, next http.Handler) (http.Handler, error) {
	doc, err := api.Load(context.Background())
	if err != nil {
		return nil, err
	}
	return &validator{cfg: cfg, routes: routesOf(doc), names: &nameCache{}, next: next}, nil
}

// Handler is the generated router in front of strict, the resources:
// it binds the validated request to the operation's handler, answering
// the spec's Error when it cannot.
func Handler(strict server.ServerInterface) http.Handler {
	return server.HandlerWithOptions(strict, server.StdHTTPServerOptions{
		ErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) {
			if p, ok := bindProblem(r, err); ok {
				apierr.WriteProblems(w, r, http.StatusBadRequest, "invalid_request", []gen.Problem{p})
				return
			}
			apierr.Write(w, r, http.StatusBadRequest, "invalid_request", err.Error())
		},
	})
}

// routesOf returns the route of every operation of gen that doc has: gen
// was generated from doc, and the drift test says when they disagree.
func routesOf(doc *openapi3.T) map[gen.OperationID]route {
	out := map[gen.OperationID]route{}
	for _, op := range gen.Operations() {
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
		out[op.ID] = route{
			route: &routers.Route{Spec: doc, Path: op.Path, PathItem: item, Method: op.Method, Operation: item.GetOperation(op.Method)},
			names: names,
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

// authError is the AuthenticationFunc's verdict; errors.As finds it through
// kin-openapi's SecurityRequirementsError.
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
	r.Body = http.MaxBytesReader(w, r.Body, v.cfg.MaxBody)
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
	// Keep the body as kin-openapi reads it (no more than MaxBody), for the
	// check of its names once it is valid.
	var raw bytes.Buffer
	if op.RequestBody != nil {
		r.Body = teeBody{Reader: io.TeeReader(r.Body, &raw), Closer: r.Body}
	}
	routeCopy := *rt.route
	in := &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: params,
		Route:      &routeCopy,
		Options: &openapi3filter.Options{
			AuthenticationFunc:  v.authenticate,
			SkipSettingDefaults: true, // the handlers apply defaults; the request stays as sent
			// The generated handler binds this value, the one validated,
			// with exact names, instead of decoding the body again.
			KeepValidatedValue: true,
		},
	}
	// The token and its scopes first, alone: a request that may not be
	// made is 401 or 403 whatever else is wrong with it, and its body is
	// not read.
	security := op.Security
	if security == nil {
		security = &rt.route.Spec.Security
	}
	if err := openapi3filter.ValidateSecurityRequirements(r.Context(), in, *security); err != nil {
		v.reject(w, r, err)
		return
	}
	// Then every parameter and the body, each problem collected; the
	// token was checked above.
	in.Options.AuthenticationFunc = openapi3filter.NoopAuthenticationFunc
	in.Options.MultiError = true
	err := openapi3filter.ValidateRequest(r.Context(), in)
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
	if raw.Len() > 0 && isJSON(r.Header.Get("Content-Type")) {
		problems = append(problems, checkNames(raw.Bytes(), bodySchema(op, r.Header.Get("Content-Type")), v.names)...)
	}
	if len(problems) > 0 {
		apierr.WriteProblems(w, r, http.StatusBadRequest, "invalid_request", sortProblems(problems))
		return
	}
	v.next.ServeHTTP(w, r)
}

// authenticate is kin-openapi's AuthenticationFunc: it verifies the bearer
// token, unless an earlier layer of this request did (reqctx.State), and
// that it carries the scopes the operation requires.
func (v *validator) authenticate(ctx context.Context, in *openapi3filter.AuthenticationInput) error {
	raw := reqctx.BearerToken(in.RequestValidationInput.Request)
	if raw == "" {
		// RFC 6750 section 3.1: no error code when no token was sent.
		return &authError{status: http.StatusUnauthorized, desc: "this operation needs a bearer token"}
	}
	st := reqctx.From(ctx)
	c := st.Verified(raw)
	if c == nil {
		var err error
		if c, err = v.cfg.Verifier.Verify(raw); err != nil {
			return &authError{status: http.StatusUnauthorized, code: "invalid_token", desc: strings.TrimPrefix(err.Error(), "invalid token: ")}
		}
		st.SetToken(raw, c)
	}
	granted := c.Scopes()
	for _, s := range in.Scopes {
		if !slices.Contains(granted, s) {
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
