package speclink_test

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/axa-assistance-go/axa/internal/speclink"
)

func TestExpressions(t *testing.T) {
	body := []byte(`{"id":"q-1","a/b":{"list":[10,20]}}`)
	header := http.Header{"Location": {"/travel/v1/policies/p-1"}}
	for expr, want := range map[string]any{
		"$response.body#/id":          "q-1",
		"$response.body#/a~1b/list/1": 20.0,
		"$response.header.Location":   "/travel/v1/policies/p-1",
		"a constant":                  "a constant",
	} {
		e, err := speclink.Parse(expr)
		if err != nil {
			t.Fatalf("Parse(%q): %v", expr, err)
		}
		got, err := e.Eval(header, body)
		if err != nil || got != want {
			t.Errorf("%s = %v, %v; want %v", expr, got, err, want)
		}
	}
	for _, bad := range []string{"$request.body#/id", "$response.body#id", "$response.header."} {
		if _, err := speclink.Parse(bad); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
		}
	}
	if e, _ := speclink.Parse("$response.body#/missing"); e.String() != "$response.body#/missing" {
		t.Errorf("String() = %q", e.String())
	} else if _, err := e.Eval(header, body); err == nil {
		t.Error("a missing member evaluated")
	}
}

func TestSet(t *testing.T) {
	doc := map[string]any{"quote_id": "old", "travellers": []any{map[string]any{}}}
	got, err := speclink.Set(doc, "/quote_id", "new")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := speclink.Set(got, "/travellers/0/first_name", "Ana"); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"quote_id": "new", "travellers": []any{map[string]any{"first_name": "Ana"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Set: %v, want %v", got, want)
	}
	if _, err := speclink.Set(doc, "/nowhere/x", 1); err == nil {
		t.Error("Set under a missing parent succeeded")
	}
}
