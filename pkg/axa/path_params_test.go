package axa

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/gen"
)

// resolvablePathValues are path parameter values that would make the
// request another operation's, or no operation's, once a proxy in front of
// the API normalises the path: empty, "." and "..", those same segments
// percent-encoded (once, twice, in either case, mixed with plain dots),
// and values holding a "/" or "\" (which a proxy may decode into a segment
// separator) around a dot segment or an empty one, or a ";" path parameter
// that a servlet container strips from "..".
func resolvablePathValues() []string {
	return []string{
		"", ".", "..",
		"%2e", "%2E", "%2e%2e", "%2E%2e", ".%2e", "%2E.", "%252e%252e", "%25252E",
		"x/..", "../x", "./x", "x/.", `..\x`, `x\..`, "..;x", ";x", "/", "x/", "/x", "a//b",
	}
}

// oddButSafePathValues only look odd: they stay one segment of their own
// whatever a proxy decodes, and are the API's to judge, sent escaped.
func oddButSafePathValues() []string {
	return []string{"..fr", "a/b", "fr.", "...", "%2e%2efr", "fr;x", "f r", `a\b`}
}

// A path parameter that would make the request another operation's, or
// no operation's, is refused before anything is sent: an empty id makes
// GET /travel/v1/countries/ (listCountries), "." or ".." are resolved away
// by URL parsing (GET /travel/v1/countries/.. is GET /travel/v1/), and
// their escaped forms are resolved by a gateway that normalises paths;
// the client would otherwise send them with a token of getCountry's scope.
func TestPathParameterCannotChangeTheOperation(t *testing.T) {
	f, clk := newFakeAPI(t), newFakeClock()
	c := newTestClient(t, f, clk)
	ctx := t.Context()
	for _, id := range resolvablePathValues() {
		if _, err := c.GetCountry(ctx, id, nil); !errors.Is(err, ErrValidation) {
			t.Errorf("GetCountry(%q): %v, want an error matching ErrValidation", id, err)
		}
		if _, err := c.GetCountryHealth(ctx, id, nil); !errors.Is(err, ErrValidation) {
			t.Errorf("GetCountryHealth(%q): %v, want an error matching ErrValidation", id, err)
		}
		if _, err := c.ListCountryAlerts(ctx, id, nil); !errors.Is(err, ErrValidation) {
			t.Errorf("ListCountryAlerts(%q): %v, want an error matching ErrValidation", id, err)
		}
	}
	if reqs := f.APIRequests(); len(reqs) != 0 {
		t.Errorf("%d requests reached the API, want none: %+v", len(reqs), reqs)
	}
	for _, id := range oddButSafePathValues() {
		before := len(f.APIRequests())
		_, _ = c.GetCountry(ctx, id, nil)
		if len(f.APIRequests()) != before+1 {
			t.Errorf("GetCountry(%q) was not sent", id)
		}
	}
}

// Invoke and InvokeStream refuse the same values as the typed methods, as
// an *InvalidRequestError before anything is sent (ValidateInvoke says so
// without a client); the values that are merely odd are sent, escaped.
func TestInvokePathParameterCannotChangeTheOperation(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, newFakeClock())
	ctx := t.Context()
	for _, id := range resolvablePathValues() {
		params := map[string][]string{"country_id": {id}}
		for name, err := range map[string]error{
			"Invoke": func() error { _, err := c.Invoke(ctx, "listCountryAlerts", params, nil); return err }(),
			"InvokeStream": func() error {
				st, err := c.InvokeStream(ctx, "listCountryAlerts", params, nil)
				if err == nil {
					_ = st.Close()
				}
				return err
			}(),
			"ValidateInvoke":       ValidateInvoke("getCountry", params, nil),
			"ValidateInvokeStream": ValidateInvokeStream("getCountryHealth", params, nil),
		} {
			var ie *InvalidRequestError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), "country_id") {
				t.Errorf("%s(country_id %q): %v, want an *InvalidRequestError naming country_id", name, id, err)
			}
		}
	}
	if n, m := len(f.TokenRequests()), len(f.APIRequests()); n != 0 || m != 0 {
		t.Errorf("%d token and %d API requests were made, want none", n, m)
	}
	for _, id := range oddButSafePathValues() {
		before := len(f.APIRequests())
		_, _ = c.Invoke(ctx, "listCountryAlerts", map[string][]string{"country_id": {id}}, nil)
		if len(f.APIRequests()) != before+1 {
			t.Errorf("Invoke(country_id %q) was not sent", id)
		}
	}
}

