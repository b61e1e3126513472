package resources

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/gen/server"
	"github.com/axa-assistance-go/axa/pkg/sandbox/data"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/apierr"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
)

// Pricing and limits of quotes (the sandbox's own tariff).
const (
	premiumCurrency   = "EUR"
	maxSingleTripDays = 365
	maxStartAhead     = 548 // days: a trip starts within eighteen months
	annualTripDays    = 60  // an annual cover costs as much as a trip this long
	fullRateDays      = 30  // days beyond cost 75% of the daily rate
	minHolderAge      = 18
)

// planTariff is the price of a plan for one traveller aged 18 to 39 in
// Europe: a fixed fee and a daily rate, in euros.
type planTariff struct{ fee, daily float64 }

// planTariffs are the tariffs by plan. Read-only.
var planTariffs = map[gen.PlanCode]planTariff{
	gen.PlanCodeEssential: {fee: 3, daily: 1.6},
	gen.PlanCodeComfort:   {fee: 5, daily: 2.6},
	gen.PlanCodePremium:   {fee: 8, daily: 4.1},
}

// promoCodes are the promotion codes the sandbox knows and their
// discount. Read-only.
var promoCodes = map[string]float64{"WELCOME10": 0.10}

// ageFactor weighs a traveller's age on the start date on the premium.
func ageFactor(age int) float64 {
	switch {
	case age < 18:
		return 0.5
	case age < 40:
		return 1.0
	case age < 60:
		return 1.3
	case age < 70:
		return 1.8
	case age < 80:
		return 2.6
	default:
		return 3.5
	}
}

// ageOn returns how many full years someone born on birth is on day.
func ageOn(birth, day time.Time) int {
	age := day.Year() - birth.Year()
	if day.Month() < birth.Month() || day.Month() == birth.Month() && day.Day() < birth.Day() {
		age--
	}
	return age
}

// ownerOf returns who the request acts for, from its verified token: the
// user (the token's sub) of a user grant, through its client; the client
// itself for a client credentials grant.
func ownerOf(ctx context.Context) (owner, error) {
	c := reqctx.ClaimsOf(ctx)
	switch {
	case c == nil || c.ClientID == "":
		return "", apierr.Errorf(http.StatusUnauthorized, "invalid_token", "this operation needs a bearer token")
	case c.Login() == "":
		return clientOwner(c.ClientID), nil
	case c.Subject == "":
		return "", apierr.Errorf(http.StatusUnauthorized, "invalid_token", "the access token names no subject")
	default:
		return userOwner(c.ClientID, c.Subject), nil
	}
}

// unprocessables collects the 422 problems of a request, so that one
// answer lists them all: each its location in the body and a short
// message, the first its code and the sentence that describes it alone.
type unprocessables struct {
	code, desc string
	problems   []gen.Problem
}

// add records a problem: its code, location and short message, and the
// sentence (format and args) that describes it when it is the only one.
func (u *unprocessables) add(code, location, message, format string, args ...any) {
	if len(u.problems) == 0 {
		u.code, u.desc = code, fmt.Sprintf(format, args...)
	}
	u.problems = append(u.problems, gen.Problem{Location: location, Message: message})
}

// err is the 422 of the problems recorded, nil without any: a lone problem
// described by its sentence, several by their summary.
func (u *unprocessables) err() error {
	switch len(u.problems) {
	case 0:
		return nil
	case 1:
		return &apierr.StatusError{Status: http.StatusUnprocessableEntity, Code: u.code, Description: u.desc, Problems: u.problems}
	}
	return &apierr.StatusError{Status: http.StatusUnprocessableEntity, Code: u.code, Description: apierr.Summary(u.problems), Problems: u.problems}
}

// unprocessable is a 422 with a code and a readable message.
func unprocessable(code, format string, args ...any) error {
	return apierr.Errorf(http.StatusUnprocessableEntity, code, format, args...)
}

// idempotently runs act once per owner and Idempotency-Key (which the
// validator requires, as it requires the body): a request
// with the same key and body gets the stored answer (idemReplay), one sent
// while the first is in flight gets idemInFlight (the caller answers 409),
// one with another body a 422. A failed act stores nothing, so that it can
// be retried with the same key.
func (r *Resources) idempotently(o owner, operation, key string, body any, act func() (any, error)) (any, idemState, error) {
	return r.idempotentlyFrom(o, operation, key, body, nil, act)
}

