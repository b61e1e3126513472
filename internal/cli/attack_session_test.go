package cli

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/axa-assistance-go/axa/pkg/axa"
)

// A login session meets another configuration: a command for another API
// (AXA_BASE_URL) or another client must not send that API the session's
// refresh token, nor use it for the other client.
func TestSessionStaysWithItsAPIAndClient(t *testing.T) {
	env, dir := sessionSandbox(t)
	newF := func(extra ...string) *Factory {
		e := map[string]string{}
		for k, v := range env {
			e[k] = v
		}
		for i := 0; i+1 < len(extra); i += 2 {
			e[extra[i]] = extra[i+1]
		}
		return &Factory{Getenv: func(k string) string { return e[k] }, OpenBrowser: browser}
	}
	if r := run(t, newF(), "login", "--wait", "20s"); r.code != ExitOK {
		t.Fatalf("login: exit %d: %s", r.code, r.err)
	}
	s := readSession(t, dir)
	rec := &recorder{}
	other := rec.start(t)
	for _, args := range [][]string{{"countries", "fr"}, {"token"}, {"--base-url", other.URL, "countries", "fr"}} {
		run(t, newF(axa.EnvBaseURL, other.URL), args...)
	}
	// Another client at the session's API.
	run(t, newF(axa.EnvClientID, "other-client", axa.EnvClientSecret, "other-secret"), "countries", "fr")
	for _, req := range rec.got() {
		if strings.Contains(req, s.RefreshToken) || strings.Contains(req, "refresh_token") {
			t.Errorf("another API was sent the session: %q", req)
		}
	}
	if got := readSession(t, dir); got.RefreshToken != s.RefreshToken {
		t.Error("a command for another client or API used (rotated) the session")
	}
}

// A session file naming another API than the one configured (tampered, or
// a login to another API with the same client id): axa auth status and axa
// logout must not send that API the configured client's secret.
func TestSessionForAnotherAPIGetsNotTheSecret(t *testing.T) {
	for _, args := range [][]string{{"auth", "status"}, {"logout"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			env, dir := sessionSandbox(t)
			rec := &recorder{}
			other := rec.start(t)
			const canaryRefresh = "canary-refresh-Kk90wR"
			if err := saveSession(filepath.Join(dir, sessionFile), session{BaseURL: other.URL, ClientID: canaryID,
				RedirectURL: "http://127.0.0.1/callback", RefreshToken: canaryRefresh}); err != nil {
				t.Fatal(err)
			}
			r := run(t, &Factory{Getenv: func(k string) string { return env[k] }}, args...)
			for _, req := range rec.got() {
				if strings.Contains(req, "Basic ") || strings.Contains(req, canaryRefresh) {
					t.Errorf("the session's API, not the configured one, was sent a credential: %q", req)
				}
			}
			if r.code != ExitUsage || !strings.Contains(r.err, other.URL) {
				t.Errorf("exit %d, err %q; want a usage error naming the session's API", r.code, r.err)
			}
			if _, err := os.Stat(filepath.Join(dir, sessionFile)); err != nil {
				t.Errorf("the session was lost: %v", err)
			}
		})
	}
}

// A huge session file is refused without being read whole.
func TestHugeSessionFileIsNotReadWhole(t *testing.T) {
	dir := t.TempDir()
	fh, err := os.OpenFile(filepath.Join(dir, sessionFile), os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := fh.Truncate(256 << 20); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	_ = fh.Close()
	env := map[string]string{EnvStateDir: dir, axa.EnvClientID: canaryID, axa.EnvClientSecret: canarySecret, axa.EnvBaseURL: "http://127.0.0.1:1"}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r := run(t, &Factory{Getenv: func(k string) string { return env[k] }}, "auth", "status")
	runtime.ReadMemStats(&after)
	if r.code != ExitUsage || !strings.Contains(r.err, "session") {
		t.Errorf("exit %d, err %q; want a usage error about the session", r.code, r.err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 64<<20 {
		t.Errorf("reading the session allocated %d MiB", n>>20)
	}
}

// A server whose errors echo what it was sent (a buggy gateway): the
// client secret and the refresh token are not printed, in a line a CI log
// keeps.
func TestErrorsDoNotPrintEchoedSecrets(t *testing.T) {
	const canaryRefresh = "canary-refresh-Ee44tY"
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		id, secret, _ := r.BasicAuth()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_client",
			"error_description": "client " + id + " secret " + secret + " refresh " + r.PostForm.Get("refresh_token") + " auth " + r.Header.Get("Authorization")})
	}))
	t.Cleanup(echo.Close)
	dir := t.TempDir()
	if err := saveSession(filepath.Join(dir, sessionFile), session{BaseURL: echo.URL, ClientID: canaryID,
		RedirectURL: "http://127.0.0.1/callback", RefreshToken: canaryRefresh}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{EnvStateDir: dir, axa.EnvBaseURL: echo.URL, axa.EnvClientID: canaryID, axa.EnvClientSecret: canarySecret}
	basic := base64.StdEncoding.EncodeToString([]byte(canaryID + ":" + canarySecret))
	for _, args := range [][]string{{"countries", "fr"}, {"auth", "status"}, {"token", "--json"}, {"logout"}} {
		r := run(t, &Factory{Getenv: func(k string) string { return env[k] }}, args...)
		if r.code == ExitOK {
			t.Errorf("axa %q: exit 0 against a server that refuses", args)
		}
		for _, s := range []string{canarySecret, canaryRefresh, basic} {
			if strings.Contains(r.out+r.err, s) {
				t.Errorf("axa %q printed a secret: %q", args, r.err)
			}
		}
	}
}

