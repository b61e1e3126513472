// Package contract checks the house rules of api/openapi.yaml: what the
// OpenAPI standard allows but this project does not. kin-openapi's Validate
// checks the standard; Check checks the rules below, and returns every
// violation so that one run shows them all.
package contract

import (
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/axa-assistance-go/axa/internal/specenv"
)

// SeedScopes returns the five scopes the API Quickstart lists, verbatim. The
// spec must declare these, in every OAuth2 flow, and use each of them; it may
// declare more (a new scope is an edit of the spec alone), named like them
// (ScopePattern) and declared in every flow too.
func SeedScopes() []string {
	return []string{
		"urn:axa.assistance.travel.countries.read_only",
		"urn:axa.assistance.travel.countries.alerts.read_only",
		"urn:axa.assistance.travel.policies.creation_request",
		"urn:axa.assistance.travel.policies.quote_request",
		"urn:axa.assistance.health.providers.read_only",
	}
}

// The names the rules refer to.
const (
	SchemeName      = "oauth2"
	ErrorSchemaRef  = "#/components/schemas/Error"
	VersionPath     = "/version"
	IdempotencyKey  = "Idempotency-Key"
	AcceptLanguage  = "Accept-Language"
	WWWAuthenticate = "WWW-Authenticate"
	RetryAfter      = "Retry-After"
	// OAuthTag marks the operations of the authorization server (token,
	// authorization, revocation, metadata, key set): described so that a
	// validating proxy and a conformance run know them, but not API
	// operations. The API-only rules (a bearer scope, the API's Error, an
	// Idempotency-Key) leave them out; rules of their own apply instead.
	OAuthTag = "oauth"
	// OAuthErrorSchemaRef is the RFC 6749 section 5.2 error of the
	// authorization server's JSON errors.
	OAuthErrorSchemaRef = "#/components/schemas/OAuthError"
	// FormMediaType is the media type of the authorization server's
	// request bodies (RFC 6749 section 3.2).
	FormMediaType = "application/x-www-form-urlencoded"
	// PaginationExtension declares a cursor-paged list on an operation:
	// {cursor: the query parameter that takes the cursor, items: the
	// property of the 200 answer holding the page's items, next: the one
	// holding the next page's cursor}. The SDK's generator makes an
	// iterator from it.
	PaginationExtension = "x-pagination"
	// DestructiveExtension marks, with true, a write that destroys or
	// undoes something where its method does not say so (a cancellation
	// is a POST; a DELETE is destructive without it): axa mcp annotates
	// its tool as destructive, for an agent's client to ask before it
	// calls.
	DestructiveExtension = "x-destructive"
)

// localizedTags are the tags of the information and health operations, which
// must take Accept-Language.
func localizedTags() []string { return []string{"countries", "alerts", "health"} }

var operationIDPattern = regexp.MustCompile(`^[a-z][a-zA-Z0-9]*$`)

// ScopePattern is the form of the API's scopes, the seed scopes' own:
// urn:axa.assistance. then dot-separated lower-case words.
var ScopePattern = regexp.MustCompile(`^urn:axa\.assistance\.[a-z][a-z_]*(\.[a-z][a-z_]*)+$`)