// idempotentlyFrom is idempotently for a body decoded from raw, the
// request's body as the validator accepted it (reqctx.Body), when body is
// that and nothing else: the same bytes are the same request, told
// without encoding body again (fingerprint). A nil raw is idempotently.
func (r *Resources) idempotentlyFrom(o owner, operation, key string, body any, raw []byte, act func() (any, error)) (any, idemState, error) {
	fp, err := newFingerprint(operation, body, raw)
	if err != nil {
		return nil, idemNew, err
	}
	switch state, answer := r.store.beginFingerprint(o, key, fp, r.cfg.Now()); state {
	case idemReplay, idemInFlight:
		return answer, state, nil
	case idemMismatch:
		return nil, state, unprocessable("idempotency_key_reused", "The Idempotency-Key %q was already used with a different request; use a new key for a new request.", key)
	}
	done := false
	defer func() {
		if !done {
			r.store.abandonIdempotent(o, key)
		}
	}()
	answer, err := act()
	if err != nil {
		return nil, idemNew, err
	}
	r.store.finishIdempotent(o, key, answer)
	done = true
	return answer, idemNew, nil
}

// conflict is the 409 answered while a request with the same
// Idempotency-Key is in flight.
func conflict(ctx context.Context) server.ConflictJSONResponse {
	retry := "1"
	c := server.ConflictJSONResponse{
		Body: gen.Error{
			StatusCode:       http.StatusConflict,
			Error:            "idempotency_conflict",
			ErrorDescription: data.PointerTo("A request with this Idempotency-Key is in progress; retry later."),
		},
		Headers: server.ConflictResponseHeaders{RetryAfter: &retry},
	}
	if id := reqctx.RequestID(ctx); id != "" {
		c.Headers.XRequestID = &id
	}
	return c
}

// RequestQuote prices a trip and records the quote for its owner.
func (r *Resources) RequestQuote(ctx context.Context, req server.RequestQuoteRequestObject) (server.RequestQuoteResponseObject, error) {
	o, err := ownerOf(ctx)
	if err != nil {
		return nil, err
	}
	answer, state, err := r.idempotentlyFrom(o, "requestQuote", req.Params.IdempotencyKey, req.Body, reqctx.Body(ctx), func() (any, error) {
		q, births, err := r.priceQuote(req.Body, r.cfg.Now())
		if err != nil {
			return nil, err
		}
		r.store.addQuote(o, q, births)
		return q, nil
	})
	switch {
	case err != nil:
		return nil, err
	case state == idemInFlight:
		return server.RequestQuote409JSONResponse{ConflictJSONResponse: conflict(ctx)}, nil
	}
	q, ok := answer.(gen.Quote)
	if !ok {
		return nil, fmt.Errorf("sandbox: stored answer is a %T, not a quote", answer)
	}
	replayed := state == idemReplay
	return server.RequestQuote201JSONResponse{Body: q, Headers: server.RequestQuote201ResponseHeaders{IdempotentReplayed: &replayed}}, nil
}

