package axa_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// A sandbox's authorization server lists every scope of the spec; the
// client finds its metadata through the issuer of the local environment.
func TestSupportedScopesOfTheSandbox(t *testing.T) {
	sb, err := sandbox.New()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := axa.NewClient(axa.WithoutEnvironment(), axa.WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got, err := c.SupportedScopes(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, s := range gen.AllScopes() {
		want = append(want, string(s))
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("SupportedScopes = %v, want the spec's %v", got, want)
	}
}

// metadataServer answers the metadata paths with handle; it counts the
// requests that reach it.
func metadataServer(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, issuer string)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		handle(w, r, srv.URL)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func writeMetadata(w http.ResponseWriter, m map[string]any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(m)
}

func clientOfIssuer(t *testing.T, as axa.AuthorizationServer) *axa.Client {
	t.Helper()
	c, err := axa.NewClient(axa.WithoutEnvironment(), axa.WithBaseURL("http://127.0.0.1:1"), axa.WithAuthorizationServer(as))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// The list as the server gives it, each scope once; from OpenID Connect's
// path when RFC 8414's answers 404.
func TestSupportedScopesFromTheMetadata(t *testing.T) {
	srv, _ := metadataServer(t, func(w http.ResponseWriter, r *http.Request, issuer string) {
		if r.URL.Path != "/.well-known/openid-configuration" {
			http.NotFound(w, r)
			return
		}
		writeMetadata(w, map[string]any{"issuer": issuer, "scopes_supported": []string{"b", "a", "", "b", "openid"}})
	})
	got, err := clientOfIssuer(t, axa.AuthorizationServer{Issuer: srv.URL}).SupportedScopes(t.Context())
	if err != nil || !slices.Equal(got, []string{"b", "a", "openid"}) {
		t.Errorf("SupportedScopes = %v, %v; want [b a openid]", got, err)
	}
}

// No list to read is ErrNoScopesSupported; a list not to be trusted is
// ErrDiscovery; neither follows a redirect.
func TestSupportedScopesWithoutAList(t *testing.T) {
	elsewhere, reached := metadataServer(t, func(w http.ResponseWriter, _ *http.Request, issuer string) {
		writeMetadata(w, map[string]any{"issuer": issuer, "scopes_supported": []string{"x"}})
	})
	for _, tc := range []struct {
		name   string
		handle func(w http.ResponseWriter, r *http.Request, issuer string)
		want   error
		says   string
	}{
		{"no metadata", func(w http.ResponseWriter, r *http.Request, _ string) { http.NotFound(w, r) }, axa.ErrNoScopesSupported, "404"},
		{"no scopes_supported", func(w http.ResponseWriter, _ *http.Request, issuer string) {
			writeMetadata(w, map[string]any{"issuer": issuer})
		}, axa.ErrNoScopesSupported, "has none"},
		{"an empty scopes_supported", func(w http.ResponseWriter, _ *http.Request, issuer string) {
			writeMetadata(w, map[string]any{"issuer": issuer, "scopes_supported": []string{}})
		}, axa.ErrNoScopesSupported, "empty"},
		{"another issuer", func(w http.ResponseWriter, _ *http.Request, _ string) {
			writeMetadata(w, map[string]any{"issuer": "https://attacker.example", "scopes_supported": []string{"x"}})
		}, axa.ErrDiscovery, "attacker.example"},
		{"scopes not strings", func(w http.ResponseWriter, _ *http.Request, issuer string) {
			writeMetadata(w, map[string]any{"issuer": issuer, "scopes_supported": []int{1}})
		}, axa.ErrDiscovery, "list of strings"},
		{"a server error", func(w http.ResponseWriter, _ *http.Request, _ string) {
			w.WriteHeader(http.StatusServiceUnavailable)
		}, axa.ErrDiscovery, "503"},
		{"a redirect", func(w http.ResponseWriter, r *http.Request, _ string) {
			http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusFound)
		}, axa.ErrDiscovery, "redirect"},
	} {
		srv, _ := metadataServer(t, tc.handle)
		got, err := clientOfIssuer(t, axa.AuthorizationServer{Issuer: srv.URL}).SupportedScopes(t.Context())
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.says) || got != nil {
			t.Errorf("%s: %v, %v; want %v saying %q", tc.name, got, err, tc.want, tc.says)
		}
	}
	if reached.Load() != 0 {
		t.Error("a redirect of the metadata was followed")
	}

	// Endpoints but no issuer: no metadata to read, and nothing is sent.
	srv, n := metadataServer(t, func(w http.ResponseWriter, r *http.Request, _ string) { http.NotFound(w, r) })
	c := clientOfIssuer(t, axa.AuthorizationServer{TokenURL: srv.URL + "/token"})
	if _, err := c.SupportedScopes(t.Context()); !errors.Is(err, axa.ErrNoScopesSupported) || !strings.Contains(err.Error(), "no issuer") {
		t.Errorf("without an issuer: %v, want ErrNoScopesSupported saying there is no issuer", err)
	}
	if n.Load() != 0 {
		t.Errorf("%d requests without an issuer", n.Load())
	}
	_ = c.Close()
	if _, err := c.SupportedScopes(t.Context()); !errors.Is(err, axa.ErrClosed) {
		t.Errorf("after Close: %v, want ErrClosed", err)
	}
}
