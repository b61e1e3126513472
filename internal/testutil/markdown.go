package testutil

import (
	"os"
	"strings"
	"testing"
)

// CodeBlock is a fenced code block of a Markdown file (``` fences).
type CodeBlock struct {
	// Info is the fence's info string: "sh", "go", "" for none.
	Info string
	// Section is the text of the last heading above the block, without
	// its #s: "Install", "The command line".
	Section string
	// Line is the 1-based line of the opening fence.
	Line int
	// Text is the block's content, each line ending in a newline; the
	// fences' indentation is removed from the lines that have it.
	Text string
}

// CodeBlocks returns the fenced code blocks of the Markdown file at path,
// in order; it fails t when the file cannot be read or a block is not
// closed.
func CodeBlocks(t testing.TB, path string) []CodeBlock {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	blocks, ok := ParseCodeBlocks(string(data))
	if !ok {
		t.Fatalf("%s: a code block is not closed", path)
	}
	return blocks
}

// ParseCodeBlocks returns the fenced code blocks of the Markdown text md;
// ok is false when the last one is not closed.
func ParseCodeBlocks(md string) (blocks []CodeBlock, ok bool) {
	var (
		section string
		open    *CodeBlock
		indent  string
	)
	for i, line := range strings.Split(md, "\n") {
		trimmed := strings.TrimLeft(line, " ")
		if open != nil {
			if strings.HasPrefix(trimmed, "```") && strings.TrimSpace(trimmed) == "```" {
				blocks = append(blocks, *open)
				open = nil
				continue
			}
			open.Text += strings.TrimPrefix(line, indent) + "\n"
			continue
		}
		if info, fence := strings.CutPrefix(trimmed, "```"); fence {
			indent = line[:len(line)-len(trimmed)]
			open = &CodeBlock{Info: strings.TrimSpace(info), Section: section, Line: i + 1}
			continue
		}
		if strings.HasPrefix(line, "#") {
			section = strings.TrimSpace(strings.TrimLeft(line, "#"))
		}
	}
	return blocks, open == nil
}