// rawMethodOperation returns the operation a method of gen.ClientInterface
// calls: the operation whose Go name is the method's, or begins it before
// "With" (CreatePolicyWithBody).
func rawMethodOperation(method string) (gen.Operation, bool) {
	var best gen.Operation
	for _, op := range gen.Operations() {
		name := strings.ToUpper(string(op.ID[:1])) + string(op.ID[1:])
		if (method == name || strings.HasPrefix(method, name+"With")) && len(name) > len(best.ID) {
			best = op
		}
	}
	return best, best.ID != ""
}

// Every method of the raw generated client that takes a path parameter
// refuses the same values, whatever the operation: nothing reaches the
// API, not even the request another operation's path would make (Raw's
// ListCountryAlerts(".") is GET /travel/v1/countries/alerts once the
// generated client resolved its URL: listAlerts's path).
func TestRawPathParameterCannotChangeTheOperation(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, newFakeClock())
	ctx := t.Context()
	raw := reflect.ValueOf(c.Raw().ClientInterface)
	tried := 0
	for i := range raw.NumMethod() {
		name := raw.Type().Method(i).Name
		op, ok := rawMethodOperation(name)
		if !ok {
			t.Errorf("Raw().%s calls no operation of gen.Operations", name)
			continue
		}
		doc, _ := gen.LookupOperationDoc(op.ID)
		nPath := 0
		for _, p := range doc.Parameters {
			if p.In == "path" {
				nPath++
			}
		}
		m := raw.Method(i)
		if nPath == 0 || m.Type().In(1).Kind() != reflect.String {
			continue // no path parameter, or one no string can be (a UUID)
		}
		tried++
		for _, v := range resolvablePathValues() {
			args := []reflect.Value{reflect.ValueOf(ctx)}
			for j := 1; j < m.Type().NumIn()-1; j++ {
				in := m.Type().In(j)
				if j <= nPath {
					args = append(args, reflect.ValueOf(v).Convert(in))
					continue
				}
				args = append(args, reflect.Zero(in))
			}
			out := m.Call(args)
			err, _ := out[1].Interface().(error)
			if resp, _ := out[0].Interface().(*http.Response); resp != nil {
				_ = resp.Body.Close()
			}
			if !errors.Is(err, ErrValidation) {
				t.Errorf("Raw().%s(%q): %v, want an error matching ErrValidation", name, v, err)
			}
		}
	}
	if tried == 0 {
		t.Fatal("no method of the raw client takes a string path parameter")
	}
	if _, err := c.Raw().ListCountryAlertsWithResponse(ctx, ".", nil); !errors.Is(err, ErrValidation) {
		t.Errorf("Raw().ListCountryAlertsWithResponse(\".\"): %v, want an error matching ErrValidation", err)
	}
	if reqs := f.APIRequests(); len(reqs) != 0 {
		t.Errorf("%d requests reached the API, want none: %+v", len(reqs), reqs)
	}
	// Values that only look odd are sent.
	for _, id := range oddButSafePathValues() {
		before := len(f.APIRequests())
		resp, err := c.Raw().GetCountry(ctx, id, nil)
		if err == nil {
			_ = resp.Body.Close()
		}
		if len(f.APIRequests()) != before+1 {
			t.Errorf("Raw().GetCountry(%q) was not sent: %v", id, err)
		}
	}
}

