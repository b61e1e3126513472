package axa_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// The SDK keeps its own copy of the sandbox's client credentials (pkg/axa
// does not import pkg/sandbox): they stay the sandbox's.
func TestSandboxClientIsTheSandboxs(t *testing.T) {
	if axa.SandboxClientID != sandbox.DefaultClientID || axa.SandboxClientSecret != sandbox.DefaultClientSecret {
		t.Errorf("axa.SandboxClientID/Secret = %q/%q, the sandbox's are %q/%q", axa.SandboxClientID, axa.SandboxClientSecret, sandbox.DefaultClientID, sandbox.DefaultClientSecret)
	}
}

// NewClient(WithSandbox()) calls the sandbox with its client when no
// credentials are given (issue 21), instead of failing at the first call
// with "no credentials configured"; credentials given win.
func TestWithSandboxUsesTheSandboxsClient(t *testing.T) {
	srv := startSandbox()
	defer srv.Close()
	port := srv.URL()[strings.LastIndex(srv.URL(), ":")+1:]
	for _, v := range []string{axa.EnvEnvironment, axa.EnvClientID, axa.EnvClientSecret, axa.EnvBaseURL, axa.EnvIssuer, axa.EnvTokenURL} {
		t.Setenv(v, "") // no credentials from the environment
	}
	c, err := axa.NewClient(axa.WithSandbox(), axa.WithBaseURL("http://127.0.0.1:"+port))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.ListCountries(t.Context(), nil); err != nil {
		t.Fatalf("ListCountries through WithSandbox without credentials: %v", err)
	}

	other, err := axa.NewClient(axa.WithSandbox(), axa.WithBaseURL(srv.URL()), axa.WithClientCredentials("someone-else", "wrong"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.ListCountries(t.Context(), nil); !errors.Is(err, axa.ErrUnauthorized) {
		t.Errorf("given credentials: %v, want the sandbox's refusal of them (ErrUnauthorized)", err)
	}

	none, err := axa.NewClient(axa.WithBaseURL(srv.URL()), axa.WithoutEnvironment())
	if err != nil {
		t.Fatal(err)
	}
	defer none.Close()
	if _, err := none.ListCountries(t.Context(), nil); !errors.Is(err, axa.ErrNoCredentials) {
		t.Errorf("without WithSandbox nor credentials: %v, want ErrNoCredentials", err)
	}
}
