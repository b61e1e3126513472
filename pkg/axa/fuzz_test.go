package axa

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// FuzzTokenAnswer feeds arbitrary token answers (as the endpoint's JSON) to
// the checks the SDK makes on them: no panic, and an accepted token always
// has an access token, a future expiry and the scopes asked for.
func FuzzTokenAnswer(f *testing.F) {
	for _, s := range []string{
		`{"access_token":"a","token_type":"Bearer","expires_in":3600,"scope":"s1 s2"}`,
		`{"access_token":"a","token_type":"bearer"}`,
		`{"access_token":"a","token_type":"mac","expires_in":"60"}`,
		`{"access_token":"","token_type":"Bearer","expires_in":-5}`,
		`{"access_token":"a","token_type":"Bearer","expires_in":1e30,"scope":""}`,
		`null`, `[]`, `{"expires_in":{}}`,
	} {
		f.Add(s, "s1")
	}
	start := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body, want string) {
		var raw map[string]any
		if json.Unmarshal([]byte(body), &raw) != nil {
			return
		}
		str := func(k string) string { s, _ := raw[k].(string); return s }
		tok := (&oauth2.Token{AccessToken: str("access_token"), TokenType: str("token_type"), RefreshToken: str("refresh_token")}).WithExtra(raw)
		fetcher := newTokenFetcher(clientCredentialsGrant{}, nil, TokenOptions{}, realClock{}, slog.New(slog.DiscardHandler))
		wantScopes := strings.Fields(want)
		got, lifetime, err := fetcher.accept(tok, wantScopes, start)
		if err != nil {
			return
		}
		if got.accessToken == "" || lifetime <= 0 || !got.expiry.After(start) {
			t.Fatalf("accepted %q: lifetime %v, expiry %v", body, lifetime, got.expiry)
		}
		if !covers(got.scopes, wantScopes) {
			t.Fatalf("accepted %q without the scopes %v", body, wantScopes)
		}
	})
}

// FuzzErrorAnswer feeds arbitrary error answers to the SDK's error decoder:
// no panic, a bounded body, and an Error() that never holds the request's
// Authorization header.
func FuzzErrorAnswer(f *testing.F) {
	f.Add(404, `{"status_code":404,"error":"not_found","error_description":"no"}`, "", "")
	f.Add(403, `{"error":"insufficient_scope"}`, `Bearer error="insufficient_scope", scope="a b"`, "")
	f.Add(429, `<html>`, `Bearer realm="x"`, "Wed, 25 Nov 2026 12:00:03 GMT")
	f.Add(500, strings.Repeat("é", 2000), "", "-1")
	f.Fuzz(func(t *testing.T, status int, body, challenge, retryAfter string) {
		if status < 100 || status > 599 {
			return
		}
		req := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/travel/v1/countries"}, Header: http.Header{"Authorization": {"Bearer CANARY-access-token-x"}}}
		resp := &http.Response{StatusCode: status, Request: req, Header: http.Header{}}
		resp.Header.Set("WWW-Authenticate", challenge)
		resp.Header.Set("Retry-After", retryAfter)
		e := newError(resp, []byte(body), &callInfo{operation: "listCountries", neededScopes: []string{ScopeCountries}})
		if len(e.Body) > maxBodySnippet+len("…") {
			t.Fatalf("body snippet of %d bytes", len(e.Body))
		}
		if e.RetryAfter < 0 {
			t.Fatalf("negative RetryAfter %v", e.RetryAfter)
		}
		if strings.Contains(e.Error(), "CANARY-access-token") {
			t.Fatal("the error holds the request's token")
		}
	})
}