// DeclaredScopes returns the scopes the OAuth2 scheme's flows declare (the
// union of them), sorted: the API's scopes.
func DeclaredScopes(doc *openapi3.T) []string {
	if doc.Components == nil {
		return nil
	}
	ref := doc.Components.SecuritySchemes[SchemeName]
	if ref == nil || ref.Value == nil || ref.Value.Flows == nil {
		return nil
	}
	set := map[string]bool{}
	f := ref.Value.Flows
	for _, flow := range []*openapi3.OAuthFlow{f.ClientCredentials, f.Password, f.AuthorizationCode, f.Implicit} {
		if flow != nil {
			for s := range flow.Scopes {
				set[s] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// Violation is one broken house rule.
type Violation struct {
	// Rule names the rule, e.g. "scopes-known".
	Rule string
	// Where locates the violation, e.g. "GET /travel/v1/countries".
	Where string
	// Message says what is wrong.
	Message string
}

// String formats the violation as "[rule] where: message".
func (v Violation) String() string {
	return fmt.Sprintf("[%s] %s: %s", v.Rule, v.Where, v.Message)
}

type checker struct {
	doc        *openapi3.T
	seedScopes []string
	// scopes are those the scheme declares (DeclaredScopes).
	scopes     []string
	violations []Violation
}

func (c *checker) add(rule, where, format string, args ...any) {
	c.violations = append(c.violations, Violation{Rule: rule, Where: where, Message: fmt.Sprintf(format, args...)})
}

// Check returns every house-rule violation of doc, sorted; none means the
// document follows the rules. doc should already pass openapi3's Validate.
func Check(doc *openapi3.T) []Violation {
	c := &checker{doc: doc, seedScopes: SeedScopes(), scopes: DeclaredScopes(doc)}
	c.checkSecurityScheme()
	c.checkOperations()
	c.checkEnvironments()
	c.checkOAuthEndpoints()
	c.checkSchemaExamples()
	c.checkPropertyDescriptions()
	c.checkErrorSchema()
	c.checkDesignNotes()
	sort.SliceStable(c.violations, func(i, j int) bool {
		a, b := c.violations[i], c.violations[j]
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Where < b.Where
	})
	return c.violations
}

func (c *checker) checkSecurityScheme() {
	const where = "components.securitySchemes"
	if c.doc.Components == nil {
		c.add("one-scheme", where, "want exactly one security scheme, %q", SchemeName)
		return
	}
	// Besides the one OAuth2 scheme of the API, only HTTP Basic schemes:
	// the client authentication of the authorization server's endpoints.
	for _, name := range slices.Sorted(maps.Keys(c.doc.Components.SecuritySchemes)) {
		if name == SchemeName {
			continue
		}
		if !c.isClientAuthScheme(name) {
			c.add("one-scheme", where+"."+name, "want exactly one API security scheme, %q; other schemes may only be HTTP Basic client authentication for the %q operations", SchemeName, OAuthTag)
		}
	}
	ref := c.doc.Components.SecuritySchemes[SchemeName]
	if ref == nil || ref.Value == nil {
		c.add("one-scheme", where, "no security scheme named %q", SchemeName)
		return
	}
	s := ref.Value
	if s.Type != "oauth2" || s.Flows == nil {
		c.add("one-scheme", where+"."+SchemeName, "type %q: want oauth2 with flows", s.Type)
		return
	}
	flows := map[string]*openapi3.OAuthFlow{
		"clientCredentials": s.Flows.ClientCredentials,
		"password":          s.Flows.Password,
		"authorizationCode": s.Flows.AuthorizationCode,
	}
	if s.Flows.Implicit != nil {
		c.add("flows", where+"."+SchemeName, "the implicit flow is not offered by the API and is deprecated by RFC 9700")
	}
	// The flows name the default environment's authorization server (the
	// first server's x-authorization-server), absolute: each environment
	// names its own in the servers (checkEnvironments).
	var def specenv.Environment
	if envs, _ := specenv.Parse(c.doc); len(envs) > 0 {
		def = envs[0]
	}
	for _, name := range []string{"authorizationCode", "clientCredentials", "password"} {
		flow := flows[name]
		fw := where + "." + SchemeName + ".flows." + name
		if flow == nil {
			c.add("flows", fw, "missing: the API offers the %s grant", name)
			continue
		}
		if flow.TokenURL != def.TokenEndpoint {
			c.add("flows", fw, "tokenUrl %q is not the token_endpoint of the default environment (servers[0]): %q", flow.TokenURL, def.TokenEndpoint)
		}
		if flow.RefreshURL != "" && flow.RefreshURL != flow.TokenURL {
			c.add("flows", fw, "refreshUrl %q is not the tokenUrl %q", flow.RefreshURL, flow.TokenURL)
		}
		// RFC 6749 section 4.4.3: the client credentials grant issues no
		// refresh token; the user-bound grants do.
		if name == "clientCredentials" && flow.RefreshURL != "" {
			c.add("flows", fw, "has a refreshUrl: the client credentials grant issues no refresh token (RFC 6749 section 4.4.3)")
		}
		if name != "clientCredentials" && flow.RefreshURL == "" {
			c.add("flows", fw, "no refreshUrl")
		}
		if name == "authorizationCode" && flow.AuthorizationURL != def.AuthorizationEndpoint {
			c.add("flows", fw, "authorizationUrl %q is not the authorization_endpoint of the default environment (servers[0]): %q", flow.AuthorizationURL, def.AuthorizationEndpoint)
		}
		for scope, desc := range flow.Scopes {
			if !slices.Contains(c.seedScopes, scope) && !ScopePattern.MatchString(scope) {
				c.add("scopes-known", fw, "declares scope %q, which is not named like the API's scopes (%s)", scope, ScopePattern)
			}
			if strings.TrimSpace(desc) == "" {
				c.add("scopes-described", fw, "scope %q has no description", scope)
			}
		}
		// Every flow offers every scope: the seed scopes, and those the
		// other flows declare.
		for _, scope := range slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(c.seedScopes), c.scopes...)))) {
			if _, ok := flow.Scopes[scope]; !ok {
				c.add("scopes-declared", fw, "does not declare scope %q", scope)
			}
		}
	}
}

