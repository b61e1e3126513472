package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// Another client holding a leaked, used code cannot revoke the rightful
// client's tokens with it.
func TestUsedCodeFromAnotherClientRevokesNothing(t *testing.T) {
	e := newOAuthEnv(t, WithAutoApprove(), WithClient(Client{ID: "other", Secret: "other-secret", Scopes: allScopes(),
		RedirectURLs: []string{DefaultRedirectURL}}))
	cfg := e.oauth2Config("http://127.0.0.1:9999/callback")
	verifier := oauth2.GenerateVerifier()
	code := e.authorizeCode(cfg, verifier)
	first, err := cfg.Exchange(e.ctx(), code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	a := e.post("/auth/v1/token", url.Values{"grant_type": {"authorization_code"}, "code": {code}, "code_verifier": {verifier},
		"redirect_uri": {"http://127.0.0.1:9999/callback"}}, "other", "other-secret")
	wantOAuthError(t, a, http.StatusBadRequest, "invalid_grant")
	if !e.verifies(first.AccessToken) {
		t.Error("another client's replay of a used code revoked the rightful client's token")
	}
}

func TestMethodNotAllowedIs405WithAllow(t *testing.T) {
	e := newMatrixEnv(t)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodDelete, e.srv.URL+"/travel/v1/countries", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET" {
		t.Fatalf("DELETE /travel/v1/countries: %d, Allow %q; want 405, GET", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

// Forged tokens naming a client do not spend that client's rate budget.
func TestForgedTokensDoNotSpendAnotherClientsBudget(t *testing.T) {
	sb, err := New(WithRateLimit(0.001, 2))
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	forged := enc([]byte(`{"alg":"none"}`)) + "." + enc([]byte(`{"client_id":"`+DefaultClientID+`"}`)) + "."
	tok, err := sb.auth.signer.issue(DefaultClientID, "", allScopes(), time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	send := func(bearer, addr string) int {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "/travel/v1/countries", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.RemoteAddr = addr
		req.Header.Set("Authorization", "Bearer "+bearer)
		rec := httptest.NewRecorder()
		sb.ServeHTTP(rec, req)
		return rec.Code
	}
	for range 5 {
		send(forged, "10.9.9.9:1234")
	}
	if code := send(tok, "127.0.0.1:5555"); code != http.StatusOK {
		t.Fatalf("the real client got %d after forged requests in its name", code)
	}
}

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

// A 401 for a missing token carries an error code in its body (the spec's
// Error requires one) but none in its challenge (RFC 6750 section 3.1).
func TestMissingTokenAnswer(t *testing.T) {
	e := newMatrixEnv(t)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, e.srv.URL+"/travel/v1/countries", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	buf := string(b)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(buf, `"error":"unauthorized"`) {
		t.Errorf("%d %s", resp.StatusCode, buf)
	}
	if strings.Contains(resp.Header.Get("WWW-Authenticate"), "error=") {
		t.Errorf("challenge %q names an error though no token was sent", resp.Header.Get("WWW-Authenticate"))
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
	tok, err := sb.auth.signer.issue(DefaultClientID, "", allScopes(), time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	c, err := sb.auth.verifyAccessToken(tok)
	if err != nil || c.Issuer != srv.URL() {
		t.Errorf("token issuer %v (%v), want %s", c, err, srv.URL())
	}
	if _, err := New(WithIssuer("not a url")); err == nil {
		t.Error("WithIssuer accepted a non-URL")
	}
}
