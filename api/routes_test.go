package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/gen/server"
	"github.com/axa-assistance-go/axa/internal/testutil"
)

// exampleValue is the example of a parameter's schema, as text.
func exampleValue(t *testing.T, p *openapi3.Parameter) string {
	t.Helper()
	if p.Schema == nil || p.Schema.Value == nil || p.Schema.Value.Example == nil {
		t.Fatalf("parameter %s has no schema example", p.Name)
	}
	return fmt.Sprint(p.Schema.Value.Example)
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
				path = strings.ReplaceAll(path, "{"+p.Name+"}", url.PathEscape(exampleValue(t, p)))
			case p.Required && p.In == openapi3.ParameterInQuery:
				query.Set(p.Name, exampleValue(t, p))
			case p.Required && p.In == openapi3.ParameterInHeader:
				header.Set(p.Name, exampleValue(t, p))
			}
		}
		target := path
		if len(query) > 0 {
			target += "?" + query.Encode()
		}
		var body *strings.Reader
		if op.Method == http.MethodPost {
			body = strings.NewReader("{}")
		} else {
			body = strings.NewReader("")
		}
		req := httptest.NewRequestWithContext(t.Context(), op.Method, target, body)
		req.Header = header
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
