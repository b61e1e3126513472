// Package gencheck runs the module's generation steps and tells whether
// the committed generated code is what they write from the current spec.
//
// A step is an //axa:generate line of a package's generate.go: a command
// that writes one file, named by -o (StepPrefix). go generate does not run
// the steps one by one: the module's one go:generate directive runs
// internal/genall, which runs them all through Generate, into a staging
// directory, and moves what they wrote into the tree only when every step
// succeeded; a generator that refuses the spec changes no file. The drift
// check (Regenerate, then Compare) runs the same steps into a scratch
// directory. The steps themselves are the single description of how code is
// generated: there is no second list to keep in step.
package gencheck

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/axa-assistance-go/axa/internal/atomicfile"
)

// StepPrefix begins a generation step: "//axa:generate CMD ARGS... -o FILE
// ...", in a package's generate.go. It is not a go:generate directive, so
// that go generate runs the steps only through the driver (DriverPackage),
// all or nothing.
const StepPrefix = "//axa:generate "

// DriverPackage is the command the module's one go:generate directive runs
// ("//go:generate go run ../internal/genall" in gen/generate.go): every
// step, through Generate. Any other go:generate directive would write
// outside the all-or-nothing run, and Directives refuses it.
const DriverPackage = "internal/genall"

// directivePrefix begins a go:generate directive.
const directivePrefix = "//go:generate "

// Directive is one generation step (an //axa:generate line) whose output
// is a file named by -o.
type Directive struct {
	// Dir is the directory of the file holding the step, relative to the
	// module root, slash-separated.
	Dir string
	// Args are the command and its arguments.
	Args []string
	// Output is the file the step writes, relative to Dir.
	Output string
	// Line is the step's line in Dir's generate.go (0 when not read from
	// one).
	Line int
}

// String names the step as "gen/generate.go:18 (go run ... -o scopes.gen.go)".
func (d Directive) String() string {
	where := path.Join(d.Dir, "generate.go")
	if d.Line > 0 {
		where += fmt.Sprintf(":%d", d.Line)
	}
	return where + " (" + strings.Join(d.Args, " ") + ")"
}

// StepError is a step that failed: the generator's exit and what it said.
type StepError struct {
	// Step is the step that failed.
	Step Directive
	// Output is what the generator printed, its reason.
	Output string
	// Err is how it failed (its exit status).
	Err error
}

// Error implements error: the step, how it failed and the generator's
// words.
func (e *StepError) Error() string {
	return fmt.Sprintf("%s: %v\n%s", e.Step, e.Err, strings.TrimSpace(e.Output))
}

// Unwrap returns how the step failed.
func (e *StepError) Unwrap() error { return e.Err }

// Drift is one generated file that differs from what its directive writes.
type Drift struct {
	// File is the committed file, relative to the module root.
	File string
	// Reason says how it differs.
	Reason string
}

// String formats the drift as "file: reason".
func (d Drift) String() string { return d.File + ": " + d.Reason }

// Directives returns the generation steps (StepPrefix) of every
// generate.go under root/dir: the files in lexical order of their paths,
// each's steps in line order, which is the order they run in (a step may
// read what an earlier one wrote). Each must name its output with -o. No
// other Go file may hold a step or a go:generate directive, and the one
// directive a generate.go may hold is the driver's (DriverPackage). Steps are split on spaces: keep them free of quotes and
// $VARIABLES.
func Directives(root, dir string) ([]Directive, error) {
	var out []Directive
	err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return skipDir(root, p, d)
		}
		if !strings.HasSuffix(d.Name(), ".go") {
			return nil
		}
		if d.Name() != "generate.go" {
			// go generate runs directives from any Go file; steps and the
			// driver are read from generate.go only, so keep them there.
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			for _, prefix := range []string{directivePrefix, StepPrefix} {
				if strings.Contains(string(data), "\n"+prefix) || strings.HasPrefix(string(data), prefix) {
					return fmt.Errorf("%s has a %s line: put it in the package's generate.go, where the generation reads it", p, strings.TrimSpace(prefix))
				}
			}
			return nil
		}
		rel, err := filepath.Rel(root, filepath.Dir(p))
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close() //nolint:errcheck // read-only
		sc := bufio.NewScanner(f)
		for line := 1; sc.Scan(); line++ {
			if text, ok := strings.CutPrefix(sc.Text(), directivePrefix); ok {
				if args := strings.Fields(text); len(args) == 3 && args[0] == "go" && args[1] == "run" && strings.HasSuffix(args[2], DriverPackage) {
					continue
				}
				return fmt.Errorf("%s:%d: a go:generate directive would write outside the all-or-nothing generation: make it an %s step, which %s runs with the others", p, line, strings.TrimSpace(StepPrefix), DriverPackage)
			}
			text, ok := strings.CutPrefix(sc.Text(), StepPrefix)
			if !ok {
				continue
			}
			args := strings.Fields(text)
			i := slices.Index(args, "-o")
			if i < 0 || i+1 >= len(args) {
				return fmt.Errorf("%s:%d: generation step has no -o output file", p, line)
			}
			out = append(out, Directive{Dir: filepath.ToSlash(rel), Args: args, Output: args[i+1], Line: line})
		}
		return sc.Err()
	})
	return out, err
}

