// Package reqctx is the state of one request to the sandbox, under one
// context key: the operation of the spec the request was resolved to, once,
// by the outermost handler (gen.MatchOperation); its X-Request-Id; and its
// bearer token once verified, with the token's claims. Every layer below
// (faults, rate limit, access log, validation, the resources) reads it from
// there instead of matching or verifying again.
package reqctx

import (
	"context"
	"net/http"
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"github.com/axa-assistance-go/axa/gen"
)

// Claims are the claims of a sandbox access token: the registered ones
// (iss, aud, sub, exp, iat, jti), the granted scope, the client, and for
// user grants the user's login under customData, as AXA's samples read it.
type Claims struct {
	jwt.RegisteredClaims
	// Scope is the granted scopes, separated by spaces.
	Scope string `json:"scope"`
	// ClientID is the client the token was issued to.
	ClientID string `json:"client_id"`
	// CustomData carries the user of a user grant; nil for a client's own
	// token.
	CustomData *CustomData `json:"customData,omitempty"`
}

// CustomData is the customData claim: the user a token acts for.
type CustomData struct {
	// Login is the user's login.
	Login string `json:"login"`
}

// Scopes returns the granted scopes.
func (c *Claims) Scopes() []string { return strings.Fields(c.Scope) }

// HasScope reports whether scope is one of the granted scopes, without
// splitting them into a slice.
func (c *Claims) HasScope(scope string) bool {
	for s := range strings.FieldsSeq(c.Scope) {
		if s == scope {
			return true
		}
	}
	return false
}

// Login returns the user's login, empty for client-only grants.
func (c *Claims) Login() string {
	if c.CustomData == nil {
		return ""
	}
	return c.CustomData.Login
}

// State is what the sandbox knows of one request. The outermost handler
// makes it (Begin); later layers fill in the token. One goroutine serves a
// request, so State needs no lock.
type State struct {
	// ID is the request's X-Request-Id.
	ID string
	// Operation is the operation of the spec the request's method and
	// path match, "" when they match none.
	Operation gen.OperationID
	// PathValues are the values of the operation's path parameters, in the
	// path template's order, still escaped.
	PathValues []string
	// Token is the bearer token verified, "" until one is.
	Token string
	// Claims are the claims of Token, nil until it is verified.
	Claims *Claims
	// Prefer are the values of the request's Prefer header (RFC 7240):
	// the example answers honour its code preference (Prefer: code=202)
	// by answering that documented success.
	Prefer []string
	// TLS reports whether the request came over TLS (https).
	TLS bool
	// Body is the JSON request body as the validator read and accepted
	// it, the bytes the handler's value was decoded from; nil for a
	// request without one, or not validated. Readers must not change it.
	Body []byte
}

// key is the one context key of the package.
type key struct{}

// Begin resolves the request's operation and gives the request a State
// with id, in its context. It is called once, by the outermost handler.
func Begin(r *http.Request, id string) (*http.Request, *State) {
	st := &State{ID: id, Prefer: r.Header.Values("Prefer"), TLS: r.TLS != nil}
	st.Operation, st.PathValues, _ = gen.MatchOperation(r.Method, r.URL.EscapedPath())
	return r.WithContext(context.WithValue(r.Context(), key{}, st)), st
}

// From returns the request's State, nil when no Begin made one.
func From(ctx context.Context) *State {
	st, _ := ctx.Value(key{}).(*State)
	return st
}

// Ensure returns the request's State, making it with Begin (and no request
// id) when a layer is served on its own, without the outermost handler.
func Ensure(r *http.Request) (*http.Request, *State) {
	if st := From(r.Context()); st != nil {
		return r, st
	}
	return Begin(r, "")
}

// RequestID returns the request's X-Request-Id, "" when it has none.
func RequestID(ctx context.Context) string {
	if st := From(ctx); st != nil {
		return st.ID
	}
	return ""
}

// Operation returns the request's operation, "" when it is none of the
// spec's.
func Operation(ctx context.Context) gen.OperationID {
	if st := From(ctx); st != nil {
		return st.Operation
	}
	return ""
}

// Prefer returns the values of the request's Prefer header, nil when it
// has none or no Begin made a State.
func Prefer(ctx context.Context) []string {
	if st := From(ctx); st != nil {
		return st.Prefer
	}
	return nil
}

// TLS reports whether the request came over TLS, false when no Begin
// made a State.
func TLS(ctx context.Context) bool {
	if st := From(ctx); st != nil {
		return st.TLS
	}
	return false
}

// Body returns the request's JSON body as the validator accepted it, nil
// when it has none or none was validated (State.Body).
func Body(ctx context.Context) []byte {
	if st := From(ctx); st != nil {
		return st.Body
	}
	return nil
}

// ClaimsOf returns the claims of the request's verified token, nil when
// none was verified.
func ClaimsOf(ctx context.Context) *Claims {
	if st := From(ctx); st != nil {
		return st.Claims
	}
	return nil
}

// Verified returns the claims of raw if this request verified it already,
// nil otherwise.
func (s *State) Verified(raw string) *Claims {
	if s == nil || s.Claims == nil || s.Token != raw {
		return nil
	}
	return s.Claims
}

// SetToken records that raw was verified, with its claims.
func (s *State) SetToken(raw string, c *Claims) {
	if s != nil {
		s.Token, s.Claims = raw, c
	}
}

// WithClaims returns a context whose request verified a token with c: for
// a resource handler called directly, without the handler chain.
func WithClaims(ctx context.Context, c *Claims) context.Context {
	return context.WithValue(ctx, key{}, &State{Claims: c})
}

// BearerToken returns the token of a request's "Authorization: Bearer"
// header (the scheme in any case), "" when it has none.
func BearerToken(r *http.Request) string {
	scheme, raw, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return ""
	}
	return strings.TrimSpace(raw)
}
