package api_test

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/axa-assistance-go/axa/internal/speclink"
	"github.com/axa-assistance-go/axa/internal/testutil"
)

// TestLinksNameWhatExists: every link of the spec names an operation that
// exists, a parameter it has, a field of its request body, and reads a
// property of the response it hangs on; the conformance run chains
// operations through them.
func TestLinksNameWhatExists(t *testing.T) {
	doc := testutil.Spec(t)
	links, err := speclink.Links(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(links) == 0 {
		t.Fatal("the spec has no links; the conformance run needs them to chain quote, policy and getPolicy")
	}
	ops := map[string]*openapi3.Operation{}
	params := map[string]map[string]bool{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			ops[op.OperationID] = op
			params[op.OperationID] = map[string]bool{}
			for _, p := range append(item.Parameters, op.Parameters...) {
				params[op.OperationID][p.Value.Name] = true
			}
		}
	}
	for _, l := range links {
		to, ok := ops[l.To]
		if !ok {
			t.Errorf("link %s of %s names no operation: %q", l.Name, l.From, l.To)
			continue
		}
		from := ops[l.From].Responses.Value(l.Status).Value
		for name, e := range l.Parameters {
			if !params[l.To][name] {
				t.Errorf("link %s of %s: %s has no parameter %q", l.Name, l.From, l.To, name)
			}
			checkSource(t, l, from, e)
		}
		for ptr, e := range l.BodyFields {
			if to.RequestBody == nil || !schemaHas(to.RequestBody.Value.Content.Get("application/json").Schema, ptr) {
				t.Errorf("link %s of %s: %s's request body has no %s", l.Name, l.From, l.To, ptr)
			}
			checkSource(t, l, from, e)
		}
	}
}

// checkSource checks that a $response.body expression reads a property of
// the response's schema.
func checkSource(t *testing.T, l speclink.Link, from *openapi3.Response, e speclink.Expr) {
	t.Helper()
	ptr, ok := strings.CutPrefix(e.String(), "$response.body#")
	if !ok {
		return
	}
	if mt := from.Content.Get("application/json"); mt == nil || !schemaHas(mt.Schema, ptr) {
		t.Errorf("link %s of %s: the response has no %s", l.Name, l.From, ptr)
	}
}

// schemaHas reports whether the object schema s declares the property path
// ptr (a JSON pointer through objects).
func schemaHas(s *openapi3.SchemaRef, ptr string) bool {
	for _, name := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		if s == nil || s.Value == nil {
			return false
		}
		s = s.Value.Properties[name]
	}
	return s != nil
}
