package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
)

// The fast path of a JSON request body: one walk over its bytes, compiled
// from the spec's schema when the validator is made, that checks at once
// what the general path (kin-openapi's decode and schema walk, checkNames,
// encodingProblems) checks in four passes. It only ever says "valid": a
// body it is not sure of (a problem, or anything it was not compiled to
// read, such as an escape in a string or a keyword it does not know) goes
// the general path, which answers it as before, with every problem. So it
// may refuse more than the general path accepts, never less: a body it
// accepts is one kin-openapi and checkNames accept, and is then bound by
// the generated server from its bytes (encoding/json: after the names
// check, its case-insensitive matching reads the names exactly).

// maxFastDepth bounds the nesting the fast path walks; deeper bodies go the
// general path.
const maxFastDepth = 32

// maxFastMembers bounds the members of an object the fast path checks for
// duplicate names, pair by pair; larger objects go the general path.
const maxFastMembers = 64

// bodyKind is the JSON type a bodyNode accepts.
type bodyKind uint8

const (
	kindAny bodyKind = iota // any value: no schema, or additionalProperties: true
	kindObject
	kindArray
	kindString
	kindInteger
	kindNumber
	kindBoolean
)

// bodyNode is a schema compiled for the fast path.
type bodyNode struct {
	kind bodyKind
	// props are an object's declared properties, in no order.
	props []bodyProp
	// required counts the required properties of props.
	required int
	// closed refuses undeclared members (additionalProperties: false);
	// additional is the schema of undeclared members, nil for any value.
	closed     bool
	additional *bodyNode
	// items is the schema of an array's items.
	items    *bodyNode
	minItems uint64
	maxItems *uint64 // nil: none
	unique   bool
	// A string's bounds, in runes (maxLen nil: none), pattern, enum and
	// format: the validator kin-openapi checks the format with.
	minLen  uint64
	maxLen  *uint64
	pattern *regexp.Regexp
	enum    []string
	format  openapi3.StringFormatValidator
	// passed are strings that matched pattern and format: both are
	// functions of the string alone, and a client sends the same dates
	// and codes again and again.
	passed *verdicts
}

// verdicts are the short strings a string schema's pattern and format
// accepted, at most maxVerdicts of them. They are read on every request,
// by every connection at once, and change only while a client sends
// strings not seen before: a map never changed once published, read
// without a lock, and replaced by a copy with one more string.
type verdicts struct {
	mu sync.Mutex // held to add a string
	ok atomic.Pointer[map[string]struct{}]
}

// maxVerdicts bounds the strings a verdicts keeps, and maxVerdictLen
// their length.
const (
	maxVerdicts   = 1024
	maxVerdictLen = 64
)

// known reports whether s was accepted before.
func (v *verdicts) known(s []byte) bool {
	m := v.ok.Load()
	if m == nil {
		return false
	}
	_, ok := (*m)[string(s)]
	return ok
}

// len returns how many strings are kept.
func (v *verdicts) len() int {
	if m := v.ok.Load(); m != nil {
		return len(*m)
	}
	return 0
}

