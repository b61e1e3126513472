//go:build !axa_thin

package cli

import (
	"maps"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// jsonSchema converts an OpenAPI 3.0 schema of the spec to the JSON Schema
// (draft 2020-12) of an MCP tool's input or output: the keywords the two
// share are copied, every $ref is inlined, and those of OpenAPI 3.0 alone
// become their JSON Schema spelling: nullable adds "null" to the type (and
// to an enum), a boolean exclusiveMinimum or exclusiveMaximum becomes the
// bound itself, example becomes examples; discriminator and xml, which
// JSON Schema has not, are left out. A schema that refers to itself, which
// the spec does not have, is cut where it recurs (any value there).
// Without examples, the examples are left out: an answer's schema is for
// checking, and its examples would only lengthen the tool list an agent
// reads.
func jsonSchema(s *openapi3.Schema, examples bool) map[string]any {
	return convertSchema(s, map[*openapi3.Schema]bool{}, examples)
}

func convertSchema(s *openapi3.Schema, seen map[*openapi3.Schema]bool, examples bool) map[string]any {
	out := map[string]any{}
	if s == nil || seen[s] {
		return out
	}
	if s.Always != nil {
		if !*s.Always {
			out["not"] = map[string]any{}
		}
		return out
	}
	seen[s] = true
	defer delete(seen, s)
	sub := func(ref *openapi3.SchemaRef) map[string]any {
		if ref == nil {
			return map[string]any{}
		}
		return convertSchema(ref.Value, seen, examples)
	}
	subs := func(refs openapi3.SchemaRefs) []any {
		list := make([]any, 0, len(refs))
		for _, r := range refs {
			list = append(list, sub(r))
		}
		return list
	}

	if s.Type != nil && len(s.Type.Slice()) > 0 {
		types := slices.Clone(s.Type.Slice())
		if s.Nullable && !slices.Contains(types, openapi3.TypeNull) {
			types = append(types, openapi3.TypeNull)
		}
		if len(types) == 1 {
			out["type"] = types[0]
		} else {
			out["type"] = types
		}
	}
	setString := func(key, v string) {
		if v != "" {
			out[key] = v
		}
	}
	setString("title", s.Title)
	setString("description", s.Description)
	setString("format", s.Format)
	setString("pattern", s.Pattern)
	if len(s.Enum) > 0 {
		enum := slices.Clone(s.Enum)
		if s.Nullable && !slices.Contains(enum, any(nil)) {
			enum = append(enum, nil)
		}
		out["enum"] = enum
	}
	if s.Const != nil {
		out["const"] = s.Const
	}
	if s.Default != nil {
		out["default"] = s.Default
	}
	switch {
	case !examples:
	case len(s.Examples) > 0:
		out["examples"] = slices.Clone(s.Examples)
	case s.Example != nil:
		out["examples"] = []any{s.Example}
	}
	if s.Deprecated {
		out["deprecated"] = true
	}
	if s.ReadOnly {
		out["readOnly"] = true
	}
	if s.WriteOnly {
		out["writeOnly"] = true
	}

	// Numbers: OpenAPI 3.0's exclusive bounds are flags on minimum and
	// maximum; JSON Schema's are the bounds themselves.
	bound := func(key, exclusiveKey string, v *float64, ex openapi3.ExclusiveBound) {
		switch {
		case ex.Value != nil:
			out[exclusiveKey] = *ex.Value
			if v != nil {
				out[key] = *v
			}
		case v != nil && ex.IsTrue():
			out[exclusiveKey] = *v
		case v != nil:
			out[key] = *v
		}
	}
	bound("minimum", "exclusiveMinimum", s.Min, s.ExclusiveMin)
	bound("maximum", "exclusiveMaximum", s.Max, s.ExclusiveMax)
	if s.MultipleOf != nil {
		out["multipleOf"] = *s.MultipleOf
	}

	// Strings.
	if s.MinLength > 0 {
		out["minLength"] = s.MinLength
	}
	if s.MaxLength != nil {
		out["maxLength"] = *s.MaxLength
	}

	// Arrays.
	if s.Items != nil {
		out["items"] = sub(s.Items)
	}
	if s.MinItems > 0 {
		out["minItems"] = s.MinItems
	}
	if s.MaxItems != nil {
		out["maxItems"] = *s.MaxItems
	}
	if s.UniqueItems {
		out["uniqueItems"] = true
	}

	// Objects.
	if len(s.Properties) > 0 {
		props := map[string]any{}
		for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
			props[name] = sub(s.Properties[name])
		}
		out["properties"] = props
	}
	if len(s.Required) > 0 {
		out["required"] = slices.Clone(s.Required)
	}
	if s.MinProps > 0 {
		out["minProperties"] = s.MinProps
	}
	if s.MaxProps != nil {
		out["maxProperties"] = *s.MaxProps
	}
	switch ap := s.AdditionalProperties; {
	case ap.Has != nil:
		out["additionalProperties"] = *ap.Has
	case ap.Schema != nil:
		out["additionalProperties"] = sub(ap.Schema)
	}

	// Compositions.
	if len(s.AllOf) > 0 {
		out["allOf"] = subs(s.AllOf)
	}
	if len(s.AnyOf) > 0 {
		out["anyOf"] = subs(s.AnyOf)
	}
	if len(s.OneOf) > 0 {
		out["oneOf"] = subs(s.OneOf)
	}
	if s.Not != nil {
		out["not"] = sub(s.Not)
	}
	return out
}
