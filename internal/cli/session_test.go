package cli

import (
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

const (
	canaryID     = "canary-client-7f3a"
	canarySecret = "canary-secret-Zq81xK"
)

// browser plays the user's browser: it follows the login URL to the
// callback (the sandbox approves at once).
func browser(u string) error {
	go func() { _, _ = get(u, true) }()
	return nil
}

// apiScopes are every scope the spec declares: the test clients are
// registered for all of them, whatever scopes the spec grows.
func apiScopes() []string {
	var out []string
	for _, s := range gen.AllScopes() {
		out = append(out, string(s))
	}
	return out
}

// sessionSandbox serves a sandbox with a client whose secret is a canary,
// and returns the environment that names it, with a state directory.
func sessionSandbox(t *testing.T) (map[string]string, string) {
	t.Helper()
	sb, err := sandbox.New(sandbox.WithAutoApprove(), sandbox.WithClient(sandbox.Client{
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
	dir := t.TempDir()
	return map[string]string{axa.EnvBaseURL: srv.URL(), axa.EnvClientID: canaryID, axa.EnvClientSecret: canarySecret, EnvStateDir: dir}, dir
}

func readSession(t *testing.T, dir string) session {
	t.Helper()
	path := filepath.Join(dir, sessionFile)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("no session file: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("session file mode %v, want 0600", fi.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), canarySecret) {
		t.Error("the session file holds the client secret")
	}
	var s session
	if err := json.Unmarshal(data, &s); err != nil || s.RefreshToken == "" {
		t.Fatalf("session file %q: %v", data, err)
	}
	return s
}

// refreshStatus sends a refresh_token grant with rt and returns the status.
func refreshStatus(t *testing.T, base, rt string) int {
	t.Helper()
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/auth/v1/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(canaryID, canarySecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// axa login records a session (0600, no client secret); later commands act
// as the user and record the rotated refresh token; axa auth status says who
// and which scopes; axa logout revokes the session and deletes it. No
// secret is ever printed.
func TestLoginSessionLogout(t *testing.T) {
	env, dir := sessionSandbox(t)
	newF := func() *Factory {
		return &Factory{Getenv: func(k string) string { return env[k] }, OpenBrowser: browser}
	}
	var printed []string
	check := func(r result, what string) {
		t.Helper()
		if r.code != ExitOK {
			t.Fatalf("%s: exit %d, out %q, err %q", what, r.code, r.out, r.err)
		}
		printed = append(printed, r.out, r.err)
	}

	check(run(t, newF(), "login", "--wait", "20s"), "login")
	first := readSession(t, dir)
	if first.ClientID != canaryID || first.BaseURL != env[axa.EnvBaseURL] {
		t.Errorf("session %+v is not for the client and API logged in to", first)
	}

	check(run(t, newF(), "countries", "fr"), "countries with the session")
	second := readSession(t, dir)
	if second.RefreshToken == first.RefreshToken {
		t.Error("the command did not use the session (its refresh token did not rotate)")
	}

	r := run(t, newF(), "auth", "status")
	check(r, "auth status")
	for _, want := range []string{"Logged in", sandbox.DefaultUsername, canaryID, axa.ScopeCountries} {
		if !strings.Contains(r.out, want) {
			t.Errorf("auth status lacks %q:\n%s", want, r.out)
		}
	}
	r = run(t, newF(), "auth", "status", "--json")
	check(r, "auth status --json")
	var st struct {
		LoggedIn bool `json:"logged_in"`
		User     string
		Scopes   []string
	}
	if err := json.Unmarshal([]byte(r.out), &st); err != nil || !st.LoggedIn || st.User != sandbox.DefaultUsername || len(st.Scopes) == 0 {
		t.Errorf("auth status --json: %q (%v)", r.out, err)
	}
	last := readSession(t, dir)

	check(run(t, newF(), "logout"), "logout")
	if _, err := os.Stat(filepath.Join(dir, sessionFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the session file is still there: %v", err)
	}
	if code := refreshStatus(t, env[axa.EnvBaseURL], last.RefreshToken); code == http.StatusOK {
		t.Error("the session's refresh token still works after logout: not revoked")
	}
	r = run(t, newF(), "auth", "status")
	check(r, "auth status after logout")
	if !strings.Contains(r.out, "no") {
		t.Errorf("auth status after logout: %q", r.out)
	}
	check(run(t, newF(), "countries", "fr"), "countries after logout (client credentials)")

	all := strings.Join(printed, "\n")
	for _, secret := range []string{canarySecret, first.RefreshToken, second.RefreshToken, last.RefreshToken, "eyJ"} {
		if strings.Contains(all, secret) {
			t.Errorf("a secret (%.6s...) was printed", secret)
		}
	}
}

// Without credentials, the login is to the shared sandbox, and the next
// commands use its session.
func TestLoginToTheSharedSandbox(t *testing.T) {
	newF, sp, dir := sharedEnv(t)
	sp.opts = []sandbox.Option{sandbox.WithAutoApprove()}
	f := newF(nil)
	f.OpenBrowser = browser
	if r := run(t, f, "login", "--wait", "20s"); r.code != ExitOK {
		t.Fatalf("login: exit %d: %s", r.code, r.err)
	}
	readSession(t, dir)
	if r := run(t, newF(nil), "auth", "status"); r.code != ExitOK || !strings.Contains(r.out, sandbox.DefaultUsername) {
		t.Errorf("auth status: exit %d, out %q, err %q", r.code, r.out, r.err)
	}
	if r := run(t, newF(nil), "logout"); r.code != ExitOK {
		t.Errorf("logout: exit %d: %s", r.code, r.err)
	}
	if sp.started.Load() != 1 {
		t.Errorf("%d sandboxes started, want 1", sp.started.Load())
	}
}

// A logout that cannot revoke keeps the session and says how to forget it.
func TestLogoutForget(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, sessionFile)
	if err := saveSession(path, session{BaseURL: "http://127.0.0.1:1", ClientID: canaryID, RedirectURL: "http://127.0.0.1/callback", RefreshToken: "canary-refresh-Yy5"}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{EnvStateDir: dir, axa.EnvBaseURL: "http://127.0.0.1:1", axa.EnvClientID: canaryID, axa.EnvClientSecret: canarySecret}
	newF := func() *Factory { return &Factory{Getenv: func(k string) string { return env[k] }} }
	r := run(t, newF(), "logout")
	if r.code != ExitError || !strings.Contains(r.err, "--forget") {
		t.Errorf("logout with the server gone: exit %d, err %q", r.code, r.err)
	}
	if strings.Contains(r.out+r.err, "canary-refresh-Yy5") || strings.Contains(r.out+r.err, canarySecret) {
		t.Error("logout printed a secret")
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("a failed logout deleted the session: %v", err)
	}
	if r := run(t, newF(), "logout", "--forget"); r.code != ExitOK {
		t.Errorf("logout --forget: exit %d: %s", r.code, r.err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("logout --forget left the session: %v", err)
	}
}

// The session is revoked over HTTPS or to loopback only.
func TestRevokeRefusesPlainHTTP(t *testing.T) {
	f := &Factory{Getenv: func(string) string { return "" }}
	for _, s := range []session{
		{BaseURL: "http://api.example.com", ClientID: "id", RefreshToken: "token", RedirectURL: "http://127.0.0.1/callback"},
		{BaseURL: "https://api.example.com", ClientID: "id", RefreshToken: "token", RedirectURL: "http://127.0.0.1/callback",
			TokenURL: "https://auth.example.com/token", RevocationURL: "http://auth.example.com/revoke"},
	} {
		err := f.revokeSession(t.Context(), &s, "id", "secret")
		if err == nil || ExitCode(err) != ExitUsage {
			t.Errorf("revoke over plain http to another host (%+v): %v", s, err)
		}
	}
}

// Commands run at once with one session take turns: the refresh token
// rotates at each use and a rotated one used again revokes the session,
// so without the lock the second command would end it.
func TestConcurrentCommandsKeepTheSession(t *testing.T) {
	env, _ := sessionSandbox(t)
	newF := func() *Factory {
		return &Factory{Getenv: func(k string) string { return env[k] }, OpenBrowser: browser}
	}
	if r := run(t, newF(), "login", "--wait", "20s"); r.code != ExitOK {
		t.Fatalf("login: exit %d: %s", r.code, r.err)
	}
	results := make([]result, 4)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() { results[i] = run(t, newF(), "countries", "fr") })
	}
	wg.Wait()
	for i, r := range results {
		if r.code != ExitOK {
			t.Errorf("command %d: exit %d: %s", i, r.code, r.err)
		}
	}
	if r := run(t, newF(), "auth", "status"); r.code != ExitOK {
		t.Errorf("the session no longer works after commands at once: exit %d: %s", r.code, r.err)
	}
}