// add records that s was accepted, if there is room.
func (v *verdicts) add(s []byte) {
	if len(s) > maxVerdictLen {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	old := v.ok.Load()
	m := make(map[string]struct{}, v.len()+1)
	if old != nil {
		if _, dup := (*old)[string(s)]; dup || len(*old) >= maxVerdicts {
			return
		}
		for k := range *old {
			m[k] = struct{}{}
		}
	}
	m[string(s)] = struct{}{}
	v.ok.Store(&m)
}

// bodyProp is a declared property.
type bodyProp struct {
	name     string
	node     *bodyNode
	required bool
}

// fastKey reports whether k is a keyword of a schema the fast path knows:
// a schema with any other (oneOf, readOnly, minimum...) is not compiled,
// and its bodies go the general path. Annotations that do not change what
// is valid (description, example, default: the validator sets no
// defaults, x-...) are known too.
func fastKey(k string) bool {
	switch k {
	case "type", "properties", "required", "additionalProperties",
		"items", "enum", "pattern", "minLength", "maxLength",
		"minItems", "maxItems", "uniqueItems", "format",
		"description", "title", "example", "default",
		"deprecated", "externalDocs", "nullable":
		return true
	}
	return strings.HasPrefix(k, "x-")
}

// compileBody compiles schema for the fast path; nil when it uses anything
// the fast path does not read.
func compileBody(schema *openapi3.Schema) *bodyNode {
	c := &compiler{done: map[*openapi3.Schema]*bodyNode{}, open: map[*openapi3.Schema]bool{}}
	return c.compile(schema, 0)
}

// compiler compiles the schemas of one body: each once, however many
// places use it; a schema that contains itself is not compiled (nor what
// contains it), and its bodies go the general path.
type compiler struct {
	done map[*openapi3.Schema]*bodyNode // compiled, or nil when refused
	open map[*openapi3.Schema]bool      // being compiled, up the path
}

// compile compiles s, at depth in its body.
func (c *compiler) compile(s *openapi3.Schema, depth int) *bodyNode {
	if s == nil || depth > maxFastDepth || c.open[s] {
		return nil
	}
	if n, ok := c.done[s]; ok {
		return n
	}
	c.open[s] = true
	n := c.compileSchema(s, depth)
	delete(c.open, s)
	c.done[s] = n
	return n
}

func (c *compiler) compileSchema(s *openapi3.Schema, depth int) *bodyNode {
	if !onlyFastKeys(s) {
		return nil
	}
	types := s.Type.Slice()
	if len(types) != 1 {
		return nil
	}
	n := &bodyNode{}
	switch types[0] {
	case openapi3.TypeObject:
		n.kind = kindObject
		for _, name := range s.Required {
			if s.Properties[name] == nil {
				return nil // required but not declared: the general path
			}
		}
		for _, name := range slices.Sorted(maps.Keys(s.Properties)) { // an order that does not depend on the map's
			ref := s.Properties[name]
			// A name outside ASCII folds as Unicode does (foldName):
			// the general path's.
			if ref == nil || !asciiName([]byte(name)) {
				return nil
			}
			sub := c.compile(ref.Value, depth+1)
			if sub == nil {
				return nil
			}
			p := bodyProp{name: name, node: sub}
			for _, r := range s.Required {
				p.required = p.required || r == name
			}
			if p.required {
				n.required++
			}
			n.props = append(n.props, p)
		}
		ap := s.AdditionalProperties
		switch {
		case ap.Schema != nil && ap.Has != nil:
			return nil // both: the general path's
		case ap.Schema != nil:
			if n.additional = c.compile(ap.Schema.Value, depth+1); n.additional == nil {
				return nil
			}
		case ap.Has != nil && !*ap.Has:
			n.closed = true
		}
	case openapi3.TypeArray:
		n.kind = kindArray
		if s.Items == nil {
			n.items = &bodyNode{kind: kindAny}
		} else if n.items = c.compile(s.Items.Value, depth+1); n.items == nil {
			return nil
		}
		n.minItems, n.maxItems = s.MinItems, s.MaxItems
		// Unique strings are compared as bytes: only items that are
		// strings, enums included.
		if n.unique = s.UniqueItems; n.unique && n.items.kind != kindString {
			return nil
		}
	case openapi3.TypeString:
		n.kind = kindString
		if !compileString(n, s) {
			return nil
		}
	case openapi3.TypeInteger, openapi3.TypeNumber, openapi3.TypeBoolean:
		if s.Format != "" || len(s.Enum) > 0 || s.Pattern != "" {
			return nil
		}
		n.kind = kindBoolean
		switch types[0] {
		case openapi3.TypeInteger:
			n.kind = kindInteger
		case openapi3.TypeNumber:
			n.kind = kindNumber
		}
	default:
		return nil
	}
	if n.kind != kindString && (s.Format != "" || s.Pattern != "" || len(s.Enum) > 0) {
		return nil
	}
	return n
}

// compileString compiles a string schema's bounds, pattern, enum and format
// into n; false when it has one the fast path does not read.
func compileString(n *bodyNode, s *openapi3.Schema) bool {
	n.minLen, n.maxLen = s.MinLength, s.MaxLength
	n.passed = &verdicts{}
	if s.Format != "" {
		// The validator kin-openapi's table has for it: the spec's
		// formats are registered by api.Load, before the validator is
		// made. A format it does not know is left to it.
		f, ok := openapi3.SchemaStringFormats[s.Format]
		if !ok {
			return false
		}
		n.format = f
	}
	if s.Pattern != "" {
		// kin-openapi rewrites the \uXXXX escapes of a pattern for Go
		// first: a pattern with one is left to it.
		if strings.Contains(s.Pattern, `\u`) {
			return false
		}
		re, err := regexp.Compile(s.Pattern)
		if err != nil {
			return false
		}
		n.pattern = re
	}
	for _, e := range s.Enum {
		str, ok := e.(string)
		if !ok {
			return false
		}
		n.enum = append(n.enum, str)
	}
	return true
}

// onlyFastKeys reports whether every keyword s sets is a fastKey, as
// kin-openapi writes it out. The schemas under s are left out of what is
// written (the compiler reads each in turn), so that a schema that
// contains itself is not written for ever.
func onlyFastKeys(s *openapi3.Schema) bool {
	if len(s.AllOf) > 0 || len(s.AnyOf) > 0 || len(s.OneOf) > 0 || s.Not != nil {
		return false
	}
	shallow := *s
	shallow.Properties, shallow.Items = nil, nil
	shallow.AdditionalProperties = openapi3.AdditionalProperties{Has: s.AdditionalProperties.Has}
	b, err := json.Marshal(&shallow)
	if err != nil {
		return false
	}
	var keys map[string]json.RawMessage
	if json.Unmarshal(b, &keys) != nil {
		return false
	}
	for k := range keys {
		if !fastKey(k) {
			return false
		}
	}
	return true
}

// fastBodies are the compiled schemas of an operation's request body, by
// media type (the spec's *openapi3.MediaType of application/json).
type fastBodies map[*openapi3.MediaType]*bodyNode

// compileBodies compiles the application/json body of op, if it has one
// the fast path reads.
func compileBodies(op *openapi3.Operation) fastBodies {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	mt := op.RequestBody.Value.Content["application/json"]
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return nil
	}
	n := compileBody(mt.Schema.Value)
	if n == nil {
		return nil
	}
	return fastBodies{mt: n}
}