// A request built by hand and sent through the client's pipeline (the raw
// client's HTTP doer) is matched to an operation on its path, and refused
// when a proxy would resolve that path to another: a dot segment, plain or
// escaped, never reaches the API.
func TestPipelineRefusesAPathAProxyWouldResolve(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, newFakeClock())
	for _, path := range []string{
		"/travel/v1/countries/../alerts",
		"/travel/v1/countries/./alerts",
		"/travel/v1/countries/%2e%2e/alerts",
		"/travel/v1/countries/%2E/health_cards",
		"/travel/v1/countries/x%2F..",
		"/travel/v1/countries/%252e%252e",
	} {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, f.URL()+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.http.Do(req)
		if err == nil {
			_ = resp.Body.Close()
		}
		if !errors.Is(err, ErrValidation) {
			t.Errorf("GET %s: %v, want an error matching ErrValidation", path, err)
		}
	}
	if n, m := len(f.TokenRequests()), len(f.APIRequests()); n != 0 || m != 0 {
		t.Errorf("%d token and %d API requests were made, want none", n, m)
	}
}

// Each method of the raw generated client names its operation, which the
// pipeline checks the resolved path against: the longest operationId that
// is the method's name or begins it before "With".
func TestRawMethodsNameTheirOperations(t *testing.T) {
	ops := rawMethodOperations().ops
	for name, want := range map[string]gen.OperationID{
		"GetCountry":           gen.OperationGetCountry,
		"GetCountryHealth":     gen.OperationGetCountryHealth,
		"ListCountryAlerts":    gen.OperationListCountryAlerts,
		"CreatePolicyWithBody": gen.OperationCreatePolicy,
		"CreatePolicy":         gen.OperationCreatePolicy,
	} {
		if got := ops[name]; got != want {
			t.Errorf("Raw().%s names %q, want %q", name, got, want)
		}
	}
	it := reflect.TypeFor[gen.ClientInterface]()
	for i := range it.NumMethod() {
		name := it.Method(i).Name
		want, _ := rawMethodOperation(name)
		if got := ops[name]; got == "" || got != want.ID {
			t.Errorf("Raw().%s names %q, want %q", name, got, want.ID)
		}
	}
}

// A fresh answer in the cache is no way around the check: "." as a
// country makes ListCountryAlerts's URL the one of listAlerts, whose answer
// is stored, and the call is refused all the same, typed or raw, not
// served the worldwide alerts as one country's.
func TestCachedAnswerIsNotServedForAnotherOperationsPath(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, r *http.Request, _ int) bool {
			if r.URL.Path == "/travel/v1/countries/alerts" {
				w.Header().Set("Cache-Control", "private, max-age=300")
				w.Header().Set("ETag", `"alerts-1"`)
			}
			return false // the default answers
		}
	})
	c := newTestClient(t, f, newFakeClock(), WithCache())
	ctx := t.Context()
	if _, err := c.ListAlerts(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListAlerts(ctx, nil); err != nil || len(f.APIRequests()) != 1 {
		t.Fatalf("ListAlerts again: %v after %d requests, want its answer from the cache", err, len(f.APIRequests()))
	}
	if got, err := c.ListCountryAlerts(ctx, ".", nil); !errors.Is(err, ErrValidation) {
		t.Errorf("ListCountryAlerts(\".\"): %v, %v; want an error matching ErrValidation", got, err)
	}
	if got, err := c.Raw().ListCountryAlertsWithResponse(ctx, ".", nil); !errors.Is(err, ErrValidation) {
		t.Errorf("Raw().ListCountryAlertsWithResponse(\".\"): %v, %v; want an error matching ErrValidation", got, err)
	}
	if n := len(f.APIRequests()); n != 1 {
		t.Errorf("%d API requests, want the first ListAlerts only", n)
	}
}
