package contract

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// DesignNoteExtension holds what a spec author tells another one about an
// object of the spec: where the model comes from (the Quickstart, the 2018
// listing of the API) and which parts are our design. It may go on any
// object that has a description; it reaches no generated documentation,
// which says what the API does, for its users.
const DesignNoteExtension = "x-design-note"

// authorsNote finds, in a description, words that are notes for the spec's
// authors, which belong in DesignNoteExtension: the provenance of the model
// ("our design", the 2018 listing, the Quickstart).
var authorsNote = regexp.MustCompile(`(?i)\bour design\b|\b2018\b|\bthe listing\b|\blisting's\b|\bquickstart\b`)

// checkDesignNotes applies the rule design-notes: no description but the
// info object's (the spec's own introduction, for its authors) holds a
// note for the spec's authors, and every x-design-note is a non-empty
// string.
func (c *checker) checkDesignNotes() {
	const rule = "design-notes"
	check := func(where, description string, ext map[string]any) {
		if m := authorsNote.FindString(description); m != "" {
			c.add(rule, where, "the description holds %q, a note for the spec's authors: its users read descriptions (the SDK's docs, axa api's help); move the note to %s", m, DesignNoteExtension)
		}
		if v, ok := ext[DesignNoteExtension]; ok {
			if s, isString := v.(string); !isString || strings.TrimSpace(s) == "" {
				c.add(rule, where, "%s must be a non-empty string", DesignNoteExtension)
			}
		}
	}
	var schema func(where string, ref *openapi3.SchemaRef)
	schema = func(where string, ref *openapi3.SchemaRef) {
		if ref == nil || ref.Ref != "" || ref.Value == nil {
			return // a reference is checked where it is declared
		}
		s := ref.Value
		check(where, s.Description, s.Extensions)
		for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
			schema(where+".properties."+name, s.Properties[name])
		}
		schema(where+".items", s.Items)
		schema(where+".not", s.Not)
		schema(where+".additionalProperties", s.AdditionalProperties.Schema)
		for kind, members := range map[string]openapi3.SchemaRefs{"allOf": s.AllOf, "oneOf": s.OneOf, "anyOf": s.AnyOf} {
			for i, m := range members {
				schema(fmt.Sprintf("%s.%s[%d]", where, kind, i), m)
			}
		}
	}
	content := func(where string, cs openapi3.Content) {
		for _, mt := range slices.Sorted(maps.Keys(cs)) {
			if cs[mt] != nil {
				schema(where+".content."+mt, cs[mt].Schema)
			}
		}
	}
	parameter := func(where string, ref *openapi3.ParameterRef) {
		if ref == nil || ref.Ref != "" || ref.Value == nil {
			return
		}
		check(where, ref.Value.Description, ref.Value.Extensions)
		schema(where+".schema", ref.Value.Schema)
	}
	header := func(where string, ref *openapi3.HeaderRef) {
		if ref == nil || ref.Ref != "" || ref.Value == nil {
			return
		}
		check(where, ref.Value.Description, ref.Value.Extensions)
		schema(where+".schema", ref.Value.Schema)
	}
	response := func(where string, ref *openapi3.ResponseRef) {
		if ref == nil || ref.Ref != "" || ref.Value == nil {
			return
		}
		if ref.Value.Description != nil {
			check(where, *ref.Value.Description, ref.Value.Extensions)
		}
		for _, name := range slices.Sorted(maps.Keys(ref.Value.Headers)) {
			header(where+".headers."+name, ref.Value.Headers[name])
		}
		content(where, ref.Value.Content)
	}
	requestBody := func(where string, ref *openapi3.RequestBodyRef) {
		if ref == nil || ref.Ref != "" || ref.Value == nil {
			return
		}
		check(where, ref.Value.Description, ref.Value.Extensions)
		content(where, ref.Value.Content)
	}

	for i, srv := range c.doc.Servers {
		check(fmt.Sprintf("servers[%d]", i), srv.Description, srv.Extensions)
	}
	for _, tag := range c.doc.Tags {
		check("tags."+tag.Name, tag.Description, tag.Extensions)
	}
	if c.doc.Paths != nil {
		for _, path := range c.doc.Paths.InMatchingOrder() {
			item := c.doc.Paths.Value(path)
			for i, p := range item.Parameters {
				parameter(fmt.Sprintf("%s.parameters[%d]", path, i), p)
			}
			for _, method := range slices.Sorted(maps.Keys(item.Operations())) {
				op := item.Operations()[method]
				where := method + " " + path
				check(where, op.Summary+" "+op.Description, op.Extensions)
				for i, p := range op.Parameters {
					parameter(fmt.Sprintf("%s.parameters[%d]", where, i), p)
				}
				requestBody(where+".requestBody", op.RequestBody)
				if op.Responses != nil {
					for status, r := range op.Responses.Map() {
						response(where+".responses."+status, r)
					}
				}
			}
		}
	}
	if comp := c.doc.Components; comp != nil {
		for _, name := range slices.Sorted(maps.Keys(comp.Schemas)) {
			schema("components.schemas."+name, comp.Schemas[name])
		}
		for _, name := range slices.Sorted(maps.Keys(comp.Parameters)) {
			parameter("components.parameters."+name, comp.Parameters[name])
		}
		for _, name := range slices.Sorted(maps.Keys(comp.Headers)) {
			header("components.headers."+name, comp.Headers[name])
		}
		for _, name := range slices.Sorted(maps.Keys(comp.Responses)) {
			response("components.responses."+name, comp.Responses[name])
		}
		for _, name := range slices.Sorted(maps.Keys(comp.RequestBodies)) {
			requestBody("components.requestBodies."+name, comp.RequestBodies[name])
		}
	}
}
