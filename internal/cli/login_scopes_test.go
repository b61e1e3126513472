package cli

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// metadataPath is where RFC 8414 metadata is, for an issuer without a path.
const metadataPath = "/.well-known/oauth-authorization-server"

// scopeServer is a sandbox behind a front that controls its authorization
// server's metadata: the scopes it lists, or no metadata at all. The
// sandbox names the front as its issuer, so the front is the server.
type scopeServer struct {
	url       string
	unlisted  []string     // scopes the metadata does not list
	noMeta    bool         // the metadata paths answer 404
	strict    bool         // the authorization endpoint refuses a scope the client lacks, as some servers do
	metaReads atomic.Int32 // metadata requests
}

// newScopeServer serves a sandbox whose client canaryID is registered for
// scopes; s.unlisted and s.noMeta are read on each metadata request.
func newScopeServer(t *testing.T, scopes []string, s *scopeServer) map[string]string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.url = "http://" + ln.Addr().String()
	sb, err := sandbox.New(sandbox.WithAutoApprove(), sandbox.WithIssuer(s.url), sandbox.WithClient(sandbox.Client{
		ID: canaryID, Secret: canarySecret, Scopes: scopes, RedirectURLs: []string{"http://127.0.0.1/callback"},
	}))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.strict && r.URL.Path == gen.AuthorizePath {
			q := r.URL.Query()
			for _, asked := range strings.Fields(q.Get("scope")) {
				if !slices.Contains(scopes, asked) {
					http.Redirect(w, r, q.Get("redirect_uri")+"?error=invalid_scope&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
					return
				}
			}
		}
		if r.URL.Path != metadataPath && r.URL.Path != "/.well-known/openid-configuration" {
			sb.ServeHTTP(w, r)
			return
		}
		s.metaReads.Add(1)
		if s.noMeta {
			http.NotFound(w, r)
			return
		}
		rec := httptest.NewRecorder()
		sb.ServeHTTP(rec, r)
		var m map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
			t.Errorf("the sandbox's metadata: %v", err)
		}
		var listed []string
		for _, v := range m["scopes_supported"].([]any) {
			if !slices.Contains(s.unlisted, v.(string)) {
				listed = append(listed, v.(string))
			}
		}
		m["scopes_supported"] = listed
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(m)
	}))
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return map[string]string{axa.EnvBaseURL: s.url, axa.EnvClientID: canaryID, axa.EnvClientSecret: canarySecret, EnvStateDir: t.TempDir()}
}

// askedScopes returns the scopes of the authorization URL the login
// printed.
func askedScopes(t *testing.T, stderr string) []string {
	t.Helper()
	for line := range strings.Lines(stderr) {
		if u, err := url.Parse(strings.TrimSpace(line)); err == nil && u.Query().Get("state") != "" {
			return strings.Fields(u.Query().Get("scope"))
		}
	}
	t.Fatalf("no authorization URL in %q", stderr)
	return nil
}

// The spec declares a scope the authorization server does not list (it has
// not deployed it yet) and the client is not registered for: axa login
// asks for the others and logs in; the session acts as the user.
func TestLoginAsksForTheScopesTheServerLists(t *testing.T) {
	all := apiScopes()
	missing := all[len(all)-1]
	if missing == axa.ScopeCountries {
		missing = all[0]
	}
	registered := slices.DeleteFunc(slices.Clone(all), func(s string) bool { return s == missing })
	s := &scopeServer{unlisted: []string{missing}}
	env := newScopeServer(t, registered, s)
	newF := func() *Factory {
		return &Factory{Getenv: func(k string) string { return env[k] }, OpenBrowser: browser}
	}

	r := run(t, newF(), "login", "--wait", "20s")
	if r.code != ExitOK {
		t.Fatalf("login: exit %d: %s", r.code, r.err)
	}
	if got := askedScopes(t, r.err); !slices.Equal(got, registered) {
		t.Errorf("login asked for %v, want the listed scopes of the API %v", got, registered)
	}
	if !strings.Contains(r.err, "not asking for "+missing+": the authorization server does not list them") {
		t.Errorf("login does not say which scope of the spec it left out:\n%s", r.err)
	}
	if s.metaReads.Load() == 0 {
		t.Error("login did not read the authorization server's metadata")
	}
	if r := run(t, newF(), "countries", "fr"); r.code != ExitOK {
		t.Errorf("countries with the session: exit %d: %s", r.code, r.err)
	}
	r = run(t, newF(), "auth", "status", "--json")
	var st struct{ Scopes []string }
	if err := json.Unmarshal([]byte(r.out), &st); err != nil || slices.Contains(st.Scopes, missing) || len(st.Scopes) != len(registered) {
		t.Errorf("auth status: %q %q (%v), want the scopes %v", r.out, r.err, err, registered)
	}
}

