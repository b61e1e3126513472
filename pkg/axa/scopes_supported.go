package axa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// ErrNoScopesSupported is what SupportedScopes's error matches when the
// authorization server publishes no list of its scopes: the client knows no
// issuer to read metadata from, the issuer has no metadata (404), or its
// metadata has no scopes_supported (RFC 8414 only recommends it).
var ErrNoScopesSupported = errors.New("axa: the authorization server publishes no scopes_supported")

// SupportedScopes returns the scopes the client's authorization server says
// it supports: scopes_supported of its issuer's RFC 8414 metadata, in the
// server's order, each once. It reads the metadata now (ctx bounds the
// request), with the checks of discovery: no redirect followed, the
// metadata's issuer must be the issuer configured, at most 1 MiB.
//
// The list is the server's, not the client's: a scope may be supported yet
// not registered for this client. A scope the spec declares that the server
// does not list is one it does not know (yet); a login that asks for it is
// refused with invalid_scope. So a tool that asks for every scope it can
// asks for the API's scopes this list holds (that is what `axa login` does).
//
// Errors: ErrClosed after Close; an error matching ErrNoScopesSupported
// when there is no list to read (no issuer, no metadata, no
// scopes_supported); one matching ErrDiscovery when the metadata could not
// be read or is not to be trusted.
func (c *Client) SupportedScopes(ctx context.Context) ([]string, error) {
	if c.closed.Load() {
		return nil, ErrClosed
	}
	issuer := c.as.cfg.Issuer
	if issuer == "" {
		return nil, fmt.Errorf("%w: the %s names no issuer whose metadata lists them", ErrNoScopesSupported, c.as.cfg)
	}
	urls := metadataURLs(issuer)
	for _, u := range urls {
		scopes, found, err := c.scopesSupportedAt(ctx, issuer, u)
		if found || err != nil {
			return scopes, err
		}
	}
	return nil, fmt.Errorf("%w: no metadata at %s (404)", ErrNoScopesSupported, strings.Join(urls, " nor "))
}

// scopesSupportedAt reads scopes_supported of the metadata at u; found is
// false, with no error, when u answered 404 or 410.
func (c *Client) scopesSupportedAt(ctx context.Context, issuer, u string) (_ []string, found bool, _ error) {
	fail := func(temporary bool, err error) ([]string, bool, error) {
		return nil, false, &discoveryError{url: u, temporary: temporary, err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fail(false, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.plainHTTP.Do(req)
	if err != nil {
		return fail(ctx.Err() == nil, err)
	}
	defer drain(resp)
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return nil, false, nil
	case resp.StatusCode >= 300 && resp.StatusCode <= 399:
		return fail(false, fmt.Errorf("answered %d: a redirect, which metadata requests never follow", resp.StatusCode))
	case resp.StatusCode != http.StatusOK:
		return fail(resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500, fmt.Errorf("answered %d", resp.StatusCode))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxMetadata+1))
	if err != nil {
		return fail(true, fmt.Errorf("reading it: %w", err))
	}
	if len(body) > maxMetadata {
		return fail(false, fmt.Errorf("larger than %d bytes", maxMetadata))
	}
	var m struct {
		Issuer          string    `json:"issuer"`
		ScopesSupported *[]string `json:"scopes_supported"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return fail(false, fmt.Errorf("not a JSON object with a list of strings as scopes_supported: %w", err))
	}
	if m.Issuer != issuer {
		return fail(false, fmt.Errorf("it names the issuer %q, not %q (RFC 8414 section 3.3): not used", m.Issuer, issuer))
	}
	if m.ScopesSupported == nil {
		return nil, true, fmt.Errorf("%w: the metadata at %s has none", ErrNoScopesSupported, u)
	}
	var out []string
	for _, s := range *m.ScopesSupported {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, true, fmt.Errorf("%w: the metadata at %s lists an empty scopes_supported", ErrNoScopesSupported, u)
	}
	return out, true, nil
}