// operationRef is an operation with where it lives.
type operationRef struct {
	method, path string
	op           *openapi3.Operation
}

func (o operationRef) where() string { return o.method + " " + o.path }

func (c *checker) operations() []operationRef {
	var ops []operationRef
	if c.doc.Paths == nil {
		return nil
	}
	for _, path := range c.doc.Paths.InMatchingOrder() {
		for method, op := range c.doc.Paths.Value(path).Operations() {
			ops = append(ops, operationRef{method, path, op})
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].where() < ops[j].where() })
	return ops
}

// security returns the requirements in force for op: its own, or the
// document's when it declares none.
func (c *checker) security(op *openapi3.Operation) openapi3.SecurityRequirements {
	if op.Security != nil {
		return *op.Security
	}
	return c.doc.Security
}

// isOAuth reports whether op is an operation of the authorization server.
func isOAuth(op *openapi3.Operation) bool { return slices.Contains(op.Tags, OAuthTag) }

// isClientAuthScheme reports whether the named security scheme is HTTP
// Basic, the client authentication of the authorization server.
func (c *checker) isClientAuthScheme(name string) bool {
	ref := c.doc.Components.SecuritySchemes[name]
	return ref != nil && ref.Value != nil && ref.Value.Type == "http" && strings.EqualFold(ref.Value.Scheme, "basic")
}

