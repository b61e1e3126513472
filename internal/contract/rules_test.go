package contract_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/internal/contract"
	"github.com/axa-assistance-go/axa/internal/testutil"
)

func op(t *testing.T, doc *openapi3.T, method, path string) *openapi3.Operation {
	t.Helper()
	item := doc.Paths.Value(path)
	if item == nil || item.GetOperation(method) == nil {
		t.Fatalf("no %s %s in the spec", method, path)
	}
	return item.GetOperation(method)
}

func security(scopes ...string) *openapi3.SecurityRequirements {
	return &openapi3.SecurityRequirements{{contract.SchemeName: scopes}}
}

// pagination returns the x-pagination of listPolicies, to break it.
func pagination(t *testing.T, doc *openapi3.T) map[string]any {
	t.Helper()
	ext, ok := op(t, doc, "GET", "/travel/v1/policies").Extensions[contract.PaginationExtension].(map[string]any)
	if !ok {
		t.Fatal("listPolicies has no x-pagination object")
	}
	return ext
}

// Each case breaks one rule on a fresh copy of the real spec and expects
// Check to name that rule, so that no rule can silently stop working.
// localServer returns the x-authorization-server of the spec's loopback
// environment (the local sandbox's), to break it.
func localServer(doc *openapi3.T) map[string]any {
	for _, srv := range doc.Servers {
		if strings.HasPrefix(srv.URL, "http://127.0.0.1") {
			return srv.Extensions["x-authorization-server"].(map[string]any)
		}
	}
	panic("no loopback server in the spec")
}

