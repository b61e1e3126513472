package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// specFixture writes api/openapi.yaml, changed by edit, as JSON into dir and returns its path.
func specFixture(t *testing.T, dir, name string, edit func(*openapi3.T)) string {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile(filepath.Join("..", "..", specPath))
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(doc)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// requireOasdiff skips the test when the go command cannot fetch oasdiff (no network).
func requireOasdiff(t *testing.T, base string) {
	t.Helper()
	if _, err := oasdiffBreaking(context.Background(), base, base); errors.Is(err, errFetch) {
		t.Skipf("skipped: %v", err)
	} else if err != nil {
		t.Fatal(err)
	}
}

const (
	changelogNoMajor = "# Changelog\n\n## [Unreleased]\n\n### Changed\n- something\n"
	changelogV1      = "# Changelog\n\n## [Unreleased] (v1.0.0)\n\n### Removed\n- getCountrySecurity\n"
	changelogV2      = "# Changelog\n\n## [Unreleased] (v2.0.0)\n\n### Removed\n- getCountrySecurity\n"
)

func TestGateOnSpecFixtures(t *testing.T) {
	dir := t.TempDir()
	base := specFixture(t, dir, "base.json", nil)
	requireOasdiff(t, base)

	removedOp := specFixture(t, dir, "removed-op.json", func(d *openapi3.T) {
		d.Paths.Delete("/travel/v1/countries/{country_id}/security_cards")
	})
	requiredParam := specFixture(t, dir, "required-param.json", func(d *openapi3.T) {
		op := d.Paths.Find("/travel/v1/countries").Get
		op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: &openapi3.Parameter{
			Name: "region", In: "query", Required: true,
			Schema: &openapi3.SchemaRef{Value: openapi3.NewStringSchema()},
		}})
	})
	narrowedEnum := specFixture(t, dir, "narrowed-enum.json", func(d *openapi3.T) {
		d.Components.Schemas["TripType"].Value.Enum = []any{"single_trip"}
	})
	optionalParam := specFixture(t, dir, "optional-param.json", func(d *openapi3.T) {
		op := d.Paths.Find("/travel/v1/countries").Get
		op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: &openapi3.Parameter{
			Name: "region", In: "query",
			Schema: &openapi3.SchemaRef{Value: openapi3.NewStringSchema()},
		}})
	})

	tests := []struct {
		name      string
		head      string
		changelog string
		baseMajor int
		want      int
		wantText  string // in the output
	}{
		{"removed operation, no major in changelog", removedOp, changelogNoMajor, 0, 1, "security_cards"},
		{"removed operation, no changelog", removedOp, "", 0, 1, "security_cards"},
		{"removed operation, v1.0.0 announced", removedOp, changelogV1, 0, 0, "announced by CHANGELOG.md as v1.0.0"},
		{"removed operation, v1.0.0 announced but base is v1", removedOp, changelogV1, 1, 1, "(v2.0.0)"},
		{"removed operation, v2.0.0 announced, base is v1", removedOp, changelogV2, 1, 0, "as v2.0.0"},
		{"required parameter added", requiredParam, changelogNoMajor, 0, 1, "region"},
		{"request enum narrowed", narrowedEnum, changelogNoMajor, 0, 1, "annual_multi_trip"},
		{"optional parameter added", optionalParam, changelogNoMajor, 0, 0, "no breaking change"},
		{"unchanged", base, "", 0, 0, "no breaking change"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			got := gate(context.Background(), gateInput{
				BaseSpec: base, HeadSpec: tt.head, Changelog: []byte(tt.changelog), BaseMajor: tt.baseMajor,
			}, &out, &out)
			if got != tt.want {
				t.Fatalf("gate = %d, want %d; output:\n%s", got, tt.want, out.String())
			}
			if !strings.Contains(out.String(), tt.wantText) {
				t.Errorf("output does not mention %q:\n%s", tt.wantText, out.String())
			}
		})
	}
}

func TestGateOnScopeChange(t *testing.T) {
	dir := t.TempDir()
	base := specFixture(t, dir, "base.json", nil)
	requireOasdiff(t, base)
	golden, err := os.ReadFile(filepath.Join("..", "..", scopesPath))
	if err != nil {
		t.Fatal(err)
	}
	changed := bytes.Replace(golden, []byte("getPolicy\tGET /travel/v1/policies/{policy_id}\toauth2[urn:axa.assistance.travel.policies.creation_request]"),
		[]byte("getPolicy\tGET /travel/v1/policies/{policy_id}\toauth2[urn:axa.assistance.travel.policies.read_only]"), 1)
	if bytes.Equal(changed, golden) {
		t.Fatal("fixture: getPolicy's line not found in gen/scopes.golden")
	}
	var out bytes.Buffer
	in := gateInput{BaseSpec: base, HeadSpec: base, BaseScopes: golden, HeadScopes: changed, Changelog: []byte(changelogNoMajor)}
	if got := gate(context.Background(), in, &out, &out); got != 1 || !strings.Contains(out.String(), "getPolicy") {
		t.Errorf("scope change: gate = %d, want 1 naming getPolicy; output:\n%s", got, out.String())
	}
	out.Reset()
	in.BaseScopes, in.HeadScopes = changed, append(bytes.Clone(changed), "newOp\tGET /new\t(no credentials)\n"...)
	if got := gate(context.Background(), in, &out, &out); got != 0 {
		t.Errorf("added operation's scopes: gate = %d, want 0; output:\n%s", got, out.String())
	}
}

