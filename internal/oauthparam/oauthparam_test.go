package oauthparam

import "testing"

func TestReserved(t *testing.T) {
	for _, name := range []string{"", "grant_type", "scope", "client_secret", "code_verifier", "refresh_token"} {
		if !Reserved(name) {
			t.Errorf("%q is not reserved", name)
		}
	}
	for _, name := range []string{"audience", "resource", "organization"} {
		if Reserved(name) {
			t.Errorf("%q is reserved", name)
		}
	}
}

func TestExpand(t *testing.T) {
	defaults := map[string]string{"port": "8080", "region": "eu"}
	if got := Expand("http://127.0.0.1:{port}/{region}", defaults, nil); got != "http://127.0.0.1:8080/eu" {
		t.Errorf("defaults: %s", got)
	}
	if got := Expand("http://127.0.0.1:{port}/{region}", defaults, map[string]string{"port": "43210"}); got != "http://127.0.0.1:43210/eu" {
		t.Errorf("a value: %s", got)
	}
	if got := Expand("https://{other}.example", defaults, nil); got != "https://{other}.example" {
		t.Errorf("an unknown variable: %s", got)
	}
}