// Regenerate runs every step, in order, in a copy of the module at
// scratch: the module's files (not hidden directories nor ./bin) without
// the steps' outputs, each step run in its directory there with its
// arguments as written, so that it reads what the earlier steps of this run
// wrote, not the tree's old copy, and writes its output at the same
// relative path under scratch. The first step that fails, or exits without
// writing its output, ends the run with a *StepError.
func Regenerate(ctx context.Context, root, scratch string, directives []Directive) error {
	if err := readInputs(root, directives); err != nil {
		return err
	}
	outputs := map[string]bool{}
	for _, d := range directives {
		outputs[path.Join(d.Dir, d.Output)] = true
	}
	if err := mirror(root, scratch, outputs); err != nil {
		return err
	}
	for _, d := range directives {
		cmd := exec.CommandContext(ctx, d.Args[0], d.Args[1:]...) //nolint:gosec // the repository's own steps
		cmd.Dir = filepath.Join(scratch, filepath.FromSlash(d.Dir))
		var output bytes.Buffer
		cmd.Stdout = &output
		cmd.Stderr = &output
		if err := cmd.Run(); err != nil {
			return &StepError{Step: d, Output: output.String(), Err: err}
		}
		if _, err := os.Stat(filepath.Join(cmd.Dir, d.Output)); err != nil {
			return &StepError{Step: d, Output: output.String(), Err: fmt.Errorf("it wrote no %s: %w", d.Output, err)}
		}
	}
	return nil
}

// mirror copies the module's regular files at root into dst, but for the
// outputs (module-relative, slash-separated), hidden directories, ./bin
// and node_modules.
func mirror(root, dst string, outputs map[string]bool) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || p == filepath.Join(root, "bin")) {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o750)
		}
		if !d.Type().IsRegular() || outputs[filepath.ToSlash(rel)] {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o600) //nolint:gosec // rel is a path of the module's own tree, under dst
	})
}

// ErrNothingChanged is what Generate's error matches when a step failed:
// no file of the tree was written.
var ErrNothingChanged = errors.New("go generate changed no file of the tree")

// Generate runs every step from root into a staging directory (as
// Regenerate) and, only when all of them succeeded, writes each output
// over its file of the tree, atomically (internal/atomicfile), leaving
// alone a file whose content is unchanged. When a step fails, no file of
// the tree is written: the error matches ErrNothingChanged and the
// *StepError, which names the step and holds the generator's reason.
func Generate(ctx context.Context, root string, directives []Directive) error {
	stage, err := os.MkdirTemp("", "axa-generate-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(stage) //nolint:errcheck // a temporary directory
	if err := Regenerate(ctx, root, stage, directives); err != nil {
		return fmt.Errorf("%w: %w", ErrNothingChanged, err)
	}
	for _, d := range directives {
		rel := filepath.FromSlash(path.Join(d.Dir, d.Output))
		data, err := os.ReadFile(filepath.Join(stage, rel))
		if err != nil {
			return fmt.Errorf("%s wrote no %s: %w", d, d.Output, err)
		}
		target := filepath.Join(root, rel)
		perm := fs.FileMode(0o644)
		if info, err := os.Stat(target); err == nil {
			perm = info.Mode().Perm()
			if old, err := os.ReadFile(target); err == nil && bytes.Equal(old, data) {
				continue
			}
		}
		if err := atomicfile.Write(target, data, perm); err != nil {
			return fmt.Errorf("writing %s: %w", rel, err)
		}
	}
	return nil
}

// readInputs reads, from this process, every file a step names (specs,
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
// that no step writes: a leftover of a removed step, or a file that no
// check would otherwise compare.
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
			drifts = append(drifts, Drift{rel, "no generation step (" + strings.TrimSpace(StepPrefix) + ") writes this file; delete it or add its step"})
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
