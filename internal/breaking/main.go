// Command breaking is the breaking-change gate of `make breaking`: it compares
// api/openapi.yaml (and gen/scopes.golden) with their versions at the last
// release tag and fails when the spec breaks the published contract, unless
// CHANGELOG.md announces the next major version.
//
// The base is the newest tag matching v* (git describe --tags --abbrev=0
// --match 'v*'); without one, the merge base with origin/main when that ref
// exists; without either, there is no published contract to break, and the
// gate says so and passes.
//
// The comparison runs oasdiff (pinned: go run github.com/oasdiff/oasdiff@v1.37.0,
// so that go.mod, and the SDK's importers, never list it) with the gate's
// severity levels (severityLevels: what the Go SDK really breaks, where it
// differs from oasdiff's defaults) and keeps its changes of level ERR. It adds
// the lines of gen/scopes.golden at the base that are no longer in the working
// tree's: a removed operation or a changed scope.
//
// Breaking changes pass only when the first level-2 heading of CHANGELOG.md is
// "## [Unreleased] (vN.0.0)" with N greater than the base tag's major version
// (0 when the base is not a tag). CHANGELOG.md's header states that rule.
//
// Usage (from the module root):
//
//	go run ./internal/breaking [-base REF]
//	go run ./internal/breaking -base-spec FILE   # against a spec file, no git (internal/specchange)
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// oasdiffModule is the pinned oasdiff, run with go run so that go.mod does not list it.
const oasdiffModule = "github.com/oasdiff/oasdiff@v1.37.0"

const (
	specPath   = "api/openapi.yaml"
	scopesPath = "gen/scopes.golden"
	changelog  = "CHANGELOG.md"
)

// severity is the gate's level of one oasdiff check, and why.
type severity struct {
	id, level, why string
}

// severityLevels are the levels of the oasdiff checks that the gate sets
// otherwise than oasdiff does, because the Go SDK breaks, or does not,
// where a generic client would not, or would. CONTRIBUTING.md's "The
// breaking-change gate" states the policy, each rule with the test that
// proves it.
func severityLevels() []severity {
	const (
		decodes = "the SDK's enum types are strings, and it decodes any value (TestAnOldSDKDecodesWhatANewerSpecAnswers)"
		gone    = "the SDK's exported Go identifier goes with it: its callers no longer compile (TestGateMatchesWhatTheSDKBreaks)"
	)
	return []severity{
		{"response-property-enum-value-added", "info", "a new value of a response enum: " + decodes},
		{"response-mediatype-enum-value-added", "info", "a new value of an enum answered whole: " + decodes},
		{"response-property-enum-value-removed", "err", "a value of a response enum removed: its constant, " + gone},
		{"response-mediatype-enum-value-removed", "err", "a value of an enum answered whole removed: its constant, " + gone},
		{"response-optional-property-removed", "err", "an optional response property removed: its struct field, " + gone},
		{"request-property-removed", "err", "a request property removed: its struct field, " + gone},
		{"request-parameter-removed", "err", "a parameter removed: its field or argument, " + gone},
	}
}

// writeSeverityLevels writes severityLevels in oasdiff's format (one "id
// level" a line, nothing else) into dir and returns the file's path.
func writeSeverityLevels(dir string) (string, error) {
	var b strings.Builder
	for _, s := range severityLevels() {
		b.WriteString(s.id + " " + s.level + "\n")
	}
	p := filepath.Join(dir, "severity-levels.txt")
	return p, os.WriteFile(p, []byte(b.String()), 0o600)
}

