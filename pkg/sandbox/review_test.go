package sandbox

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/pkg/sandbox/oauth"
)

func TestOptionsRefuseNonsense(t *testing.T) {
	for name, opt := range map[string]Option{
		"fault on an unknown operation": WithFault("noSuchOperation", Fault{ErrorRate: 1}),
		"rate without burst":            WithRateLimit(10, 0),
		"commit not hex":                WithBuildInfo(time.Now(), "not-a-commit"),
		"fault rate above 1":            WithFault(FaultAll, Fault{ErrorRate: 2}),
	} {
		if _, err := New(opt); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := New(WithFault("createPolicy", Fault{ErrorRate: 0.5}), WithFault(FaultToken, Fault{}), WithRateLimit(0, 0)); err != nil {
		t.Errorf("valid options refused: %v", err)
	}
}

// RFC 8414 section 3.3: a started sandbox's metadata names itself as the
// issuer, its endpoints under it, and its tokens carry that issuer.
func TestStartedSandboxIsItsOwnIssuer(t *testing.T) {
	sb, err := New()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL()+"/.well-known/oauth-authorization-server", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var meta map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&meta); err != nil {
		t.Fatal(err)
	}
	if meta["issuer"] != srv.URL() || meta["token_endpoint"] != srv.URL()+"/auth/v1/token" {
		t.Errorf("metadata issuer %v, token endpoint %v; want them at %s", meta["issuer"], meta["token_endpoint"], srv.URL())
	}
	tok, err := sb.auth.Issue(DefaultClientID, "", oauth.AllScopes(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	c, err := sb.auth.Verify(tok)
	if err != nil || c.Issuer != srv.URL() {
		t.Errorf("token issuer %v (%v), want %s", c, err, srv.URL())
	}
	if _, err := New(WithIssuer("not a url")); err == nil {
		t.Error("WithIssuer accepted a non-URL")
	}
}
