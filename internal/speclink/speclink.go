// Package speclink reads the links of the spec (OpenAPI 3.0 Link Objects on
// responses) and evaluates their runtime expressions, so that a program can
// chain operations the way the spec says (a quote's id into a policy's
// request, a policy's id into getPolicy) without knowing them.
//
// Besides the standard parameters of a link, which fill the linked
// operation's parameters by name, a link may carry BodyFieldsExtension: a
// map from a JSON pointer into the linked operation's request body to a
// runtime expression, for one field of the body (the standard requestBody
// replaces the whole body).
package speclink

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// BodyFieldsExtension is the link extension naming fields of the linked
// operation's request body: {"/quote_id": "$response.body#/id"}.
const BodyFieldsExtension = "x-request-body-fields"

// Link is one link of a response of the spec.
type Link struct {
	// Name is the link's name; From the operationId whose response has it,
	// Status that response's status code ("201").
	Name, From, Status string
	// To is the operationId of the linked operation.
	To string
	// Parameters fill the linked operation's parameters, by name.
	Parameters map[string]Expr
	// BodyFields fill fields of its request body, by JSON pointer.
	BodyFields map[string]Expr
}

// Links returns every link of doc's responses, ordered by From, Status and
// Name. A link by operationRef, or one whose expressions do not parse, is an
// error.
func Links(doc *openapi3.T) ([]Link, error) {
	var out []Link
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.Responses == nil {
				continue
			}
			for status, resp := range op.Responses.Map() {
				if resp.Value == nil {
					continue
				}
				for name, ref := range resp.Value.Links {
					l, err := link(op.OperationID, status, name, ref.Value)
					if err != nil {
						return nil, err
					}
					out = append(out, l)
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b Link) int {
		return strings.Compare(a.From+" "+a.Status+" "+a.Name, b.From+" "+b.Status+" "+b.Name)
	})
	return out, nil
}

func link(from, status, name string, v *openapi3.Link) (Link, error) {
	l := Link{Name: name, From: from, Status: status, To: v.OperationID, Parameters: map[string]Expr{}, BodyFields: map[string]Expr{}}
	where := fmt.Sprintf("link %q of %s %s", name, from, status)
	if v.OperationID == "" {
		return l, fmt.Errorf("speclink: %s: only links by operationId are supported", where)
	}
	for p, raw := range v.Parameters {
		e, err := Parse(raw)
		if err != nil {
			return l, fmt.Errorf("speclink: %s, parameter %s: %w", where, p, err)
		}
		l.Parameters[p] = e
	}
	if x, ok := v.Extensions[BodyFieldsExtension]; ok {
		fields, ok := x.(map[string]any)
		if !ok {
			return l, fmt.Errorf("speclink: %s: %s is not a map of JSON pointers to expressions", where, BodyFieldsExtension)
		}
		for ptr, raw := range fields {
			if _, err := splitPointer(ptr); err != nil {
				return l, fmt.Errorf("speclink: %s, %s %q: %w", where, BodyFieldsExtension, ptr, err)
			}
			e, err := Parse(raw)
			if err != nil {
				return l, fmt.Errorf("speclink: %s, %s %q: %w", where, BodyFieldsExtension, ptr, err)
			}
			l.BodyFields[ptr] = e
		}
	}
	return l, nil
}

// Expr is a runtime expression of a link, or a constant.
type Expr struct {
	raw      string
	constant any
	source   string // "", "body" or "header"
	arg      string // the body's JSON pointer, or the header's name
}

// Parse parses a runtime expression: $response.body#/json/pointer or
// $response.header.Name. A value that is not a string starting with "$" is
// a constant.
func Parse(v any) (Expr, error) {
	s, ok := v.(string)
	if !ok || !strings.HasPrefix(s, "$") {
		return Expr{raw: fmt.Sprint(v), constant: v}, nil
	}
	switch {
	case strings.HasPrefix(s, "$response.body#"):
		ptr := strings.TrimPrefix(s, "$response.body#")
		if _, err := splitPointer(ptr); err != nil {
			return Expr{}, fmt.Errorf("expression %q: %w", s, err)
		}
		return Expr{raw: s, source: "body", arg: ptr}, nil
	case strings.HasPrefix(s, "$response.header."):
		name := strings.TrimPrefix(s, "$response.header.")
		if name == "" {
			return Expr{}, fmt.Errorf("expression %q: no header name", s)
		}
		return Expr{raw: s, source: "header", arg: name}, nil
	}
	return Expr{}, fmt.Errorf("expression %q: only $response.body#/pointer and $response.header.Name are supported", s)
}

// String returns the expression as written.
func (e Expr) String() string { return e.raw }

// Eval evaluates the expression on a response's header and JSON body.
func (e Expr) Eval(header http.Header, body []byte) (any, error) {
	switch e.source {
	case "":
		return e.constant, nil
	case "header":
		v := header.Get(e.arg)
		if v == "" {
			return nil, fmt.Errorf("%s: no header %s in the response", e.raw, e.arg)
		}
		return v, nil
	}
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("%s: the response body is not JSON: %w", e.raw, err)
	}
	v, err := Get(doc, e.arg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.raw, err)
	}
	return v, nil
}

// Get returns the value at a JSON pointer of a decoded JSON document.
func Get(doc any, pointer string) (any, error) {
	toks, err := splitPointer(pointer)
	if err != nil {
		return nil, err
	}
	cur := doc
	for _, t := range toks {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[t]
			if !ok {
				return nil, fmt.Errorf("no %q at %s", t, pointer)
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(c) {
				return nil, fmt.Errorf("no item %q at %s", t, pointer)
			}
			cur = c[i]
		default:
			return nil, fmt.Errorf("nothing at %s", pointer)
		}
	}
	return cur, nil
}

// Set sets the value at a JSON pointer of a decoded JSON document whose
// parent exists (an object gains the member), and returns the document.
func Set(doc any, pointer string, v any) (any, error) {
	toks, err := splitPointer(pointer)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return v, nil
	}
	parent, err := Get(doc, joinPointer(toks[:len(toks)-1]))
	if err != nil {
		return nil, err
	}
	last := toks[len(toks)-1]
	switch p := parent.(type) {
	case map[string]any:
		p[last] = v
	case []any:
		i, err := strconv.Atoi(last)
		if err != nil || i < 0 || i >= len(p) {
			return nil, fmt.Errorf("no item %q at %s", last, pointer)
		}
		p[i] = v
	default:
		return nil, fmt.Errorf("cannot set %s: its parent is not an object or an array", pointer)
	}
	return doc, nil
}

func splitPointer(p string) ([]string, error) {
	if p == "" {
		return nil, nil
	}
	if !strings.HasPrefix(p, "/") {
		return nil, errors.New("a JSON pointer starts with /")
	}
	toks := strings.Split(p[1:], "/")
	for i, t := range toks {
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return toks, nil
}

func joinPointer(toks []string) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1"))
	}
	return b.String()
}