// errFetch reports that the go command could not download oasdiff (no network,
// or module downloads disabled).
var errFetch = errors.New("the go command could not fetch " + oasdiffModule)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code (0 pass, 1 breaking
// changes without a major version in CHANGELOG.md, 2 the gate could not run).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("breaking", flag.ContinueOnError)
	fs.SetOutput(stderr)
	baseFlag := fs.String("base", "", "git ref to compare with (default: the newest v* tag, else the merge base with origin/main)")
	specFlag := fs.String("base-spec", "", "a spec file to compare "+specPath+" with, instead of a git ref: its scopes are not compared, its major version is 0")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *specFlag != "" {
		return runOnSpec(ctx, *specFlag, stdout, stderr)
	}
	base, major, err := findBase(ctx, ".", *baseFlag)
	if err != nil {
		fmt.Fprintln(stderr, "breaking:", err)
		return 2
	}
	if base == "" {
		fmt.Fprintln(stdout, "breaking: no release tag: nothing to compare")
		return 0
	}
	dir, err := os.MkdirTemp("", "breaking-")
	if err != nil {
		fmt.Fprintln(stderr, "breaking:", err)
		return 2
	}
	defer func() { _ = os.RemoveAll(dir) }()
	baseSpec := filepath.Join(dir, "base-openapi.yaml")
	spec, err := gitShow(ctx, ".", base, specPath)
	if err != nil {
		fmt.Fprintln(stderr, "breaking:", err)
		return 2
	}
	if err := os.WriteFile(baseSpec, spec, 0o600); err != nil {
		fmt.Fprintln(stderr, "breaking:", err)
		return 2
	}
	// A base without the golden file (older than it) has no scopes to compare.
	baseScopes, _ := gitShow(ctx, ".", base, scopesPath)
	headScopes, err := os.ReadFile(scopesPath)
	if err != nil {
		fmt.Fprintln(stderr, "breaking:", err)
		return 2
	}
	log, err := os.ReadFile(changelog)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		fmt.Fprintln(stderr, "breaking:", err)
		return 2
	}
	fmt.Fprintf(stdout, "breaking: comparing %s with %s at %s\n", specPath, specPath, base)
	return gate(ctx, gateInput{
		BaseSpec: baseSpec, HeadSpec: specPath,
		BaseScopes: baseScopes, HeadScopes: headScopes,
		Changelog: log, BaseMajor: major,
	}, stdout, stderr)
}

// runOnSpec is run against a spec file: the working tree's spec compared
// with it, as with a base of major version 0 that has no scopes file.
func runOnSpec(ctx context.Context, base string, stdout, stderr io.Writer) int {
	log, err := os.ReadFile(changelog)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		fmt.Fprintln(stderr, "breaking:", err)
		return 2
	}
	fmt.Fprintf(stdout, "breaking: comparing %s with %s\n", specPath, base)
	return gate(ctx, gateInput{BaseSpec: base, HeadSpec: specPath, Changelog: log}, stdout, stderr)
}

// gateInput is what gate compares.
type gateInput struct {
	BaseSpec, HeadSpec     string // file paths
	BaseScopes, HeadScopes []byte // gen/scopes.golden contents; BaseScopes nil when absent
	Changelog              []byte // CHANGELOG.md
	BaseMajor              int    // the major version of the base tag, 0 if not a tag
}

// gate reports the breaking changes between in.BaseSpec and in.HeadSpec and
// returns the exit code of run.
func gate(ctx context.Context, in gateInput, stdout, stderr io.Writer) int {
	changes, err := oasdiffBreaking(ctx, in.BaseSpec, in.HeadSpec)
	if err != nil {
		fmt.Fprintln(stderr, "breaking:", err)
		return 2
	}
	for _, line := range removedScopeLines(in.BaseScopes, in.HeadScopes) {
		changes = append(changes, "gen/scopes.golden: removed or changed: "+line)
	}
	if len(changes) == 0 {
		fmt.Fprintln(stdout, "breaking: no breaking change")
		return 0
	}
	if n, ok := unreleasedMajor(in.Changelog); ok && n > in.BaseMajor {
		fmt.Fprintf(stdout, "breaking: %d breaking change(s), announced by CHANGELOG.md as v%d.0.0:\n", len(changes), n)
		for _, c := range changes {
			fmt.Fprintln(stdout, "  "+c)
		}
		return 0
	}
	fmt.Fprintf(stderr, "breaking: %d breaking change(s) and no \"## [Unreleased] (v%d.0.0)\" heading in CHANGELOG.md:\n", len(changes), in.BaseMajor+1)
	for _, c := range changes {
		fmt.Fprintln(stderr, "  "+c)
	}
	return 1
}

// unreleasedRE is the changelog rule: the first level-2 heading names the next major version.
var unreleasedRE = regexp.MustCompile(`^## \[Unreleased\] \(v([0-9]+)\.0\.0\)\s*$`)

// unreleasedMajor returns N when the first level-2 heading of the changelog is
// "## [Unreleased] (vN.0.0)".
func unreleasedMajor(changelog []byte) (int, bool) {
	for line := range strings.Lines(string(changelog)) {
		if !strings.HasPrefix(line, "## ") {
			continue
		}
		m := unreleasedRE.FindStringSubmatch(strings.TrimRight(line, "\r\n"))
		if m == nil {
			return 0, false
		}
		n, err := strconv.Atoi(m[1])
		return n, err == nil
	}
	return 0, false
}

