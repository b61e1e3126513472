package axa

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
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

// Is reports whether target is ErrValidation: like the API's 400, the
// refusal is of the request's content, found before it was sent.
func (e *InvalidRequestError) Is(target error) bool { return target == ErrValidation }

// missingParams is the error of a typed method given nil params where its
// operation requires parameters (names): nothing is sent.
func missingParams(op gen.OperationID, names ...string) error {
	problems := make([]string, len(names))
	for i, n := range names {
		problems[i] = "missing required parameter " + n + " (params is nil)"
	}
	return &InvalidRequestError{Operation: string(op), Problems: problems}
}

// Invoke calls the operation operationID (an operationId of the spec, e.g.
// "getCountry"; see gen.Operations) and returns the JSON of its 2xx response
// as the API sent it. It is the generic form of the typed methods, for
// tools that take the operation from their input (the command line's
// axa api) or want the response untouched: it goes through the same
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
// path parameter that is empty, "." or "..", or would make one once a proxy
// decodes it ("%2e%2e", "x/..": the path would be another operation's), a
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
	req, err := buildInvoke(op, doc, params, jsonBody(body))
	if err != nil {
		return nil, err
	}
	return call[json.RawMessage](ctx, op.ID, opts, c.sendInvoke(op, req)) //nolint:bodyclose // call closes it
}

// RequestBody is the body of an InvokeStream call: any media type, its bytes
// read from Content as the request is sent. MultipartBody makes a
// multipart/form-data one.
type RequestBody struct {
	// ContentType is the body's media type; the operation's when empty.
	ContentType string
	// Content is the body. A retry sends it again only when it is an
	// io.Seeker (an *os.File, a *bytes.Reader), from where it was;
	// otherwise the call is sent once.
	Content io.Reader

	rewind func() (io.ReadCloser, error) // MultipartBody's
}

// MultipartBody returns a multipart/form-data body of text fields and
// files, in name order, each file streamed as it is sent. A retry sends it
// again only when every file's Content is an io.Seeker.
func MultipartBody(fields map[string][]string, files map[string][]FilePart) *RequestBody {
	var parts []formPart
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		for _, v := range fields[name] {
			parts = append(parts, formPart{name: name, text: v})
		}
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		for _, f := range files[name] {
			parts = append(parts, formPart{name: name, file: &f})
		}
	}
	return newMultipartBody(parts)
}

// InvokeStream is Invoke for an operation of any shape: its body of any
// media type (nil for none), its answer handed over as a Stream, whatever
// it is: JSON, a document, nothing (an empty Stream, ContentLength 0).
// The caller reads and closes it. WithResponseInto tells the status. The
// errors are Invoke's; a body of another media type than the operation's
// is an *InvalidRequestError, as is a missing required one.
func (c *Client) InvokeStream(ctx context.Context, operationID string, params map[string][]string, body *RequestBody, opts ...RequestOption) (*Stream, error) {
	op, doc, err := lookupInvoke(operationID)
	if err != nil {
		return nil, err
	}
	req, err := buildInvoke(op, doc, params, streamBody(body))
	if err != nil {
		return nil, err
	}
	return callStream(ctx, op.ID, opts, c.sendInvoke(op, req)) //nolint:bodyclose // the Stream's reader closes it
}

// streamBody checks InvokeStream's body against the operation and adds it
// to the request.
func streamBody(body *RequestBody) func(gen.Operation, gen.OperationDoc, *invokeRequest) []string {
	return func(op gen.Operation, doc gen.OperationDoc, req *invokeRequest) []string {
		switch {
		case doc.Body == nil && body != nil:
			return []string{fmt.Sprintf("a body was given, but %s takes no body", op.ID)}
		case doc.Body == nil:
			return nil
		case body == nil || body.Content == nil:
			if doc.Body.Required {
				return []string{fmt.Sprintf("missing the required body (%s)", doc.Body.ContentType)}
			}
			return nil
		}
		ct := body.ContentType
		if ct == "" {
			ct = doc.Body.ContentType
		}
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !mediaTypeMatches(doc.Body.ContentType, mt) {
			return []string{fmt.Sprintf("a body of %s, but %s takes %s", ct, op.ID, doc.Body.ContentType)}
		}
		req.body, req.contentType, req.length = body.Content, ct, -1
		switch {
		case body.rewind != nil:
			req.getBody = body.rewind
		default:
			rd, edit := readerBody(body.Content)
			r := &http.Request{Body: io.NopCloser(rd)}
			_ = edit(context.Background(), r)
			req.body, req.getBody = rd, r.GetBody
			if r.GetBody != nil {
				req.length = r.ContentLength
			}
		}
		return nil
	}
}

