package resources

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/apierr"
)

// exampleAnswer is the spec's example answer of an operation (fallback.gen.go
// answers it for an operation that has no handler yet). For an operation
// that takes an Idempotency-Key it also says whether the answer replays the
// first request with the key, or whether that one is still in flight.
type exampleAnswer struct {
	id                   gen.OperationID
	idempotent, replayed bool
	inFlight             *conflictAnswer
}

// conflictAnswer is the 409 of a request whose Idempotency-Key is in flight.
type conflictAnswer struct {
	body       gen.Error
	retryAfter string
	requestID  string
}

// idempotency runs an example answer once per owner and Idempotency-Key;
// nil (a bare exampleAnswers, as in tests) answers every request afresh.
type idempotency func(ctx context.Context, id gen.OperationID, key string, body any) (exampleAnswer, error)

// idempotent is the example answer of an operation that takes an
// Idempotency-Key: the same key and body replay it (Idempotent-Replayed:
// true), another body with the key is refused with 422, as the handlers of
// requestQuote and createPolicy do.
func (e exampleAnswers) idempotent(ctx context.Context, id gen.OperationID, key string, body any) (exampleAnswer, error) {
	if e.idem == nil {
		return exampleAnswer{id: id, idempotent: true}, nil
	}
	return e.idem(ctx, id, key, body)
}

// idempotentExample is the Resources' idempotency: the example answer kept
// in the store like a handler's answer.
func (r *Resources) idempotentExample(ctx context.Context, id gen.OperationID, key string, body any) (exampleAnswer, error) {
	o, err := ownerOf(ctx)
	if err != nil {
		return exampleAnswer{}, err
	}
	_, state, err := r.idempotently(o, string(id), key, body, func() (any, error) { return id, nil })
	switch {
	case err != nil:
		return exampleAnswer{}, err
	case state == idemInFlight:
		c := conflict(ctx)
		a := exampleAnswer{id: id, inFlight: &conflictAnswer{body: c.Body}}
		if c.Headers.RetryAfter != nil {
			a.inFlight.retryAfter = *c.Headers.RetryAfter
		}
		if c.Headers.XRequestID != nil {
			a.inFlight.requestID = *c.Headers.XRequestID
		}
		return a, nil
	}
	return exampleAnswer{id: id, idempotent: true, replayed: state == idemReplay}, nil
}

// write writes the answer: the spec's example of the operation's success
// answer. An operation whose spec gives no example answers 501: the sandbox
// cannot make up data the spec does not show.
func (a exampleAnswer) write(w http.ResponseWriter) error {
	if c := a.inFlight; c != nil {
		if c.retryAfter != "" {
			w.Header().Set("Retry-After", c.retryAfter)
		}
		if c.requestID != "" {
			w.Header().Set("X-Request-Id", c.requestID)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusConflict)
		return json.NewEncoder(w).Encode(c.body)
	}
	status, body, ok := gen.ExampleResponse(a.id)
	if !ok {
		apierr.WriteJSON(w, http.StatusNotImplemented, apierr.Body{StatusCode: http.StatusNotImplemented, Error: "not_implemented",
			Description: "The sandbox has no handler for " + string(a.id) + " and the spec gives no example of its answer."})
		return nil
	}
	if a.idempotent {
		w.Header().Set("Idempotent-Replayed", strconv.FormatBool(a.replayed))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, err := w.Write(body)
	return err
}