func TestEachRuleCatchesItsViolation(t *testing.T) {
	const (
		countries = "/travel/v1/countries"
		country   = "/travel/v1/countries/{country_id}"
		policies  = "/travel/v1/policies"
		kinds     = "/health/v1/medical_providers/kinds"
	)
	cases := []struct {
		name     string
		rule     string
		contains string
		breakIt  func(t *testing.T, doc *openapi3.T)
	}{
		{"operation scope not among the five", "scopes-known", `"urn:axa.assistance.travel.countries.write"`, func(t *testing.T, doc *openapi3.T) {
			op(t, doc, "GET", countries).Security = security("urn:axa.assistance.travel.countries.write")
		}},
		{"flow declares a sixth scope", "scopes-known", `"openid"`, func(_ *testing.T, doc *openapi3.T) {
			doc.Components.SecuritySchemes["oauth2"].Value.Flows.ClientCredentials.Scopes["openid"] = "OpenID Connect"
		}},
		{"a new scope declared by one flow only", "scopes-declared", "rule_test.only", func(t *testing.T, doc *openapi3.T) {
			doc.Components.SecuritySchemes["oauth2"].Value.Flows.ClientCredentials.Scopes["urn:axa.assistance.travel.rule_test.only"] = "A scope of this test."
			op(t, doc, "GET", countries).Security = security("urn:axa.assistance.travel.rule_test.only")
		}},
		{"a new scope declared but used by no operation", "scopes-used", "rule_test.only", func(_ *testing.T, doc *openapi3.T) {
			f := doc.Components.SecuritySchemes["oauth2"].Value.Flows
			for _, flow := range []*openapi3.OAuthFlow{f.ClientCredentials, f.Password, f.AuthorizationCode} {
				flow.Scopes["urn:axa.assistance.travel.rule_test.only"] = "A scope of this test."
			}
		}},
		{"flow lacks one of the five", "scopes-declared", "quote_request", func(_ *testing.T, doc *openapi3.T) {
			delete(doc.Components.SecuritySchemes["oauth2"].Value.Flows.Password.Scopes, "urn:axa.assistance.travel.policies.quote_request")
		}},
		{"scope without description", "scopes-described", "health.providers", func(_ *testing.T, doc *openapi3.T) {
			doc.Components.SecuritySchemes["oauth2"].Value.Flows.AuthorizationCode.Scopes["urn:axa.assistance.health.providers.read_only"] = " "
		}},
		{"a scope no operation uses", "scopes-used", "health.providers", func(t *testing.T, doc *openapi3.T) {
			for _, path := range doc.Paths.Keys() {
				if strings.HasPrefix(path, "/health/") {
					op(t, doc, "GET", path).Security = security("urn:axa.assistance.travel.countries.read_only")
				}
			}
		}},
		{"missing grant", "flows", "authorizationCode", func(_ *testing.T, doc *openapi3.T) {
			doc.Components.SecuritySchemes["oauth2"].Value.Flows.AuthorizationCode = nil
		}},
		{"a refresh URL that is not the token URL", "flows", "refreshUrl", func(_ *testing.T, doc *openapi3.T) {
			doc.Components.SecuritySchemes["oauth2"].Value.Flows.Password.RefreshURL = "/auth/v1/refresh"
		}},
		{"an absolute authorization URL", "flows", "authorizationUrl", func(_ *testing.T, doc *openapi3.T) {
			doc.Components.SecuritySchemes["oauth2"].Value.Flows.AuthorizationCode.AuthorizationURL = "https://evil.example/authorize"
		}},
		{"flows naming two token URLs", "flows", "tokenUrl", func(_ *testing.T, doc *openapi3.T) {
			doc.Components.SecuritySchemes["oauth2"].Value.Flows.ClientCredentials.TokenURL = "/oauth/token"
		}},
		{"two scopes on one operation", "one-scope", "", func(t *testing.T, doc *openapi3.T) {
			op(t, doc, "GET", country).Security = security(
				"urn:axa.assistance.travel.countries.read_only",
				"urn:axa.assistance.travel.countries.alerts.read_only")
		}},
		{"version needs a token", "version-public", "", func(t *testing.T, doc *openapi3.T) {
			op(t, doc, "GET", "/version").Security = security("urn:axa.assistance.travel.countries.read_only")
		}},
		{"version inherits security", "version-public", "", func(t *testing.T, doc *openapi3.T) {
			op(t, doc, "GET", "/version").Security = nil
		}},
		{"duplicate operationId", "operation-id-unique", `"listCountries"`, func(t *testing.T, doc *openapi3.T) {
			op(t, doc, "GET", country).OperationID = "listCountries"
		}},
		{"operationId not camelCase", "operation-id", "get_country", func(t *testing.T, doc *openapi3.T) {
			op(t, doc, "GET", country).OperationID = "get_country"
		}},
		{"no description", "documented", "no description", func(t *testing.T, doc *openapi3.T) {
			op(t, doc, "GET", country).Description = ""
		}},
		{"no tag", "tagged", "no tag", func(t *testing.T, doc *openapi3.T) {
			op(t, doc, "GET", country).Tags = nil
		}},
		{"undeclared tag", "tagged", `"geo"`, func(t *testing.T, doc *openapi3.T) {
			op(t, doc, "GET", country).Tags = []string{"geo"}
		}},
		{"secured operation without 401", "auth-errors", "401", func(t *testing.T, doc *openapi3.T) {
			op(t, doc, "GET", countries).Responses.Delete("401")
		}},
		{"403 without WWW-Authenticate", "auth-errors", "WWW-Authenticate", func(_ *testing.T, doc *openapi3.T) {
			delete(doc.Components.Responses["Forbidden"].Value.Headers, "WWW-Authenticate")
		}},
		{"error response not using Error", "error-schema", "404", func(t *testing.T, doc *openapi3.T) {
			resp := *doc.Components.Responses["NotFound"].Value
			resp.Content = openapi3.NewContentWithJSONSchema(openapi3.NewObjectSchema())
			op(t, doc, "GET", country).Responses.Set("404", &openapi3.ResponseRef{Value: &resp})
		}},
		{"Error schema loses a field", "error-schema", "error_description", func(_ *testing.T, doc *openapi3.T) {
			delete(doc.Components.Schemas["Error"].Value.Properties, "error_description")
		}},
		{"429 without Retry-After", "retry-after", "", func(_ *testing.T, doc *openapi3.T) {
			delete(doc.Components.Responses["TooManyRequests"].Value.Headers, "Retry-After")
		}},
		{"POST without Idempotency-Key", "idempotency-key", policies, func(t *testing.T, doc *openapi3.T) {
			op(t, doc, "POST", policies).Parameters = nil
		}},
		{"information operation without Accept-Language", "accept-language", kinds, func(t *testing.T, doc *openapi3.T) {
			op(t, doc, "GET", kinds).Parameters = nil
		}},
		{"property without description", "property-descriptions", "components.schemas.Address.properties.postal_code", func(_ *testing.T, doc *openapi3.T) {
			doc.Components.Schemas["Address"].Value.Properties["postal_code"].Value.Description = ""
		}},
		{"schema without description", "documented", "components.schemas.Money", func(_ *testing.T, doc *openapi3.T) {
			doc.Components.Schemas["Money"].Value.Description = ""
		}},
		{"schema without example", "examples", "components.schemas.Money", func(_ *testing.T, doc *openapi3.T) {
			doc.Components.Schemas["Money"].Value.Example = nil
		}},
		{"response without example", "examples", "/version → 200", func(t *testing.T, doc *openapi3.T) {
			op(t, doc, "GET", "/version").Responses.Status(200).Value.Content.Get("application/json").Example = nil
		}},
		{"operation without security", "secured", country, func(_ *testing.T, doc *openapi3.T) {
			empty := openapi3.SecurityRequirements{}
			doc.Paths.Value(country).Get.Security = &empty
		}},
		{"operation inheriting no security", "secured", policies, func(t *testing.T, doc *openapi3.T) {
			op(t, doc, "POST", policies).Security = nil
		}},
		{"example with an undeclared field", "example-fields", `"overview"`, func(_ *testing.T, doc *openapi3.T) {
			doc.Components.Schemas["CountrySecurity"].Value.Example = map[string]any{"country_id": "fr", "overview": "typo"}
		}},
		{"response example with an undeclared nested field", "example-fields", `"distance"`, func(t *testing.T, doc *openapi3.T) {
			mt := op(t, doc, "GET", "/health/v1/medical_providers/search").Responses.Status(200).Value.Content.Get("application/json")
			mt.Example = []any{map[string]any{"id": "x", "position": map[string]any{"distance": 1.0}}}
		}},
		{"a document answer without an example that is not bytes", "examples", "application/pdf content has no example", func(t *testing.T, doc *openapi3.T) {
			resp := op(t, doc, "GET", countries).Responses.Status(200).Value
			resp.Content["application/pdf"] = &openapi3.MediaType{Schema: openapi3.NewStringSchema().NewRef()}
		}},
		{"missing 503", "responses", "503", func(t *testing.T, doc *openapi3.T) {
			op(t, doc, "GET", countries).Responses.Delete("503")
		}},
		{"path parameter without 404", "responses", "404", func(t *testing.T, doc *openapi3.T) {
			op(t, doc, "GET", country).Responses.Delete("404")
		}},
		{"refresh URL on client credentials", "flows", "refreshUrl", func(_ *testing.T, doc *openapi3.T) {
			doc.Components.SecuritySchemes["oauth2"].Value.Flows.ClientCredentials.RefreshURL = "/auth/v1/token"
		}},
		{"local token endpoint not an operation of the authorization server", "oauth-endpoints", "token_endpoint", func(t *testing.T, doc *openapi3.T) {
			op(t, doc, "POST", "/auth/v1/token").Tags = []string{"meta"}
		}},
		{"local authorization endpoint without its GET", "oauth-endpoints", "GET /auth/v1/authorize", func(_ *testing.T, doc *openapi3.T) {
			doc.Paths.Value("/auth/v1/authorize").Get = nil
		}},
		{"local revocation endpoint elsewhere", "oauth-endpoints", "POST /auth/v1/revocation", func(_ *testing.T, doc *openapi3.T) {
			localServer(doc)["revocation_endpoint"] = "http://127.0.0.1:{port}/auth/v1/revocation"
		}},
		{"local issuer not the sandbox's URL", "oauth-endpoints", "issuer", func(_ *testing.T, doc *openapi3.T) {
			localServer(doc)["issuer"] = "http://127.0.0.1:{port}/elsewhere"
		}},
		{"a note for the spec's authors in an operation's description", "design-notes", "GET /travel/v1/countries", func(t *testing.T, doc *openapi3.T) {
			op(t, doc, "GET", "/travel/v1/countries").Description += " The 2018 listing had it elsewhere."
		}},
		{"a note for the spec's authors in a property's description", "design-notes", "components.schemas.Policy.properties.status", func(_ *testing.T, doc *openapi3.T) {
			doc.Components.Schemas["Policy"].Value.Properties["status"] = &openapi3.SchemaRef{Value: &openapi3.Schema{Description: "Where it stands (our design)."}}
		}},
		{"an empty design note", "design-notes", "x-design-note must be a non-empty string", func(_ *testing.T, doc *openapi3.T) {
			doc.Components.Schemas["Money"].Value.Extensions["x-design-note"] = " "
		}},
		{"refreshUrl elsewhere", "flows", `refreshUrl "/auth/v1/refresh"`, func(_ *testing.T, doc *openapi3.T) {
			doc.Components.SecuritySchemes["oauth2"].Value.Flows.Password.RefreshURL = "/auth/v1/refresh"
		}},
		{"tokenUrl not the default environment's", "flows", "token_endpoint of the default environment", func(_ *testing.T, doc *openapi3.T) {
			doc.Components.SecuritySchemes["oauth2"].Value.Flows.Password.TokenURL = "/auth/v1/token"
		}},
		{"authorizationUrl not the default environment's", "flows", "authorization_endpoint of the default environment", func(_ *testing.T, doc *openapi3.T) {
			doc.Components.SecuritySchemes["oauth2"].Value.Flows.AuthorizationCode.AuthorizationURL = "https://elsewhere.example/authorize"
		}},
		{"server without an environment name", "environments", "no x-environment", func(_ *testing.T, doc *openapi3.T) {
			delete(doc.Servers[1].Extensions, "x-environment")
		}},
		{"environment name used twice", "environments", `"production" also names`, func(_ *testing.T, doc *openapi3.T) {
			doc.Servers[1].Extensions["x-environment"] = "production"
		}},
		{"environment without an authorization server", "environments", "x-authorization-server", func(_ *testing.T, doc *openapi3.T) {
			delete(doc.Servers[1].Extensions, "x-authorization-server")
		}},
		{"authorization server with neither issuer nor token endpoint", "environments", "neither an issuer nor a token_endpoint", func(_ *testing.T, doc *openapi3.T) {
			doc.Servers[1].Extensions["x-authorization-server"] = map[string]any{"revocation_endpoint": "https://auth.example/revoke"}
		}},
		{"authorization server over plain http", "environments", "want https", func(_ *testing.T, doc *openapi3.T) {
			doc.Servers[1].Extensions["x-authorization-server"] = map[string]any{"token_endpoint": "http://auth.example/token"}
		}},
		{"authorization server URL relative", "environments", "not an absolute URL", func(_ *testing.T, doc *openapi3.T) {
			doc.Servers[1].Extensions["x-authorization-server"] = map[string]any{"token_endpoint": "/auth/v1/token"}
		}},
		{"authorization server with an unknown member", "environments", "unknown member", func(_ *testing.T, doc *openapi3.T) {
			doc.Servers[1].Extensions["x-authorization-server"] = map[string]any{"token_endpoint": "https://auth.example/token", "token_url": "https://auth.example/token"}
		}},
		{"authorization server URL with an undeclared variable", "environments", "{region}", func(_ *testing.T, doc *openapi3.T) {
			doc.Servers[1].Extensions["x-authorization-server"] = map[string]any{"token_endpoint": "https://{region}.auth.example/token"}
		}},
		{"token parameter the grants send", "environments", "grants send themselves", func(_ *testing.T, doc *openapi3.T) {
			doc.Servers[1].Extensions["x-authorization-server"] = map[string]any{"token_endpoint": "https://auth.example/token", "token_parameters": map[string]any{"scope": "all"}}
		}},
		{"no environment on loopback", "environments", "environments on loopback", func(_ *testing.T, doc *openapi3.T) {
			doc.Servers = doc.Servers[:2]
		}},
		{"default environment without its endpoints", "environments", "default environment names no token_endpoint", func(_ *testing.T, doc *openapi3.T) {
			doc.Servers[0].Extensions["x-authorization-server"] = map[string]any{"issuer": "https://auth.example/"}
		}},
		{"oauth operation with a bearer scope", "oauth-client-auth", "POST /auth/v1/revoke", func(t *testing.T, doc *openapi3.T) {
			op(t, doc, "POST", "/auth/v1/revoke").Security = security("urn:axa.assistance.travel.countries.read_only")
		}},
		{"oauth operation with a JSON body", "oauth-form", "application/json", func(t *testing.T, doc *openapi3.T) {
			rb := op(t, doc, "POST", "/auth/v1/token").RequestBody.Value
			rb.Content["application/json"] = rb.Content[contract.FormMediaType]
		}},
		{"oauth error in the API's Error", "oauth-errors", "POST /auth/v1/token → 400", func(t *testing.T, doc *openapi3.T) {
			o := op(t, doc, "POST", "/auth/v1/token")
			o.Responses.Set("400", op(t, doc, "GET", countries).Responses.Value("400"))
		}},
		{"invalid_client without its challenge", "oauth-errors", "WWW-Authenticate", func(t *testing.T, doc *openapi3.T) {
			resp := *doc.Components.Responses["OAuthInvalidClient"].Value
			resp.Headers = nil
			op(t, doc, "POST", "/auth/v1/token").Responses.Set("401", &openapi3.ResponseRef{Value: &resp})
		}},
		{"oauth operation without 503", "responses", "503", func(t *testing.T, doc *openapi3.T) {
			op(t, doc, "GET", "/auth/v1/jwks").Responses.Delete("503")
		}},
		{"a second API scheme", "one-scheme", "apiKey", func(_ *testing.T, doc *openapi3.T) {
			doc.Components.SecuritySchemes["apiKey"] = &openapi3.SecuritySchemeRef{Value: openapi3.NewSecurityScheme().WithType("apiKey").WithIn("header").WithName("X-Key")}
		}},
		{"range status code", "status-codes", "5XX", func(t *testing.T, doc *openapi3.T) {
			o := op(t, doc, "GET", countries)
			o.Responses.Set("5XX", o.Responses.Value("500"))
		}},
		{"x-destructive not true", "destructive", "want true", func(t *testing.T, doc *openapi3.T) {
			op(t, doc, "POST", "/travel/v1/policies/{policy_id}/cancel").Extensions[contract.DestructiveExtension] = "yes"
		}},
		{"x-destructive on a read", "destructive", "only reads", func(t *testing.T, doc *openapi3.T) {
			o := op(t, doc, "GET", countries)
			if o.Extensions == nil {
				o.Extensions = map[string]any{}
			}
			o.Extensions[contract.DestructiveExtension] = true
		}},
		{"pagination naming no query parameter", "pagination", `"page_token", which is not a query parameter`, func(t *testing.T, doc *openapi3.T) {
			pagination(t, doc)["cursor"] = "page_token"
		}},
		{"pagination's cursor parameter not a string", "pagination", `"limit", which is not a string`, func(t *testing.T, doc *openapi3.T) {
			pagination(t, doc)["cursor"] = "limit"
		}},
		{"pagination's items not an array", "pagination", `"next_cursor" of the 200 answer, which is not an array`, func(t *testing.T, doc *openapi3.T) {
			pagination(t, doc)["items"] = "next_cursor"
		}},
		{"pagination's next not a string", "pagination", `"items" of the 200 answer, which is not a string`, func(t *testing.T, doc *openapi3.T) {
			pagination(t, doc)["next"] = "items"
		}},
		{"pagination naming no property", "pagination", `"policies", which is not a property`, func(t *testing.T, doc *openapi3.T) {
			pagination(t, doc)["items"] = "policies"
		}},
		{"pagination without next", "pagination", "has no next", func(t *testing.T, doc *openapi3.T) {
			delete(pagination(t, doc), "next")
		}},
		{"pagination with an unknown member", "pagination", `unknown member "size"`, func(t *testing.T, doc *openapi3.T) {
			pagination(t, doc)["size"] = "limit"
		}},
		{"pagination not an object", "pagination", "not an object", func(t *testing.T, doc *openapi3.T) {
			op(t, doc, "GET", policies).Extensions[contract.PaginationExtension] = "cursor"
		}},
		{"pagination on a list answered as an array", "pagination", "not a JSON object", func(t *testing.T, doc *openapi3.T) {
			op(t, doc, "GET", countries).Extensions = map[string]any{contract.PaginationExtension: map[string]any{"cursor": "cursor", "items": "items", "next": "next"}}
		}},
		{"pagination on a POST", "pagination", "not a GET", func(t *testing.T, doc *openapi3.T) {
			op(t, doc, "POST", policies).Extensions = map[string]any{contract.PaginationExtension: pagination(t, doc)}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := testutil.Spec(t)
			tc.breakIt(t, doc)
			violations := contract.Check(doc)
			for _, v := range violations {
				if v.Rule == tc.rule && strings.Contains(v.String(), tc.contains) {
					return
				}
			}
			t.Errorf("Check did not report rule %q (containing %q); it reported %v", tc.rule, tc.contains, violations)
		})
	}
}

