package contract_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/internal/testutil"
)

// repoRoot is the module's root, from this package's directory.
const repoRoot = "../.."

// layoutFile is where the layout lives: the contributors' guide.
const layoutFile = "CONTRIBUTING.md"

// layoutBlock returns the first code block under CONTRIBUTING.md's "## Where
// things live", one string per line.
func layoutBlock(t *testing.T) []string {
	t.Helper()
	for _, b := range testutil.CodeBlocks(t, filepath.Join(repoRoot, layoutFile)) {
		if b.Section == "Where things live" {
			return strings.Split(strings.TrimSuffix(b.Text, "\n"), "\n")
		}
	}
	t.Fatalf(`%s has no code block under "## Where things live"`, layoutFile)
	return nil
}

// layoutEntries returns the paths the layout names: an entry is a line
// starting at column 0 (a path from the root) or at column 2 (a path inside
// the last column-0 directory); its name ends at the first double space.
// "a.go, b.go" names two files.
func layoutEntries(lines []string) []string {
	var out []string
	parent := ""
	for _, line := range lines {
		indent := len(line) - len(strings.TrimLeft(line, " "))
		if indent != 0 && indent != 2 {
			continue // a description's continuation
		}
		name, _, _ := strings.Cut(strings.TrimSpace(line), "  ")
		if name == "" {
			continue
		}
		for n := range strings.SplitSeq(name, ", ") {
			p := n
			if indent == 2 {
				p = parent + n
			}
			out = append(out, p)
		}
		if indent == 0 {
			parent = ""
			if strings.HasSuffix(name, "/") {
				parent = name
			}
		}
	}
	return out
}

// layoutSections maps each column-0 directory of the layout ("pkg/axa/")
// to the text of its lines, its own and its entries'.
func layoutSections(lines []string) map[string]string {
	out := map[string]string{}
	dir := ""
	for _, line := range lines {
		if line != "" && line[0] != ' ' {
			name, _, _ := strings.Cut(line, "  ")
			dir = ""
			if strings.HasSuffix(name, "/") {
				dir = name
			}
		}
		if dir != "" {
			out[dir] += line + "\n"
		}
	}
	return out
}

// TestLayoutNamesWhatExists keeps CONTRIBUTING.md's "Where things live"
// honest: every path it names exists, every package directory of internal/
// and pkg/ is named, and every Go file of pkg/axa and pkg/sandbox is named
// (by itself, a glob, or a mention in its directory's lines) or lives in a
// directory the block names below those two.
func TestLayoutNamesWhatExists(t *testing.T) {
	lines := layoutBlock(t)
	entries := layoutEntries(lines)
	if len(entries) < 20 {
		t.Fatalf("found %d entries in the layout, want the whole tree: %q", len(entries), entries)
	}
	for _, e := range entries {
		matches, err := filepath.Glob(filepath.Join(repoRoot, filepath.FromSlash(strings.TrimSuffix(e, "/"))))
		if err != nil || len(matches) == 0 {
			t.Errorf("%s's layout names %s, which does not exist", layoutFile, e)
		}
	}
	sections := layoutSections(lines)
	covered := func(rel string) bool {
		// Named in its own directory's section (pkg/axa/ or pkg/sandbox/),
		// as a word: "scopes.go" is not named by "scopes.golden".
		word := regexp.MustCompile(`(^|[^\w.])` + regexp.QuoteMeta(filepath.Base(rel)) + `($|[^\w.])`)
		for dir, text := range sections {
			if strings.HasPrefix(rel, dir) && word.MatchString(text) {
				return true
			}
		}
		for _, e := range entries {
			e = strings.TrimSuffix(e, "/")
			if ok, _ := filepath.Match(e, rel); ok {
				return true
			}
			if e != "pkg/axa" && e != "pkg/sandbox" && strings.HasPrefix(rel, e+"/") {
				return true
			}
		}
		return false
	}
	named := map[string]bool{}
	for _, e := range entries {
		named[strings.TrimSuffix(e, "/")] = true
	}
	for _, top := range []string{"internal", "pkg"} {
		dirs, err := os.ReadDir(filepath.Join(repoRoot, top))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range dirs {
			if d.IsDir() && !named[top+"/"+d.Name()] {
				t.Errorf("%s's layout does not name %s/%s", layoutFile, top, d.Name())
			}
		}
	}
	for _, dir := range []string{"pkg/axa", "pkg/sandbox"} {
		err := filepath.WalkDir(filepath.Join(repoRoot, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			rel, err := filepath.Rel(repoRoot, path)
			if err != nil {
				return err
			}
			rel = filepath.ToSlash(rel)
			if !covered(rel) {
				t.Errorf("%s's layout does not name %s (nor its directory)", layoutFile, rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