// mediaTypeMatches reports whether media type mt fits declared, a media
// type of the spec that may hold wildcards (image/*, */*).
func mediaTypeMatches(declared, mt string) bool {
	dt, dsub, _ := strings.Cut(strings.ToLower(declared), "/")
	t, sub, _ := strings.Cut(strings.ToLower(mt), "/")
	return (dt == "*" || dt == t) && (dsub == "*" || dsub == sub)
}

// sendInvoke returns the send function of an Invoke request.
func (c *Client) sendInvoke(op gen.Operation, req *invokeRequest) func(context.Context) (*http.Response, error) {
	return func(ctx context.Context) (*http.Response, error) {
		r, err := http.NewRequestWithContext(ctx, op.Method, c.origin.String()+req.path, nil)
		if err != nil {
			return nil, err
		}
		if req.body != nil {
			r.Body, r.GetBody, r.ContentLength = io.NopCloser(req.body), req.getBody, req.length
			if rc, ok := req.body.(io.ReadCloser); ok {
				r.Body = rc
			}
			if req.length == 0 {
				r.Body = http.NoBody
			}
			r.Header.Set("Content-Type", req.contentType)
		}
		r.URL.RawQuery = req.query.Encode()
		for name, v := range req.header {
			r.Header.Set(name, v)
		}
		return c.http.Do(r)
	}
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
	_, err = buildInvoke(op, doc, params, jsonBody(body))
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
	// body is the request body, nil without one; contentType its media
	// type; getBody rewinds it for a retry, nil when it cannot be.
	body        io.Reader
	contentType string
	getBody     func() (io.ReadCloser, error)
	length      int64 // -1 when unknown
}

// jsonBody checks Invoke's JSON body against the operation and adds it to
// the request.
func jsonBody(body []byte) func(gen.Operation, gen.OperationDoc, *invokeRequest) []string {
	return func(op gen.Operation, doc gen.OperationDoc, req *invokeRequest) []string {
		hasBody := len(bytes.TrimSpace(body)) > 0
		switch {
		case doc.Body == nil && hasBody:
			return []string{fmt.Sprintf("a body was given, but %s takes no body", op.ID)}
		case doc.Body != nil && doc.Body.Kind != gen.KindJSON && (hasBody || doc.Body.Required):
			return []string{fmt.Sprintf("its body is %s, not JSON: call InvokeStream with a RequestBody", doc.Body.ContentType)}
		case doc.Body != nil && !hasBody && doc.Body.Required:
			what := "a JSON value"
			if doc.Body.Schema != "" {
				what = "a " + doc.Body.Schema
			}
			return []string{fmt.Sprintf("missing the required body (%s, as JSON)", what)}
		case doc.Body != nil && hasBody:
			var v json.RawMessage
			if err := json.Unmarshal(body, &v); err != nil {
				return []string{fmt.Sprintf("the body is not valid JSON: %v", err)}
			}
			req.body, req.contentType, req.length = bytes.NewReader(body), doc.Body.ContentType, int64(len(body))
			req.getBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		}
		return nil
	}
}

// buildInvoke checks params against the operation, and the body with body
// (which adds it to the request and returns its problems), and lays out the
// request; its error is an *InvalidRequestError listing every problem.
func buildInvoke(op gen.Operation, doc gen.OperationDoc, params map[string][]string, body func(gen.Operation, gen.OperationDoc, *invokeRequest) []string) (*invokeRequest, error) {
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
			v := url.PathEscape(strings.Join(vs, ","))
			if problem := pathValueProblem(v); problem != "" {
				// The check of every way in (operationOf), said here
				// before anything is sent.
				problems = append(problems, fmt.Sprintf("path parameter %s %s: a proxy that normalises paths would send another path than %s's", p.Name, problem, op.ID))
				continue
			}
			req.path = strings.ReplaceAll(req.path, "{"+p.Name+"}", v)
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

	if body != nil {
		problems = append(problems, body(op, doc, req)...)
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

// ValidateInvokeStream returns the error InvokeStream would refuse its
// arguments with, or nil; it needs no client, sends nothing and reads none
// of the body.
func ValidateInvokeStream(operationID string, params map[string][]string, body *RequestBody) error {
	op, doc, err := lookupInvoke(operationID)
	if err != nil {
		return err
	}
	var probe *RequestBody
	if body != nil {
		probe = &RequestBody{ContentType: body.ContentType, Content: http.NoBody}
	}
	_, err = buildInvoke(op, doc, params, streamBody(probe))
	return err
}
