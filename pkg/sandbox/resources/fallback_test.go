package resources

import (
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/gen/server"
	"github.com/axa-assistance-go/axa/pkg/sandbox/data"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
)

// handlerMethods returns the names, lower-cased, of the methods written by
// hand on *Resources in this package: oapi-codegen names a method after its
// operationId with initialisms (getThingId is GetThingID), so names are
// compared without case, as the fallback's generator does.
func handlerMethods(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	out := map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || strings.HasSuffix(name, ".gen.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || len(fd.Recv.List) != 1 {
				continue
			}
			if star, ok := fd.Recv.List[0].Type.(*ast.StarExpr); ok {
				if id, ok := star.X.(*ast.Ident); ok && id.Name == "Resources" {
					out[strings.ToLower(fd.Name.Name)] = true
				}
			}
		}
	}
	return out
}

// The operations still answered by their spec example, listed; each of
// them must have an example to answer. The operations that have a handler
// today keep it.
func TestExampleBackedOperations(t *testing.T) {
	handlers := handlerMethods(t)
	var backed []string
	for _, op := range gen.Operations() {
		if op.AuthorizationServer {
			// Served by package oauth, not a resource: neither a handler
			// nor an example answer here.
			if handlers[strings.ToLower(string(op.ID))] {
				t.Errorf("%s, an operation of the authorization server, has a resource handler", op.ID)
			}
			continue
		}
		if handlers[strings.ToLower(string(op.ID))] {
			continue
		}
		backed = append(backed, string(op.ID))
		if !answerable(successesOf(op.ID)) {
			t.Errorf("%s has no handler and the spec gives no example of its answer: it answers 501", op.ID)
		}
	}
	t.Logf("operations answered by their spec example (no handler yet): %v", backed)
	for _, id := range []string{
		"getVersion", "listCountries", "getCountry", "getCountryHealth", "getCountrySecurity", "listAlerts",
		"listCountryAlerts", "requestQuote", "createPolicy", "getPolicy", "searchMedicalProviders",
		"listProviderKinds", "listProviderSpecialities",
	} {
		if slices.Contains(backed, id) {
			t.Errorf("%s lost its handler: it would answer the spec's example instead of the sandbox's data", id)
		}
	}
}

// answerable reports whether the example answers can answer the first of
// successes: one without content or binary always, a JSON one with its
// example.
func answerable(successes []success) bool {
	return len(successes) > 0 && (successes[0].kind != gen.KindJSON || successes[0].example != "")
}

// examplesOnly is a strict server with no handler at all: every operation
// answers its spec example.
type examplesOnly struct{ exampleAnswers }

// An operation without a handler answers its spec example, behind the same
// validation, token and scope checks as the others.
func TestOperationWithoutHandlerAnswersItsExample(t *testing.T) {
	h := behindValidator(t, strictServer(examplesOnly{}))
	tokenFor := func(scope string) string { return stubToken("scope", scope) }
	get := func(path, token string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	const path = "/travel/v1/countries/fr/alerts"
	status, example, ok := gen.ExampleResponse(gen.OperationListCountryAlerts)
	if !ok {
		t.Fatal("the spec gives no example for listCountryAlerts")
	}
	rec := get(path, tokenFor(string(gen.ScopeTravelCountriesAlertsReadOnly)))
	if rec.Code != status || !jsonEqual(t, rec.Body.Bytes(), example) {
		t.Errorf("with its scope: %d %s, want %d and the spec's example", rec.Code, rec.Body, status)
	}
	if rec := get(path, ""); rec.Code != http.StatusUnauthorized {
		t.Errorf("without a token: %d, want 401", rec.Code)
	}
	if rec := get(path, tokenFor(string(gen.ScopeTravelCountriesReadOnly))); rec.Code != http.StatusForbidden {
		t.Errorf("with another scope: %d, want 403", rec.Code)
	}
	if rec := get(path+"?min_level=severe", tokenFor(string(gen.ScopeTravelCountriesAlertsReadOnly))); rec.Code != http.StatusBadRequest {
		t.Errorf("with a parameter the spec refuses: %d, want 400", rec.Code)
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		return false
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(va)
	jb, _ := json.Marshal(vb)
	return string(ja) == string(jb)
}

// The example answer of an operation that takes an Idempotency-Key (one the
// spec adds without a handler) honours the key as the handlers do: the same
// key and body replay it, saying so; another body with the key is a 422;
// another owner's key is its own.
func TestIdempotentExampleAnswerHonoursTheKey(t *testing.T) {
	res := New(testConfig(time.Now), data.NewDataset(1))
	// The fallback's own method, not the handler that shadows it.
	fallback := res.exampleAnswers
	ctx := func(client string) context.Context {
		return reqctx.WithClaims(context.Background(), &reqctx.Claims{ClientID: client})
	}
	body := &gen.PolicyRequest{QuoteID: uuid.MustParse("0c6f2a3b-1d4e-4f5a-8b9c-7d6e5f4a3b2c")}
	body.PolicyHolder.Email = "camille.martin@example.com"
	call := func(ctx context.Context, key string, body *gen.PolicyRequest) (*httptest.ResponseRecorder, error) {
		t.Helper()
		answer, err := fallback.CreatePolicy(ctx, server.CreatePolicyRequestObject{Params: gen.CreatePolicyParams{IdempotencyKey: key}, Body: body})
		if err != nil {
			return nil, err
		}
		rec := httptest.NewRecorder()
		if err := answer.VisitCreatePolicyResponse(rec); err != nil {
			t.Fatal(err)
		}
		return rec, nil
	}
	for i, want := range []string{"false", "true", "true"} {
		rec, err := call(ctx("a"), "k1", body)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Code != http.StatusCreated || rec.Header().Get("Idempotent-Replayed") != want {
			t.Errorf("call %d: %d, Idempotent-Replayed %q, want 201 and %q", i, rec.Code, rec.Header().Get("Idempotent-Replayed"), want)
		}
	}
	other := &gen.PolicyRequest{QuoteID: uuid.MustParse("1c6f2a3b-1d4e-4f5a-8b9c-7d6e5f4a3b2c")}
	other.PolicyHolder.Email = body.PolicyHolder.Email
	_, err := call(ctx("a"), "k1", other)
	wantError(t, err, http.StatusUnprocessableEntity, "idempotency_key_reused")
	if rec, err := call(ctx("b"), "k1", other); err != nil || rec.Header().Get("Idempotent-Replayed") != "false" {
		t.Errorf("another owner's key: %v, %v, want a first answer", rec, err)
	}
	// Without the Resources' store (a bare exampleAnswers), every
	// request is answered afresh.
	rec := httptest.NewRecorder()
	answer, err := exampleAnswers{}.CreatePolicy(ctx("a"), server.CreatePolicyRequestObject{Params: gen.CreatePolicyParams{IdempotencyKey: "k1"}, Body: body})
	if err != nil || answer.VisitCreatePolicyResponse(rec) != nil || rec.Header().Get("Idempotent-Replayed") != "false" {
		t.Errorf("bare fallback: %v, %q", err, rec.Header().Get("Idempotent-Replayed"))
	}
}
