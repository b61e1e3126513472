package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/gen/server"
)

// validator checks every API request against the spec before a handler
// sees it: the route, the bearer token and its scopes (through kin-openapi's
// AuthenticationFunc), the parameters and the body. It answers the spec's
// Error schema with a short message: kin-openapi's own messages dump the
// schema and the value.
type validator struct {
	cfg    *config
	auth   *authServer
	router routers.Router
	next   http.Handler
}

func newValidator(cfg *config, auth *authServer, strict server.ServerInterface) (http.Handler, error) {
	doc, err := api.Load(context.Background())
	if err != nil {
		return nil, err
	}
	// Route on paths whatever the servers say: kin-openapi's router would
	// refuse a request to 127.0.0.1 since no server entry names it.
	doc.Servers = openapi3.Servers{{URL: "/"}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("sandbox: router: %w", err)
	}
	next := server.HandlerWithOptions(strict, server.StdHTTPServerOptions{
		ErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) {
			writeError(w, r, http.StatusBadRequest, "invalid_request", err.Error())
		},
	})
	return &validator{cfg: cfg, auth: auth, router: router, next: next}, nil
}

// authError is the AuthenticationFunc's verdict; errors.As finds it through
// kin-openapi's SecurityRequirementsError.
type authError struct {
	status int
	code   string
	desc   string
}

func (e *authError) Error() string { return e.desc }

// claimsHolder carries the verified token out of the AuthenticationFunc,
// whose context cannot reach the handler's.
type claimsHolder struct{ claims *claims }

type holderKey struct{}

// ServeHTTP implements http.Handler.
func (v *validator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Body == nil {
		r.Body = http.NoBody // a request built for a client, served in process
	}
	r.Body = http.MaxBytesReader(w, r.Body, v.cfg.maxBody)
	route, params, err := v.router.FindRoute(r)
	var re *routers.RouteError
	switch {
	case errors.As(err, &re) && re.Reason == routers.ErrMethodNotAllowed.Error():
		w.Header().Set("Allow", v.allowed(r.URL.Path))
		writeError(w, r, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed on "+r.URL.Path)
		return
	case err != nil:
		writeError(w, r, http.StatusNotFound, "not_found", "no operation at "+r.URL.Path)
		return
	}
	ctx := r.Context()
	if scope := operationScope(route.Operation); scope != "" {
		ctx = context.WithValue(ctx, scopeKey, scope)
	}
	holder := &claimsHolder{}
	in := &openapi3filter.RequestValidationInput{
		Request:    r.WithContext(ctx),
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			AuthenticationFunc:  v.authenticate,
			SkipSettingDefaults: true, // the handlers apply defaults; the request stays as sent
		},
	}
	if err := openapi3filter.ValidateRequest(context.WithValue(ctx, holderKey{}, holder), in); err != nil {
		v.reject(w, in.Request, err)
		return
	}
	if holder.claims != nil {
		ctx = withClaims(ctx, holder.claims)
	}
	v.next.ServeHTTP(w, in.Request.WithContext(ctx))
}

// authenticate is kin-openapi's AuthenticationFunc: it verifies the bearer
// token and that it carries the scopes the operation requires.
func (v *validator) authenticate(ctx context.Context, in *openapi3filter.AuthenticationInput) error {
	h := in.RequestValidationInput.Request.Header.Get("Authorization")
	scheme, raw, _ := strings.Cut(h, " ")
	if h == "" || !strings.EqualFold(scheme, "bearer") || strings.TrimSpace(raw) == "" {
		// RFC 6750 section 3.1: no error code when no token was sent.
		return &authError{status: http.StatusUnauthorized, desc: "this operation needs a bearer token"}
	}
	c := rememberedClaims(ctx, strings.TrimSpace(raw))
	var err error
	if c == nil {
		c, err = v.auth.verifyAccessToken(strings.TrimSpace(raw))
	}
	if err != nil {
		return &authError{status: http.StatusUnauthorized, code: "invalid_token", desc: strings.TrimPrefix(err.Error(), errTokenInvalid.Error()+": ")}
	}
	granted := c.scopes()
	for _, s := range in.Scopes {
		if !slices.Contains(granted, s) {
			return &authError{status: http.StatusForbidden, code: "insufficient_scope", desc: "this operation needs the scope " + s}
		}
	}
	if h, ok := ctx.Value(holderKey{}).(*claimsHolder); ok {
		h.claims = c
	}
	return nil
}

// reject answers a request the spec refuses, with a short message.
func (v *validator) reject(w http.ResponseWriter, r *http.Request, err error) {
	var ae *authError
	if errors.As(err, &ae) {
		writeError(w, r, ae.status, ae.code, ae.desc)
		return
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		writeError(w, r, http.StatusRequestEntityTooLarge, "request_too_large", fmt.Sprintf("the request body is larger than %d bytes", mbe.Limit))
		return
	}
	writeError(w, r, http.StatusBadRequest, "invalid_request", shortValidationMessage(err))
}

// shortValidationMessage turns a kin-openapi error into one line: where
// (parameter or body field) and why, without the schema or the value.
func shortValidationMessage(err error) string {
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) {
		return "the request does not match the API's contract"
	}
	var where string
	switch {
	case re.Parameter != nil:
		where = fmt.Sprintf("%s parameter %s", re.Parameter.In, re.Parameter.Name)
	case re.RequestBody != nil:
		where = "request body"
	default:
		where = "request"
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		if ptr := se.JSONPointer(); len(ptr) > 0 {
			where += " field " + strings.Join(ptr, ".")
		}
		reason := se.Reason
		switch {
		case se.SchemaField == "format" && se.Schema != nil:
			reason = "must be a valid " + se.Schema.Format
		case se.SchemaField == "pattern":
			reason = "is not in the expected format"
		}
		return where + ": " + reason
	}
	reason := re.Reason
	if reason == "" && re.Err != nil {
		reason = re.Err.Error()
		if i := strings.IndexByte(reason, '\n'); i >= 0 {
			reason = reason[:i]
		}
	}
	return where + ": " + reason
}

// operationScope returns the one scope an operation requires, empty when it
// needs no token.
func operationScope(op *openapi3.Operation) string {
	if op.Security == nil || len(*op.Security) == 0 {
		return ""
	}
	for _, scopes := range (*op.Security)[0] {
		if len(scopes) > 0 {
			return scopes[0]
		}
	}
	return ""
}

// allowed lists the methods the spec has for path, for a 405's Allow.
func (v *validator) allowed(path string) string {
	var methods []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := &http.Request{Method: m, URL: &url.URL{Path: path}}
		if _, _, err := v.router.FindRoute(probe); err == nil {
			methods = append(methods, m)
		}
	}
	return strings.Join(methods, ", ")
}
