package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxErrorCode bounds, in bytes, the error code of a token answer the
// run's error quotes: an RFC 6749 code is a word.
const maxErrorCode = 200

// tokenResponse is the part of an RFC 6749 token response the run reads.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	Error       string `json:"error"`
}

// token returns an access token carrying exactly scopes, asked once per run
// with the client credentials grant (HTTP Basic client authentication) at
// the authorization server's token endpoint.
func (r *runner) token(ctx context.Context, scopes []string) (string, error) {
	key := strings.Join(slices.Sorted(slices.Values(scopes)), " ")
	if t, ok := r.tokens[key]; ok {
		return t.value, t.err
	}
	v, err := r.fetchToken(ctx, key)
	r.tokens[key] = cachedToken{value: v, err: err}
	return v, err
}

type cachedToken struct {
	value string
	err   error
}

// fetchToken asks a token for scope, waiting out a throttled answer as
// send does for the API's requests (see maxThrottleWait).
func (r *runner) fetchToken(ctx context.Context, scope string) (string, error) {
	for attempt := 1; ; attempt++ {
		tok, throttled, err := r.fetchTokenOnce(ctx, scope)
		if throttled == nil || attempt == throttleAttempts {
			return tok, err
		}
		if !r.waitThrottle(ctx, throttled) {
			return tok, err
		}
	}
}

// fetchTokenOnce asks a token for scope once; throttled is the header of a
// 429 or 503 answer, nil for another.
func (r *runner) fetchTokenOnce(ctx context.Context, scope string) (tok string, throttled http.Header, err error) {
	if r.as.token == "" {
		why := ""
		if r.as.why != "" {
			why = "; " + r.as.why
		}
		return "", nil, fmt.Errorf("conformance: token for scope %q: the authorization server (%s) names no token endpoint%s", scope, r.as.describe(), why)
	}
	form := url.Values{}
	for k, vs := range r.as.params {
		form[k] = slices.Clone(vs)
	}
	form.Set("grant_type", "client_credentials")
	if scope != "" {
		form.Set("scope", scope)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.as.token, strings.NewReader(form.Encode()))
	if err != nil {
		return "", nil, fmt.Errorf("conformance: token request: %w", err)
	}
	req.Header.Set("Content-Type", mediaForm)
	req.Header.Set("Accept", "application/json")
	r.setBasic(req, r.cfg.ClientSecret)
	if err := r.mayCarry(req); err != nil {
		return "", nil, fmt.Errorf("conformance: token for scope %q: %w", scope, err)
	}
	resp, err := r.http.Do(req)
	if err != nil {
		return "", nil, fmt.Errorf("conformance: token for scope %q: %w", scope, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return "", nil, fmt.Errorf("conformance: token for scope %q: read the answer: %w", scope, err)
	}
	var tr tokenResponse
	_ = json.Unmarshal(body, &tr) // an answer that is not JSON is told below
	if tr.AccessToken != "" {
		r.secrets.add(tr.AccessToken)
	}
	if resp.StatusCode != http.StatusOK || tr.AccessToken == "" {
		code := tr.Error
		if code == "" {
			code = "no access_token"
		}
		if len(code) > maxErrorCode { // the server's words, in an error
			cut := maxErrorCode
			for cut > 0 && !utf8.RuneStart(code[cut]) {
				cut--
			}
			code = code[:cut] + "…"
		}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			throttled = resp.Header
		}
		return "", throttled, fmt.Errorf("conformance: token for scope %q: the token endpoint %s answered %d (%s)", scope, r.as.token, resp.StatusCode, code)
	}
	return tr.AccessToken, nil, nil
}

// setBasic authenticates req as the configured client with secret (RFC 6749
// section 2.3.1: both form-encoded, then HTTP Basic).
func (r *runner) setBasic(req *http.Request, secret string) {
	req.SetBasicAuth(url.QueryEscape(r.cfg.ClientID), url.QueryEscape(secret))
	r.secrets.add(strings.TrimPrefix(req.Header.Get("Authorization"), "Basic "))
}

// tamper returns tok with one character of its signature changed: the
// middle of the third part of a JWT, the middle of any other token.
func tamper(tok string) string {
	start, end := 0, len(tok)
	if i := strings.LastIndexByte(tok, '.'); i >= 0 && i < len(tok)-1 {
		start = i + 1
	}
	if end-start < 2 {
		return tok + "x"
	}
	i := start + (end-start)/2
	b := []byte(tok)
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}
