package specchange

// The second kind of operation the proof adds: a POST with a JSON body
// (required fields, an enum, a date), an Idempotency-Key and a 201 with a
// Location, and a GET with a uuid path parameter and a comma-separated
// query array, both under a new tag and a new scope declared in every flow.
const (
	claimsPathAnchor   = "\n  /health/v1/medical_providers/search:\n"
	claimsSchemaAnchor = "\n    CountryList:\n"
	claimsTagAnchor    = "\n  - name: meta\n"
	claimsTag          = "\n  - name: claims\n    description: Travel insurance claims."
	// claimsScopeAnchor is the last scope of each of the three flows.
	claimsScopeAnchor = "\n            urn:axa.assistance.health.providers.read_only: Search medical providers and read their kinds and specialities.\n"
	claimsScope       = "            urn:axa.assistance.travel.claims.creation_request: Declare travel claims and read them back.\n"
	claimsPaths       = `
  /travel/v1/claims:
    post:
      operationId: createClaim
      tags: [claims]
      summary: Declare a travel claim
      description: |
        Declares a claim on a policy. Send the same Idempotency-Key on every attempt: a
        repeated request answers the claim already declared.
      security:
        - oauth2: [urn:axa.assistance.travel.claims.creation_request]
      parameters:
        - $ref: "#/components/parameters/IdempotencyKey"
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/ClaimRequest"
      responses:
        "201":
          description: The claim declared.
          headers:
            Location:
              description: The path of the new claim.
              schema:
                type: string
                example: /travel/v1/claims/4a1e2b3c-5d6f-4a7b-8c9d-0e1f2a3b4c5d
            Idempotent-Replayed:
              $ref: "#/components/headers/IdempotentReplayed"
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Claim"
              example:
                id: 4a1e2b3c-5d6f-4a7b-8c9d-0e1f2a3b4c5d
                policy_id: 9d5b2c1e-4f3a-4b6d-8e7f-0a1b2c3d4e5f
                kind: medical
                incident_date: "2026-12-24"
                status: received
          links:
            getClaim:
              operationId: getClaim
              description: The claim's id reads it back with getClaim.
              parameters:
                claim_id: $response.body#/id
        "400":
          $ref: "#/components/responses/BadRequest"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "403":
          $ref: "#/components/responses/Forbidden"
        "409":
          $ref: "#/components/responses/Conflict"
        "413":
          $ref: "#/components/responses/PayloadTooLarge"
        "422":
          $ref: "#/components/responses/UnprocessableEntity"
        "429":
          $ref: "#/components/responses/TooManyRequests"
        "500":
          $ref: "#/components/responses/InternalError"
        "503":
          $ref: "#/components/responses/ServiceUnavailable"

  /travel/v1/claims/{claim_id}:
    get:
      operationId: getClaim
      tags: [claims]
      summary: Read a claim back
      description: A claim declared by createClaim, by its id, with the documents asked for.
      security:
        - oauth2: [urn:axa.assistance.travel.claims.creation_request]
      parameters:
        - name: claim_id
          in: path
          required: true
          description: The claim's id.
          schema:
            type: string
            format: uuid
            example: 4a1e2b3c-5d6f-4a7b-8c9d-0e1f2a3b4c5d
        - name: include
          in: query
          required: false
          description: The parts of the claim to include.
          style: form
          explode: false
          schema:
            type: array
            items:
              type: string
              enum: [documents, payments]
            example: [documents]
      responses:
        "200":
          description: The claim.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Claim"
              example:
                id: 4a1e2b3c-5d6f-4a7b-8c9d-0e1f2a3b4c5d
                policy_id: 9d5b2c1e-4f3a-4b6d-8e7f-0a1b2c3d4e5f
                kind: medical
                incident_date: "2026-12-24"
                status: received
        "400":
          $ref: "#/components/responses/BadRequest"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "403":
          $ref: "#/components/responses/Forbidden"
        "404":
          $ref: "#/components/responses/NotFound"
        "429":
          $ref: "#/components/responses/TooManyRequests"
        "500":
          $ref: "#/components/responses/InternalError"
        "503":
          $ref: "#/components/responses/ServiceUnavailable"`
	claimsSchemas = `
    ClaimRequest:
      type: object
      description: A claim to declare.
      required: [policy_id, kind, incident_date]
      properties:
        policy_id:
          type: string
          format: uuid
          description: The policy the claim is on.
        kind:
          type: string
          enum: [medical, baggage, cancellation]
          description: What the claim is for.
        incident_date:
          type: string
          format: date
          description: The day of the incident.
      example:
        policy_id: 9d5b2c1e-4f3a-4b6d-8e7f-0a1b2c3d4e5f
        kind: medical
        incident_date: "2026-12-24"
    Claim:
      type: object
      description: A declared claim.
      required: [id, policy_id, kind, incident_date, status]
      properties:
        id:
          type: string
          format: uuid
          description: The claim's id.
        policy_id:
          type: string
          format: uuid
          description: The policy the claim is on.
        kind:
          type: string
          enum: [medical, baggage, cancellation]
          description: What the claim is for.
        incident_date:
          type: string
          format: date
          description: The day of the incident.
        status:
          type: string
          enum: [received, paid, refused]
          description: Where the claim stands.
      example:
        id: 4a1e2b3c-5d6f-4a7b-8c9d-0e1f2a3b4c5d
        policy_id: 9d5b2c1e-4f3a-4b6d-8e7f-0a1b2c3d4e5f
        kind: medical
        incident_date: "2026-12-24"
        status: received`
)

