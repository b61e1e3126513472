package conformance

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/axa-assistance-go/axa/api"
)

func TestTamperChangesOneByteOfTheSignature(t *testing.T) {
	for _, tok := range []string{"aGVhZA.Ym9keQ.c2lnbmF0dXJl", "opaque-token-value", "x.y.AAAA"} {
		bad := tamper(tok)
		if bad == tok || len(bad) != len(tok) {
			t.Errorf("tamper(%q) = %q", tok, bad)
		}
		diff := 0
		for i := range tok {
			if tok[i] != bad[i] {
				diff++
				if dot := strings.LastIndexByte(tok, '.'); dot >= 0 && i <= dot {
					t.Errorf("tamper(%q) changed byte %d, before the signature", tok, i)
				}
			}
		}
		if diff != 1 {
			t.Errorf("tamper(%q) changed %d bytes", tok, diff)
		}
	}
}

// TestInputsComeFromTheSpec: the inputs built from the spec for
// every operation pass the spec's own request validation, and for an
// idempotent POST a variant body differs and is still valid.
func TestInputsComeFromTheSpec(t *testing.T) {
	r, err := newRunner(context.Background(), Config{BaseURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := api.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range r.ops {
		in, err := buildInputs(o, linked{}, time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC))
		if err != nil {
			t.Errorf("%s: %v", o.id, err)
			continue
		}
		if !in.hasBody {
			continue
		}
		s := doc.Paths.Find(o.path).GetOperation(o.method).RequestBody.Value.Content.Get(in.mediaType).Schema.Value
		if err := s.VisitJSON(in.body); err != nil {
			t.Errorf("%s: the body built is not valid: %v", o.id, err)
		}
		if !o.idempotent() {
			continue // the variant is for the key reuse check of an idempotent POST
		}
		other, ok := in.variant()
		if !ok || reflect.DeepEqual(other.body, in.body) {
			t.Errorf("%s: no variant body", o.id)
		} else if err := s.VisitJSON(other.body); err != nil {
			t.Errorf("%s: the variant body is not valid: %v", o.id, err)
		}
	}
}

func TestGenerateFollowsTheSchema(t *testing.T) {
	s := openapi3.NewObjectSchema().
		WithProperty("when", openapi3.NewStringSchema().WithFormat("date")).
		WithProperty("n", openapi3.NewIntegerSchema().WithMin(3)).
		WithProperty("kind", openapi3.NewStringSchema().WithEnum("a", "b")).
		WithProperty("list", openapi3.NewArraySchema().WithItems(openapi3.NewStringSchema().WithMinLength(2)).WithMinItems(2))
	s.Required = []string{"when", "n", "kind", "list"}
	v := generate(openapi3.NewSchemaRef("", s), 0)
	if err := s.VisitJSON(v); err != nil {
		t.Errorf("generated %v: %v", v, err)
	}
}
