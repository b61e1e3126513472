package oauth

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/axa-assistance-go/axa/gen"
)

// The API's URL as served, which withAPIURL makes the server accept as a
// target besides its audience.
const servedAPIURL = "http://127.0.0.1:41234"

// withAPIURL accepts servedAPIURL as the API's URL.
func withAPIURL() option {
	return func(c *Config) { c.APIURL = func(u string) bool { return u == servedAPIURL } }
}

// withAudienceRequired refuses client credentials and password grants
// without an audience.
func withAudienceRequired() option { return func(c *Config) { c.AudienceRequired = true } }

// with returns form with the parameters of extra added.
func with(form url.Values, extra url.Values) url.Values {
	out := url.Values{}
	for k, v := range form {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// The audience and resource parameters of a token request (Auth0's and
// RFC 8707's) are accepted, in every grant, when they name the API: its
// audience, with or without the root's slash, or the URL it is served at.
// Anything else is 400 invalid_target (RFC 8707 section 2); a parameter
// sent twice is invalid_request, as any other; an empty one is omitted.
func TestOAuthTokenTarget(t *testing.T) {
	e := newOAuthEnv(t, withAutoApprove(), withAPIURL())
	aud := e.cfg.Audience
	cc := url.Values{"grant_type": {"client_credentials"}}
	good := map[string]url.Values{
		"audience":                  {"audience": {aud}},
		"resource":                  {"resource": {aud}},
		"both":                      {"audience": {aud}, "resource": {aud}},
		"audience with root slash":  {"audience": {aud + "/"}},
		"the API's served URL":      {"resource": {servedAPIURL}},
		"the served URL with slash": {"audience": {servedAPIURL + "/"}},
		"empty audience":            {"audience": {""}},
	}
	for name, extra := range good {
		t.Run("accepted/"+name, func(t *testing.T) {
			a := e.mustToken(with(cc, extra))
			if !e.verifies(a.str("access_token")) {
				t.Error("the token is not the API's")
			}
			e.mustToken(with(passwordForm(""), extra))
		})
	}
	bad := map[string]url.Values{
		"another audience":          {"audience": {"https://api.example.com"}},
		"another resource":          {"resource": {"https://auth.api.axapartners.com"}},
		"a path under the API":      {"resource": {aud + "/travel/v1"}},
		"a fragment":                {"resource": {aud + "#x"}},
		"good audience, bad target": {"audience": {aud}, "resource": {"urn:other"}},
		"the audience's host alone": {"audience": {strings.TrimPrefix(aud, "https://")}},
	}
	for name, extra := range bad {
		t.Run("refused/"+name, func(t *testing.T) {
			wantOAuthError(t, e.token(with(cc, extra)), http.StatusBadRequest, "invalid_target")
			wantOAuthError(t, e.token(with(passwordForm(""), extra)), http.StatusBadRequest, "invalid_target")
		})
	}
	t.Run("refused/repeated", func(t *testing.T) {
		wantOAuthError(t, e.token(with(cc, url.Values{"audience": {aud, aud}})), http.StatusBadRequest, "invalid_request")
		wantOAuthError(t, e.token(with(cc, url.Values{"resource": {aud, aud}})), http.StatusBadRequest, "invalid_request")
	})

	// The code and refresh grants check them too.
	cfg := e.oauth2Config("http://127.0.0.1:9999/callback", AllScopes()[0])
	verifier := oauth2.GenerateVerifier()
	code := e.authorizeCode(cfg, verifier)
	exchange := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "code_verifier": {verifier},
		"redirect_uri": {"http://127.0.0.1:9999/callback"}}
	wantOAuthError(t, e.token(with(exchange, url.Values{"resource": {"https://elsewhere.example"}})), http.StatusBadRequest, "invalid_target")
	a := e.mustToken(with(exchange, url.Values{"resource": {aud}}))
	wantOAuthError(t, e.token(with(refreshForm(a.str("refresh_token")), url.Values{"audience": {"urn:other"}})), http.StatusBadRequest, "invalid_target")
	e.mustToken(with(refreshForm(a.str("refresh_token")), url.Values{"audience": {aud}}))
}

// Without APIURL, only the audience names the API.
func TestOAuthTokenTargetWithoutAPIURL(t *testing.T) {
	e := newOAuthEnv(t)
	wantOAuthError(t, e.token(url.Values{"grant_type": {"client_credentials"}, "resource": {servedAPIURL}}), http.StatusBadRequest, "invalid_target")
}

// With AudienceRequired, a client credentials or password grant without
// an audience is 400 invalid_request, "audience is required", as from an
// Auth0 tenant without a default audience; a resource does not stand in
// for it. The code and refresh grants, which continue an authorization,
// need none.
func TestOAuthAudienceRequired(t *testing.T) {
	e := newOAuthEnv(t, withAutoApprove(), withAudienceRequired())
	aud := e.cfg.Audience
	cc := url.Values{"grant_type": {"client_credentials"}}
	for name, form := range map[string]url.Values{
		"client credentials":          cc,
		"password":                    passwordForm(""),
		"client credentials, empty":   with(cc, url.Values{"audience": {""}}),
		"client credentials, resouce": with(cc, url.Values{"resource": {aud}}),
	} {
		a := e.token(form)
		wantOAuthError(t, a, http.StatusBadRequest, "invalid_request")
		if !strings.Contains(a.str("error_description"), "audience is required") {
			t.Errorf("%s: error_description %q", name, a.str("error_description"))
		}
	}
	wantOAuthError(t, e.token(with(cc, url.Values{"audience": {"urn:other"}})), http.StatusBadRequest, "invalid_target")
	e.mustToken(with(cc, url.Values{"audience": {aud}}))
	a := e.mustToken(with(passwordForm(""), url.Values{"audience": {aud}}))
	e.mustToken(refreshForm(a.str("refresh_token")))

	cfg := e.oauth2Config("http://127.0.0.1:9999/callback", AllScopes()[0])
	verifier := oauth2.GenerateVerifier()
	if _, err := cfg.Exchange(e.ctx(), e.authorizeCode(cfg, verifier), oauth2.VerifierOption(verifier)); err != nil {
		t.Errorf("a code exchange without audience: %v", err)
	}
}

// At the authorization endpoint, a wrong audience or resource is sent back
// to the client's redirect URI as invalid_target, with its state; a right
// one goes on, and the login form carries it to its POST.
func TestOAuthAuthorizeTarget(t *testing.T) {
	e := newOAuthEnv(t)
	cfg := e.oauth2Config("http://127.0.0.1:9999/callback", AllScopes()[0])
	verifier := oauth2.GenerateVerifier()
	for _, p := range []string{"audience", "resource"} {
		u := cfg.AuthCodeURL("st-t", oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam(p, "https://api.example.com"))
		q := e.redirected(e.browser(http.MethodGet, u, nil))
		if q.Get("error") != "invalid_target" || q.Get("state") != "st-t" || q.Get("code") != "" {
			t.Errorf("%s elsewhere: redirect %v, want invalid_target with the state", p, q)
		}
	}
	u := cfg.AuthCodeURL("st-t", oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("audience", e.cfg.Audience))
	status, _, body := e.browser(http.MethodGet, u, nil)
	if status != http.StatusOK {
		t.Fatalf("the API as audience: %d %.300s", status, body)
	}
	form := url.Values{"login": {defaultUsername}, "password": {defaultPassword}, "decision": {"approve"}}
	for _, m := range hiddenInput.FindAllStringSubmatch(body, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	if form.Get("audience") != e.cfg.Audience {
		t.Fatalf("the login form does not carry the audience: %v", form)
	}
	q := e.redirected(e.browser(http.MethodPost, e.srv.URL+gen.AuthorizePath, form))
	if q.Get("code") == "" {
		t.Errorf("approved with the API as audience: %v", q)
	}
	form.Set("audience", "urn:other")
	if q := e.redirected(e.browser(http.MethodPost, e.srv.URL+gen.AuthorizePath, form)); q.Get("error") != "invalid_target" {
		t.Errorf("the form's audience changed to another: %v", q)
	}
	twice := u + "&resource=" + url.QueryEscape(e.cfg.Audience) + "&resource=" + url.QueryEscape(e.cfg.Audience)
	if status, loc, _ := e.browser(http.MethodGet, twice, nil); status != http.StatusBadRequest || loc != "" {
		t.Errorf("resource twice: %d %q, want the error page (400)", status, loc)
	}
}
