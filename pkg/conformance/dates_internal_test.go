package conformance

import (
	"reflect"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestShiftRelativeDates(t *testing.T) {
	rel := func() *openapi3.SchemaRef {
		s := openapi3.NewStringSchema()
		s.Format = "date"
		s.Extensions = map[string]any{relativeDateExt: true}
		return s.NewRef()
	}
	birth := openapi3.NewStringSchema()
	birth.Format = "date"
	trip := openapi3.NewObjectSchema().
		WithPropertyRef("start", rel()).WithPropertyRef("end", rel()).
		WithProperty("travellers", openapi3.NewArraySchema().WithItems(openapi3.NewObjectSchema().WithProperty("birth", birth)))
	body := map[string]any{
		"start": "2026-12-20", "end": "2027-01-05",
		"travellers": []any{map[string]any{"birth": "1985-04-12"}},
	}
	got := shiftRelativeDates(trip.NewRef(), body, time.Date(2031, 2, 27, 23, 0, 0, 0, time.UTC))
	want := map[string]any{
		"start": "2031-02-28", "end": "2031-03-16", // 16 days apart, as written
		"travellers": []any{map[string]any{"birth": "1985-04-12"}}, // not relative: unchanged
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("shifted = %v, want %v", got, want)
	}
	for _, v := range []any{nil, "2026-12-20", map[string]any{"start": 7}, map[string]any{"start": "soon"}} {
		if got := shiftRelativeDates(trip.NewRef(), v, time.Now()); !reflect.DeepEqual(got, v) {
			t.Errorf("shiftRelativeDates(%v) = %v, want it unchanged", v, got)
		}
	}
}
