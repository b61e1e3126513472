// Package axatest gives tests a running AXA Assistance sandbox and a client
// for it in one line:
//
//	func TestBooking(t *testing.T) {
//		env := axatest.New(t)
//		countries, err := env.Client.ListCountries(t.Context(), nil)
//		...
//	}
//
// The sandbox listens on a loopback port and stops, with the client, when
// the test ends (or the benchmark: New takes a testing.TB). Every answer the
// client receives is checked against the API's spec (api/openapi.yaml): an
// answer the real API could not give fails the test, with a message naming
// the operation and, for each failure, where (status, header, or a JSON
// pointer into the body), what the spec expects and what came; tokens and
// secrets are never printed. Sandbox options combine: a fault injected with
// sandbox.WithFault (503 by default, or another status the operation's spec
// documents, at the token endpoint too), or a 429 of sandbox.WithRateLimit,
// is an answer the spec allows, so it reaches the code under test without
// failing the test; a status the spec does not document fails it.
//
// The clients get their tokens from the sandbox's authorization server. By
// default it shares the API's listener, and the client finds it as the SDK
// does for a base URL of the local sandbox (the spec's "local"
// environment). With sandbox.WithAuthorizationServerAddr among the options
// it has a listener of its own, as the real API's is on another host: Env's
// AuthorizationServerURL is then its URL, and the clients (Client and
// NewClient's) are given its token, authorization and revocation endpoints
// with axa.WithAuthorizationServer, so that the client secret goes there
// and the tokens to URL only. The spec check covers the answers of both
// origins.
//
// Each New is its own sandbox (port, signing key, store): parallel tests do
// not share state, and one's tokens are refused by another. For one sandbox
// shared by a package, start it in TestMain with sandbox.New and Start, and
// give each test a client checked by SpecChecker:
//
//	c, err := axa.NewClient(axa.WithoutEnvironment(), axa.WithBaseURL(srv.URL()),
//		axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret),
//		axa.WithTransport(axatest.SpecChecker(t, http.DefaultTransport)))
package axatest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/routers"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/oprouter"
	"github.com/axa-assistance-go/axa/internal/specresponse"
	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// Env is a running sandbox with a client for it.
type Env struct {
	// Sandbox is the sandbox itself.
	Sandbox *sandbox.Sandbox
	// Server is where it listens.
	Server *sandbox.Server
	// URL is the sandbox's base URL: its API's.
	URL string
	// AuthorizationServerURL is the base URL of the sandbox's authorization
	// server, where the clients get their tokens (its token, authorization
	// and revocation endpoints, metadata and key set are at the spec's
	// paths under it): URL itself, unless sandbox.WithAuthorizationServerAddr
	// gave it a listener of its own.
	AuthorizationServerURL string
	// Client calls the sandbox with the default client credentials.
	Client *axa.Client

	t         testing.TB
	transport http.RoundTripper
}

// New starts a sandbox with opts and returns it with a client using
// sandbox.DefaultClientID. Both stop when the test ends.
func New(t testing.TB, opts ...sandbox.Option) *Env {
	t.Helper()
	sb, err := sandbox.New(opts...)
	if err != nil {
		t.Fatalf("axatest: %v", err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("axatest: %v", err)
	}
	base := &http.Transport{}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Logf("axatest: sandbox shutdown: %v", err) // Shutdown closed what was left
		}
		base.CloseIdleConnections()
	})
	env := &Env{Sandbox: sb, Server: srv, URL: srv.URL(), AuthorizationServerURL: srv.AuthorizationServerURL(), t: t, transport: SpecChecker(t, base)}
	env.Client = env.NewClient(axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret))
	return env
}

// NewClient returns another client of the sandbox, configured by opts (give
// it credentials), sending through the same spec checks. It is closed when
// the test ends. Its tokens come from the sandbox's authorization server,
// at AuthorizationServerURL; an axa.WithAuthorizationServer among opts
// replaces it.
//
// An axa.WithTransport among opts replaces the transport that checks the
// answers: wrap yours to keep the checks,
// axa.WithTransport(axatest.SpecChecker(t, yours)).
func (e *Env) NewClient(opts ...axa.Option) *axa.Client {
	e.t.Helper()
	base := []axa.Option{axa.WithoutEnvironment(), axa.WithBaseURL(e.URL), axa.WithTransport(e.transport)}
	if as := e.AuthorizationServerURL; as != "" && as != e.URL {
		// Its endpoints, not its issuer: the issuer may be another URL
		// (sandbox.WithIssuer, a proxy in front of it).
		base = append(base, axa.WithAuthorizationServer(axa.AuthorizationServer{
			TokenURL: as + gen.TokenPath, AuthorizationURL: as + gen.AuthorizePath, RevocationURL: as + gen.RevocationPath,
		}))
	}
	c, err := axa.NewClient(append(base, opts...)...)
	if err != nil {
		e.t.Fatalf("axatest: %v", err)
	}
	e.t.Cleanup(func() { _ = c.Close() })
	return c
}

