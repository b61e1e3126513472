package specchange

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/internal/gencheck"
)

// newOperation is the GET operation the proof adds, with the schemas it
// answers; the anchors are where each goes in the spec.
const (
	pathAnchor   = "\n  /travel/v1/countries/{country_id}/security_cards:\n"
	schemaAnchor = "\n    CountryList:\n"
	newPath      = `
  /travel/v1/countries/{country_id}/embassies:
    get:
      operationId: listCountryEmbassies
      tags: [countries]
      summary: The embassies in one country
      description: The embassies and consulates in one country, by city.
      security:
        - oauth2: [urn:axa.assistance.travel.countries.read_only]
      parameters:
        - $ref: "#/components/parameters/CountryIdPath"
        - $ref: "#/components/parameters/AcceptLanguage"
      responses:
        "200":
          description: The embassies.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/DiplomaticMissionList"
              example:
                - name: Embassy of Japan
                  city: Paris
                - name: Consulate of Japan
                  city: Marseille
        "400":
          $ref: "#/components/responses/BadRequest"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "403":
          $ref: "#/components/responses/Forbidden"
        "404":
          $ref: "#/components/responses/NotFound"
        "429":
          $ref: "#/components/responses/TooManyRequests"
        "500":
          $ref: "#/components/responses/InternalError"
        "503":
          $ref: "#/components/responses/ServiceUnavailable"`
	newSchemas = `
    DiplomaticMission:
      type: object
      description: An embassy or consulate.
      required: [name, city]
      properties:
        name:
          type: string
          description: The embassy's name.
        city:
          type: string
          description: The city it is in.
      example: {name: Embassy of Japan, city: Paris}
    DiplomaticMissionList:
      type: array
      description: Embassies and consulates.
      items:
        $ref: "#/components/schemas/DiplomaticMission"
      example:
        - name: Embassy of Japan
          city: Paris`
)

// The environment the proof adds: a staging API whose authorization server
// is found through its issuer, with an audience every token request sends.
const (
	envAnchor = "\n  - url: http://127.0.0.1:{port}\n"
	newEnv    = `
  - url: https://staging.api.axa-assistance.example
    description: A staging environment, added by the spec-change proof.
    x-environment: staging
    x-authorization-server:
      issuer: https://auth.staging.axa-assistance.example/
      token_parameters:
        audience: https://staging.api.axa-assistance.example`
)

// envCall uses the new environment from the SDK: its constant, base URL,
// authorization server and audience, all from go generate.
const envCall = `package proof

import (
	"testing"

	"github.com/axa-assistance-go/axa/pkg/axa"
)

func TestTheNewEnvironment(t *testing.T) {
	c, err := axa.NewClient(axa.WithoutEnvironment(), axa.WithEnvironment(axa.EnvironmentStaging))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.BaseURL() != "https://staging.api.axa-assistance.example" {
		t.Errorf("base URL %s", c.BaseURL())
	}
	if as := c.AuthorizationServer(); as.Issuer != "https://auth.staging.axa-assistance.example/" || as.TokenURL != "" {
		t.Errorf("authorization server %v", as)
	}
	if got := c.TokenParameters().Get("audience"); got != "https://staging.api.axa-assistance.example" {
		t.Errorf("audience %q", got)
	}
}
`

// sdkCall is the program of a user of the SDK, in a directory of its own
// in the copy: it calls the new operation with a client that can only get
// the scope the spec gives it, so its success proves the token's scope.
const sdkCall = `package proof

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

func TestTheNewOperationThroughTheSDK(t *testing.T) {
	sb, err := sandbox.New(sandbox.WithClient(sandbox.Client{ID: "embassies", Secret: "s3cret", Scopes: []string{axa.ScopeCountries}}))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := axa.NewClient(axa.WithoutEnvironment(), axa.WithBaseURL(srv.URL()), axa.WithClientCredentials("embassies", "s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got, err := c.ListCountryEmbassies(context.Background(), "fr", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, example, ok := gen.ExampleResponse(gen.OperationListCountryEmbassies)
	if !ok {
		t.Fatal("no example")
	}
	var want gen.DiplomaticMissionList
	if err := json.Unmarshal(example, &want); err != nil {
		t.Fatal(err)
	}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Fatalf("ListCountryEmbassies = %s, want the spec's example %s", gotJSON, wantJSON)
	}
	if scopes, ok := axa.RequiredScopes("listCountryEmbassies"); !ok || len(scopes) != 1 || scopes[0] != axa.ScopeCountries {
		t.Fatalf("RequiredScopes = %v, %v", scopes, ok)
	}
}
`

