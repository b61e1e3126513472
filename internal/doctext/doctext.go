// Package doctext turns the text of the spec's descriptions, which is
// Markdown (CommonMark, as OpenAPI says), into the text of Go doc comments
// (https://go.dev/doc/comment), for the generators that write the SDK's
// documentation (internal/specgen, internal/aliasgen): a Markdown code span
// becomes a doc link when it names a Go declaration of the package, and
// plain text otherwise, for Go doc has no code spans and shows a backtick
// as it is.
package doctext

import "strings"

// FromMarkdown returns s with each Markdown code span (`x`, or “x“ with
// doubled backticks) replaced by [Name] when link(x) returns a Go name
// the comment may link to (a type, a method as Type.Method), and by x alone
// otherwise (a backtick inside it becomes an apostrophe). A backtick that
// opens no span is dropped: the result holds none. A nil link makes no
// links.
func FromMarkdown(s string, link func(code string) string) string {
	if !strings.Contains(s, "`") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '`')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		s = s[i:]
		n := len(s) - len(strings.TrimLeft(s, "`"))
		fence := s[:n]
		end := strings.Index(s[n:], fence)
		if end < 0 {
			// An unmatched run of backticks: no span; drop it.
			s = s[n:]
			continue
		}
		code := s[n : n+end]
		s = s[n+end+n:]
		if trimmed := strings.TrimSpace(code); trimmed != "" {
			code = trimmed
		}
		if link != nil {
			if name := link(code); name != "" {
				b.WriteString("[" + name + "]")
				continue
			}
		}
		b.WriteString(strings.ReplaceAll(code, "`", "'"))
	}
}