func TestUnreleasedMajor(t *testing.T) {
	tests := []struct {
		changelog string
		want      int
		ok        bool
	}{
		{changelogV1, 1, true},
		{changelogV2, 2, true},
		{changelogNoMajor, 0, false},
		{"# Changelog\n\n## [1.0.0] - 2026-01-01\n\n## [Unreleased] (v2.0.0)\n", 0, false}, // not the first level-2 heading
		{"# Changelog\n\n## [Unreleased] (v2.1.0)\n", 0, false},                            // not a major version
		{"", 0, false},
	}
	for _, tt := range tests {
		n, ok := unreleasedMajor([]byte(tt.changelog))
		if n != tt.want || ok != tt.ok {
			t.Errorf("unreleasedMajor(%q) = %d, %v; want %d, %v", tt.changelog, n, ok, tt.want, tt.ok)
		}
	}
}

func TestFindBase(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("skipped: no git")
	}
	ctx := context.Background()
	dir := t.TempDir()
	mustGit := func(args ...string) {
		t.Helper()
		if _, err := git(ctx, dir, args...); err != nil {
			t.Fatal(err)
		}
	}
	mustGit("init", "-q")
	mustGit("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "first")

	if ref, _, err := findBase(ctx, dir, ""); err != nil || ref != "" {
		t.Fatalf("no tag, no origin/main: findBase = %q, %v; want \"\" (nothing to compare)", ref, err)
	}
	mustGit("tag", "v1.2.0")
	mustGit("tag", "not-a-release")
	if ref, major, err := findBase(ctx, dir, ""); err != nil || ref != "v1.2.0" || major != 1 {
		t.Fatalf("tagged: findBase = %q, %d, %v; want v1.2.0, 1", ref, major, err)
	}
	mustGit("tag", "v3.0.1")
	if ref, major, err := findBase(ctx, dir, "v3.0.1"); err != nil || ref != "v3.0.1" || major != 3 {
		t.Fatalf("-base v3.0.1: findBase = %q, %d, %v; want v3.0.1, 3", ref, major, err)
	}
	if _, _, err := findBase(ctx, dir, "v9.9.9"); err == nil {
		t.Fatal("-base v9.9.9 (no such ref): findBase succeeded, want an error")
	}
}

// TestRunAgainstReleaseTag runs the whole gate in a throwaway repository whose
// release tag v1.0.0 holds the project's spec and whose working tree removes an
// operation: it fails until CHANGELOG.md announces v2.0.0.
func TestRunAgainstReleaseTag(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("skipped: no git")
	}
	ctx := context.Background()
	dir := t.TempDir()
	requireOasdiff(t, specFixture(t, t.TempDir(), "base.json", nil))
	golden, err := os.ReadFile(filepath.Join("..", "..", scopesPath))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"api", "gen"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o750); err != nil {
			t.Fatal(err)
		}
	}
	specFixture(t, dir, specPath, nil)
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(scopesPath, string(golden))
	write(changelog, changelogNoMajor)
	removed, err := os.ReadFile(specFixture(t, t.TempDir(), "removed-op.json", func(d *openapi3.T) {
		d.Paths.Delete("/travel/v1/countries/{country_id}/security_cards")
	}))
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"init", "-q"}, {"add", "."},
		{"-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "v1"},
		{"tag", "v1.0.0"},
	} {
		if _, err := git(ctx, dir, args...); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)

	var out bytes.Buffer
	if code := run(ctx, nil, &out, &out); code != 0 || !strings.Contains(out.String(), "no breaking change") {
		t.Fatalf("unchanged spec: run = %d, want 0; output:\n%s", code, out.String())
	}
	write(specPath, string(removed))
	out.Reset()
	if code := run(ctx, nil, &out, &out); code != 1 || !strings.Contains(out.String(), "security_cards") || !strings.Contains(out.String(), "at v1.0.0") {
		t.Fatalf("removed operation, no major: run = %d, want 1 against v1.0.0; output:\n%s", code, out.String())
	}
	write(changelog, changelogV2)
	out.Reset()
	if code := run(ctx, nil, &out, &out); code != 0 {
		t.Fatalf("removed operation, v2.0.0 announced: run = %d, want 0; output:\n%s", code, out.String())
	}
}