// SpecChecker wraps next so that every answer is validated against the spec
// with kin-openapi, the API's and its authorization server's alike (the
// operations tagged oauth: token, authorization, revocation, metadata, key
// set): each answer is routed on its request's path alone, whatever its
// origin, so the answers of an authorization server on a host of its own
// are checked too, as long as it serves the spec's paths (the sandbox's
// does; a path the spec lacks is reported). An answer that does not
// validate fails t. Use it to check a server of your own.
func SpecChecker(t testing.TB, next http.RoundTripper) http.RoundTripper {
	t.Helper()
	router, err := specRouter()
	if err != nil {
		t.Fatalf("%v", err)
	}
	c := &specChecker{t: t, next: next, router: router}
	t.Cleanup(func() { // a late answer must not report on a finished test
		c.mu.Lock()
		defer c.mu.Unlock()
		c.done = true
	})
	return c
}

type specChecker struct {
	t      testing.TB
	next   http.RoundTripper
	router routers.Router
	// mu is held while a failure is reported, so that the test cannot
	// finish between the check of done and the report.
	mu   sync.RWMutex
	done bool
}

// RoundTrip implements http.RoundTripper.
func (s *specChecker) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := s.next.RoundTrip(req)
	// The authorization server's answers are checked too: the spec
	// describes its endpoints (the operations tagged oauth).
	if err != nil {
		return resp, err
	}
	body, rerr := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if rerr != nil {
		// Hand the caller the read failure, not a body cut short.
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{rerr}))
		return resp, nil
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if verr := CheckResponse(s.router, req, resp.StatusCode, resp.Header, body); verr != nil {
		s.mu.RLock()
		defer s.mu.RUnlock()
		if !s.done {
			s.t.Errorf("axatest: %s", failureText(req, resp.StatusCode, verr))
		}
	}
	return resp, nil
}

// SpecError is what CheckResponse returns for an answer that breaks the
// spec: the operation answered, and its failures, at least one.
type SpecError = specresponse.Error

// SpecFailure is one way an answer breaks the spec: where (Pointer:
// "status", "header/Name", a JSON pointer into the body, or "body"), what
// the spec expects there and what came (Got, shortened, secrets redacted).
type SpecFailure = specresponse.Failure

// CheckResponse validates one answer to req against the spec routed by
// router: the status must be documented, the headers the spec requires
// present and valid, and the body must match its schema; a success the
// spec documents without content must have no body, and a binary answer
// (a PDF, an image) must be of a documented media type and, for PDF, PNG,
// GIF, JPEG and ZIP, start as such a document does. An answer that
// breaks the spec is a *SpecError listing where (status, header or
// JSON pointer into the body), what the spec expects and what came; the
// conformance run validates with the same code.
//
// A nil router routes with the API's spec (api/openapi.yaml) on the
// request's path alone, whatever its host, as SpecChecker does. A router
// of your own must route path-only URLs too.
func CheckResponse(router routers.Router, req *http.Request, status int, header http.Header, body []byte) error {
	if router == nil {
		var err error
		if router, err = specRouter(); err != nil {
			return err
		}
	}
	return specresponse.Check(router, req, status, header, body)
}

// specRouter is the router of the API's spec, loaded once.
var specRouter = sync.OnceValues(func() (routers.Router, error) {
	doc, err := api.Load(context.Background())
	if err != nil {
		return nil, fmt.Errorf("axatest: %w", err)
	}
	return oprouter.New(doc), nil
})

// failureText says what answer broke the spec and how: the operation, the
// request's method and path, the status, then every failure on a line of
// its own (where, what the spec expects, what came; secrets redacted).
func failureText(req *http.Request, status int, err error) string {
	var serr *specresponse.Error
	if !errors.As(err, &serr) || len(serr.Failures) == 0 {
		return fmt.Sprintf("%s %s answered %d, which the spec does not allow: %v", req.Method, req.URL.Path, status, err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s %s) answered %d, which the spec does not allow:", serr.Operation, req.Method, req.URL.Path, status)
	for _, f := range serr.Failures {
		b.WriteString("\n\t")
		b.WriteString(f.String())
	}
	return b.String()
}

// errReader fails every read with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