// priceQuote checks a quote request's semantics and prices it. It returns
// the quote and the travellers' birth dates, sorted.
func (r *Resources) priceQuote(req *gen.QuoteRequest, now time.Time) (gen.Quote, []string, error) {
	var bad unprocessables
	tariff, ok := planTariffs[req.PlanCode]
	if !ok {
		bad.add("unknown_plan", "body/plan_code", "no such plan", "No plan with code %q.", req.PlanCode)
	}
	if _, ok := r.data.Country(req.OriginCountry); !ok {
		bad.add("unknown_country", "body/origin_country", "no such country", "origin_country: no country with id %q.", req.OriginCountry)
	}
	risk := 0.0
	for i, id := range req.DestinationCountries {
		c, ok := r.data.Country(id)
		if !ok {
			bad.add("unknown_country", fmt.Sprintf("body/destination_countries/%d", i), "no such country", "destination_countries: no country with id %q.", id)
			continue
		}
		risk = max(risk, c.RiskFactor)
	}
	today, start, end := dateOf(now), dateOf(req.StartDate.Time), dateOf(req.EndDate.Time)
	switch {
	case start.Before(today):
		bad.add("invalid_dates", "body/start_date", "must not be in the past", "start_date %s is in the past (today is %s).", start.Format(time.DateOnly), today.Format(time.DateOnly))
	case start.After(today.AddDate(0, 0, maxStartAhead)):
		bad.add("invalid_dates", "body/start_date", fmt.Sprintf("must be within %d days", maxStartAhead), "start_date %s is too far ahead: a trip must start within %d days.", start.Format(time.DateOnly), maxStartAhead)
	}
	days := int(end.Sub(start)/(24*time.Hour)) + 1
	var priced float64 // days at the daily rate
	switch {
	case end.Before(start):
		bad.add("invalid_dates", "body/end_date", "must not be before start_date", "end_date %s is before start_date %s.", end.Format(time.DateOnly), start.Format(time.DateOnly))
	case req.TripType == gen.TripTypeSingleTrip:
		if days > maxSingleTripDays {
			bad.add("trip_too_long", "body/end_date", fmt.Sprintf("a single trip lasts at most %d days", maxSingleTripDays),
				"A single trip lasts at most %d days; this one lasts %d. Ask for an annual_multi_trip cover instead.", maxSingleTripDays, days)
		}
		priced = float64(min(days, fullRateDays)) + 0.75*float64(max(0, days-fullRateDays))
	default:
		if last := start.AddDate(1, 0, -1); end.After(last) {
			bad.add("trip_too_long", "body/end_date", "must be on or before "+last.Format(time.DateOnly),
				"An annual cover lasts at most one year: end_date must be on or before %s.", last.Format(time.DateOnly))
		}
		priced = annualTripDays
	}
	births := make([]string, 0, len(req.Travellers))
	total := 0.0
	for i, t := range req.Travellers {
		birth := dateOf(t.BirthDate.Time)
		if birth.After(start) {
			bad.add("invalid_traveller", fmt.Sprintf("body/travellers/%d/birth_date", i), "must not be after start_date",
				"travellers[%d]: born on %s, after the start of the trip.", i, birth.Format(time.DateOnly))
			continue
		}
		total += tariff.fee + tariff.daily*priced*ageFactor(ageOn(birth, start))*risk
		births = append(births, birth.Format(time.DateOnly))
	}
	if req.PromoCode != nil && *req.PromoCode != "" {
		discount, ok := promoCodes[strings.ToUpper(*req.PromoCode)]
		if !ok {
			bad.add("invalid_promo_code", "body/promo_code", "not a valid promo code", "The promo code %q is not valid.", *req.PromoCode)
		}
		total *= 1 - discount
	}
	if err := bad.err(); err != nil {
		return gen.Quote{}, nil, err
	}
	slices.Sort(births)
	id, err := uuid.NewRandom()
	if err != nil {
		return gen.Quote{}, nil, fmt.Errorf("sandbox: quote id: %w", err)
	}
	created := now.UTC().Truncate(time.Second)
	return gen.Quote{
		ID:                   id,
		TripType:             req.TripType,
		OriginCountry:        req.OriginCountry,
		DestinationCountries: slices.Clone(req.DestinationCountries),
		StartDate:            openapi_types.Date{Time: start},
		EndDate:              openapi_types.Date{Time: end},
		TravellersCount:      int32(len(req.Travellers)), //nolint:gosec // at most 9 travellers (spec)
		PlanCode:             req.PlanCode,
		Premium:              gen.Money{Amount: cents(total), Currency: premiumCurrency},
		CreatedAt:            created,
		ValidUntil:           ceilSecond(now.UTC().Add(r.cfg.QuoteLifetime)),
	}, births, nil
}

// ceilSecond rounds t up to a whole second: a quote's valid_until, so that
// it lives at least its lifetime from the moment it was asked for, though
// its created_at is the second it was made in.
func ceilSecond(t time.Time) time.Time {
	if f := t.Truncate(time.Second); !f.Equal(t) {
		return f.Add(time.Second)
	}
	return t
}