// removedScopeLines returns the non-comment lines of base missing from head: in
// gen/scopes.golden, an operation removed or its scopes changed.
func removedScopeLines(base, head []byte) []string {
	have := map[string]bool{}
	for line := range strings.Lines(string(head)) {
		have[strings.TrimRight(line, "\r\n")] = true
	}
	var out []string
	for line := range strings.Lines(string(base)) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || strings.HasPrefix(line, "#") || have[line] {
			continue
		}
		out = append(out, line)
	}
	return out
}

// oasdiffChange is the part of an oasdiff JSON change the gate reports.
type oasdiffChange struct {
	ID        string `json:"id"`
	Text      string `json:"text"`
	Level     int    `json:"level"`
	Operation string `json:"operation"`
	Path      string `json:"path"`
}

// levelErr is oasdiff's level ERR in its JSON output.
const levelErr = 3

// oasdiffBreaking runs the pinned oasdiff with the gate's severity levels
// and returns its ERR-level changes, one line each.
func oasdiffBreaking(ctx context.Context, base, head string) ([]string, error) {
	dir, err := os.MkdirTemp("", "breaking-levels-")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	levels, err := writeSeverityLevels(dir)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "go", "run", oasdiffModule, "breaking", base, head, "--format", "json", "--severity-levels", levels) //nolint:gosec // the pinned oasdiff on the gate's own files
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		msg := errOut.String()
		for _, s := range []string{"dial tcp", "connection refused", "no such host", "GOPROXY=off", "GOFLAGS=-mod=vendor", "network is unreachable"} {
			if strings.Contains(msg, s) {
				return nil, fmt.Errorf("%w: %s", errFetch, strings.TrimSpace(msg))
			}
		}
		return nil, fmt.Errorf("oasdiff: %w: %s", err, strings.TrimSpace(msg))
	}
	var changes []oasdiffChange
	if s := bytes.TrimSpace(out.Bytes()); len(s) > 0 && !bytes.Equal(s, []byte("null")) {
		if err := json.Unmarshal(s, &changes); err != nil {
			return nil, fmt.Errorf("oasdiff output: %w", err)
		}
	}
	var lines []string
	for _, c := range changes {
		if c.Level >= levelErr {
			lines = append(lines, fmt.Sprintf("%s %s: %s (%s)", c.Operation, c.Path, c.Text, c.ID))
		}
	}
	return lines, nil
}

// findBase returns the git ref to compare with and its major version: ref when
// given, else the newest v* tag, else the merge base with origin/main, else "".
func findBase(ctx context.Context, dir, ref string) (string, int, error) {
	if ref != "" {
		if _, err := git(ctx, dir, "rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}"); err != nil {
			return "", 0, fmt.Errorf("-base %q: not a commit", ref)
		}
		return ref, tagMajor(ref), nil
	}
	if tag, err := git(ctx, dir, "describe", "--tags", "--abbrev=0", "--match", "v*"); err == nil {
		return tag, tagMajor(tag), nil
	}
	if _, err := git(ctx, dir, "rev-parse", "--verify", "--quiet", "origin/main"); err != nil {
		return "", 0, nil
	}
	mb, err := git(ctx, dir, "merge-base", "HEAD", "origin/main")
	if err != nil {
		return "", 0, err
	}
	return mb, 0, nil
}

// tagRE matches a release tag vMAJOR.MINOR.PATCH[...].
var tagRE = regexp.MustCompile(`^v([0-9]+)\.`)

// tagMajor returns the major version of a release tag, 0 for any other ref.
func tagMajor(ref string) int {
	m := tagRE.FindStringSubmatch(ref)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// gitShow returns path at ref.
func gitShow(ctx context.Context, dir, ref, path string) ([]byte, error) {
	s, err := git(ctx, dir, "show", ref+":"+path)
	if err != nil {
		return nil, err
	}
	return []byte(s + "\n"), nil
}

// git runs git in dir and returns its trimmed stdout.
func git(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...) //nolint:gosec // git with this program's own arguments
	cmd.Dir = dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(errOut.String()))
	}
	return strings.TrimSpace(out.String()), nil
}
