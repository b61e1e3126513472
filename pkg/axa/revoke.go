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

// Revoke ends the session of an authorization code client at the
// authorization server: it revokes the refresh token with the revocation
// endpoint (RFC 7009; at most servers, and the sandbox, that revokes the
// whole grant, its access tokens included), and the client forgets its
// tokens: later calls need a new Exchange, or WithRefreshToken. The client
// authenticates as at the token endpoint; the refresh token goes to the
// revocation endpoint only. A token the server does not know is revoked
// already (section 2.2): that is a success. The client forgets its tokens
// even when the request fails.
//
// A client of another grant holds no refresh token: Revoke forgets its
// access tokens (the next call fetches a new one) and sends nothing, for an
// access token stays the API's credential alone.
//
// It fails when the authorization server names no revocation endpoint, and
// with a *TokenError (Grant "revocation") when the endpoint refuses.
func (c *Client) Revoke(ctx context.Context) error {
	if c.closed.Load() {
		return ErrClosed
	}
	if c.tokens == nil {
		return ErrNoCredentials
	}
	c.tokens.drop()
	if c.refresh == nil {
		return nil
	}
	rt := c.refresh.refreshToken()
	c.refresh.forget()
	if rt == "" {
		return nil
	}
	endpoint, err := c.as.endpoint(ctx, revocationEndpoint)
	if err != nil {
		return err
	}
	return c.revoke(ctx, endpoint, rt, "refresh_token")
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
		te.Code, te.Description = body.Error, redactSecrets(body.Description, append(basicCredentials(c.cfg.clientID, c.cfg.clientSecret), c.cfg.clientSecret, token)...)
	} else {
		c.as.failed() // not an OAuth answer: the endpoint may have moved
	}
	return te
}