// checkOAuthOperation checks the rules of an operation of the
// authorization server in place of the API-only ones: client
// authentication (HTTP Basic, or none) rather than a bearer scope, form
// bodies, and RFC 6749 errors rather than the API's Error.
func (c *checker) checkOAuthOperation(w string, op *openapi3.Operation) {
	for _, req := range c.security(op) {
		for scheme, scopes := range req {
			if c.doc.Components == nil || !c.isClientAuthScheme(scheme) || len(scopes) > 0 {
				c.add("oauth-client-auth", w, "requires %q %v: the authorization server's operations authenticate the client (HTTP Basic) or nothing, never a bearer token", scheme, scopes)
			}
		}
	}
	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		for mime := range rb.Value.Content {
			if mime != FormMediaType {
				c.add("oauth-form", w, "request body %s: the authorization server takes %s (RFC 6749 section 3.2)", mime, FormMediaType)
			}
		}
	}
	if op.Responses == nil {
		return
	}
	for code, ref := range op.Responses.Map() {
		status, err := strconv.Atoi(code)
		if err != nil || status < 400 || ref == nil || ref.Value == nil {
			continue
		}
		if mt := ref.Value.Content.Get("application/json"); mt != nil && (mt.Schema == nil || mt.Schema.Ref != OAuthErrorSchemaRef) {
			c.add("oauth-errors", w+" → "+code, "application/json content does not use %s (RFC 6749 section 5.2)", OAuthErrorSchemaRef)
		}
		if status == http.StatusUnauthorized && ref.Value.Headers[WWWAuthenticate] == nil {
			c.add("oauth-errors", w+" → "+code, "no %s header: a refused client authentication carries the Basic challenge (RFC 6749 section 5.2)", WWWAuthenticate)
		}
	}
}

// checkEnvironments asks every server to be an environment with its
// authorization server (internal/specenv says what that takes), the default
// one (the first) to name its token and authorization endpoints (the flows
// repeat them), and one environment to be the local sandbox's, on loopback.
func (c *checker) checkEnvironments() {
	envs, probs := specenv.Parse(c.doc)
	for _, p := range probs {
		c.add("environments", p.Where, "%s", p.Message)
	}
	if len(envs) > 0 && (envs[0].TokenEndpoint == "" || envs[0].AuthorizationEndpoint == "") {
		c.add("environments", envs[0].Where+"."+specenv.ServerExtension, "the default environment names no token_endpoint or no authorization_endpoint, which the OAuth2 flows must repeat")
	}
	var local []string
	for _, e := range envs {
		if e.Loopback() {
			local = append(local, e.Where)
		}
	}
	if len(local) != 1 {
		c.add("environments", "servers", "%d environments on loopback (%s): want one, the local sandbox's", len(local), strings.Join(local, ", "))
	}
}

// checkOAuthEndpoints asks the local sandbox's authorization server, which
// serves the operations tagged OAuthTag, to name them: its token and
// revocation endpoints a POST, its authorization endpoint a GET, each
// tagged OAuthTag, and its issuer the sandbox's URL (where the metadata
// is), so that the sandbox, a validating proxy and a conformance run know
// them.
func (c *checker) checkOAuthEndpoints() {
	envs, _ := specenv.Parse(c.doc)
	local, ok := specenv.Local(envs)
	if !ok {
		return // checkEnvironments says so
	}
	w := local.Where + "." + specenv.ServerExtension
	if local.Issuer != "" && strings.TrimSuffix(local.Issuer, "/") != strings.TrimSuffix(local.URL, "/") {
		c.add("oauth-endpoints", w+".issuer", "%q is not the local sandbox's URL %q, where it serves its metadata", local.Issuer, local.URL)
	}
	for _, e := range []struct{ field, url, method string }{
		{"token_endpoint", local.TokenEndpoint, http.MethodPost},
		{"authorization_endpoint", local.AuthorizationEndpoint, http.MethodGet},
		{"revocation_endpoint", local.RevocationEndpoint, http.MethodPost},
	} {
		if e.url == "" {
			c.add("oauth-endpoints", w, "no %s: the local sandbox serves one", e.field)
			continue
		}
		path := local.Path(e.url)
		var op *openapi3.Operation
		if c.doc.Paths != nil {
			if item := c.doc.Paths.Value(path); item != nil {
				op = item.GetOperation(e.method)
			}
		}
		if op == nil || !isOAuth(op) {
			c.add("oauth-endpoints", w+"."+e.field, "%q: %s %s is not an operation tagged %q", e.url, e.method, path, OAuthTag)
		}
	}
}