// A new scope is an edit of the spec: declared in every flow and required by
// an operation, it breaks no house rule.
func TestANewScopeDeclaredInEveryFlowPasses(t *testing.T) {
	doc, err := api.LoadData(context.Background(), api.Spec())
	if err != nil {
		t.Fatal(err)
	}
	const scope = "urn:axa.assistance.travel.rule_test.only"
	f := doc.Components.SecuritySchemes["oauth2"].Value.Flows
	for _, flow := range []*openapi3.OAuthFlow{f.ClientCredentials, f.Password, f.AuthorizationCode} {
		flow.Scopes[scope] = "Declare travel claims."
	}
	op(t, doc, "GET", "/travel/v1/countries").Security = security(scope)
	if violations := contract.Check(doc); len(violations) != 0 {
		t.Fatalf("a new scope declared in every flow and used: %v", violations)
	}
	if got := contract.DeclaredScopes(doc); !slices.Contains(got, scope) {
		t.Errorf("DeclaredScopes = %v, want it to hold %s", got, scope)
	}
}

// The scenario of the issue, on the YAML text: a new operation whose scope is
// not one of the five passes the OpenAPI validator but fails the house rules.
func TestNewOperationWithUnknownScopeFails(t *testing.T) {
	const extra = `  /travel/v1/countries/{country_id}/weather:
    get:
      operationId: getCountryWeather
      tags: [countries]
      summary: Weather
      description: The weather in a country.
      security:
        - oauth2: [urn:axa.assistance.travel.weather.read_only]
      parameters:
        - $ref: "#/components/parameters/CountryIdPath"
        - $ref: "#/components/parameters/AcceptLanguage"
      responses:
        "200":
          description: The weather.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/TextSection"
              example: {label: Weather, desc: Sunny}
        "401":
          $ref: "#/components/responses/Unauthorized"
        "403":
          $ref: "#/components/responses/Forbidden"
`
	spec := api.Spec()
	anchor := []byte("\n  /travel/v1/countries:\n")
	if !bytes.Contains(spec, anchor) {
		t.Fatal("anchor path not found in the spec")
	}
	changed := bytes.Replace(spec, anchor, []byte("\n"+extra+"\n  /travel/v1/countries:\n"), 1)
	doc, err := api.LoadData(context.Background(), changed)
	if err != nil {
		t.Fatalf("the changed spec should still be valid OpenAPI: %v", err)
	}
	var found bool
	for _, v := range contract.Check(doc) {
		if v.Rule == "scopes-known" && strings.Contains(v.Message, "urn:axa.assistance.travel.weather.read_only") {
			found = true
		}
	}
	if !found {
		t.Fatalf("house rules accepted an operation with an unknown scope: %v", contract.Check(doc))
	}
}