// claimsCall is the SDK user's program for the claims operations: typed
// methods with their scope, an idempotent replay, the 403 of a token
// without the new scope, and the conformance run of both operations.
const claimsCall = `package proof

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/conformance"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

const claimsScope = "urn:axa.assistance.travel.claims.creation_request"

func TestTheNewScopeAndPOSTThroughTheSDK(t *testing.T) {
	sb, err := sandbox.New(
		sandbox.WithClient(sandbox.Client{ID: "claims", Secret: "s3cret", Scopes: []string{claimsScope}}),
		sandbox.WithClient(sandbox.Client{ID: "noclaims", Secret: "s3cret", Scopes: []string{axa.ScopeCountries}}),
		sandbox.WithRateLimit(0, 0),
	)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	client := func(id string, opts ...axa.Option) *axa.Client {
		c, err := axa.NewClient(append([]axa.Option{axa.WithoutEnvironment(), axa.WithBaseURL(srv.URL()), axa.WithClientCredentials(id, "s3cret")}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	for _, op := range []string{"createClaim", "getClaim"} {
		if scopes, ok := axa.RequiredScopes(op); !ok || !slices.Equal(scopes, []string{claimsScope}) {
			t.Errorf("RequiredScopes(%s) = %v, %v", op, scopes, ok)
		}
	}
	ctx := context.Background()
	c := client("claims")
	var date axa.Date
	if err := date.UnmarshalText([]byte("2026-12-24")); err != nil {
		t.Fatal(err)
	}
	body := axa.ClaimRequest{PolicyID: uuid.MustParse("9d5b2c1e-4f3a-4b6d-8e7f-0a1b2c3d4e5f"), Kind: axa.ClaimRequestKindMedical, IncidentDate: date}
	var first, second axa.Response
	claim, err := c.CreateClaim(ctx, body, &axa.CreateClaimParams{IdempotencyKey: "claim-1"}, axa.WithResponseInto(&first))
	if err != nil {
		t.Fatal(err)
	}
	if first.StatusCode != http.StatusCreated || claim.Kind != axa.ClaimKindMedical {
		t.Errorf("CreateClaim = %d %+v", first.StatusCode, claim)
	}
	again, err := c.CreateClaim(ctx, body, &axa.CreateClaimParams{IdempotencyKey: "claim-1"}, axa.WithResponseInto(&second))
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != claim.ID || !second.IdempotentReplayed || first.IdempotentReplayed {
		t.Errorf("replay: id %v (first %v), replayed %v then %v", again.ID, claim.ID, first.IdempotentReplayed, second.IdempotentReplayed)
	}
	if _, err := c.GetClaim(ctx, claim.ID, &axa.GetClaimParams{Include: &[]axa.GetClaimParamsInclude{axa.GetClaimParamsIncludeDocuments, axa.GetClaimParamsIncludePayments}}); err != nil {
		t.Fatal(err)
	}

	// A token without the new scope is refused.
	other := client("noclaims", axa.WithScopes(axa.ScopeCountries))
	_, err = other.CreateClaim(ctx, body, nil)
	var apiErr *axa.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden || apiErr.Code != "insufficient_scope" {
		t.Errorf("CreateClaim without the scope: %v, want 403 insufficient_scope", err)
	}

	// The authorization server offers the new scope.
	resp, err := http.Get(srv.URL() + "/.well-known/oauth-authorization-server")
	if err != nil {
		t.Fatal(err)
	}
	var md struct {
		Scopes []string ` + "`" + `json:"scopes_supported"` + "`" + `
	}
	err = json.NewDecoder(resp.Body).Decode(&md)
	resp.Body.Close()
	if err != nil || !slices.Contains(md.Scopes, claimsScope) {
		t.Errorf("scopes_supported = %v (%v), want %s among them", md.Scopes, err, claimsScope)
	}

	// The default client (which conformance uses, a token per scope) is
	// allowed the new scope too.
	rep, err := conformance.Check(ctx, conformance.Config{BaseURL: srv.URL(), ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret, Operations: []string{"createClaim", "getClaim"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range rep.Operations {
		for _, ch := range op.Checks {
			if ch.Outcome == conformance.Fail {
				t.Errorf("%s: %s failed at %s: expected %s, got %s; %s", op.ID, ch.Name, ch.Pointer, ch.Expected, ch.Got, ch.Message)
			}
		}
	}
}
`