func (c *checker) checkOperations() {
	ids := map[string]string{}
	used := map[string]bool{}
	declaredTags := map[string]bool{}
	for _, t := range c.doc.Tags {
		declaredTags[t.Name] = true
	}
	for _, o := range c.operations() {
		w := o.where()
		op := o.op

		// Identity and documentation.
		switch {
		case op.OperationID == "":
			c.add("operation-id", w, "no operationId")
		case !operationIDPattern.MatchString(op.OperationID):
			c.add("operation-id", w, "operationId %q is not camelCase", op.OperationID)
		}
		if other, dup := ids[op.OperationID]; dup && op.OperationID != "" {
			c.add("operation-id-unique", w, "operationId %q is also used by %s", op.OperationID, other)
		}
		ids[op.OperationID] = w
		if strings.TrimSpace(op.Summary) == "" {
			c.add("documented", w, "no summary")
		}
		if strings.TrimSpace(op.Description) == "" {
			c.add("documented", w, "no description")
		}
		if len(op.Tags) == 0 {
			c.add("tagged", w, "no tag")
		}
		for _, t := range op.Tags {
			if !declaredTags[t] {
				c.add("tagged", w, "tag %q is not declared in the top-level tags", t)
			}
		}

		if isOAuth(op) {
			c.checkOAuthOperation(w, op)
			c.checkCommonResponses(w, op)
			c.checkResponses(w, op)
			continue
		}

		// Security.
		reqs := c.security(op)
		secured := len(reqs) > 0
		if o.path == VersionPath {
			if op.Security == nil || len(*op.Security) != 0 {
				c.add("version-public", w, "must declare `security: []`: it answers without a token")
			}
		} else if !secured {
			c.add("secured", w, "needs no token: every operation but %s must require its scope", VersionPath)
		}
		if secured {
			if len(reqs) != 1 || len(reqs[0]) != 1 || len(reqs[0][SchemeName]) != 1 {
				c.add("one-scope", w, "must require exactly one scope of %q, has %v", SchemeName, reqs)
			}
			for _, req := range reqs {
				if len(req) == 0 {
					c.add("one-scope", w, "an empty security requirement makes the token optional")
				}
				for scheme, scopes := range req {
					if scheme != SchemeName {
						c.add("scopes-known", w, "uses security scheme %q", scheme)
					}
					for _, s := range scopes {
						if !slices.Contains(c.scopes, s) {
							c.add("scopes-known", w, "requires scope %q, which the %q scheme's flows do not declare", s, SchemeName)
						}
						used[s] = true
					}
				}
			}
			for _, code := range []int{http.StatusUnauthorized, http.StatusForbidden} {
				resp := op.Responses.Status(code)
				if resp == nil || resp.Value == nil {
					c.add("auth-errors", w, "secured but does not document %d", code)
					continue
				}
				if resp.Value.Headers[WWWAuthenticate] == nil {
					c.add("auth-errors", w, "%d has no %s header", code, WWWAuthenticate)
				}
			}
		}

		c.checkCommonResponses(w, op)
		if strings.Contains(o.path, "{") && op.Responses.Status(http.StatusNotFound) == nil {
			c.add("responses", w, "has a path parameter but does not document 404")
		}

		// Parameters.
		item := c.doc.Paths.Value(o.path)
		if o.method == http.MethodPost && !hasParam(item, op, openapi3.ParameterInHeader, IdempotencyKey) {
			c.add("idempotency-key", w, "POST without an %s header parameter", IdempotencyKey)
		}
		if hasAnyTag(op, localizedTags()) && !hasParam(item, op, openapi3.ParameterInHeader, AcceptLanguage) {
			c.add("accept-language", w, "an information or health operation without an %s header parameter", AcceptLanguage)
		}

		c.checkResponses(w, op)
		c.checkPagination(w, item, op)
		c.checkDestructive(w, o.method, op)
	}
	for _, s := range c.scopes {
		if !used[s] {
			c.add("scopes-used", "paths", "no operation requires scope %q", s)
		}
	}
}