// propertyDescriptionSpec is a small valid document whose one schema, Thing,
// has the properties given (YAML indented for a properties: block).
func propertyDescriptionSpec(t *testing.T, properties string) *openapi3.T {
	t.Helper()
	spec := `openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Code:
      type: string
      description: A code.
    Bare:
      type: string
    Thing:
      type: object
      description: A thing.
      properties:
` + properties
	doc, err := api.LoadData(context.Background(), []byte(spec))
	if err != nil {
		t.Fatalf("the test spec is not valid OpenAPI: %v\n%s", err, spec)
	}
	return doc
}

// Every property of every component schema is described, at any depth, so
// that the generated models document every field.
func TestPropertyDescriptions(t *testing.T) {
	cases := []struct {
		name       string
		properties string
		want       []string // the places reported, in order; none when the properties comply
	}{
		{"described", `
        name: {type: string, description: The name.}
`, nil},
		{"undescribed", `
        name: {type: string}
`, []string{"components.schemas.Thing.properties.name"}},
		{"blank description", `
        name: {type: string, description: "  "}
`, []string{"components.schemas.Thing.properties.name"}},
		{"a $ref takes its schema's description", `
        code: {$ref: "#/components/schemas/Code"}
`, nil},
		{"a $ref to an undescribed schema", `
        bare: {$ref: "#/components/schemas/Bare"}
`, []string{"components.schemas.Thing.properties.bare"}},
		{"nested inline object", `
        inner:
          type: object
          description: Inner.
          properties:
            a: {type: string, description: A.}
            b: {type: string}
`, []string{"components.schemas.Thing.properties.inner.properties.b"}},
		{"undescribed inline object", `
        inner:
          type: object
          properties:
            a: {type: string, description: A.}
`, []string{"components.schemas.Thing.properties.inner"}},
		{"array of inline objects", `
        list:
          type: array
          description: A list.
          items:
            type: object
            properties:
              a: {type: string}
`, []string{"components.schemas.Thing.properties.list.items.properties.a"}},
		{"array of $ref and of strings", `
        codes:
          type: array
          description: Codes.
          items: {$ref: "#/components/schemas/Code"}
        words:
          type: array
          description: Words.
          items: {type: string}
`, nil},
		{"allOf and oneOf members", `
        mixed:
          description: Mixed.
          allOf:
            - $ref: "#/components/schemas/Code"
            - type: object
              properties:
                a: {type: string}
        either:
          description: Either.
          oneOf:
            - type: object
              properties:
                b: {type: string}
            - type: object
              properties:
                c: {type: string, description: C.}
`, []string{
			"components.schemas.Thing.properties.either.oneOf[0].properties.b",
			"components.schemas.Thing.properties.mixed.allOf[1].properties.a",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, v := range contract.Check(propertyDescriptionSpec(t, tc.properties)) {
				if v.Rule == "property-descriptions" {
					got = append(got, v.Where)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("property-descriptions reported\n  %v\nwant\n  %v", got, tc.want)
			}
		})
	}
}
