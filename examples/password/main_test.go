package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

func TestRunOffline(t *testing.T) {
	var out strings.Builder
	if err := run(t.Context(), &out, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	want := "granted: [" + axa.ScopeCountries + "]\n249 countries\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestRunUsesTheEnvironment(t *testing.T) {
	srv, err := startSandbox()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	env := map[string]string{
		axa.EnvBaseURL: srv.URL(), axa.EnvClientID: sandbox.DefaultClientID, axa.EnvClientSecret: sandbox.DefaultClientSecret,
		"AXA_USERNAME": sandbox.DefaultUsername, "AXA_PASSWORD": sandbox.DefaultPassword,
	}

	var out strings.Builder
	if err := run(t.Context(), &out, func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out.String(), "249 countries\n") {
		t.Errorf("output: %q", out.String())
	}

	env["AXA_PASSWORD"] = "wrong"
	var tokErr *axa.TokenError
	if err := run(t.Context(), &out, func(k string) string { return env[k] }); !errors.As(err, &tokErr) || tokErr.Code != "invalid_grant" {
		t.Errorf("with a wrong password: %v, want a TokenError invalid_grant", err)
	}
}
