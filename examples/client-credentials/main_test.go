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
	if err := run(t.Context(), &out, noEnv); err != nil {
		t.Fatal(err)
	}
	want := "249 countries\nad Andorra\nae United Arab Emirates\naf Afghanistan\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestRunUsesTheEnvironment(t *testing.T) {
	srv := startTestSandbox(t)

	var out strings.Builder
	ok := env{axa.EnvBaseURL: srv.URL(), axa.EnvClientID: sandbox.DefaultClientID, axa.EnvClientSecret: sandbox.DefaultClientSecret}
	if err := run(t.Context(), &out, ok.get); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "249 countries\n") {
		t.Errorf("output: %q", out.String())
	}

	bad := env{axa.EnvBaseURL: srv.URL(), axa.EnvClientID: sandbox.DefaultClientID, axa.EnvClientSecret: "wrong"}
	var tokErr *axa.TokenError
	if err := run(t.Context(), &out, bad.get); !errors.As(err, &tokErr) || tokErr.Code != "invalid_client" {
		t.Errorf("with a wrong secret: %v, want a TokenError invalid_client", err)
	}

	missing := env{axa.EnvBaseURL: srv.URL()}
	if err := run(t.Context(), &out, missing.get); err == nil {
		t.Error("AXA_BASE_URL without credentials: no error")
	}
}

// env is a fake environment.
type env map[string]string

func (e env) get(k string) string { return e[k] }

func noEnv(string) string { return "" }

func startTestSandbox(t *testing.T) *sandbox.Server {
	t.Helper()
	srv, err := startSandbox()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}