// nodeFor returns the compiled schema for a request's Content-Type, nil
// when its media type is not application/json or the body is not compiled.
func (fb fastBodies) nodeFor(op *openapi3.Operation, contentType string) *bodyNode {
	if len(fb) == 0 {
		return nil
	}
	base, _, _ := strings.Cut(contentType, ";")
	if !strings.EqualFold(strings.TrimSpace(base), "application/json") {
		return nil
	}
	return fb[op.RequestBody.Value.Content.Get(contentType)]
}

// readBody reads a request's body whole, and gives the request a body of
// the bytes read for whoever reads it next. On an error it returns what
// was read before it, and the request's body answers the same error, so
// that the general path reports it as before.
func readBody(r *http.Request) ([]byte, error) {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		r.Body = errBody{err: err}
		return data, err
	}
	b := &bytesBody{}
	b.Reset(data)
	r.Body = b
	return data, nil
}

// bytesBody is a request body read already: its bytes.
type bytesBody struct{ bytes.Reader }

func (*bytesBody) Close() error { return nil }

// errBody is a body whose reading failed: it fails again.
type errBody struct{ err error }

func (b errBody) Read([]byte) (int, error) { return 0, b.err }
func (b errBody) Close() error             { return nil }

// fastValid reports whether body, a JSON body, is valid against n with
// nothing for the general path to report: valid JSON, one value, UTF-8
// without an escape, every object's names unique and none differing only
// in case from another or from a declared property, and the value valid
// against the schema. False is no verdict: the general path decides.
func fastValid(body []byte, n *bodyNode) bool {
	if bytes.IndexByte(body, '\\') >= 0 || !utf8.Valid(body) {
		return false
	}
	w := fastWalker{b: body}
	w.ws()
	if !w.value(n, 0) {
		return false
	}
	w.ws()
	return w.i == len(w.b)
}

// fastWalker walks a JSON text for fastValid.
type fastWalker struct {
	b []byte
	i int
}

func (w *fastWalker) ws() {
	for w.i < len(w.b) {
		switch w.b[w.i] {
		case ' ', '\t', '\n', '\r':
			w.i++
		default:
			return
		}
	}
}

