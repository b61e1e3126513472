package axa

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"time"

	"golang.org/x/oauth2"
)

// AuthRequest is one authorization request of the authorization code
// grant: send the user to URL, and keep the request server-side (in the
// user's session, never in a URL or a cookie the user can read) until the
// redirect comes back. It encodes to JSON for session stores. Its PKCE
// verifier is a secret: fmt and slog show it as [REDACTED].
type AuthRequest struct {
	// URL is the authorization endpoint URL to send the user to.
	URL string `json:"url"`
	// State is the random value the redirect must bring back unchanged.
	State string `json:"state"`
	// Scopes are the scopes asked for.
	Scopes []string `json:"scopes"`
	// Verifier is the PKCE code verifier (RFC 7636), a secret.
	Verifier string `json:"verifier"`
}

// String describes the request without its PKCE verifier.
func (r AuthRequest) String() string {
	return fmt.Sprintf("axa.AuthRequest{URL: %q, State: %q, Scopes: %q, verifier: %s}", r.URL, r.State, r.Scopes, secretState(r.Verifier))
}

// GoString describes the request without its PKCE verifier, for %#v.
func (r AuthRequest) GoString() string { return r.String() }

// Format prints the request without its PKCE verifier, whatever the verb.
func (r AuthRequest) Format(f fmt.State, verb rune) { formatRedacted(f, verb, r.String()) }

// LogValue logs the request without its PKCE verifier.
func (r AuthRequest) LogValue() slog.Value { return logValue(r.String()) }

// ErrStateMismatch is returned by Exchange when the redirect's state is not
// the request's: the redirect may be forged (RFC 6749 section 10.12).
var ErrStateMismatch = errors.New("axa: authorization response state does not match the request")

// oauth2Config returns the x/oauth2 configuration of the client's
// authorization code grant, with these endpoints.
func (c *Client) oauth2Config(scopes []string, authURL, tokenURL string) oauth2.Config {
	return oauth2.Config{
		ClientID:     c.cfg.clientID,
		ClientSecret: c.cfg.clientSecret,
		RedirectURL:  c.cfg.redirectURL,
		Scopes:       scopes,
		Endpoint: oauth2.Endpoint{
			AuthURL:   authURL,
			TokenURL:  tokenURL,
			AuthStyle: authStyle(c.cfg.clientSecret),
		},
	}
}

// AuthCodeURL starts the authorization code grant (the client needs
// WithAuthorizationCode): it makes a random state and a PKCE S256 verifier
// and returns the URL to send the user to, on the authorization server's
// authorization endpoint (found in its issuer's metadata when the client
// was given an issuer only: ctx bounds that request). The authorization
// client's token parameters (WithTokenParameters) go in the URL too. Without scopes it asks for
// the WithScopes set, or else every scope of the API.
func (c *Client) AuthCodeURL(ctx context.Context, scopes ...string) (*AuthRequest, error) {
	if c.refresh == nil {
		return nil, fmt.Errorf("%w: AuthCodeURL needs WithAuthorizationCode", ErrNoCredentials)
	}
	authURL, err := c.as.endpoint(ctx, authorizationEndpoint)
	if err != nil {
		return nil, err
	}
	if len(scopes) == 0 {
		scopes = c.cfg.scopes
	}
	if len(scopes) == 0 {
		scopes = allScopes()
	}
	req := &AuthRequest{State: rand.Text(), Scopes: slices.Clone(scopes), Verifier: oauth2.GenerateVerifier()}
	cfg := c.oauth2Config(scopes, authURL, "")
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(req.Verifier)}
	for _, k := range slices.Sorted(maps.Keys(c.as.params)) {
		opts = append(opts, oauth2.SetAuthURLParam(k, c.as.params.Get(k)))
	}
	req.URL = cfg.AuthCodeURL(req.State, opts...)
	return req, nil
}

// Exchange finishes the authorization code grant: it checks that state is
// the request's, exchanges code (with the PKCE verifier) for a token, hands
// a new refresh token to the WithTokenHook hook, and keeps the token for the
// client's calls, which refresh it when it expires.
func (c *Client) Exchange(ctx context.Context, req *AuthRequest, state, code string) (*Token, error) {
	if c.closed.Load() {
		return nil, ErrClosed
	}
	if c.refresh == nil {
		return nil, fmt.Errorf("%w: Exchange needs WithAuthorizationCode", ErrNoCredentials)
	}
	if req == nil || subtle.ConstantTimeCompare([]byte(req.State), []byte(state)) != 1 || state == "" {
		return nil, ErrStateMismatch
	}
	if code == "" {
		return nil, errors.New("axa: Exchange needs the authorization code the redirect brought")
	}
	tokenURL, err := c.as.endpoint(ctx, tokenEndpoint)
	if err != nil {
		return nil, &TokenError{Grant: "authorization_code", Err: err}
	}
	watch, header := observeTokenFetch(ctx, c.cfg.observer, "authorization_code", req.Scopes, false)
	tok, lifetime, err := c.exchange(ctx, req, code, tokenURL, header)
	watch.end(tok, lifetime, err)
	if err != nil {
		return nil, err
	}
	c.tokens.Put(tok, lifetime)
	out := *tok
	return &out, nil
}

// exchange is Exchange's token request, at tokenURL, with header (the
// client's observers', nil for none) added to it.
func (c *Client) exchange(ctx context.Context, req *AuthRequest, code, tokenURL string, header http.Header) (*Token, time.Duration, error) {
	f := c.tokenFetcher(c.refresh)
	cfg := c.oauth2Config(req.Scopes, "", tokenURL)
	start := f.clock.Now()
	seen := &tokenResponse{}
	xctx := context.WithValue(context.WithValue(ctx, oauth2.HTTPClient, f.hc), tokenResponseKey{}, seen)
	if header != nil {
		xctx = context.WithValue(xctx, tokenHeaderKey{}, header)
	}
	raw, err := cfg.Exchange(xctx, code, oauth2.VerifierOption(req.Verifier))
	if err != nil {
		te, _ := tokenError(ctx, "authorization_code", seen, err, f.clock.Now())
		te.Retryable = false // a code is single-use
		return nil, 0, te.redact(append(basicCredentials(c.cfg.clientID, c.cfg.clientSecret), c.cfg.clientSecret, code, req.Verifier)...)
	}
	tok, lifetime, err := f.accept(raw, nil, start)
	if err != nil {
		return nil, 0, err
	}
	if len(tok.scopes) == 0 {
		tok.scopes = slices.Clone(req.Scopes) // no scope in the response: as asked (RFC 6749 section 5.1)
	}
	if err := c.refresh.rotated(ctx, tok); err != nil {
		return nil, 0, err
	}
	return tok, lifetime, nil
}

// authStyle is HTTP Basic for a confidential client; a public client (no
// secret) sends its client_id in the body (RFC 6749 sections 4.1.3 and 6).
func authStyle(secret string) oauth2.AuthStyle {
	if secret == "" {
		return oauth2.AuthStyleInParams
	}
	return oauth2.AuthStyleInHeader
}