// Without metadata the login says so and asks for every scope of the
// spec; with --scope it asks for those alone and reads no metadata, and
// axa auth status shows that session.
func TestLoginScopesWithoutMetadataAndWithTheFlag(t *testing.T) {
	s := &scopeServer{noMeta: true}
	env := newScopeServer(t, apiScopes(), s)
	newF := func() *Factory {
		return &Factory{Getenv: func(k string) string { return env[k] }, OpenBrowser: browser}
	}

	r := run(t, newF(), "login", "--wait", "20s")
	if r.code != ExitOK {
		t.Fatalf("login: exit %d: %s", r.code, r.err)
	}
	if got := askedScopes(t, r.err); !slices.Equal(got, apiScopes()) {
		t.Errorf("login asked for %v, want every scope of the API %v", got, apiScopes())
	}
	if !strings.Contains(r.err, "publishes no scopes_supported") || !strings.Contains(r.err, "asking for every scope of the API") {
		t.Errorf("login does not say that the server lists no scopes:\n%s", r.err)
	}
	if r := run(t, newF(), "logout"); r.code != ExitOK {
		t.Fatalf("logout: exit %d: %s", r.code, r.err)
	}

	reads := s.metaReads.Load()
	r = run(t, newF(), "login", "--wait", "20s", "--scope", axa.ScopeAlerts)
	if r.code != ExitOK {
		t.Fatalf("login --scope: exit %d: %s", r.code, r.err)
	}
	if got := askedScopes(t, r.err); !slices.Equal(got, []string{axa.ScopeAlerts}) {
		t.Errorf("login --scope asked for %v", got)
	}
	if s.metaReads.Load() != reads {
		t.Error("login --scope read the metadata")
	}
	// auth status shows the session's one scope: it does not demand the
	// token carry every scope of the API.
	r = run(t, newF(), "auth", "status", "--json")
	var st struct{ Scopes []string }
	if err := json.Unmarshal([]byte(r.out), &st); err != nil || !slices.Equal(st.Scopes, []string{axa.ScopeAlerts}) {
		t.Errorf("auth status after login --scope: %q %q (%v), want the scope %s", r.out, r.err, err, axa.ScopeAlerts)
	}
}

// A strict server (the sandbox grants the registered scopes asked for;
// some servers refuse the request instead) lists a scope the client is not
// registered for: the login is refused (invalid_scope), and the error says
// to name the client's scopes with --scope.
func TestLoginRefusedScopeSaysToUseTheFlag(t *testing.T) {
	env := newScopeServer(t, []string{axa.ScopeCountries}, &scopeServer{strict: true})
	r := run(t, &Factory{Getenv: func(k string) string { return env[k] }, OpenBrowser: browser}, "login", "--wait", "20s")
	if r.code != ExitError || !strings.Contains(r.err, "invalid_scope") || !strings.Contains(r.err, "name the scopes this client may have with --scope") {
		t.Errorf("exit %d: %s; want 1, invalid_scope and the hint of --scope", r.code, r.err)
	}
}

// A client the server has not registered yet for a scope the server
// lists (the spec grew, the client's registration did not): the login is
// granted the client's scopes, not refused.
func TestLoginOfAClientNotYetRegisteredForAScope(t *testing.T) {
	all := apiScopes()
	missing := all[len(all)-1]
	if missing == axa.ScopeCountries {
		missing = all[0]
	}
	registered := slices.DeleteFunc(slices.Clone(all), func(s string) bool { return s == missing })
	env := newScopeServer(t, registered, &scopeServer{}) // the metadata lists every scope
	f := &Factory{Getenv: func(k string) string { return env[k] }, OpenBrowser: browser}
	r := run(t, f, "login", "--wait", "20s", "--json")
	if r.code != ExitOK {
		t.Fatalf("login: exit %d: %s", r.code, r.err)
	}
	var out struct{ Scopes []string }
	if err := json.Unmarshal([]byte(r.out), &out); err != nil || slices.Contains(out.Scopes, missing) || len(out.Scopes) != len(registered) {
		t.Errorf("login granted %q (%v), want the registered %v", r.out, err, registered)
	}
}
