package resources

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/specmedia"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/apierr"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
)

// exampleAnswer is the spec's example answer of an operation (fallback.gen.go
// answers it for an operation that has no handler yet): the success the
// request preferred (Prefer: code=N, RFC 7240) when the spec documents it,
// else the first. For an operation that takes an Idempotency-Key it also
// says whether the answer replays the first request with the key, or
// whether that one is still in flight.
type exampleAnswer struct {
	id gen.OperationID
	// status is the success to answer, 0 for the first; preferred
	// reports that it is the request's preference (Preference-Applied).
	status               int
	preferred            bool
	idempotent, replayed bool
	inFlight             *conflictAnswer
}

// success is one 2xx answer the spec documents for an operation
// (successesOf, generated): its status, kind (gen.KindJSON, gen.KindNone,
// gen.KindBinary), media type and example (JSON, or the bytes of a binary
// answer the spec gives as a string; empty without one).
type success struct {
	status                     int
	kind, contentType, example string
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

// answer is the example answer of an operation without an Idempotency-Key:
// the success the request prefers.
func (exampleAnswers) answer(ctx context.Context, id gen.OperationID) exampleAnswer {
	a := exampleAnswer{id: id}
	a.status, a.preferred = preferredSuccess(id, reqctx.Prefer(ctx))
	return a
}

// idempotent is the example answer of an operation that takes an
// Idempotency-Key: the same key and body replay it (Idempotent-Replayed:
// true) with the status first answered, another body with the key is
// refused with 422, as the handlers of requestQuote and createPolicy do.
// body is what the generated server hands over: a JSON body, a multipart
// form, the reader of raw bytes, or nil without one.
func (e exampleAnswers) idempotent(ctx context.Context, id gen.OperationID, key string, body any) (exampleAnswer, error) {
	if e.idem == nil {
		a := e.answer(ctx, id)
		a.idempotent = true
		return a, nil
	}
	return e.idem(ctx, id, key, body)
}

// idempotentExample is the Resources' idempotency: the example answer kept
// in the store like a handler's answer, by the status it answered.
func (r *Resources) idempotentExample(ctx context.Context, id gen.OperationID, key string, body any) (exampleAnswer, error) {
	o, err := ownerOf(ctx)
	if err != nil {
		return exampleAnswer{}, err
	}
	fp, err := bodyPrint(body)
	if err != nil {
		return exampleAnswer{}, err
	}
	status, preferred := preferredSuccess(id, reqctx.Prefer(ctx))
	stored, state, err := r.idempotently(o, string(id), key, fp, func() (any, error) { return status, nil })
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
	a := exampleAnswer{id: id, status: status, preferred: preferred, idempotent: true, replayed: state == idemReplay}
	if s, ok := stored.(int); ok && a.replayed {
		a.status, a.preferred = s, false
	}
	return a, nil
}

// bodyPrint is what the Idempotency-Key's record remembers of a request
// body: a JSON body itself; for a multipart form, each part's name, file
// name, media type and a digest of its bytes (the same form sent again
// with another boundary is the same body); for raw bytes, their digest.
// It reads a form or raw bytes to their end.
func bodyPrint(body any) (any, error) {
	switch b := body.(type) {
	case *multipart.Reader:
		type part struct {
			Name, File, Type, Digest string
		}
		parts := []part{}
		for {
			p, err := b.NextPart()
			if errors.Is(err, io.EOF) {
				return parts, nil
			}
			if err != nil {
				return nil, fmt.Errorf("sandbox: read the multipart body: %w", err)
			}
			d, err := digest(p)
			if err != nil {
				return nil, fmt.Errorf("sandbox: read the part %q: %w", p.FormName(), err)
			}
			parts = append(parts, part{Name: p.FormName(), File: p.FileName(), Type: p.Header.Get("Content-Type"), Digest: d})
		}
	case io.Reader:
		d, err := digest(b)
		if err != nil {
			return nil, fmt.Errorf("sandbox: read the body: %w", err)
		}
		return struct{ Digest string }{d}, nil
	}
	return body, nil
}

// digest is the hex SHA-256 of what r reads.
func digest(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// preferredSuccess returns the status a request prefers (Prefer: code=N)
// when the spec documents it as a success of the operation, and true; 0
// and false when it prefers none, or one the spec does not document: RFC
// 7240 lets a server ignore a preference, and the first success is
// answered.
func preferredSuccess(id gen.OperationID, prefer []string) (int, bool) {
	code, ok := preferredCode(prefer)
	if !ok {
		return 0, false
	}
	for _, s := range successesOf(id) {
		if s.status == code {
			return code, true
		}
	}
	return 0, false
}

// preferredCode reads the code preference of Prefer header values (RFC
// 7240 section 2: comma-separated preferences, each a token with an
// optional, possibly quoted, value and parameters after semicolons), as
// Prism reads it: "Prefer: code=202".
func preferredCode(values []string) (int, bool) {
	for _, v := range values {
		for pref := range strings.SplitSeq(v, ",") {
			pref, _, _ = strings.Cut(pref, ";")
			name, value, ok := strings.Cut(pref, "=")
			if !ok || !strings.EqualFold(strings.TrimSpace(name), "code") {
				continue
			}
			code, err := strconv.Atoi(strings.Trim(strings.TrimSpace(value), `"`))
			if err == nil && code >= 100 && code <= 599 {
				return code, true
			}
		}
	}
	return 0, false
}

// write writes the answer: the spec's example of one of the operation's
// successes (successesOf).
func (a exampleAnswer) write(w http.ResponseWriter) error {
	return a.writeFrom(w, successesOf(a.id))
}

// writeFrom writes the answer from the operation's successes: the one of
// a.status, else the first. A success without content is its status
// alone; a JSON one its example; a binary one the spec's example when it
// gives one as a string that is a document of the type
// (specmedia.Signature), else a small document of the type
// (specmedia.Placeholder: a PDF, an image...), with its Content-Type and
// Content-Length. An operation whose spec documents no success, or gives no
// example of its JSON answer, answers 501: the sandbox cannot make up data
// the spec does not show.
func (a exampleAnswer) writeFrom(w http.ResponseWriter, successes []success) error {
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
	if len(successes) == 0 {
		return notImplemented(w, a.id, "the spec documents no success of it")
	}
	s := successes[0]
	for _, c := range successes {
		if c.status == a.status {
			s = c
			break
		}
	}
	if s.kind == gen.KindJSON && s.example == "" {
		return notImplemented(w, a.id, "the spec gives no example of its answer")
	}
	h := w.Header()
	if a.idempotent {
		h.Set("Idempotent-Replayed", strconv.FormatBool(a.replayed))
	}
	if a.preferred && s.status == a.status {
		h.Set("Preference-Applied", "code="+strconv.Itoa(s.status))
	}
	switch s.kind {
	case gen.KindNone:
		w.WriteHeader(s.status)
		return nil
	case gen.KindJSON:
		h.Set("Content-Type", s.contentType)
		w.WriteHeader(s.status)
		_, err := io.WriteString(w, s.example)
		return err
	}
	contentType, body := s.contentType, []byte(s.example)
	if _, ok := specmedia.Signature(contentType, body); s.example == "" || !ok || strings.Contains(contentType, "*") {
		var placeholder []byte
		contentType, placeholder = specmedia.Placeholder(contentType)
		if s.example == "" || !ok {
			body = placeholder
		}
	}
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(s.status)
	_, err := w.Write(body)
	return err
}

// notImplemented answers 501 for an operation the sandbox cannot answer
// from the spec, saying why.
func notImplemented(w http.ResponseWriter, id gen.OperationID, why string) error {
	apierr.WriteJSON(w, http.StatusNotImplemented, apierr.Body{StatusCode: http.StatusNotImplemented, Error: "not_implemented",
		Description: "The sandbox has no handler for " + string(id) + " and " + why + "."})
	return nil
}
