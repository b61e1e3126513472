package axa

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
// asks for the API's scopes this list holds (that is what axa login does).
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
	m, err := fetchMetadata(ctx, c.plainHTTP, issuer)
	switch {
	case errors.Is(err, errMetadataNotFound):
		return nil, fmt.Errorf("%w: %w", ErrNoScopesSupported, err)
	case err != nil:
		return nil, err
	case m.ScopesSupported == nil:
		return nil, fmt.Errorf("%w: the metadata of %s has none", ErrNoScopesSupported, issuer)
	}
	var out []string
	for _, s := range *m.ScopesSupported {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: the metadata of %s lists an empty scopes_supported", ErrNoScopesSupported, issuer)
	}
	return out, nil
}
