package main

import (
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

func TestRunOffline(t *testing.T) {
	var out strings.Builder
	if err := run(t.Context(), &out, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	want := "tokens from another origin than the API: true\n249 countries\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}

// With the credentials in the environment, the SDK reads the other AXA_*
// variables itself: here a sandbox whose authorization server is named by
// AXA_TOKEN_URL and needs AXA_AUDIENCE.
func TestRunUsesTheEnvironment(t *testing.T) {
	srv, err := startSandbox()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for k, v := range map[string]string{
		axa.EnvBaseURL: srv.URL(), axa.EnvTokenURL: srv.AuthorizationServerURL() + gen.TokenPath, axa.EnvAudience: "https://apis.axa-assistance.com",
		axa.EnvClientID: sandbox.DefaultClientID, axa.EnvClientSecret: sandbox.DefaultClientSecret,
	} {
		t.Setenv(k, v)
	}
	var out strings.Builder
	if err := run(t.Context(), &out, func(k string) string { return map[string]string{axa.EnvClientID: sandbox.DefaultClientID}[k] }); err != nil {
		t.Fatal(err)
	}
	if out.String() != "tokens from another origin than the API: true\n249 countries\n" {
		t.Errorf("output: %q", out.String())
	}
	t.Setenv(axa.EnvAudience, "")
	if err := run(t.Context(), &out, func(k string) string { return map[string]string{axa.EnvClientID: sandbox.DefaultClientID}[k] }); err == nil || !strings.Contains(err.Error(), "audience") {
		t.Errorf("without the audience the sandbox requires: %v", err)
	}
}