// value walks one value against n (nil: any value).
func (w *fastWalker) value(n *bodyNode, depth int) bool {
	if w.i >= len(w.b) || depth > maxFastDepth {
		return false
	}
	kind := kindAny
	if n != nil {
		kind = n.kind
	}
	c := w.b[w.i]
	switch {
	case c == '{':
		return (kind == kindAny || kind == kindObject) && w.object(n, depth)
	case c == '[':
		return (kind == kindAny || kind == kindArray) && w.array(n, depth)
	case c == '"':
		s, ok := w.str()
		if !ok {
			return false
		}
		return kind == kindAny || (kind == kindString && n.stringValid(s))
	case c == 't':
		return (kind == kindAny || kind == kindBoolean) && w.lit("true")
	case c == 'f':
		return (kind == kindAny || kind == kindBoolean) && w.lit("false")
	case c == 'n':
		// null only where any value is: nullable is the general path's.
		return kind == kindAny && w.lit("null")
	case c == '-' || (c >= '0' && c <= '9'):
		integer, ok := w.number()
		if !ok {
			return false
		}
		return kind == kindAny || kind == kindNumber || (kind == kindInteger && integer)
	}
	return false
}

func (w *fastWalker) lit(s string) bool {
	if !bytes.HasPrefix(w.b[w.i:], []byte(s)) {
		return false
	}
	w.i += len(s)
	return true
}

// maxFastDigits bounds the digits of a number the fast path reads, so that
// kin-openapi's float64 and the handler's integer read it alike.
const maxFastDigits = 15

// number reads a JSON number (RFC 8259 section 6) of at most maxFastDigits
// digits per part and no exponent; integer reports whether it has no
// fraction.
func (w *fastWalker) number() (integer, ok bool) {
	if w.b[w.i] == '-' {
		w.i++
	}
	n := w.digits()
	if n == 0 || n > maxFastDigits || (n > 1 && w.b[w.i-n] == '0') {
		return false, false
	}
	integer = true
	if w.i < len(w.b) && w.b[w.i] == '.' {
		w.i++
		if f := w.digits(); f == 0 || f > maxFastDigits {
			return false, false
		}
		integer = false
	}
	if w.i < len(w.b) && (w.b[w.i] == 'e' || w.b[w.i] == 'E') {
		return false, false
	}
	return integer, true
}

func (w *fastWalker) digits() int {
	start := w.i
	for w.i < len(w.b) && w.b[w.i] >= '0' && w.b[w.i] <= '9' {
		w.i++
	}
	return w.i - start
}

// str reads a string without escapes (fastValid refused those) or control
// characters, and returns its contents.
func (w *fastWalker) str() ([]byte, bool) {
	w.i++ // '"'
	start := w.i
	for w.i < len(w.b) {
		c := w.b[w.i]
		switch {
		case c == '"':
			w.i++
			return w.b[start : w.i-1], true
		case c < 0x20:
			return nil, false
		}
		w.i++
	}
	return nil, false
}

// object walks an object against n (nil: any object).
func (w *fastWalker) object(n *bodyNode, depth int) bool {
	w.i++ // '{'
	var names [maxFastMembers][]byte
	count, required := 0, 0
	w.ws()
	if w.i < len(w.b) && w.b[w.i] == '}' {
		w.i++
		return n == nil || n.kind == kindAny || n.required == 0
	}
	for {
		w.ws()
		if w.i >= len(w.b) || w.b[w.i] != '"' || count == maxFastMembers {
			return false
		}
		name, ok := w.str()
		if !ok || !asciiName(name) {
			return false
		}
		for _, prev := range names[:count] {
			if equalFoldASCII(prev, name) {
				return false // a duplicate, or a case variant
			}
		}
		names[count] = name
		count++
		sub, ok := n.member(name, &required)
		if !ok {
			return false
		}
		w.ws()
		if w.i >= len(w.b) || w.b[w.i] != ':' {
			return false
		}
		w.i++
		w.ws()
		if !w.value(sub, depth+1) {
			return false
		}
		w.ws()
		if w.i >= len(w.b) {
			return false
		}
		switch w.b[w.i] {
		case ',':
			w.i++
			continue
		case '}':
			w.i++
			return n == nil || n.kind == kindAny || required == n.required
		}
		return false
	}
}

// member returns the schema of an object's member name (nil: any value),
// counting the required properties seen; false when the member is refused
// (undeclared in a closed object) or its name differs only in case from a
// declared property.
func (n *bodyNode) member(name []byte, required *int) (*bodyNode, bool) {
	if n == nil || n.kind == kindAny {
		return nil, true
	}
	for i := range n.props {
		if string(name) == n.props[i].name {
			if n.props[i].required {
				*required++
			}
			return n.props[i].node, true
		}
	}
	for i := range n.props {
		if equalFoldASCII(name, []byte(n.props[i].name)) {
			return nil, false
		}
	}
	if n.closed {
		return nil, false
	}
	return n.additional, true
}

