package cli

import (
	"encoding/json"
	"testing"
)

func TestCountriesJSONAndLanguage(t *testing.T) {
	r := run(t, nil, "countries", "--json", "--lang", "fr")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var list []struct{ ID, Label string }
	if err := json.Unmarshal([]byte(r.out), &list); err != nil {
		t.Fatalf("--json output is not JSON: %v", err)
	}
	if len(list) != 249 {
		t.Errorf("%d countries", len(list))
	}
	for _, c := range list {
		if c.ID == "de" && c.Label != "Allemagne" {
			t.Errorf("de in French = %q, want Allemagne", c.Label)
		}
	}
}
