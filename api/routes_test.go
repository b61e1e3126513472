package api_test

import (
	"context"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/gen/server"
	"github.com/axa-assistance-go/axa/internal/testutil"
)

// exampleValue is a value of a parameter, as text: its example (its own,
// its first named one, or its schema's), else its schema's first enum value
// or default, else one of its type. Routing only needs a value the path
// template and the generated server's binding accept.
func exampleValue(p *openapi3.Parameter) string {
	switch {
	case p.Example != nil:
		return textValue(p.Example)
	case len(p.Examples) > 0:
		for _, name := range slices.Sorted(maps.Keys(p.Examples)) {
			if ex := p.Examples[name]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
				return textValue(ex.Value.Value)
			}
		}
	}
	if p.Schema == nil || p.Schema.Value == nil {
		return "x"
	}
	s := p.Schema.Value
	switch {
	case s.Example != nil:
		return textValue(s.Example)
	case len(s.Enum) > 0:
		return textValue(s.Enum[0])
	case s.Default != nil:
		return textValue(s.Default)
	case s.Type.Is(openapi3.TypeInteger), s.Type.Is(openapi3.TypeNumber):
		return "1"
	case s.Type.Is(openapi3.TypeBoolean):
		return "true"
	case s.Format == "uuid":
		return "4a1e2b3c-5d6f-4a7b-8c9d-0e1f2a3b4c5d"
	case s.Format == "date":
		return "2026-12-24"
	case s.Format == "date-time":
		return "2026-12-24T10:00:00Z"
	}
	return "x"
}

// textValue is an example as a parameter's text: an array's elements
// joined by commas.
func textValue(v any) string {
	if a, ok := v.([]any); ok {
		parts := make([]string, len(a))
		for i, e := range a {
			parts[i] = textValue(e)
		}
		return strings.Join(parts, ",")
	}
	return fmt.Sprint(v)
}

// exampleBody is a body of the operation's request body, for routing: the
// generated server decodes it before it calls the handler, so an operation
// whose spec has a body (whatever its method) gets one of its first media
// type that decodes: {} for JSON (application/json or any +json type), an
// empty form, an empty multipart body, else nothing.
func exampleBody(op *openapi3.Operation) (contentType, body string) {
	if op.RequestBody == nil || op.RequestBody.Value == nil || len(op.RequestBody.Value.Content) == 0 {
		return "", ""
	}
	media := slices.Sorted(maps.Keys(op.RequestBody.Value.Content))
	if slices.Contains(media, "application/json") {
		media = []string{"application/json"}
	}
	mt, _, err := mime.ParseMediaType(media[0])
	if err != nil {
		return media[0], ""
	}
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return media[0], "{}"
	case mt == "multipart/form-data":
		return "multipart/form-data; boundary=routes", "--routes--\r\n"
	}
	return media[0], ""
}

// Every API operation of the scope table reaches its own handler in the
// generated server (and the authorization server's none), with the paths as net/http's ServeMux matches them: for
// instance /travel/v1/countries/alerts must reach listAlerts, not getCountry
// with a country named "alerts".
func TestEveryOperationRoutesToItsHandler(t *testing.T) {
	doc := testutil.Spec(t)
	recordOperation := func(_ server.StrictHandlerFunc, operationID string) server.StrictHandlerFunc {
		return func(_ context.Context, w http.ResponseWriter, _ *http.Request, _ any) (any, error) {
			w.Header().Set("X-Operation", operationID)
			return nil, nil //nolint:nilnil // stop here: no handler is implemented
		}
	}
	h := server.HandlerFromMux(server.NewStrictHandler(nil, []server.StrictMiddlewareFunc{recordOperation}), http.NewServeMux())

	ops := gen.Operations()
	if len(ops) == 0 {
		t.Fatal("the scope table is empty")
	}
	for _, op := range ops {
		item := doc.Paths.Value(op.Path)
		spec := item.GetOperation(op.Method)
		path, query, header := op.Path, url.Values{}, http.Header{}
		for _, ref := range append(item.Parameters, spec.Parameters...) {
			p := ref.Value
			switch {
			case p.In == openapi3.ParameterInPath:
				path = strings.ReplaceAll(path, "{"+p.Name+"}", url.PathEscape(exampleValue(p)))
			case p.Required && p.In == openapi3.ParameterInQuery:
				query.Set(p.Name, exampleValue(p))
			case p.Required && p.In == openapi3.ParameterInHeader:
				header.Set(p.Name, exampleValue(p))
			}
		}
		target := path
		if len(query) > 0 {
			target += "?" + query.Encode()
		}
		contentType, body := exampleBody(spec)
		req := httptest.NewRequestWithContext(t.Context(), op.Method, target, strings.NewReader(body))
		req.Header = header
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if op.AuthorizationServer {
			// Not generated (exclude-tags: oauth): pkg/sandbox/oauth
			// serves it, by hand.
			if got := rec.Header().Get("X-Operation"); got != "" || rec.Code != http.StatusNotFound {
				t.Errorf("%s %s reached %q (status %d) in the generated server, want none: it is the authorization server's", op.Method, target, got, rec.Code)
			}
			continue
		}
		if got := rec.Header().Get("X-Operation"); !strings.EqualFold(got, string(op.ID)) {
			t.Errorf("%s %s reached %q (status %d, %s), want %s", op.Method, target, got, rec.Code, strings.TrimSpace(rec.Body.String()), op.ID)
		}
	}
}