// checkCommonResponses asks for the answers every operation can give.
func (c *checker) checkCommonResponses(w string, op *openapi3.Operation) {
	for _, code := range []int{http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable} {
		if op.Responses.Status(code) == nil {
			c.add("responses", w, "does not document %d", code)
		}
	}
}

// binaryContent reports whether a media type's schema is bytes (type
// string, format binary): a document, an image, whose example the spec
// cannot show.
func binaryContent(mt *openapi3.MediaType) bool {
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return false
	}
	s := mt.Schema.Value
	return s.Type != nil && s.Type.Is("string") && s.Format == "binary"
}

// checkResponses checks what every operation answers; the API's Error
// schema is for the API's operations only (checkOAuthOperation has the
// authorization server's).
func (c *checker) checkResponses(w string, op *openapi3.Operation) {
	if op.Responses == nil {
		c.add("responses", w, "no responses")
		return
	}
	hasSuccess := false
	for code, ref := range op.Responses.Map() {
		rw := w + " → " + code
		if ref == nil || ref.Value == nil {
			continue
		}
		status, err := strconv.Atoi(code)
		if err != nil {
			c.add("status-codes", rw, "use explicit status codes, not %q", code)
			continue
		}
		if status < 400 {
			hasSuccess = true
		}
		for mime, mt := range ref.Value.Content {
			if mt.Example == nil && len(mt.Examples) == 0 && !binaryContent(mt) {
				c.add("examples", rw, "%s content has no example", mime)
			}
			if mt.Schema != nil {
				c.checkExampleFields(rw+" example", mt.Schema.Value, mt.Example)
			}
			if status >= 400 && !isOAuth(op) && (mt.Schema == nil || mt.Schema.Ref != ErrorSchemaRef) {
				c.add("error-schema", rw, "%s content does not use %s", mime, ErrorSchemaRef)
			}
		}
		if status >= 400 && !isOAuth(op) && ref.Value.Content.Get("application/json") == nil {
			c.add("error-schema", rw, "no application/json body with %s", ErrorSchemaRef)
		}
		if (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable) && ref.Value.Headers[RetryAfter] == nil {
			c.add("retry-after", rw, "no %s header", RetryAfter)
		}
	}
	if !hasSuccess {
		c.add("responses", w, "no success response")
	}
}

func (c *checker) checkSchemaExamples() {
	if c.doc.Components == nil {
		return
	}
	for name, ref := range c.doc.Components.Schemas {
		if ref.Value != nil && ref.Value.Example == nil {
			c.add("examples", "components.schemas."+name, "no example")
		}
		if ref.Value != nil {
			c.checkExampleFields("components.schemas."+name+" example", ref.Value, ref.Value.Example)
		}
		if ref.Value != nil && strings.TrimSpace(ref.Value.Description) == "" {
			c.add("documented", "components.schemas."+name, "no description")
		}
	}
}

// checkPropertyDescriptions asks every property of every component schema
// for a description, at any depth (inline objects, array items, allOf, oneOf,
// anyOf, not, additionalProperties), so that the generated models document
// every field. A $ref property cannot carry its own description in OpenAPI
// 3.0 (siblings of $ref are ignored): it takes the description of the schema
// it refers to, which must have one. The component schemas' own descriptions
// are the "documented" rule's.
func (c *checker) checkPropertyDescriptions() {
	if c.doc.Components == nil {
		return
	}
	for _, name := range slices.Sorted(maps.Keys(c.doc.Components.Schemas)) {
		if ref := c.doc.Components.Schemas[name]; ref != nil && ref.Ref == "" {
			c.checkNestedDescriptions("components.schemas."+name, ref.Value)
		}
	}
}