// A session file others may read (mode 0644) has a refresh token others may
// have: the commands refuse to act with it, say why, and keep it, so that
// axa logout can still revoke it. One others may write (planted in a
// shared AXA_STATE_DIR: a session fixation) is not used, not even by
// logout, which would send it the client secret.
func TestSessionFileOthersMayReadOrWrite(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes say nothing of who may read or write here")
	}
	for _, tc := range []struct {
		mode       os.FileMode
		logoutCode int
	}{{0o644, ExitOK}, {0o640, ExitOK}, {0o666, ExitUsage}, {0o602, ExitUsage}} {
		t.Run(tc.mode.String(), func(t *testing.T) {
			env, dir := sessionSandbox(t)
			newF := func() *Factory {
				return &Factory{Getenv: func(k string) string { return env[k] }, OpenBrowser: browser}
			}
			if r := run(t, newF(), "login", "--wait", "20s"); r.code != ExitOK {
				t.Fatalf("login: exit %d: %s", r.code, r.err)
			}
			path := filepath.Join(dir, sessionFile)
			before := readSession(t, dir)
			if err := os.Chmod(path, tc.mode); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{{"countries", "fr"}, {"auth", "status"}} {
				r := run(t, newF(), args...)
				if r.code != ExitUsage || !strings.Contains(r.err, "session") {
					t.Errorf("axa %q with a session file of mode %v: exit %d, err %q; want 2 naming the session", args, tc.mode, r.code, r.err)
				}
			}
			data, err := os.ReadFile(path)
			if err != nil || !strings.Contains(string(data), before.RefreshToken) {
				t.Fatalf("the session was lost or changed: %v", err)
			}
			r := run(t, newF(), "logout")
			if r.code != tc.logoutCode {
				t.Errorf("logout: exit %d, want %d: %s", r.code, tc.logoutCode, r.err)
			}
			if tc.logoutCode == ExitOK && refreshStatus(t, env[axa.EnvBaseURL], before.RefreshToken) == http.StatusOK {
				t.Error("logout did not revoke the session")
			}
		})
	}
}

// axa login while logged in to another API or as another client: the
// session there would be replaced without being revoked, its refresh
// token still valid and out of axa logout's reach. It is refused, and the
// session kept.
func TestLoginKeepsASessionForAnotherAPI(t *testing.T) {
	env, dir := sessionSandbox(t)
	other := session{BaseURL: "https://api.example.test", ClientID: "other-client", RedirectURL: "http://127.0.0.1/callback", RefreshToken: "canary-refresh-Oo31zM"}
	if err := saveSession(filepath.Join(dir, sessionFile), other); err != nil {
		t.Fatal(err)
	}
	r := run(t, &Factory{Getenv: func(k string) string { return env[k] }, OpenBrowser: browser}, "login", "--wait", "20s")
	if r.code != ExitUsage || !strings.Contains(r.err, "logout") {
		t.Errorf("login over another API's session: exit %d, err %q; want 2 and axa logout", r.code, r.err)
	}
	if got := readSession(t, dir); got != other {
		t.Errorf("the other API's session was replaced: %+v", got)
	}
}

// The session changes between the command's first look and its lock (an
// axa login elsewhere replaced it with one for another API): the session
// read under the lock is used only if it is still for this client and API.
func TestSessionReplacedWhileWaitingForTheLock(t *testing.T) {
	rec := &recorder{}
	configured := rec.start(t)
	dir := t.TempDir()
	path := filepath.Join(dir, sessionFile)
	mine := session{BaseURL: configured.URL, ClientID: canaryID, RedirectURL: "http://127.0.0.1/callback", RefreshToken: "canary-refresh-Mine1"}
	theirs := session{BaseURL: "https://api.example.test", ClientID: "other-client", RedirectURL: "http://127.0.0.1/callback", RefreshToken: "canary-refresh-Theirs2"}
	if err := saveSession(path, mine); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{EnvStateDir: dir, axa.EnvBaseURL: configured.URL, axa.EnvClientID: canaryID, axa.EnvClientSecret: canarySecret}
	var mu sync.Mutex
	looks := 0
	getenv := func(k string) string {
		if k == EnvStateDir {
			mu.Lock()
			looks++
			if looks == 2 { // the lock: after the first look
				if err := saveSession(path, theirs); err != nil {
					t.Error(err)
				}
			}
			mu.Unlock()
		}
		return env[k]
	}
	run(t, &Factory{Getenv: getenv}, "countries", "fr")
	for _, req := range rec.got() {
		if strings.Contains(req, theirs.RefreshToken) {
			t.Errorf("another API's session was sent to the configured one: %q", req)
		}
	}
	if looks < 2 {
		t.Fatalf("the state directory was looked up %d times: the test no longer replaces the session in between", looks)
	}
}

// axa login records its session under the session lock: a command that
// holds it (and may record a rotated refresh token of the session it
// read, over the new one) makes the login wait, not write through.
func TestLoginRecordsUnderTheSessionLock(t *testing.T) {
	env, dir := sessionSandbox(t)
	fh, err := os.OpenFile(filepath.Join(dir, "session.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = fh.Close() })
	if err := tryLock(fh); err != nil {
		t.Skipf("no lock on this system: %v", err)
	}
	r := run(t, &Factory{Getenv: func(k string) string { return env[k] }, OpenBrowser: browser}, "--timeout", "300ms", "login", "--wait", "20s")
	if r.code == ExitOK {
		t.Error("login recorded its session while another command held the session lock")
	}
	if _, err := os.Stat(filepath.Join(dir, sessionFile)); err == nil {
		t.Error("the session file was written while another command held the lock")
	}
}
