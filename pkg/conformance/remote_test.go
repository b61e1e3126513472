package conformance_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/conformance"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// remoteTransport sends every request for any host, over TLS, to a proxy
// in front of the loopback server at target, so that a run can name a host
// that is not loopback (https: plain HTTP to one is refused). The proxy's
// certificate is trusted for the name example.com, whatever the host.
func remoteTransport(t *testing.T, target string) http.RoundTripper {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httptest.NewTLSServer(httputil.NewSingleHostReverseProxy(u))
	t.Cleanup(proxy.Close)
	roots := x509.NewCertPool()
	roots.AddCert(proxy.Certificate())
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, proxy.Listener.Addr().String())
		},
		TLSClientConfig: &tls.Config{RootCAs: roots, ServerName: "example.com", MinVersion: tls.VersionTLS12},
	}
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// TestRemoteServerIsReadOnlyWithoutAllowWrites: against a host that is not
// loopback, the POSTs are skipped, and getPolicy's response, which needs a
// policy created, too; with AllowWrites they run.
func TestRemoteServerIsReadOnlyWithoutAllowWrites(t *testing.T) {
	tr := remoteTransport(t, startSandbox(t))
	cfg := conformance.Config{BaseURL: "https://conform.test", ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret, Transport: tr}
	rep, err := conformance.Check(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed() != 0 {
		t.Errorf("%d failed checks", rep.Failed())
	}
	ran := 0
	for _, op := range rep.Operations {
		for _, c := range op.Checks {
			switch {
			case op.Method == http.MethodPost:
				if c.Outcome != conformance.Skip || !strings.Contains(c.Message, "AllowWrites") {
					t.Errorf("%s %s: %s %q, want a skip naming AllowWrites", op.ID, c.Name, c.Outcome, c.Message)
				}
			case op.ID == string(gen.OperationGetPolicy) && c.Name == "response":
				if c.Outcome != conformance.Skip || !strings.Contains(c.Message, "createPolicy") {
					t.Errorf("getPolicy response: %s %q, want a skip naming createPolicy", c.Outcome, c.Message)
				}
			case c.Outcome == conformance.Pass:
				ran++
			}
		}
	}
	if ran == 0 {
		t.Error("no read-only check ran")
	}

	cfg.AllowWrites = true
	rep, err = conformance.Check(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range rep.Operations {
		for _, c := range op.Checks {
			if op.Method == http.MethodPost && (c.Outcome == conformance.Fail || strings.Contains(c.Message, "AllowWrites")) {
				t.Errorf("with AllowWrites, %s %s: %s %q", op.ID, c.Name, c.Outcome, c.Message)
			}
		}
		// The SDK's authorization server for a base URL of no environment
		// is the local sandbox's paths under it, without an issuer: the
		// operations at the issuer (its metadata, its key set) are skipped,
		// saying so, rather than sent to the API's origin.
		if c := op.Checks[0]; issuerOperations[op.ID] {
			if c.Outcome != conformance.Skip || !strings.Contains(c.Message, "names no issuer") {
				t.Errorf("with AllowWrites, %s response: %s %q, want a skip naming the missing issuer", op.ID, c.Outcome, c.Message)
			}
		} else if c.Outcome != conformance.Pass {
			t.Errorf("with AllowWrites, %s response: %s %q", op.ID, c.Outcome, c.Message)
		}
	}
	if rep.Failed() != 0 {
		t.Errorf("with AllowWrites: %d failed checks", rep.Failed())
	}
}

// issuerOperations are the operations of the authorization server the run
// checks at its issuer: those it serves at none of gen.TokenPath,
// gen.AuthorizePath, gen.RevocationPath.
var issuerOperations = func() map[string]bool {
	out := map[string]bool{}
	for _, op := range gen.Operations() {
		if op.AuthorizationServer && op.Path != gen.TokenPath && op.Path != gen.AuthorizePath && op.Path != gen.RevocationPath {
			out[string(op.ID)] = true
		}
	}
	return out
}()

// TestReportHoldsNoSecret: the client secret and every token the run used
// are nowhere in the JSON report, even from a server that echoes the
// caller's token into its answers.
func TestReportHoldsNoSecret(t *testing.T) {
	const id, secret = "canary-client", "canary-secret-5b0e9f3c8a7d4c2b"
	var scopes []string
	for _, s := range gen.AllScopes() {
		scopes = append(scopes, string(s))
	}
	target := startSandbox(t, sandbox.WithClient(sandbox.Client{ID: id, Secret: secret, Scopes: scopes}))
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	// A leaky server: listCountries answers the caller's token as a
	// country id (which breaks the spec: the report will show it).
	p := httputil.NewSingleHostReverseProxy(u)
	p.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.URL.Path != "/travel/v1/countries" || resp.StatusCode != http.StatusOK {
			return nil
		}
		tok := strings.TrimPrefix(resp.Request.Header.Get("Authorization"), "Bearer ")
		b, err := json.Marshal([]map[string]string{{"id": tok, "label": "Leak"}})
		if err != nil {
			return err
		}
		resp.Body = io.NopCloser(strings.NewReader(string(b)))
		resp.ContentLength = int64(len(b))
		resp.Header.Del("Content-Length")
		return nil
	}
	leaky := httptest.NewServer(p)
	t.Cleanup(leaky.Close)

	rec := &recorder{next: http.DefaultTransport}
	rep, err := conformance.Check(t.Context(), conformance.Config{BaseURL: leaky.URL, ClientID: id, ClientSecret: secret, Transport: rec})
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "[redacted]") {
		t.Error("the leaked token does not show as [redacted]: the canary did not reach the report")
	}
	tokens := rec.tokens()
	if len(tokens) < len(scopes) {
		t.Fatalf("recorded %d tokens, want at least %d", len(tokens), len(scopes))
	}
	for _, s := range append(tokens, secret) {
		if strings.Contains(string(out), s) || strings.Contains(string(out), s[:16]) {
			t.Errorf("the report holds a secret or its beginning (%d bytes)", len(s))
		}
	}

	// A run that gets no token says so without the secret.
	_, err = conformance.Check(t.Context(), conformance.Config{BaseURL: target, ClientID: id, ClientSecret: secret + "-wrong"})
	if err == nil || strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "invalid_client") {
		t.Errorf("Check with a wrong secret: %v, want an invalid_client error without the secret", err)
	}
}

// recorder records the bearer tokens of the requests it carries.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	seen map[string]bool
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if tok, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer "); ok {
		r.mu.Lock()
		if r.seen == nil {
			r.seen = map[string]bool{}
		}
		r.seen[tok] = true
		r.mu.Unlock()
	}
	return r.next.RoundTrip(req)
}

func (r *recorder) tokens() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for tok := range r.seen {
		if len(tok) >= 16 {
			out = append(out, tok)
		}
	}
	return out
}
