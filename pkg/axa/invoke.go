package axa

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/axa-assistance-go/axa/gen"
)

// ErrUnknownOperation is what Invoke's error matches when given an
// operationId the API (as this version of the SDK was generated from it)
// does not have.
var ErrUnknownOperation = errors.New("axa: unknown operation")

// InvalidRequestError is Invoke's refusal of parameters or a body that do
// not fit the operation, before anything is sent: no token is fetched, no
// request made. It lists every problem found, not just the first.
type InvalidRequestError struct {
	// Operation is the operationId of the call, e.g. "getCountry".
	Operation string
	// Problems are the problems found, one phrase each: those of the
	// operation's parameters in the spec's order, then the names that are
	// none of its parameters, then the body's.
	Problems []string
}

// Error implements error: "axa: getCountry: missing required path
// parameter country_id; unknown parameter foo (...)".
func (e *InvalidRequestError) Error() string {
	return "axa: " + e.Operation + ": " + strings.Join(e.Problems, "; ")
}

// Invoke calls the operation operationID (an operationId of the spec, e.g.
// "getCountry"; see gen.Operations) and returns the JSON of its 2xx response
// as the API sent it. It is the generic form of the typed methods, for
// tools that take the operation from their input (the command line's
// `axa api`) or want the response untouched: it goes through the same
// pipeline, so the client fetches a token of the operation's scope,
// retries, and gives a POST an Idempotency-Key, exactly as for the typed
// method. It knows the operations of the spec this SDK was generated from.
//
// params holds the parameters by their names in the spec ("country_id",
// "min_level", "Accept-Language"); a url.Values will do. Path parameters are
// escaped into the path, query parameters go in the query, header
// parameters in headers (their names, like HTTP's, are case-insensitive). A
// parameter takes one value, except an array: repeated in the query (or
// comma-separated, where the spec says explode: false), comma-separated in a
// path or header. A POST without an Idempotency-Key
// gets a random one, sent unchanged on every attempt, even where the spec
// requires the header.
//
// body is the JSON request body, for an operation that takes one (nil
// otherwise); it is sent as it is, with Content-Type application/json, and
// the API validates it.
//
// Errors: an unknown operationID matches ErrUnknownOperation; missing
// required parameters, names that are not parameters of the operation, a
// body missing, not JSON or not expected give one *InvalidRequestError that
// lists them all; nothing is sent in either case. After that, the errors are
// those of the typed methods: *Error for a response outside 2xx, *DecodeError
// for a 2xx response that is not JSON, and the token and transport errors.
//
// opts tune this call alone, as for the typed methods (RequestOption).
func (c *Client) Invoke(ctx context.Context, operationID string, params map[string][]string, body []byte, opts ...RequestOption) (json.RawMessage, error) {
	op, doc, err := lookupInvoke(operationID)
	if err != nil {
		return nil, err
	}
	req, err := buildInvoke(op, doc, params, body)
	if err != nil {
		return nil, err
	}
	return call[json.RawMessage](ctx, op.ID, opts, func(ctx context.Context) (*http.Response, error) {
		var rd io.Reader
		if req.body != nil {
			rd = bytes.NewReader(req.body) // rewindable: retries resend it
		}
		r, err := http.NewRequestWithContext(ctx, op.Method, c.origin.String()+req.path, rd)
		if err != nil {
			return nil, err
		}
		r.URL.RawQuery = req.query.Encode()
		for name, v := range req.header {
			r.Header.Set(name, v)
		}
		if req.body != nil {
			r.Header.Set("Content-Type", "application/json")
		}
		return c.http.Do(r)
	})
}

// ValidateInvoke returns the error Invoke would refuse its arguments with
// (matching ErrUnknownOperation, or an *InvalidRequestError), or nil; it
// needs no client and sends nothing. A command line uses it to tell its
// user's mistakes before it connects anywhere.
func ValidateInvoke(operationID string, params map[string][]string, body []byte) error {
	op, doc, err := lookupInvoke(operationID)
	if err != nil {
		return err
	}
	_, err = buildInvoke(op, doc, params, body)
	return err
}

// lookupInvoke returns the operation and what the spec says of it.
func lookupInvoke(operationID string) (gen.Operation, gen.OperationDoc, error) {
	id := gen.OperationID(operationID)
	op, ok := gen.LookupOperation(id)
	doc, docOK := gen.LookupOperationDoc(id)
	// The authorization server's operations are reached through
	// golang.org/x/oauth2, never as calls of the API.
	if !ok || !docOK || op.AuthorizationServer {
		return gen.Operation{}, gen.OperationDoc{}, fmt.Errorf("%w %q: the API's operations are those of gen.Operations not marked AuthorizationServer (spec %s)", ErrUnknownOperation, operationID, gen.SpecVersion)
	}
	return op, doc, nil
}