// checkNestedDescriptions checks the properties of an inline schema and of
// the inline schemas it is made of.
func (c *checker) checkNestedDescriptions(where string, s *openapi3.Schema) {
	if s == nil {
		return
	}
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		c.checkPropertyDescription(where+".properties."+name, s.Properties[name])
	}
	inline := func(w string, ref *openapi3.SchemaRef) {
		if ref != nil && ref.Ref == "" {
			c.checkNestedDescriptions(w, ref.Value)
		}
	}
	inline(where+".items", s.Items)
	inline(where+".not", s.Not)
	inline(where+".additionalProperties", s.AdditionalProperties.Schema)
	for kind, members := range map[string]openapi3.SchemaRefs{"allOf": s.AllOf, "oneOf": s.OneOf, "anyOf": s.AnyOf} {
		for i, m := range members {
			inline(fmt.Sprintf("%s.%s[%d]", where, kind, i), m)
		}
	}
}

func (c *checker) checkPropertyDescription(where string, prop *openapi3.SchemaRef) {
	const rule = "property-descriptions"
	switch {
	case prop == nil || prop.Value == nil:
		return
	case prop.Ref != "":
		if strings.TrimSpace(prop.Value.Description) == "" {
			c.add(rule, where, "refers to %s, which has no description: a $ref property is documented by the schema it refers to", prop.Ref)
		}
	default:
		if strings.TrimSpace(prop.Value.Description) == "" {
			c.add(rule, where, "no description: every property documents its field in the generated models")
		}
		c.checkNestedDescriptions(where, prop.Value)
	}
}

// hasParam reports whether the operation, or its path item, declares the
// parameter.
func hasParam(item *openapi3.PathItem, op *openapi3.Operation, in, name string) bool {
	for _, p := range append(slices.Clone(item.Parameters), op.Parameters...) {
		if p.Value != nil && p.Value.In == in && strings.EqualFold(p.Value.Name, name) {
			return true
		}
	}
	return false
}

func hasAnyTag(op *openapi3.Operation, tags []string) bool {
	for _, t := range op.Tags {
		if slices.Contains(tags, t) {
			return true
		}
	}
	return false
}

// checkErrorSchema keeps the Error schema on the API's own field names.
func (c *checker) checkErrorSchema() {
	const where = "components.schemas.Error"
	if c.doc.Components == nil || c.doc.Components.Schemas["Error"] == nil || c.doc.Components.Schemas["Error"].Value == nil {
		c.add("error-schema", where, "missing")
		return
	}
	s := c.doc.Components.Schemas["Error"].Value
	for _, field := range []string{"status_code", "error", "error_description"} {
		if s.Properties[field] == nil {
			c.add("error-schema", where, "no %q property: the API's errors carry status_code, error and error_description", field)
		}
	}
	for _, field := range []string{"status_code", "error"} {
		if !slices.Contains(s.Required, field) {
			c.add("error-schema", where, "%q is not required", field)
		}
	}
}

// checkExampleFields flags the fields of an example that its schema does not
// declare: OpenAPI's validation accepts them (additionalProperties defaults
// to true), so a misspelt field would otherwise pass unnoticed.
func (c *checker) checkExampleFields(where string, schema *openapi3.Schema, example any) {
	if schema == nil || example == nil {
		return
	}
	switch v := example.(type) {
	case map[string]any:
		if len(schema.Properties) == 0 {
			return
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			prop := schema.Properties[k]
			if prop == nil {
				c.add("example-fields", where, "field %q is not a property of the schema", k)
				continue
			}
			c.checkExampleFields(where+"."+k, prop.Value, v[k])
		}
	case []any:
		if schema.Items == nil {
			return
		}
		for i, item := range v {
			c.checkExampleFields(fmt.Sprintf("%s[%d]", where, i), schema.Items.Value, item)
		}
	}
}

