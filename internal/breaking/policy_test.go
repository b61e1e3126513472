package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// The gate calls breaking what breaks a caller of the Go SDK, and only
// that (CONTRIBUTING.md, "The breaking-change gate"): what an SDK of the
// old spec still decodes (a new response enum value, a new property, a new
// optional header) is not breaking; what its callers send that the new
// spec refuses (a request enum narrowed) is; and so is what removes an
// exported Go identifier (a response enum value, an optional response
// property, a request property, a parameter), though oasdiff's defaults
// call those safe.
func TestGateMatchesWhatTheSDKBreaks(t *testing.T) {
	dir := t.TempDir()
	base := specFixture(t, dir, "base.json", nil)
	requireOasdiff(t, base)
	schema := func(d *openapi3.T, name string) *openapi3.Schema {
		t.Helper()
		ref, ok := d.Components.Schemas[name]
		if !ok || ref.Value == nil {
			t.Fatalf("the schema %s is gone from the spec: pick another for this test", name)
		}
		return ref.Value
	}
	operation := func(d *openapi3.T, path, method string) *openapi3.Operation {
		t.Helper()
		item := d.Paths.Find(path)
		if item == nil || item.GetOperation(method) == nil {
			t.Fatalf("%s %s is gone from the spec: pick another for this test", method, path)
		}
		return item.GetOperation(method)
	}
	tests := []struct {
		name     string
		edit     func(*openapi3.T)
		breaking bool
		says     string // in the gate's output when breaking
	}{
		{"a response enum value added", func(d *openapi3.T) {
			s := schema(d, "PolicyStatus")
			s.Enum = append(s.Enum, "suspended")
		}, false, ""},
		{"a value added to an enum of requests and answers", func(d *openapi3.T) {
			s := schema(d, "TripType")
			s.Enum = append(s.Enum, "multi_leg")
		}, false, ""},
		{"a response property added", func(d *openapi3.T) {
			schema(d, "Policy").Properties["loyalty_points"] = &openapi3.SchemaRef{Value: openapi3.NewIntegerSchema()}
		}, false, ""},
		{"an optional response header added", func(d *openapi3.T) {
			r := operation(d, "/travel/v1/policies/{policy_id}", "GET").Responses.Value("200").Value
			if r.Headers == nil {
				r.Headers = openapi3.Headers{}
			}
			r.Headers["X-Loyalty-Tier"] = &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{
				Description: "added later", Schema: &openapi3.SchemaRef{Value: openapi3.NewStringSchema()},
			}}}
		}, false, ""},
		{"a request enum narrowed", func(d *openapi3.T) {
			schema(d, "TripType").Enum = []any{"single_trip"}
		}, true, "request-property-enum-value-removed"},
		{"a response enum value removed", func(d *openapi3.T) {
			s := schema(d, "PolicyStatus")
			s.Enum = slices.DeleteFunc(slices.Clone(s.Enum), func(v any) bool { return v == "cancelled" })
		}, true, "response-property-enum-value-removed"},
		{"an optional response property removed", func(d *openapi3.T) {
			delete(schema(d, "MedicalProvider").Properties, "website")
		}, true, "response-optional-property-removed"},
		{"an optional request property removed", func(d *openapi3.T) {
			delete(schema(d, "QuoteRequest").Properties, "promo_code")
		}, true, "request-property-removed"},
		{"an optional parameter removed", func(d *openapi3.T) {
			op := operation(d, "/travel/v1/countries/alerts", "GET")
			n := len(op.Parameters)
			op.Parameters = slices.DeleteFunc(op.Parameters, func(p *openapi3.ParameterRef) bool { return p.Value != nil && p.Value.Name == "min_level" })
			if len(op.Parameters) == n {
				t.Fatal("listAlerts has no min_level parameter: pick another for this test")
			}
		}, true, "request-parameter-removed"},
	}
	for i, tt := range tests {
		head := specFixture(t, dir, "head"+string(rune('a'+i))+".json", tt.edit)
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			got := gate(context.Background(), gateInput{BaseSpec: base, HeadSpec: head, Changelog: []byte(changelogNoMajor)}, &out, &out)
			switch {
			case !tt.breaking && (got != 0 || !strings.Contains(out.String(), "no breaking change")):
				t.Errorf("gate = %d, want 0 and no breaking change; output:\n%s", got, out.String())
			case tt.breaking && (got != 1 || !strings.Contains(out.String(), tt.says)):
				t.Errorf("gate = %d, want 1 naming %s; output:\n%s", got, tt.says, out.String())
			}
		})
	}
}

// Every level the gate sets is of a check oasdiff has (it refuses an
// unknown id), in the format it reads, and says why.
func TestSeverityLevelsAreOasdiffs(t *testing.T) {
	dir := t.TempDir()
	p, err := writeSeverityLevels(dir)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != len(severityLevels()) {
		t.Fatalf("%d lines for %d levels:\n%s", len(lines), len(severityLevels()), data)
	}
	for i, s := range severityLevels() {
		if lines[i] != s.id+" "+s.level || s.why == "" || (s.level != "err" && s.level != "info") {
			t.Errorf("line %q of %+v", lines[i], s)
		}
	}
	// oasdiff reads the file: an unknown id would make the run fail.
	base := specFixture(t, dir, "base.json", nil)
	requireOasdiff(t, base)
	if _, err := oasdiffBreaking(context.Background(), base, filepath.Clean(base)); err != nil {
		t.Errorf("oasdiff with the gate's levels: %v", err)
	}
}