// array walks an array against n (nil: any array).
func (w *fastWalker) array(n *bodyNode, depth int) bool {
	w.i++ // '['
	var items *bodyNode
	if n != nil && n.kind == kindArray {
		items = n.items
	}
	unique := n != nil && n.unique
	var seen [][]byte
	count := 0
	w.ws()
	if w.i < len(w.b) && w.b[w.i] == ']' {
		w.i++
		return n.itemsValid(0)
	}
	for {
		w.ws()
		start := w.i
		if !w.value(items, depth+1) {
			return false
		}
		if unique {
			item := w.b[start:w.i]
			for _, prev := range seen {
				if bytes.Equal(prev, item) {
					return false
				}
			}
			seen = append(seen, item)
		}
		count++
		w.ws()
		if w.i >= len(w.b) {
			return false
		}
		switch w.b[w.i] {
		case ',':
			w.i++
			if unique && count >= maxFastMembers {
				return false
			}
			continue
		case ']':
			w.i++
			return n.itemsValid(count)
		}
		return false
	}
}

// itemsValid reports whether an array of count items is within n's bounds.
func (n *bodyNode) itemsValid(count int) bool {
	if n == nil || n.kind != kindArray {
		return true
	}
	c := uint64(count) //nolint:gosec // a count is not negative
	return c >= n.minItems && (n.maxItems == nil || c <= *n.maxItems)
}

// stringValid reports whether s, a string's contents without escapes,
// matches a string schema.
func (n *bodyNode) stringValid(s []byte) bool {
	if n.minLen > 0 || n.maxLen != nil {
		// kin-openapi counts UTF-16 units of the runes of the string:
		// one per rune of valid UTF-8, which has no surrogate.
		runes := uint64(utf8.RuneCount(s)) //nolint:gosec // a count is not negative
		if runes < n.minLen || (n.maxLen != nil && runes > *n.maxLen) {
			return false
		}
	}
	if len(n.enum) > 0 {
		found := false
		for _, e := range n.enum {
			if string(s) == e {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if n.pattern == nil && n.format == nil {
		return true
	}
	if n.passed.known(s) {
		return true
	}
	if n.pattern != nil && !n.pattern.Match(s) {
		return false
	}
	if n.format != nil && n.format.Validate(string(s)) != nil {
		return false
	}
	n.passed.add(s)
	return true
}

// asciiName reports whether a member name is printable ASCII, whose case
// folding is ASCII's: other names go the general path.
func asciiName(name []byte) bool {
	for _, c := range name {
		if c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// equalFoldASCII reports whether two ASCII names are equal but for case.
func equalFoldASCII(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// compileRoutes compiles the request bodies of routes for the fast path;
// none for a spec of OpenAPI 3.1, whose schemas kin-openapi reads as JSON
// Schema 2020-12.
func compileRoutes(doc *openapi3.T, routes map[gen.OperationID]route) map[gen.OperationID]fastBodies {
	out := map[gen.OperationID]fastBodies{}
	if doc.IsOpenAPI31OrLater() {
		return out
	}
	for id, rt := range routes {
		if fb := compileBodies(rt.route.Operation); fb != nil {
			out[id] = fb
		}
	}
	return out
}

// fastNode returns the compiled schema of the body of a request to op
// with contentType, nil when the fast path does not read it.
func (v *validator) fastNode(id gen.OperationID, op *openapi3.Operation, contentType string) *bodyNode {
	return v.fast[id].nodeFor(op, contentType)
}

// fastBody checks the body of a request on the fast path, against node
// (nil: none, false): true when it is valid, the request's body then being
// its bytes, for the handler, and st.Body too. Otherwise the bytes read
// are in raw, as the general path's tee would have kept them, and the
// request's body reads them again (or fails again) for the general path.
// An error is a body too large, answered 413 as the general path would.
func fastBody(r *http.Request, st *reqctx.State, node *bodyNode, raw *bytes.Buffer) (bool, error) {
	if node == nil {
		return false, nil
	}
	data, err := readBody(r)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return false, err
	}
	if err == nil && fastValid(data, node) {
		st.Body = data
		return true, nil
	}
	raw.Write(data)
	return false, nil
}