// checkDestructive checks an operation's x-destructive (rule
// "destructive"): the boolean true, on a write (neither GET nor HEAD).
func (c *checker) checkDestructive(w, method string, op *openapi3.Operation) {
	const rule = "destructive"
	raw, ok := op.Extensions[DestructiveExtension]
	if !ok {
		return
	}
	if raw != true {
		c.add(rule, w, "%s is %v: want true, or leave it out", DestructiveExtension, raw)
	}
	if method == http.MethodGet || method == http.MethodHead {
		c.add(rule, w, "%s on a %s, which only reads", DestructiveExtension, method)
	}
}

// checkPagination checks an operation's x-pagination (rule "pagination"):
// an object of exactly the members cursor, items and next, each a name, on
// a GET; cursor names a query parameter of the operation, a string; items
// and next name properties of the 200 answer's JSON object, an array and a
// string.
func (c *checker) checkPagination(w string, item *openapi3.PathItem, op *openapi3.Operation) {
	const rule = "pagination"
	raw, ok := op.Extensions[PaginationExtension]
	if !ok {
		return
	}
	ext, ok := raw.(map[string]any)
	if !ok {
		c.add(rule, w, "%s is not an object of cursor, items and next", PaginationExtension)
		return
	}
	names := map[string]string{}
	for _, member := range []string{"cursor", "items", "next"} {
		name, _ := ext[member].(string)
		if strings.TrimSpace(name) == "" {
			c.add(rule, w, "%s has no %s: want the name of the %s", PaginationExtension, member, map[string]string{
				"cursor": "query parameter that takes the cursor",
				"items":  "answer's property holding the page's items",
				"next":   "answer's property holding the next cursor",
			}[member])
			continue
		}
		names[member] = name
	}
	for _, member := range slices.Sorted(maps.Keys(ext)) {
		if member != "cursor" && member != "items" && member != "next" {
			c.add(rule, w, "%s has an unknown member %q: want cursor, items and next", PaginationExtension, member)
		}
	}
	if item.Get != op {
		c.add(rule, w, "%s on an operation that is not a GET", PaginationExtension)
	}
	if name, ok := names["cursor"]; ok {
		var param *openapi3.Parameter
		for _, p := range append(slices.Clone(item.Parameters), op.Parameters...) {
			if p.Value != nil && p.Value.In == openapi3.ParameterInQuery && p.Value.Name == name {
				param = p.Value
			}
		}
		switch {
		case param == nil:
			c.add(rule, w, "%s.cursor names %q, which is not a query parameter of the operation", PaginationExtension, name)
		case param.Schema == nil || param.Schema.Value == nil || !param.Schema.Value.Type.Is(openapi3.TypeString):
			c.add(rule, w, "%s.cursor names the query parameter %q, which is not a string", PaginationExtension, name)
		case param.Required:
			c.add(rule, w, "%s.cursor names the query parameter %q, which is required: the first page has no cursor", PaginationExtension, name)
		}
	}
	var schema *openapi3.Schema
	if op.Responses != nil {
		if resp := op.Responses.Status(http.StatusOK); resp != nil && resp.Value != nil {
			if mt := resp.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
				schema = mt.Schema.Value
			}
		}
	}
	if schema == nil || !schema.Type.Is(openapi3.TypeObject) {
		c.add(rule, w, "%s on an operation whose 200 answer is not a JSON object", PaginationExtension)
		return
	}
	for _, want := range []struct{ member, typ, what string }{
		{"items", openapi3.TypeArray, "an array"},
		{"next", openapi3.TypeString, "a string"},
	} {
		name, ok := names[want.member]
		if !ok {
			continue
		}
		prop := schema.Properties[name]
		switch {
		case prop == nil || prop.Value == nil:
			c.add(rule, w, "%s.%s names %q, which is not a property of the 200 answer", PaginationExtension, want.member, name)
		case !prop.Value.Type.Is(want.typ):
			c.add(rule, w, "%s.%s names the property %q of the 200 answer, which is not %s", PaginationExtension, want.member, name, want.what)
		}
	}
}
