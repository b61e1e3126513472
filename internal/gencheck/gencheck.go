// Package gencheck tells whether the committed generated code is what
// `go generate` writes from the current spec.
//
// It reads the //go:generate directives of every generate.go under a
// directory, runs each of them with its -o output redirected into a scratch
// directory, and compares what they wrote with the committed files. The
// directives themselves are the single description of how code is generated:
// there is no second list to keep in step.
package gencheck

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// Directive is one //go:generate line whose output is a file named by -o.
type Directive struct {
	// Dir is the directory of the file holding the directive, relative to the
	// module root, slash-separated.
	Dir string
	// Args are the command and its arguments.
	Args []string
	// Output is the file the directive writes, relative to Dir.
	Output string
}

// Drift is one generated file that differs from what its directive writes.
type Drift struct {
	// File is the committed file, relative to the module root.
	File string
	// Reason says how it differs.
	Reason string
}

// String formats the drift as "file: reason".
func (d Drift) String() string { return d.File + ": " + d.Reason }

// Directives returns the //go:generate directives of every generate.go under
// root/dir, in file order. Each must name its output with -o, and no other
// Go file may hold a directive. Directives are split on spaces: keep them
// free of quotes and $VARIABLES.
func Directives(root, dir string) ([]Directive, error) {
	var out []Directive
	err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return skipDir(root, path, d)
		}
		if !strings.HasSuffix(d.Name(), ".go") {
			return nil
		}
		if d.Name() != "generate.go" {
			// go generate runs directives from any Go file; this check
			// reads generate.go only, so keep them all there.
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if strings.Contains(string(data), "\n//go:generate ") || strings.HasPrefix(string(data), "//go:generate ") {
				return fmt.Errorf("%s has a go:generate directive: put directives in the package's generate.go, where the drift check reads them", path)
			}
			return nil
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close() //nolint:errcheck // read-only
		sc := bufio.NewScanner(f)
		for line := 1; sc.Scan(); line++ {
			text, ok := strings.CutPrefix(sc.Text(), "//go:generate ")
			if !ok {
				continue
			}
			args := strings.Fields(text)
			i := slices.Index(args, "-o")
			if i < 0 || i+1 >= len(args) {
				return fmt.Errorf("%s:%d: go:generate directive has no -o output file", path, line)
			}
			out = append(out, Directive{Dir: filepath.ToSlash(rel), Args: args, Output: args[i+1]})
		}
		return sc.Err()
	})
	return out, err
}

// Regenerate runs every directive from root with its output redirected to the
// same relative path under scratch.
func Regenerate(ctx context.Context, root, scratch string, directives []Directive) error {
	if err := readInputs(root, directives); err != nil {
		return err
	}
	for _, d := range directives {
		target := filepath.Join(scratch, filepath.FromSlash(d.Dir), d.Output)
		if err := os.MkdirAll(filepath.Dir(target), 0o750); err != nil {
			return err
		}
		args := slices.Clone(d.Args)
		args[slices.Index(args, "-o")+1] = target
		cmd := exec.CommandContext(ctx, args[0], args[1:]...) //nolint:gosec // the repository's own directives
		cmd.Dir = filepath.Join(root, filepath.FromSlash(d.Dir))
		var stderr bytes.Buffer
		cmd.Stdout = &stderr
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %s: %w\n%s", d.Dir, strings.Join(d.Args, " "), err, stderr.Bytes())
		}
	}
	return nil
}

// readInputs reads, from this process, every file a directive names (specs,
// configs, generator sources) and the module files. The generators run in
// child processes, whose reads go test does not see; reading the inputs here
// makes go test's result cache notice when one of them changes.
func readInputs(root string, directives []Directive) error {
	read := func(path string) error {
		info, err := os.Stat(path)
		if err != nil {
			return nil //nolint:nilerr // not a file argument
		}
		if !info.IsDir() {
			_, err := os.ReadFile(path)
			return err
		}
		return filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			_, err = os.ReadFile(p)
			return err
		})
	}
	for _, f := range []string{"go.mod", "go.sum"} {
		if err := read(filepath.Join(root, f)); err != nil {
			return err
		}
	}
	for _, d := range directives {
		for _, arg := range d.Args[1:] {
			if arg == d.Output || strings.HasPrefix(arg, "-") || !strings.ContainsAny(arg, "./") {
				continue
			}
			if err := read(filepath.Join(root, filepath.FromSlash(d.Dir), arg)); err != nil {
				return err
			}
		}
	}
	return nil
}

// Compare reports every committed output that differs from its regenerated
// copy under scratch, and every generated file under root/dir (a *.gen.go,
// a *.golden, a Go file with the "Code generated ... DO NOT EDIT." header)
// that no directive writes: a leftover of a removed directive, or a file
// that no check would otherwise compare.
func Compare(root, dir, scratch string, directives []Directive) ([]Drift, error) {
	var drifts []Drift
	written := map[string]bool{}
	for _, d := range directives {
		rel := filepath.ToSlash(filepath.Join(d.Dir, d.Output))
		written[rel] = true
		want, err := os.ReadFile(filepath.Join(scratch, filepath.FromSlash(rel)))
		if err != nil {
			return nil, fmt.Errorf("regenerated %s: %w", rel, err)
		}
		got, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if os.IsNotExist(err) {
			drifts = append(drifts, Drift{rel, "missing: go generate writes it but it is not in the tree"})
			continue
		}
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(got, want) {
			drifts = append(drifts, Drift{rel, firstDifference(got, want)})
		}
	}
	err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return skipDir(root, path, d)
		}
		if generated, err := isGenerated(path, d.Name()); err != nil || !generated {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		if rel = filepath.ToSlash(rel); !written[rel] {
			drifts = append(drifts, Drift{rel, "no go:generate directive writes this file; delete it or add its directive"})
		}
		return nil
	})
	return drifts, err
}

// generatedHeader is the line Go's convention puts in generated Go files
// (https://go.dev/s/generatedcode).
var generatedHeader = regexp.MustCompile(`(?m)^// Code generated .* DO NOT EDIT\.$`)

// isGenerated reports whether the file at path is generated code: a
// *.gen.go or *.golden file, or a Go file that says so in Go's conventional
// header, whatever its name.
func isGenerated(path, name string) (bool, error) {
	switch {
	case strings.HasSuffix(name, ".gen.go"), strings.HasSuffix(name, ".golden"):
		return true, nil
	case !strings.HasSuffix(name, ".go"):
		return false, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	// The header comes before the package clause.
	if i := bytes.Index(data, []byte("\npackage ")); i >= 0 {
		data = data[:i]
	}
	return generatedHeader.Match(data), nil
}

// firstDifference describes where two versions of a file first differ.
func firstDifference(committed, generated []byte) string {
	a := strings.Split(string(committed), "\n")
	b := strings.Split(string(generated), "\n")
	for i := 0; i < len(a) || i < len(b); i++ {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y || i >= len(a) || i >= len(b) {
			return fmt.Sprintf("out of date with the spec; first difference at line %d:\n\tcommitted: %s\n\tgenerated: %s",
				i+1, strings.TrimSpace(x), strings.TrimSpace(y))
		}
	}
	return "out of date with the spec"
}

// ModuleRoot returns the directory of the go.mod that governs the current
// directory.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above %s", dir)
		}
		dir = parent
	}
}

// skipDir skips what is not source: hidden directories, testdata and the
// ./bin of installed tools.
func skipDir(root, path string, d fs.DirEntry) error {
	if path == root {
		return nil
	}
	name := d.Name()
	if strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" || filepath.Join(root, "bin") == path {
		return filepath.SkipDir
	}
	return nil
}