// A new operation needs an edit of the spec and nothing else by hand:
// go generate makes its SDK method, its scope, its command and its sandbox
// answer.
func TestANewOperationNeedsOnlyTheSpec(t *testing.T) {
	if testing.Short() {
		t.Skip("copies the module, then generates, builds and tests in the copy")
	}
	root, err := gencheck.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	before := copyModule(t, root, dst)

	specPath := filepath.Join(dst, "api", "openapi.yaml")
	spec, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	spec = editSpec(t, spec, true)
	// Enum values and an error status (values_test.go).
	spec = growValues(t, spec)
	if err := os.WriteFile(specPath, spec, 0o600); err != nil {
		t.Fatal(err)
	}

	goCmd(t, dst, "generate", "./...")
	goCmd(t, dst, "build", "./...")

	// Only the spec and generated files changed.
	for rel, old := range before {
		now, err := os.ReadFile(filepath.Join(dst, rel))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		if bytes.Equal(now, old) || rel == "api/openapi.yaml" || generated(rel, now) {
			continue
		}
		t.Errorf("go generate changed %s, which is written by hand", rel)
	}

	// The whole suite of the copy, as make check runs it (without -race):
	// no test of the module may need a hand edit for the spec to grow.
	// This package's tests are not run there (inCopy, TestMain).
	t.Setenv(inCopy, "1")
	goCmd(t, dst, "test", "-count=1", "./...")

	proofDir := filepath.Join(dst, "internal", "specchangeproof")
	if err := os.MkdirAll(proofDir, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(proofDir, "proof_test.go"), []byte(sdkCall), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(proofDir, "claims_test.go"), []byte(claimsCall), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(proofDir, "env_test.go"), []byte(envCall), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(proofDir, "shapes_test.go"), []byte(shapesCall), 0o600); err != nil {
		t.Fatal(err)
	}
	goCmd(t, dst, "test", "./internal/specchangeproof/")

	// The command's background sandbox lives in a state directory of this
	// test's own (a sandbox of the unchanged module, shared through the
	// user's, would not know the operation), and is stopped at the end.
	axaBin := filepath.Join(t.TempDir(), "axa")
	goCmd(t, dst, "build", "-o", axaBin, "./cmd/axa")
	stateDir := t.TempDir()
	run := func(args ...string) (stdout, stderr string, err error) {
		t.Helper()
		// Not t.Context(): the stop runs in a cleanup, after it ended.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, axaBin, args...)
		cmd.Dir = dst
		cmd.Env = append(cleanEnv(), "AXA_STATE_DIR="+stateDir)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err = cmd.Run()
		return out.String(), errOut.String(), err
	}
	axa := func(args ...string) string {
		t.Helper()
		stdout, stderr, err := run(args...)
		if err != nil {
			t.Fatalf("axa %s: %v\n%s%s", strings.Join(args, " "), err, stdout, stderr)
		}
		return stdout
	}
	t.Cleanup(func() { axa("sandbox", "stop") })
	// The command knows the new environment: --env takes it, and without
	// credentials says they are missing rather than that it is unknown.
	if _, stderr, err := run("--env", "staging", "countries"); err == nil || !strings.Contains(stderr, "the environment staging") {
		t.Errorf("axa --env staging without credentials: %v %s", err, stderr)
	}
	if out := axa("--help"); !strings.Contains(out, "staging") {
		t.Errorf("axa --help does not name the new environment: %s", out)
	}
	out := axa("api", "listCountryEmbassies", "--country_id", "fr")
	var got []map[string]string
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("axa api listCountryEmbassies printed %q: %v", out, err)
	}
	if len(got) != 2 || got[0]["name"] != "Embassy of Japan" || got[1]["city"] != "Marseille" {
		t.Errorf("axa api listCountryEmbassies = %v, want the spec's example", got)
	}

	// The POST, its body from a file, twice with one Idempotency-Key: the
	// second is the replay of the first (a third, with another body, is
	// refused); the GET with a uuid and a query array of two values.
	bodyPath := filepath.Join(t.TempDir(), "claim.json")
	if err := os.WriteFile(bodyPath, []byte(`{"policy_id":"9d5b2c1e-4f3a-4b6d-8e7f-0a1b2c3d4e5f","kind":"medical","incident_date":"2026-12-24"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var claims [2]map[string]string
	for i := range claims {
		out := axa("api", "createClaim", "--file", bodyPath, "--idempotency-key", "claim-1")
		if err := json.Unmarshal([]byte(out), &claims[i]); err != nil {
			t.Fatalf("axa api createClaim printed %q: %v", out, err)
		}
	}
	if claims[0]["id"] == "" || claims[0]["status"] != "received" || claims[1]["id"] != claims[0]["id"] {
		t.Errorf("axa api createClaim twice = %v, want the spec's example twice", claims)
	}
	out = axa("api", "getClaim", "--claim_id", claims[0]["id"], "--include", "documents", "--include", "payments")
	var claim map[string]string
	if err := json.Unmarshal([]byte(out), &claim); err != nil || claim["id"] != claims[0]["id"] {
		t.Errorf("axa api getClaim printed %q (%v), want the claim", out, err)
	}

	checkShapesOutsideTheSDK(t, dst, axa, run)
	// The operations added to the spec alone are tools of the copy's
	// axa mcp, over standard input and output (mcp_test.go).
	checkMCPTools(t, dst, axaBin, stateDir)

	// Additions are not breaking changes: the copy's breaking-change gate
	// (internal/breaking, oasdiff with its severity levels) compares the
	// grown spec with the original and finds none.
	if out, ok := gateAgainst(t, dst, filepath.Join(root, "api", "openapi.yaml")); ok && !strings.Contains(out, "no breaking change") {
		t.Errorf("the breaking-change gate reports the additions as breaking:\n%s", out)
	}
}

// inCopy is set in the environment of the copy's test run, where this
// package's tests do not run (TestMain): the copy's spec has the additions
// already.
const inCopy = "SPECCHANGE_IN_COPY"

// editSpec returns spec with the proof's additions: the GET operation, the
// claims operations with their tag and scope, the staging environment, and
// with shapes one operation of every shape (shapes_test.go).
func editSpec(t testing.TB, spec []byte, shapes bool) []byte {
	t.Helper()
	if !bytes.Contains(spec, []byte(pathAnchor)) || !bytes.Contains(spec, []byte(schemaAnchor)) {
		t.Fatal("the anchors of the new operation are gone from the spec: update this test")
	}
	spec = bytes.Replace(spec, []byte(pathAnchor), []byte(newPath+"\n"+pathAnchor), 1)
	spec = bytes.Replace(spec, []byte(schemaAnchor), []byte(newSchemas+"\n"+schemaAnchor), 1)
	// The claims operations, their tag and their scope, in every flow.
	for _, a := range []string{claimsPathAnchor, claimsSchemaAnchor, claimsTagAnchor} {
		if !bytes.Contains(spec, []byte(a)) {
			t.Fatalf("the anchor %q of the claims operations is gone from the spec: update this test", a)
		}
	}
	if n := bytes.Count(spec, []byte(claimsScopeAnchor)); n != 3 {
		t.Fatalf("the scope anchor is in %d flows, want 3: update this test", n)
	}
	paths, schemas := claimsPaths, claimsSchemas
	if shapes {
		if !bytes.Contains(spec, []byte(shapesParamAnchor)) {
			t.Fatalf("the anchor %q of the shapes' parameter is gone from the spec: update this test", shapesParamAnchor)
		}
		paths, schemas = paths+"\n"+shapesPaths, schemas+shapesSchemas
		spec = bytes.Replace(spec, []byte(shapesParamAnchor), []byte(shapesParamAnchor+shapesParameters[1:]+"\n"), 1)
	}
	spec = bytes.Replace(spec, []byte(claimsPathAnchor), []byte(paths+"\n"+claimsPathAnchor), 1)
	spec = bytes.Replace(spec, []byte(claimsSchemaAnchor), []byte(schemas+claimsSchemaAnchor), 1)
	spec = bytes.Replace(spec, []byte(claimsTagAnchor), []byte(claimsTag+claimsTagAnchor), 1)
	spec = bytes.ReplaceAll(spec, []byte(claimsScopeAnchor), []byte(claimsScopeAnchor+claimsScope))
	// The staging environment, before the local sandbox's.
	if !bytes.Contains(spec, []byte(envAnchor)) {
		t.Fatal("the anchor of the new environment is gone from the spec: update this test")
	}
	spec = bytes.Replace(spec, []byte(envAnchor), []byte(newEnv+envAnchor), 1)
	return spec
}

// gateAgainst runs the breaking-change gate of the module at dir on its
// spec against the spec file base, and returns what it printed; ok is
// false, and the test logs why, when the gate could not run (oasdiff
// neither in the module cache nor downloadable).
func gateAgainst(t *testing.T, dir, base string) (string, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "run", "./internal/breaking", "-base-spec", base)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), "GOWORK=off")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 2 || err != nil && !errors.As(err, &exit) {
		t.Logf("the breaking-change gate did not run (%v): %s", err, out)
		return "", false
	}
	return string(out), true
}

// copyModule copies the module's files (not .git, a directory or a
// worktree's file, not bin) into dst and
// returns their contents by slash-separated path.
func copyModule(t *testing.T, root, dst string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if rel != "." && (d.Name() == ".git" || d.Name() == "bin" || strings.HasPrefix(d.Name(), ".") && d.Name() != ".ci" && d.Name() != ".github") {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o750)
		}
		// A worktree's .git is a file naming the repository: copied, it
		// would make git in the copy act on the original's repository.
		if !d.Type().IsRegular() || d.Name() == ".git" {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = data
		return os.WriteFile(filepath.Join(dst, rel), data, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// generatedMark is the line by which Go code says it was generated
// (https://go.dev/s/generatedcode).
var generatedMark = regexp.MustCompile(`(?m)^// Code generated .* DO NOT EDIT\.$`)

// generated reports whether a file is the output of a generator: Go code
// that says so, or a golden file of gen/.
func generated(rel string, data []byte) bool {
	if strings.HasSuffix(rel, ".golden") && strings.HasPrefix(rel, "gen/") {
		return true
	}
	return strings.HasSuffix(rel, ".go") && generatedMark.Match(data)
}

// goCmd runs the go command in dir and returns its standard output,
// failing the test with its output when it fails.
func goCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go %s: %v\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// cleanEnv is the environment without the AXA_* variables, so that no
// command of the proof reaches a real API or the user's state.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AXA_") {
			env = append(env, kv)
		}
	}
	return env
}
