package validate

import (
	"encoding/json"
	"io"
)

// validTokens reads the tokens of a body that json.Valid accepted, as a
// json.Decoder would for the names check, without its cost: names and
// string values come back as strings, other values as json.Number (their
// text, unchecked), delimiters as json.Delim. On a body json.Valid refuses
// its answers mean nothing.
type validTokens struct {
	b []byte
	i int
}

// skip moves past white space and the separators ',' and ':', which a
// valid body has exactly where a Decoder expects them.
func (t *validTokens) skip() {
	for t.i < len(t.b) {
		switch t.b[t.i] {
		case ' ', '\t', '\n', '\r', ',', ':':
			t.i++
		default:
			return
		}
	}
}

// More reports whether the array or object being read has another
// element.
func (t *validTokens) More() bool {
	t.skip()
	return t.i < len(t.b) && t.b[t.i] != ']' && t.b[t.i] != '}'
}

// Token returns the next token, io.EOF after the last.
func (t *validTokens) Token() (json.Token, error) {
	t.skip()
	if t.i >= len(t.b) {
		return nil, io.EOF
	}
	switch c := t.b[t.i]; c {
	case '{', '}', '[', ']':
		t.i++
		return json.Delim(c), nil
	case '"':
		return t.str()
	}
	start := t.i
	for t.i < len(t.b) {
		switch t.b[t.i] {
		case ' ', '\t', '\n', '\r', ',', ':', ']', '}':
			return json.Number(t.b[start:t.i]), nil
		}
		t.i++
	}
	return json.Number(t.b[start:t.i]), nil
}

// str reads a string, unescaping it as encoding/json does when it has a
// backslash.
func (t *validTokens) str() (json.Token, error) {
	start := t.i
	escaped := false
	for t.i++; t.i < len(t.b); t.i++ {
		switch t.b[t.i] {
		case '\\':
			escaped = true
			t.i++ // the escaped byte; \uXXXX's digits are no quote
		case '"':
			t.i++
			raw := t.b[start:t.i]
			if !escaped {
				return string(raw[1 : len(raw)-1]), nil
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, err
			}
			return s, nil
		}
	}
	return nil, io.ErrUnexpectedEOF
}

// Compile-time checks that both token sources fit nameWalker.
var (
	_ tokens = (*validTokens)(nil)
	_ tokens = (*json.Decoder)(nil)
)