// CreatePolicy issues a policy from a valid quote of the same owner, once
// per Idempotency-Key. Another owner's quote is answered as one that does
// not exist (422 quote_not_found, the answer for an unknown quote id): the
// quote is named in the body, not the path, so this is not a 404.
func (r *Resources) CreatePolicy(ctx context.Context, req server.CreatePolicyRequestObject) (server.CreatePolicyResponseObject, error) {
	o, err := ownerOf(ctx)
	if err != nil {
		return nil, err
	}
	body := req.Body
	answer, state, err := r.idempotentlyFrom(o, "createPolicy", req.Params.IdempotencyKey, body, reqctx.Body(ctx), func() (any, error) {
		id, err := uuid.NewRandom()
		if err != nil {
			return nil, fmt.Errorf("sandbox: policy id: %w", err)
		}
		now := r.cfg.Now().UTC()
		p, err := r.store.issuePolicy(o, body.QuoteID, now,
			func(q *quoteRecord) error { return r.checkPolicyRequest(body, q, now) },
			func(q *quoteRecord, number string) gen.Policy {
				return r.newPolicy(r.apiBase(ctx), id, number, q, body, now)
			})
		if err != nil {
			return nil, err
		}
		return p, nil
	})
	switch {
	case err != nil:
		return nil, err
	case state == idemInFlight:
		return server.CreatePolicy409JSONResponse{ConflictJSONResponse: conflict(ctx)}, nil
	}
	p, ok := answer.(gen.Policy)
	if !ok {
		return nil, fmt.Errorf("sandbox: stored answer is a %T, not a policy", answer)
	}
	replayed := state == idemReplay
	location := "/travel/v1/policies/" + p.ID.String()
	return server.CreatePolicy201JSONResponse{Body: p, Headers: server.CreatePolicy201ResponseHeaders{IdempotentReplayed: &replayed, Location: &location}}, nil
}

// checkPolicyRequest checks that a policy request fits its quote: the same
// travellers (in number and birth dates), an adult policy holder, known
// countries.
func (r *Resources) checkPolicyRequest(req *gen.PolicyRequest, q *quoteRecord, now time.Time) error {
	var bad unprocessables
	births := make([]string, 0, len(req.Travellers))
	for _, t := range req.Travellers {
		births = append(births, dateOf(t.BirthDate.Time).Format(time.DateOnly))
	}
	slices.Sort(births)
	switch {
	case len(req.Travellers) != len(q.birthDates):
		bad.add("travellers_mismatch", "body/travellers", fmt.Sprintf("must be the quote's %d traveller(s)", len(q.birthDates)),
			"The quote covers %d traveller(s); the request names %d.", len(q.birthDates), len(req.Travellers))
	case !slices.Equal(births, q.birthDates):
		bad.add("travellers_mismatch", "body/travellers", "the birth dates must be the quote's",
			"The travellers' birth dates (%s) do not match the quote's (%s).", strings.Join(births, ", "), strings.Join(q.birthDates, ", "))
	}
	holder := req.PolicyHolder
	if age := ageOn(dateOf(holder.Person.BirthDate.Time), dateOf(now)); age < minHolderAge {
		bad.add("invalid_policy_holder", "body/policy_holder/person/birth_date", fmt.Sprintf("the policy holder must be at least %d years old", minHolderAge),
			"The policy holder must be at least %d years old.", minHolderAge)
	}
	if _, ok := r.data.Country(holder.Address.Country); !ok {
		bad.add("unknown_country", "body/policy_holder/address/country", "no such country", "policy_holder.address.country: no country with id %q.", holder.Address.Country)
	}
	persons := append([]gen.Person{holder.Person}, req.Travellers...)
	for i, p := range persons {
		if p.Nationalities == nil {
			continue
		}
		where := "body/policy_holder/person"
		if i > 0 {
			where = fmt.Sprintf("body/travellers/%d", i-1)
		}
		for j, n := range *p.Nationalities {
			if _, ok := r.data.Country(n); !ok {
				bad.add("unknown_country", fmt.Sprintf("%s/nationalities/%d", where, j), "no such country", "nationalities: no country with id %q.", n)
			}
		}
	}
	return bad.err()
}

