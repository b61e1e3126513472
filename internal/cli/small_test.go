package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/pkg/axa"
)

// The worldwide alerts say which countries each alert concerns.
func TestWorldwideAlertsShowTheCountry(t *testing.T) {
	r := run(t, nil, "alerts")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	lines := strings.Split(strings.TrimSpace(r.out), "\n")
	if !strings.Contains(lines[0], "COUNTRY") {
		t.Fatalf("no COUNTRY column: %q", lines[0])
	}
	withCountry := regexp.MustCompile(`^(health|security)\s+\S+\s+\S+\s+[a-z]{2}(,[a-z]{2})*\s`)
	found := false
	for _, l := range lines[1:] {
		if withCountry.MatchString(l) {
			found = true
		}
	}
	if !found {
		t.Errorf("no AXA alert row names its countries:\n%s", r.out)
	}
}

// axa version answers without credentials, and without a sandbox.
func TestVersionNeedsNoCredentials(t *testing.T) {
	r := run(t, nil, "version")
	if r.code != ExitOK || !strings.Contains(r.out, axa.SDKVersion) || !strings.Contains(r.out, axa.SpecVersion) {
		t.Fatalf("exit %d, out %q, err %q", r.code, r.out, r.err)
	}
	if strings.Contains(r.err, "sandbox") {
		t.Errorf("axa version started a sandbox: %q", r.err)
	}
	r = run(t, nil, "version", "--json")
	var v map[string]any
	if err := json.Unmarshal([]byte(r.out), &v); err != nil || v["client"] != axa.SDKVersion {
		t.Errorf("version --json: %q (%v)", r.out, err)
	}
}

// policy create --template prints a request file to fill in, which the
// command reads back.
func TestPolicyCreateTemplate(t *testing.T) {
	r := run(t, nil, "policy", "create", "--template")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var req axa.PolicyRequest
	if err := json.Unmarshal([]byte(r.out), &req); err != nil {
		t.Fatalf("the template is not a policy request: %v\n%s", err, r.out)
	}
	if req.PolicyHolder.Email == "" || len(req.Travellers) == 0 || strings.Contains(r.out, "quote_id") {
		t.Errorf("template lacks the holder or travellers, or has the quote id: %s", r.out)
	}
	if strings.Contains(r.err, "sandbox") {
		t.Errorf("--template started a sandbox: %q", r.err)
	}
	path := filepath.Join(t.TempDir(), "holder.json")
	if err := os.WriteFile(path, []byte(r.out), 0o600); err != nil {
		t.Fatal(err)
	}
	r = run(t, nil, "policy", "create")
	if r.code != ExitUsage || !strings.Contains(r.err, "--template") {
		t.Errorf("policy create without --file: exit %d, err %q; want 2 and a word on --template", r.code, r.err)
	}
}