// invokeRequest is a request of Invoke, checked and laid out.
type invokeRequest struct {
	path   string // escaped, with the path parameters filled in
	query  url.Values
	header map[string]string
	body   []byte // nil without one
}

// buildInvoke checks params and body against the operation and lays out
// the request; its error is an *InvalidRequestError listing every problem.
func buildInvoke(op gen.Operation, doc gen.OperationDoc, params map[string][]string, body []byte) (*invokeRequest, error) {
	var problems []string
	// Match the names given to the operation's parameters.
	values := make([][]string, len(doc.Parameters))
	var unknown []string
	for name, vs := range params {
		i := slices.IndexFunc(doc.Parameters, func(p gen.Parameter) bool { return p.Name == name })
		if i < 0 {
			i = slices.IndexFunc(doc.Parameters, func(p gen.Parameter) bool {
				return p.In == "header" && strings.EqualFold(p.Name, name)
			})
		}
		if i < 0 {
			unknown = append(unknown, name)
			continue
		}
		values[i] = append(values[i], vs...)
	}

	req := &invokeRequest{path: op.Path, query: url.Values{}, header: map[string]string{}}
	for i, p := range doc.Parameters {
		vs := values[i]
		switch {
		case len(vs) == 0:
			// The header layer gives every POST an Idempotency-Key.
			autoKey := p.In == "header" && strings.EqualFold(p.Name, headerIdempotencyKey) && op.Method == http.MethodPost
			if p.Required && !autoKey {
				problems = append(problems, fmt.Sprintf("missing required %s parameter %s", p.In, p.Name))
			}
			continue
		case len(vs) > 1 && p.Type != "array":
			problems = append(problems, fmt.Sprintf("%s parameter %s: %d values given, it takes one", p.In, p.Name, len(vs)))
			continue
		}
		switch p.In {
		case "path":
			v := strings.Join(vs, ",")
			if v == "" {
				problems = append(problems, fmt.Sprintf("path parameter %s is empty", p.Name))
				continue
			}
			req.path = strings.ReplaceAll(req.path, "{"+p.Name+"}", url.PathEscape(v))
		case "query":
			if !p.CommaSeparated {
				req.query[p.Name] = slices.Clone(vs)
				continue
			}
			// One value, the elements joined by commas (style form,
			// explode false): an element cannot hold a comma.
			if slices.ContainsFunc(vs, func(v string) bool { return strings.Contains(v, ",") }) {
				problems = append(problems, fmt.Sprintf("query parameter %s: a value holds a comma, which separates its values", p.Name))
				continue
			}
			req.query.Set(p.Name, strings.Join(vs, ","))
		case "header":
			v := strings.Join(vs, ",")
			if !validHeaderValue(v) {
				problems = append(problems, fmt.Sprintf("header parameter %s: the value holds a line break or another control character", p.Name))
				continue
			}
			req.header[p.Name] = v
		default:
			problems = append(problems, fmt.Sprintf("%s parameter %s: the SDK cannot send a parameter in %q", p.In, p.Name, p.In))
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		known := make([]string, 0, len(doc.Parameters))
		for _, p := range doc.Parameters {
			known = append(known, p.Name)
		}
		has := "it has no parameters"
		if len(known) > 0 {
			has = "its parameters: " + strings.Join(known, ", ")
		}
		for _, name := range unknown {
			problems = append(problems, fmt.Sprintf("unknown parameter %s (%s)", name, has))
		}
	}

	hasBody := len(bytes.TrimSpace(body)) > 0
	switch {
	case doc.Body == nil && hasBody:
		problems = append(problems, fmt.Sprintf("a body was given, but %s takes no body", op.ID))
	case doc.Body != nil && !hasBody && doc.Body.Required:
		what := "a JSON value"
		if doc.Body.Schema != "" {
			what = "a " + doc.Body.Schema
		}
		problems = append(problems, fmt.Sprintf("missing the required body (%s, as JSON)", what))
	case doc.Body != nil && hasBody:
		var v json.RawMessage
		if err := json.Unmarshal(body, &v); err != nil {
			problems = append(problems, fmt.Sprintf("the body is not valid JSON: %v", err))
		} else {
			req.body = body
		}
	}

	if len(problems) > 0 {
		return nil, &InvalidRequestError{Operation: string(op.ID), Problems: problems}
	}
	return req, nil
}

// validHeaderValue reports whether v can be sent as a header value: no
// control character but tab (a line break would end the header).
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}