// certificatePath is the path of a policy's certificate: the path of
// getPolicyCertificate in the spec, so that the URL a policy names is the
// one the sandbox serves.
func certificatePath(id uuid.UUID) string {
	op, ok := gen.LookupOperation(gen.OperationGetPolicyCertificate)
	if !ok {
		panic("resources: the spec has no getPolicyCertificate") // gen is generated from the spec that has it
	}
	return strings.Replace(op.Path, "{policy_id}", id.String(), 1)
}

// apiBase is the base URL of the API as the request of ctx reached it:
// the origin of the listener it came in on (the connection's local
// address; https when the request came over TLS, else http), so that the
// documents of a sandbox's policy name the sandbox, not the production
// API. Served without a listener (a handler called in process), it is
// Config.Audience.
func (r *Resources) apiBase(ctx context.Context) string {
	addr, ok := ctx.Value(http.LocalAddrContextKey).(net.Addr)
	if !ok || addr == nil || addr.String() == "" {
		return strings.TrimSuffix(r.cfg.Audience, "/")
	}
	scheme := "http"
	if reqctx.TLS(ctx) {
		scheme = "https"
	}
	return (&url.URL{Scheme: scheme, Host: addr.String()}).String()
}

// newPolicy makes the policy issued from a quote, its documents under
// base, the API's base URL (apiBase).
func (r *Resources) newPolicy(base string, id uuid.UUID, number string, q *quoteRecord, req *gen.PolicyRequest, now time.Time) gen.Policy {
	return gen.Policy{
		ID:                   id,
		PolicyNumber:         number,
		Status:               gen.PolicyStatusIssued,
		QuoteID:              q.quote.ID,
		TripType:             q.quote.TripType,
		DestinationCountries: slices.Clone(q.quote.DestinationCountries),
		StartDate:            q.quote.StartDate,
		EndDate:              q.quote.EndDate,
		PlanCode:             q.quote.PlanCode,
		Premium:              q.quote.Premium,
		PolicyHolder:         req.PolicyHolder,
		Travellers:           slices.Clone(req.Travellers),
		IssuedAt:             now.Truncate(time.Second),
		Documents: []gen.PolicyDocument{
			{Kind: gen.PolicyDocumentKindCertificate, URL: base + certificatePath(id)},
			{Kind: gen.PolicyDocumentKindTermsAndConditions, URL: fmt.Sprintf("%s/travel/v1/plans/%s/terms_and_conditions.pdf", base, q.quote.PlanCode)},
		},
	}
}

// GetPolicy answers a policy to its owner; to anyone else, it does not
// exist (404, not 403, which would confirm that it does), nor does a
// policy pushed out of its owner's newest MaxRecordsPerOwner.
func (r *Resources) GetPolicy(ctx context.Context, req server.GetPolicyRequestObject) (server.GetPolicyResponseObject, error) {
	o, err := ownerOf(ctx)
	if err != nil {
		return nil, err
	}
	p, ok := r.store.policy(o, req.PolicyID)
	if !ok {
		return nil, apierr.Errorf(http.StatusNotFound, "not_found", "No policy with id %q.", req.PolicyID.String())
	}
	return server.GetPolicy200JSONResponse(p), nil
}

// cancelRequest is what a cancellation's Idempotency-Key is bound to: the
// policy it cancels (the request has no body). The same key sent for
// another policy is a 422, as another body would be.
type cancelRequest struct {
	PolicyID uuid.UUID `json:"policy_id"`
}

// CancelPolicy cancels an owner's policy before its trip starts, once per
// Idempotency-Key: a replay answers the policy as it was cancelled, where
// a new request for a cancelled policy is a 409. Another owner's policy
// does not exist (404), as for GetPolicy.
func (r *Resources) CancelPolicy(ctx context.Context, req server.CancelPolicyRequestObject) (server.CancelPolicyResponseObject, error) {
	o, err := ownerOf(ctx)
	if err != nil {
		return nil, err
	}
	answer, state, err := r.idempotently(o, "cancelPolicy", req.Params.IdempotencyKey, cancelRequest{PolicyID: req.PolicyID}, func() (any, error) {
		return r.store.cancelPolicy(o, req.PolicyID, r.cfg.Now())
	})
	switch {
	case err != nil:
		return nil, err
	case state == idemInFlight:
		c := conflict(ctx)
		return server.CancelPolicy409JSONResponse{PolicyConflictJSONResponse: server.PolicyConflictJSONResponse{
			Body: c.Body, Headers: server.PolicyConflictResponseHeaders(c.Headers),
		}}, nil
	}
	p, ok := answer.(gen.Policy)
	if !ok {
		return nil, fmt.Errorf("sandbox: stored answer is a %T, not a policy", answer)
	}
	replayed := state == idemReplay
	return server.CancelPolicy200JSONResponse{Body: p, Headers: server.CancelPolicy200ResponseHeaders{IdempotentReplayed: &replayed}}, nil
}

