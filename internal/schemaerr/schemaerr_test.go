package schemaerr

import (
	"fmt"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// Collect finds every failure of a value, through the MultiErrors
// kin-openapi nests them in, and one wrapped in another error.
func TestCollect(t *testing.T) {
	schema := openapi3.NewObjectSchema().
		WithProperty("code", openapi3.NewStringSchema().WithPattern("^[a-z]{2}$")).
		WithProperty("n", openapi3.NewIntegerSchema().WithMin(1))
	schema.Required = []string{"code", "n", "x"}
	err := schema.VisitJSON(map[string]any{"code": "FRA", "n": float64(0)}, openapi3.MultiErrors())
	got := Collect(err)
	var fields []string
	for _, se := range got {
		fields = append(fields, se.SchemaField)
	}
	if len(got) != 3 {
		t.Fatalf("Collect found %d failures %v, want 3 (the missing x, the pattern of code, the minimum of n): %v", len(got), fields, err)
	}
	if one := Collect(fmt.Errorf("wrapped: %w", got[1])); len(one) != 1 || one[0] != got[1] {
		t.Errorf("Collect of a wrapped SchemaError: %v", one)
	}
	if Collect(nil) != nil {
		t.Error("Collect(nil) is not nil")
	}
	if got := Collect(fmt.Errorf("no schema error")); got != nil {
		t.Errorf("Collect of an error without a SchemaError: %v", got)
	}
}
