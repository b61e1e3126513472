package validate

import (
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// schemaNames is what the names check needs to know of the schemas a JSON
// value must match: the same for every request, so worked out once per
// schema (nameCache).
type schemaNames struct {
	// props are the properties the schemas declare, each with the schemas
	// its value must match.
	props map[string][]*openapi3.Schema
	// declared maps each property's folded name (foldName) to the
	// property.
	declared map[string]string
	// additional are the schemas of the members not declared.
	additional []*openapi3.Schema
	// items are the schemas of an array's items.
	items []*openapi3.Schema
}

// namesOfSchemas works out the schemaNames of schemas.
func namesOfSchemas(schemas []*openapi3.Schema) *schemaNames {
	n := &schemaNames{props: declaredProperties(schemas), additional: additionalProperties(schemas)}
	n.declared = make(map[string]string, len(n.props))
	for name := range n.props {
		n.declared[foldName(name)] = name
	}
	for _, s := range flatten(schemas) {
		if s.Items != nil && s.Items.Value != nil {
			n.items = append(n.items, s.Items.Value)
		}
	}
	return n
}

// nameCache keeps the schemaNames of each schema a body was checked
// against, for the life of the validator: the schemas are those of its
// spec, which never change, so the cache holds one entry per schema of the
// spec at most. A nil cache keeps nothing.
type nameCache struct {
	m sync.Map // *openapi3.Schema → *schemaNames
}

// noNames is the schemaNames of no schema: a value the spec says nothing
// of. It is shared, and never changed.
var noNames = namesOfSchemas(nil)

// namesOf returns the schemaNames of schemas, from the cache when they are
// one schema (the common case) and the cache has it.
func (c *nameCache) namesOf(schemas []*openapi3.Schema) *schemaNames {
	switch {
	case len(schemas) == 0:
		return noNames
	case c == nil || len(schemas) > 1:
		return namesOfSchemas(schemas)
	}
	if n, ok := c.m.Load(schemas[0]); ok {
		return n.(*schemaNames)
	}
	n := namesOfSchemas(schemas)
	c.m.Store(schemas[0], n)
	return n
}
