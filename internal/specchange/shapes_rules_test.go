package specchange

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/axa-assistance-go/axa/internal/contract"
	"github.com/axa-assistance-go/axa/internal/gencheck"
)

// The proof's spec, with one operation of every shape, is valid OpenAPI
// and follows the house rules: a well-written instance of each shape is
// accepted (the proof then generates and runs it).
func TestTheShapesFollowTheHouseRules(t *testing.T) {
	root, err := gencheck.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	spec, err := os.ReadFile(filepath.Join(root, "api", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(editSpec(t, spec, true))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the spec with the shapes is not valid OpenAPI: %v", err)
	}
	for _, v := range contract.Check(doc) {
		t.Errorf("house rule: %s", v)
	}
}
