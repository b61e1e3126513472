package loopback_test

import (
	"net/url"
	"testing"

	"github.com/axa-assistance-go/axa/internal/loopback"
)

func TestHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost":             true,
		"LocalHost":             true,
		"127.0.0.1":             true,
		"127.1.2.3":             true,
		"::1":                   true,
		"::ffff:127.0.0.1":      true,
		"":                      false,
		"[::1]":                 false, // brackets belong to a host:port, not to a host
		"127.0.0.1:8080":        false, // so does the port
		"localhost.":            false,
		"localhost.example.com": false,
		"example.com":           false,
		"10.0.0.1":              false,
		"0.0.0.0":               false,
		"::":                    false,
		"128.0.0.1":             false,
	} {
		if got := loopback.Host(host); got != want {
			t.Errorf("Host(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestURL(t *testing.T) {
	for raw, want := range map[string]bool{
		"http://localhost/cb":        true,
		"http://127.0.0.1:8080/cb":   true,
		"http://[::1]:53117/":        true,
		"HTTP://LOCALHOST":           true,
		"http://user:pw@127.0.0.1/x": true,
		"https://localhost/cb":       false, // secure anywhere: not the question asked
		"http://example.com/cb":      false,
		"http://127.0.0.1.nip.io/":   false,
		"ftp://127.0.0.1/":           false,
		"/relative/path":             false,
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := loopback.URL(u); got != want {
			t.Errorf("URL(%q) = %v, want %v", raw, got, want)
		}
	}
	if loopback.URL(nil) {
		t.Error("URL(nil) = true")
	}
	// A URL built by hand rather than parsed may keep its scheme's case.
	if !loopback.URL(&url.URL{Scheme: "HTTP", Host: "127.0.0.1:1"}) {
		t.Error("URL with scheme HTTP on 127.0.0.1 = false")
	}
}
