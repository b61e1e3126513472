package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// The whole booking flow in one sandbox: a quote, a policy from it (twice
// with one idempotency key: one policy), and reading it back.
func TestBookingFlowAgainstOneSandbox(t *testing.T) {
	sb, err := sandbox.New()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	env := map[string]string{"AXA_BASE_URL": srv.URL(), "AXA_CLIENT_ID": sandbox.DefaultClientID, "AXA_CLIENT_SECRET": sandbox.DefaultClientSecret}
	newF := func() *Factory { return &Factory{Getenv: func(k string) string { return env[k] }} }

	start := time.Now().AddDate(0, 0, 30).Format(time.DateOnly)
	end := time.Now().AddDate(0, 0, 44).Format(time.DateOnly)
	r := run(t, newF(), "quote", "--json", "--from", "fr", "--to", "jp", "--start", start, "--end", end, "--traveller", "1985-04-12")
	if r.code != ExitOK {
		t.Fatalf("quote: exit %d: %s", r.code, r.err)
	}
	if strings.Contains(r.err, "embedded sandbox") {
		t.Error("with credentials the command still started the embedded sandbox")
	}
	var q struct{ ID string }
	if err := json.Unmarshal([]byte(r.out), &q); err != nil {
		t.Fatal(err)
	}
	holder := filepath.Join(t.TempDir(), "holder.json")
	if err := os.WriteFile(holder, []byte(`{
		"policy_holder": {"person": {"first_name": "Camille", "last_name": "Martin", "birth_date": "1985-04-12"},
			"email": "camille.martin@example.com",
			"address": {"street_address": "6 rue André Gide", "postal_code": "92320", "locality": "Châtillon", "country": "fr"}},
		"travellers": [{"first_name": "Camille", "last_name": "Martin", "birth_date": "1985-04-12"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var numbers []string
	var id string
	for range 2 {
		r := run(t, newF(), "policy", "create", "--json", "--quote", q.ID, "--file", holder, "--idempotency-key", "booking-42")
		if r.code != ExitOK {
			t.Fatalf("policy create: exit %d: %s", r.code, r.err)
		}
		var p struct {
			ID           string
			PolicyNumber string `json:"policy_number"`
		}
		if err := json.Unmarshal([]byte(r.out), &p); err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, p.PolicyNumber)
		id = p.ID
	}
	if numbers[0] == "" || numbers[0] != numbers[1] {
		t.Errorf("two runs with one idempotency key issued %v", numbers)
	}
	r = run(t, newF(), "policy", "get", id)
	if r.code != ExitOK || !strings.Contains(r.out, numbers[0]) {
		t.Errorf("policy get: exit %d, out %q, err %q", r.code, r.out, r.err)
	}
}
