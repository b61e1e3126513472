package axa

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// grant gets tokens from the token endpoint with golang.org/x/oauth2. Each
// grant authenticates the client with HTTP Basic explicitly: x/oauth2's
// auto-detection would resend the secret in the body after a failure.
type grant interface {
	// name is the grant_type, for errors and logs.
	name() string
	// token asks the token endpoint at tokenURL once. scopes is nil for
	// grants bound to the user's consent (the refresh token's scopes
	// apply).
	token(ctx context.Context, tokenURL string, scopes []string) (*oauth2.Token, error)
	// userBound reports whether the grant's scopes are fixed by a user's
	// consent rather than asked per call.
	userBound() bool
	// secrets are what the grant sends that no error may show.
	secrets() []string
}

type clientCredentialsGrant struct {
	id, secret string
}

func (clientCredentialsGrant) name() string    { return "client_credentials" }
func (clientCredentialsGrant) userBound() bool { return false }

func (g clientCredentialsGrant) secrets() []string {
	return append(basicCredentials(g.id, g.secret), g.secret)
}

func (g clientCredentialsGrant) token(ctx context.Context, tokenURL string, scopes []string) (*oauth2.Token, error) {
	cfg := clientcredentials.Config{
		ClientID: g.id, ClientSecret: g.secret, TokenURL: tokenURL,
		Scopes: scopes, AuthStyle: oauth2.AuthStyleInHeader,
	}
	return cfg.Token(ctx)
}

// passwordGrant is the resource owner password credentials grant. The OAuth
// 2.0 Security Best Current Practice (RFC 9700, section 2.4) says it MUST NOT
// be used; it is here because the API offers it.
type passwordGrant struct {
	id, secret, username, password string
}

func (passwordGrant) name() string    { return "password" }
func (passwordGrant) userBound() bool { return false }

func (g passwordGrant) secrets() []string {
	return append(basicCredentials(g.id, g.secret), g.secret, g.password)
}

func (g passwordGrant) token(ctx context.Context, tokenURL string, scopes []string) (*oauth2.Token, error) {
	cfg := oauth2.Config{
		ClientID: g.id, ClientSecret: g.secret, Scopes: scopes,
		Endpoint: oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInHeader},
	}
	return cfg.PasswordCredentialsToken(ctx, g.username, g.password)
}

// refreshGrant renews tokens of the authorization code grant with the
// refresh token, and hands each rotated refresh token to the hook before the
// access token that came with it is used.
type refreshGrant struct {
	cfg    oauth2.Config // its endpoint set per request
	onNew  func(context.Context, Token) error
	mu     sync.Mutex
	rt     string
	scopes []string // what the user consented to, when known
}

func (*refreshGrant) name() string    { return "refresh_token" }
func (*refreshGrant) userBound() bool { return true }

func (g *refreshGrant) secrets() []string {
	return append(basicCredentials(g.cfg.ClientID, g.cfg.ClientSecret), g.cfg.ClientSecret, g.refreshToken())
}

func (g *refreshGrant) refreshToken() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.rt
}

func (g *refreshGrant) token(ctx context.Context, tokenURL string, _ []string) (*oauth2.Token, error) {
	rt := g.refreshToken()
	if rt == "" {
		return nil, fmt.Errorf("%w: the authorization code grant has no refresh token yet: call Exchange, or resume with WithRefreshToken", ErrNoCredentials)
	}
	cfg := g.cfg
	cfg.Endpoint.TokenURL = tokenURL
	return cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: rt}).Token()
}

// forget drops the refresh token (it was revoked): the grant needs a new
// Exchange.
func (g *refreshGrant) forget() {
	g.mu.Lock()
	g.rt, g.scopes = "", nil
	g.mu.Unlock()
}

// rotated records the refresh token that came with tok and, when it changed,
// gives it to the hook first. The hook's failure fails the fetch: a rotated
// refresh token that cannot be persisted would be lost with the process.
func (g *refreshGrant) rotated(ctx context.Context, tok *Token) error {
	g.mu.Lock()
	changed := tok.refreshToken != "" && tok.refreshToken != g.rt
	if tok.refreshToken == "" {
		tok.refreshToken = g.rt
	}
	if changed {
		g.rt = tok.refreshToken
	}
	if len(tok.scopes) > 0 {
		g.scopes = slices.Clone(tok.scopes)
	} else {
		tok.scopes = slices.Clone(g.scopes)
	}
	g.mu.Unlock()
	if changed && g.onNew != nil {
		if err := g.onNew(ctx, *tok); err != nil {
			// Not retryable: asking again would rotate the token again.
			return &TokenError{Grant: "refresh_token", Err: fmt.Errorf("persisting the rotated refresh token: %w", err)}
		}
	}
	return nil
}
