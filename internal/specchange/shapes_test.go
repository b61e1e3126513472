package specchange

// The third kind of change the proof makes: one instance of every shape a
// spec author reaches for as the API grows (issue 19), on the claims the
// proof adds (claims_test.go), in the same copy: a success without a body
// (204), a binary answer (a PDF), request bodies that are not plain JSON
// (merge-patch, multipart with a file part, raw bytes), PUT, PATCH and
// DELETE, a path item's parameters shared by two methods, a header
// parameter, a query default, a date-time and an integer-array query
// parameter, a oneOf with a discriminator, a cursor-paginated list, a
// deprecated operation, parameter and property, and two success codes.
const (
	shapesPaths = `
  /travel/v1/claims/{claim_id}/receipt:
    get:
      operationId: getClaimReceipt
      tags: [claims]
      summary: Download a claim's receipt
      description: The receipt of a declared claim, as a PDF.
      security:
        - oauth2: [urn:axa.assistance.travel.claims.creation_request]
      parameters:
        - $ref: "#/components/parameters/ClaimIdPath"
      responses:
        "200":
          description: The receipt.
          content:
            application/pdf:
              schema:
                type: string
                format: binary
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
          $ref: "#/components/responses/ServiceUnavailable"

  /travel/v1/claims/{claim_id}/details:
    parameters:
      - $ref: "#/components/parameters/ClaimIdPath"
    patch:
      operationId: updateClaim
      tags: [claims]
      summary: Change a claim's details
      description: A JSON merge patch (RFC 7396) of the claim's details.
      security:
        - oauth2: [urn:axa.assistance.travel.claims.creation_request]
      parameters:
        - name: X-Claim-Channel
          in: header
          required: false
          description: Where the change comes from.
          schema:
            type: string
            enum: [web, phone, agent]
            example: web
      requestBody:
        required: true
        content:
          application/merge-patch+json:
            schema:
              $ref: "#/components/schemas/ClaimDetails"
      responses:
        "200":
          description: The details now.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/ClaimDetails"
              example:
                description: Lost luggage at Narita.
                amount: 120.5
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
          $ref: "#/components/responses/ServiceUnavailable"
    put:
      operationId: replaceClaimDetails
      tags: [claims]
      summary: Replace a claim's details
      description: Replaces the claim's details whole.
      security:
        - oauth2: [urn:axa.assistance.travel.claims.creation_request]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/ClaimDetails"
      responses:
        "204":
          description: Replaced.
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
          $ref: "#/components/responses/ServiceUnavailable"
    delete:
      operationId: withdrawClaim
      tags: [claims]
      summary: Withdraw a claim
      description: Withdraws a claim that is not paid yet.
      security:
        - oauth2: [urn:axa.assistance.travel.claims.creation_request]
      responses:
        "204":
          description: Withdrawn.
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
          $ref: "#/components/responses/ServiceUnavailable"

  /travel/v1/claims/{claim_id}/documents:
    post:
      operationId: uploadClaimDocument
      tags: [claims]
      summary: Attach a document to a claim
      description: A scanned receipt or report, with what it is.
      security:
        - oauth2: [urn:axa.assistance.travel.claims.creation_request]
      parameters:
        - $ref: "#/components/parameters/ClaimIdPath"
        - $ref: "#/components/parameters/IdempotencyKey"
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file, kind]
              properties:
                file:
                  type: string
                  format: binary
                  description: The document.
                kind:
                  type: string
                  enum: [receipt, report, other]
                  description: What the document is.
      responses:
        "201":
          description: The document attached.
          headers:
            Idempotent-Replayed:
              $ref: "#/components/headers/IdempotentReplayed"
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/ClaimDocument"
              example:
                id: 7c2d1e0f-3a4b-4c5d-8e6f-7a8b9c0d1e2f
                kind: receipt
        "400":
          $ref: "#/components/responses/BadRequest"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "403":
          $ref: "#/components/responses/Forbidden"
        "404":
          $ref: "#/components/responses/NotFound"
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

  /travel/v1/claims/{claim_id}/photo:
    put:
      operationId: putClaimPhoto
      tags: [claims]
      summary: Set a claim's photo
      description: A photo of the damage, as raw bytes.
      security:
        - oauth2: [urn:axa.assistance.travel.claims.creation_request]
      parameters:
        - $ref: "#/components/parameters/ClaimIdPath"
      requestBody:
        required: true
        content:
          application/octet-stream:
            schema:
              type: string
              format: binary
      responses:
        "204":
          description: Stored.
        "400":
          $ref: "#/components/responses/BadRequest"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "403":
          $ref: "#/components/responses/Forbidden"
        "404":
          $ref: "#/components/responses/NotFound"
        "413":
          $ref: "#/components/responses/PayloadTooLarge"
        "429":
          $ref: "#/components/responses/TooManyRequests"
        "500":
          $ref: "#/components/responses/InternalError"
        "503":
          $ref: "#/components/responses/ServiceUnavailable"

  /travel/v1/claims/{claim_id}/settlement:
    get:
      operationId: getClaimSettlement
      tags: [claims]
      summary: How a claim is settled
      description: A bank transfer or a voucher.
      security:
        - oauth2: [urn:axa.assistance.travel.claims.creation_request]
      parameters:
        - $ref: "#/components/parameters/ClaimIdPath"
      responses:
        "200":
          description: The settlement.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Settlement"
              example:
                method: transfer
                iban: FR7630006000011234567890189
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
          $ref: "#/components/responses/ServiceUnavailable"

  /travel/v1/claims/{claim_id}/status:
    get:
      operationId: getClaimState
      tags: [claims]
      deprecated: true
      summary: A claim's status alone
      description: Superseded by getClaim, which carries the status.
      security:
        - oauth2: [urn:axa.assistance.travel.claims.creation_request]
      parameters:
        - $ref: "#/components/parameters/ClaimIdPath"
        - name: verbose
          in: query
          required: false
          deprecated: true
          description: Ignored.
          schema:
            type: boolean
            default: false
      responses:
        "200":
          description: The status.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/ClaimState"
              example:
                status: received
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
          $ref: "#/components/responses/ServiceUnavailable"

  /travel/v1/claims/{claim_id}/review:
    post:
      operationId: requestClaimReview
      tags: [claims]
      summary: Ask for a review of a claim
      description: Reviewed at once (200) or queued (202).
      security:
        - oauth2: [urn:axa.assistance.travel.claims.creation_request]
      parameters:
        - $ref: "#/components/parameters/ClaimIdPath"
        - $ref: "#/components/parameters/IdempotencyKey"
      responses:
        "200":
          description: Reviewed.
          headers:
            Idempotent-Replayed:
              $ref: "#/components/headers/IdempotentReplayed"
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/ClaimState"
              example:
                status: paid
        "202":
          description: Queued for review.
          headers:
            Idempotent-Replayed:
              $ref: "#/components/headers/IdempotentReplayed"
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/ClaimState"
              example:
                status: received
        "400":
          $ref: "#/components/responses/BadRequest"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "403":
          $ref: "#/components/responses/Forbidden"
        "404":
          $ref: "#/components/responses/NotFound"
        "409":
          $ref: "#/components/responses/Conflict"
        "422":
          $ref: "#/components/responses/UnprocessableEntity"
        "429":
          $ref: "#/components/responses/TooManyRequests"
        "500":
          $ref: "#/components/responses/InternalError"
        "503":
          $ref: "#/components/responses/ServiceUnavailable"

  /travel/v1/claim_events:
    get:
      operationId: listClaimEvents
      tags: [claims]
      summary: What happened to the caller's claims
      description: The events of the caller's claims, newest first, a page at a time.
      x-pagination:
        cursor: cursor
        items: items
        next: next_cursor
      security:
        - oauth2: [urn:axa.assistance.travel.claims.creation_request]
      parameters:
        - name: cursor
          in: query
          required: false
          description: Where the page starts, from the previous page's next_cursor.
          schema:
            type: string
        - name: limit
          in: query
          required: false
          description: How many events a page holds.
          schema:
            type: integer
            minimum: 1
            maximum: 100
            default: 20
        - name: since
          in: query
          required: false
          description: Only events after this instant.
          schema:
            type: string
            format: date-time
            example: "2026-12-01T00:00:00Z"
        - name: codes
          in: query
          required: false
          description: Only events of these codes.
          style: form
          explode: true
          schema:
            type: array
            items:
              type: integer
            example: [1, 2]
      responses:
        "200":
          description: A page of events.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/ClaimEventPage"
              example:
                items:
                  - code: 1
                    at: "2026-12-24T10:00:00Z"
                next_cursor: ""
        "400":
          $ref: "#/components/responses/BadRequest"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "403":
          $ref: "#/components/responses/Forbidden"
        "429":
          $ref: "#/components/responses/TooManyRequests"
        "500":
          $ref: "#/components/responses/InternalError"
        "503":
          $ref: "#/components/responses/ServiceUnavailable"`

	shapesSchemas = `
    ClaimDetails:
      type: object
      description: What the claimant says of the claim.
      properties:
        description:
          type: string
          description: What happened.
        amount:
          type: number
          description: The amount claimed.
        reference:
          type: string
          deprecated: true
          description: An old reference, no longer read.
      example:
        description: Lost luggage at Narita.
        amount: 120.5
    ClaimDocument:
      type: object
      description: A document attached to a claim.
      required: [id, kind]
      properties:
        id:
          type: string
          format: uuid
          description: The document's id.
        kind:
          type: string
          enum: [receipt, report, other]
          description: What the document is.
      example:
        id: 7c2d1e0f-3a4b-4c5d-8e6f-7a8b9c0d1e2f
        kind: receipt
    ClaimState:
      type: object
      description: Where a claim stands.
      required: [status]
      properties:
        status:
          type: string
          enum: [received, paid, refused]
          description: Where the claim stands.
      example:
        status: received
    BankTransfer:
      type: object
      description: A settlement by bank transfer.
      required: [method, iban]
      properties:
        method:
          type: string
          enum: [transfer]
          description: The kind of settlement.
        iban:
          type: string
          description: The account credited.
      example:
        method: transfer
        iban: FR7630006000011234567890189
    Voucher:
      type: object
      description: A settlement by voucher.
      required: [method, code]
      properties:
        method:
          type: string
          enum: [voucher]
          description: The kind of settlement.
        code:
          type: string
          description: The voucher's code.
      example:
        method: voucher
        code: TRAVEL-2027
    Settlement:
      description: How a claim is settled.
      oneOf:
        - $ref: "#/components/schemas/BankTransfer"
        - $ref: "#/components/schemas/Voucher"
      discriminator:
        propertyName: method
        mapping:
          transfer: "#/components/schemas/BankTransfer"
          voucher: "#/components/schemas/Voucher"
      example:
        method: transfer
        iban: FR7630006000011234567890189
    ClaimEvent:
      type: object
      description: Something that happened to a claim.
      required: [code, at]
      properties:
        code:
          type: integer
          description: What happened.
        at:
          type: string
          format: date-time
          description: When.
      example:
        code: 1
        at: "2026-12-24T10:00:00Z"
    ClaimEventPage:
      type: object
      description: A page of claim events.
      required: [items]
      properties:
        items:
          type: array
          description: The events of the page.
          items:
            $ref: "#/components/schemas/ClaimEvent"
        next_cursor:
          type: string
          description: The cursor of the next page; empty on the last.
      example:
        items:
          - code: 1
            at: "2026-12-24T10:00:00Z"
        next_cursor: ""`

	// shapesParameters go among the spec's components.parameters.
	shapesParamAnchor = "\n  parameters:\n"
	shapesParameters  = `
    ClaimIdPath:
      name: claim_id
      in: path
      required: true
      description: The claim's id.
      schema:
        type: string
        format: uuid
        example: 4a1e2b3c-5d6f-4a7b-8c9d-0e1f2a3b4c5d`
)
