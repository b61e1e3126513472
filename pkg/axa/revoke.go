package axa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Revoke ends what the client holds at the authorization server, with its
// revocation endpoint (RFC 7009): the refresh token of an authorization
// code client (at most servers that revokes the whole grant, every access
// token with it), or else every access token the client holds. The client
// forgets them whatever the answer: later calls of an authorization code
// client need a new Exchange; the other grants fetch new tokens. The client
// authenticates as at the token endpoint, and the tokens are sent to the
// revocation endpoint only. A token the server does not know is revoked
// already (section 2.2): that is a success.
//
// It fails when the authorization server names no revocation endpoint, and
// with a *TokenError when the endpoint refuses (its Grant is "revocation").
func (c *Client) Revoke(ctx context.Context) error {
	if c.closed.Load() {
		return ErrClosed
	}
	if c.tokens == nil {
		return ErrNoCredentials
	}
	type held struct{ token, hint string }
	var todo []held
	if c.refresh != nil {
		if rt := c.refresh.refreshToken(); rt != "" {
			todo = append(todo, held{rt, "refresh_token"})
		}
		c.refresh.forget()
	}
	for _, tok := range c.tokens.drop() {
		if c.refresh == nil {
			todo = append(todo, held{tok.accessToken, "access_token"})
		}
	}
	if len(todo) == 0 {
		return nil
	}
	endpoint, err := c.as.endpoint(ctx, revocationEndpoint)
	if err != nil {
		return err
	}
	var errs []error
	for _, h := range todo {
		if err := c.revoke(ctx, endpoint, h.token, h.hint); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// revoke sends one revocation request.
func (c *Client) revoke(ctx context.Context, endpoint, token, hint string) error {
	form := url.Values{"token": {token}, "token_type_hint": {hint}}
	if c.cfg.clientSecret == "" {
		form.Set("client_id", c.cfg.clientID) // a public client (RFC 7009 section 2.1)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("axa: revocation: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if c.cfg.clientSecret != "" {
		// RFC 6749 section 2.3.1: each form-encoded, as x/oauth2 does.
		req.SetBasicAuth(url.QueryEscape(c.cfg.clientID), url.QueryEscape(c.cfg.clientSecret))
	}
	resp, err := c.plainHTTP.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			c.as.failed()
		}
		return &TokenError{Grant: "revocation", Err: err, Retryable: ctx.Err() == nil}
	}
	defer drain(resp)
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	te := &TokenError{Grant: "revocation", StatusCode: resp.StatusCode, Err: errors.New("revocation endpoint refused the request"),
		Retryable: resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500}
	var body struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if json.NewDecoder(io.LimitReader(resp.Body, maxTokenResponse)).Decode(&body) == nil && body.Error != "" {
		te.Code, te.Description = body.Error, body.Description
	} else {
		c.as.failed() // not an OAuth answer: the endpoint may have moved
	}
	return te
}
