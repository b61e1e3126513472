package sandbox_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/axatest"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// The documents of a policy issued by a running sandbox are the sandbox's:
// their URLs have the origin the client called (http from Start, https
// from a TLS server in front of the handler), not the production API's,
// and the certificate's URL, fetched with the client's token, is the
// policy's certificate.
func TestPolicyDocumentsNameTheSandbox(t *testing.T) {
	t.Run("Start", func(t *testing.T) {
		env := axatest.New(t)
		checkPolicyDocuments(t, env.Client, env.URL, http.DefaultTransport)
	})
	t.Run("TLS", func(t *testing.T) {
		sb, err := sandbox.New()
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewTLSServer(sb)
		defer ts.Close()
		transport := ts.Client().Transport
		c, err := axa.NewClient(axa.WithoutEnvironment(), axa.WithBaseURL(ts.URL), axa.WithTransport(transport),
			axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret))
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = c.Close() }()
		checkPolicyDocuments(t, c, ts.URL, transport)
	})
}

// checkPolicyDocuments issues a policy through c, whose sandbox is at base,
// checks that its documents are under base, and fetches its certificate
// through transport with c's token.
func checkPolicyDocuments(t *testing.T, c *axa.Client, base string, transport http.RoundTripper) {
	t.Helper()
	ctx := t.Context()
	q, err := c.RequestQuote(ctx, quoteRequest(), nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.CreatePolicy(ctx, policyRequest(q), nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	var certificate string
	for _, d := range p.Documents {
		u, err := url.Parse(d.URL)
		if err != nil || u.Scheme != want.Scheme || u.Host != want.Host {
			t.Errorf("%s document at %s, want it under %s", d.Kind, d.URL, base)
		}
		if d.Kind == axa.PolicyDocumentKindCertificate {
			certificate = d.URL
		}
	}
	if certificate == "" {
		t.Fatalf("documents %+v: no certificate", p.Documents)
	}
	if t.Failed() {
		return // not a URL of the sandbox's to fetch
	}

	tok, err := c.Token(ctx, axa.ScopePolicies)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, certificate, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken())
	resp, err := transport.RoundTrip(req)
	if err != nil {
		t.Fatalf("GET %s: %v", certificate, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(string(b), "%PDF-") || !strings.Contains(string(b), p.PolicyNumber) {
		t.Errorf("GET %s: %d %s, %d bytes, %v; want the policy's certificate, a PDF naming %s",
			certificate, resp.StatusCode, resp.Header.Get("Content-Type"), len(b), err, p.PolicyNumber)
	}
}