// Pages of listPolicies (the spec's default and maximum of limit).
const (
	defaultPageSize = 20
	maxPageSize     = 100
)

// cursorPrefix starts every cursor, before base64: its version, so that a
// later form can be told from this one.
const cursorPrefix = "p1:"

// encodeCursor makes the cursor of the position after the policy of
// number seq: opaque to the client, it names a policy, not an offset, so a
// policy issued between two pages shifts nothing.
func encodeCursor(seq uint64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatUint(seq, 10)))
}

// decodeCursor reads a cursor encodeCursor made; anything else is the 400
// invalid_cursor.
func decodeCursor(c string) (uint64, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	var seq uint64
	if err == nil {
		digits, ok := strings.CutPrefix(string(b), cursorPrefix)
		if seq, err = strconv.ParseUint(digits, 10, 64); !ok || digits != strconv.FormatUint(seq, 10) {
			err = errors.New("not a cursor")
		}
	}
	if err != nil || seq == 0 {
		return 0, &apierr.StatusError{
			Status: http.StatusBadRequest, Code: "invalid_cursor",
			Description: "The cursor is not one this API gave: send back the next_cursor of a page, or no cursor for the first page.",
			Problems:    []gen.Problem{{Location: "query/cursor", Message: "not a cursor this API gave"}},
		}
	}
	return seq, nil
}

// ListPolicies answers a page of the owner's policies, newest first, from
// the position the cursor names (the newest without one). A cursor whose
// policy was pushed out of the bound is still good (see
// store.listPolicies).
func (r *Resources) ListPolicies(ctx context.Context, req server.ListPoliciesRequestObject) (server.ListPoliciesResponseObject, error) {
	o, err := ownerOf(ctx)
	if err != nil {
		return nil, err
	}
	limit := defaultPageSize
	if l := req.Params.Limit; l != nil {
		limit = min(max(int(*l), 1), maxPageSize) // the validator has checked it; the bounds again, for callers without it
	}
	var before uint64
	if c := req.Params.Cursor; c != nil {
		if before, err = decodeCursor(*c); err != nil {
			return nil, err
		}
	}
	items, next := r.store.listPolicies(o, before, limit)
	page := server.ListPolicies200JSONResponse{Items: items}
	if next != 0 {
		c := encodeCursor(next)
		page.NextCursor = &c
	}
	return page, nil
}

// GetPolicyCertificate answers the certificate of an owner's policy, the
// PDF CertificatePDF makes, at the path its certificate document names; to
// anyone else the policy does not exist (404), as for GetPolicy.
func (r *Resources) GetPolicyCertificate(ctx context.Context, req server.GetPolicyCertificateRequestObject) (server.GetPolicyCertificateResponseObject, error) {
	o, err := ownerOf(ctx)
	if err != nil {
		return nil, err
	}
	p, ok := r.store.policy(o, req.PolicyID)
	if !ok {
		return nil, apierr.Errorf(http.StatusNotFound, "not_found", "No policy with id %q.", req.PolicyID.String())
	}
	b := CertificatePDF(p)
	return server.GetPolicyCertificate200ApplicationPDFResponse{Body: bytes.NewReader(b), ContentLength: int64(len(b))}, nil
}

// cents writes an amount of euros rounded to the cent, with both decimals
// ("97.80"), as the API's Money amounts are.
func cents(euros float64) json.Number {
	return json.Number(strconv.FormatFloat(math.Round(euros*100)/100, 'f', 2, 64))
}
