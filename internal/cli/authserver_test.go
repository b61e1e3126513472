package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// originRecorder is a transport that keeps every request the commands send,
// whole, by origin.
type originRecorder struct {
	mu   sync.Mutex
	seen map[string][]string
}

func (r *originRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		_ = req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", req.Method, req.URL.RequestURI())
	_ = req.Header.Write(&b)
	b.Write(body)
	r.mu.Lock()
	if r.seen == nil {
		r.seen = map[string][]string{}
	}
	origin := req.URL.Scheme + "://" + req.URL.Host
	r.seen[origin] = append(r.seen[origin], b.String())
	r.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

func (r *originRecorder) requests(origin string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seen[origin]...)
}

// splitSandbox serves a sandbox whose authorization server has a listener
// of its own and asks every token request for the API's audience; it
// returns the environment of a client of it, and the two origins.
func splitSandbox(t *testing.T) (env map[string]string, api, issuer string) {
	t.Helper()
	sb, err := sandbox.New(sandbox.WithAutoApprove(), sandbox.WithAudienceRequired(),
		sandbox.WithAuthorizationServerAddr("127.0.0.1:0"),
		sandbox.WithClient(sandbox.Client{
			ID: canaryID, Secret: canarySecret,
			Scopes:       apiScopes(),
			RedirectURLs: []string{"http://127.0.0.1/callback"},
		}))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	if srv.URL() == srv.AuthorizationServerURL() {
		t.Fatal("the sandbox's authorization server is on the API's origin")
	}
	return map[string]string{
		axa.EnvBaseURL: srv.URL(), axa.EnvIssuer: srv.AuthorizationServerURL(), axa.EnvAudience: "https://apis.axa-assistance.com",
		axa.EnvClientID: canaryID, axa.EnvClientSecret: canarySecret, EnvStateDir: t.TempDir(),
	}, srv.URL(), srv.AuthorizationServerURL()
}

// Every command that gets a token, logs in, refreshes or revokes does it
// at the authorization server's own origin, and the client secret, the
// refresh token and the code never reach the API's, nor an access token
// the authorization server's.
func TestCommandsGetTokensFromTheAuthorizationServersOwnHost(t *testing.T) {
	env, api, issuer := splitSandbox(t)
	rec := &originRecorder{}
	newF := func() *Factory {
		return &Factory{Getenv: func(k string) string { return env[k] }, OpenBrowser: browser,
			ClientOptions: []axa.Option{axa.WithTransport(rec)}}
	}
	steps := [][]string{
		{"countries"},
		{"token", "--scope", axa.ScopeAlerts, "--json"},
		{"login", "--wait", "20s"},
		{"auth", "status", "--json"},
		{"countries", "fr"}, // as the user, refreshing
		{"logout"},
		{"conform"}, // the API and its authorization server, each where it lives
	}
	var refresh string
	for _, args := range steps {
		r := run(t, newF(), args...)
		if r.code != ExitOK {
			t.Fatalf("axa %s: exit %d: %s", strings.Join(args, " "), r.code, r.err)
		}
		if args[0] == "login" {
			s := readSession(t, env[EnvStateDir])
			refresh = s.RefreshToken
			if s.Issuer != issuer {
				t.Errorf("the session records the issuer %q, want %q", s.Issuer, issuer)
			}
		}
		if args[0] == "conform" {
			t.Logf("axa conform: %s", r.out[strings.LastIndex(strings.TrimSpace(r.out), "\n")+1:])
		}
		if args[0] == "conform" && !strings.Contains(r.out, " 0 failed") {
			t.Errorf("axa conform: %s", r.out)
		}
		if args[0] == "auth" {
			var status map[string]any
			if err := json.Unmarshal([]byte(r.out), &status); err != nil || status["logged_in"] != true || status["issuer"] != issuer {
				t.Errorf("auth status: %s (%v)", r.out, err)
			}
		}
	}
	if refresh == "" {
		t.Fatal("login recorded no refresh token")
	}
	if len(rec.requests(api)) == 0 || len(rec.requests(issuer)) == 0 {
		t.Fatalf("requests: API %d, authorization server %d", len(rec.requests(api)), len(rec.requests(issuer)))
	}
	basic := base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(canaryID) + ":" + url.QueryEscape(canarySecret)))
	for _, req := range rec.requests(api) {
		for _, canary := range []string{canarySecret, basic, refresh, "refresh_token", "code_verifier"} {
			if strings.Contains(req, canary) {
				t.Errorf("the API's origin got %q:\n%s", canary, req)
			}
		}
	}
	var revoked bool
	for _, req := range rec.requests(issuer) {
		if strings.Contains(req, "Bearer ") {
			t.Errorf("the authorization server got a bearer token:\n%s", req)
		}
		if !strings.Contains(req, "audience=") && strings.Contains(req, "grant_type=") {
			t.Errorf("a token request without the audience:\n%s", req)
		}
		revoked = revoked || strings.HasPrefix(req, "POST /auth/v1/revoke")
	}
	if !revoked {
		t.Error("logout revoked nothing at the authorization server")
	}
}

// A session is used, and revoked, with the authorization server that
// issued it only: configured for another, the commands refuse it rather
// than send its refresh token there.
func TestSessionOfAnotherAuthorizationServerIsNotUsed(t *testing.T) {
	env, _, _ := splitSandbox(t)
	newF := func(env map[string]string) *Factory {
		return &Factory{Getenv: func(k string) string { return env[k] }, OpenBrowser: browser}
	}
	if r := run(t, newF(env), "login", "--wait", "20s"); r.code != ExitOK {
		t.Fatalf("login: exit %d: %s", r.code, r.err)
	}
	other := map[string]string{}
	for k, v := range env {
		other[k] = v
	}
	other[axa.EnvIssuer] = "http://127.0.0.1:1"
	for _, args := range [][]string{{"auth", "status"}, {"logout"}} {
		r := run(t, newF(other), args...)
		if r.code != ExitUsage || !strings.Contains(r.err, "the session was issued by") {
			t.Errorf("axa %s under another issuer: exit %d: %s", strings.Join(args, " "), r.code, r.err)
		}
	}
	if r := run(t, newF(env), "logout"); r.code != ExitOK {
		t.Errorf("logout with the session's issuer: exit %d: %s", r.code, r.err)
	}
}

func TestAuthorizationServerFlagsAreChecked(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--env", "nowhere", "countries"}, "production"},
		{[]string{"--issuer", "https://auth.example", "countries"}, "no credentials"},
		{[]string{"--token-url", "https://auth.example/token", "login"}, "no client id"},
		{[]string{"--env", "production", "countries"}, "no credentials"},
	} {
		r := run(t, nil, c.args...)
		if r.code != ExitUsage || !strings.Contains(r.err, c.want) {
			t.Errorf("axa %s: exit %d: %s, want usage naming %q", strings.Join(c.args, " "), r.code, r.err, c.want)
		}
	}
	env := map[string]string{axa.EnvClientID: "id", axa.EnvClientSecret: "secret", axa.EnvTokenURL: "http://auth.example/token"}
	r := run(t, &Factory{Getenv: func(k string) string { return env[k] }}, "countries")
	if r.code != ExitUsage || !strings.Contains(r.err, "https") {
		t.Errorf("a plain-http token URL: exit %d: %s", r.code, r.err)
	}
	// The local environment is the embedded sandbox's: no credentials needed.
	if r := run(t, nil, "--env", "local", "countries", "fr"); r.code != ExitOK {
		t.Errorf("--env local without credentials: exit %d: %s", r.code, r.err)
	}
}
