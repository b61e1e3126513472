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
	"sync"
	"time"
)

// endpointKind names an endpoint of the authorization server.
type endpointKind int

const (
	tokenEndpoint endpointKind = iota
	authorizationEndpoint
	revocationEndpoint
)

func (k endpointKind) String() string {
	switch k {
	case tokenEndpoint:
		return "token"
	case authorizationEndpoint:
		return "authorization"
	default:
		return "revocation"
	}
}

// oauthServer is a client's authorization server at run time: the endpoints
// configured, and those its issuer's metadata names.
type oauthServer struct {
	cfg    AuthorizationServer
	params url.Values // added to each token request and the authorization request
	disc   *discovery // nil when there is nothing to discover
}

// newOAuthServer returns the run-time authorization server of cfg; hc sends
// the metadata requests (no redirects, no credentials).
func newOAuthServer(cfg AuthorizationServer, params url.Values, hc *http.Client, clk clock) *oauthServer {
	a := &oauthServer{cfg: cfg, params: params}
	if cfg.Issuer != "" && (cfg.TokenURL == "" || cfg.AuthorizationURL == "" || cfg.RevocationURL == "") {
		a.disc = &discovery{issuer: cfg.Issuer, hc: hc, clock: clk}
	}
	return a
}

func (a AuthorizationServer) endpoint(k endpointKind) string {
	switch k {
	case tokenEndpoint:
		return a.TokenURL
	case authorizationEndpoint:
		return a.AuthorizationURL
	default:
		return a.RevocationURL
	}
}

// endpoint returns the URL of endpoint k: the configured one, else the one
// the issuer's metadata names.
func (a *oauthServer) endpoint(ctx context.Context, k endpointKind) (string, error) {
	if u := a.cfg.endpoint(k); u != "" {
		return u, nil
	}
	if a.disc == nil {
		return "", fmt.Errorf("axa: the %s names no %s endpoint and no issuer to find it with", a.cfg, k)
	}
	m, err := a.disc.get(ctx)
	if err != nil {
		return "", err
	}
	if u := m.endpoint(k); u != "" {
		return u, nil
	}
	return "", &discoveryError{url: a.disc.issuer, err: fmt.Errorf("the metadata names no %s endpoint", k)}
}

// failed tells that an endpoint did not answer as one: the metadata that
// named it is fetched again before the next use.
func (a *oauthServer) failed() {
	if a.disc != nil {
		a.disc.invalidate()
	}
}

// metadataMaxAge is how long discovered metadata is used before it is
// fetched again, failures aside.
const metadataMaxAge = 24 * time.Hour

// maxMetadata bounds the metadata document read.
const maxMetadata = 1 << 20

// discovery fetches and keeps an issuer's metadata (RFC 8414): one fetch at
// a time, the others wait for it.
type discovery struct {
	issuer string
	hc     *http.Client
	clock  clock

	mu      sync.Mutex
	meta    *serverMetadata
	fetched time.Time
	wait    chan struct{} // closed when the fetch in flight ends; nil without one
}

// serverMetadata is what the client reads of RFC 8414 metadata.
type serverMetadata struct {
	Issuer                string `json:"issuer"`
	TokenEndpoint         string `json:"token_endpoint"`
	AuthorizationEndpoint string `json:"authorization_endpoint"`
	RevocationEndpoint    string `json:"revocation_endpoint"`
	// ScopesSupported is nil when the metadata has no scopes_supported.
	ScopesSupported *[]string `json:"scopes_supported"`
}

func (m *serverMetadata) endpoint(k endpointKind) string {
	switch k {
	case tokenEndpoint:
		return m.TokenEndpoint
	case authorizationEndpoint:
		return m.AuthorizationEndpoint
	default:
		return m.RevocationEndpoint
	}
}

// discoveryError is a failed metadata fetch.
type discoveryError struct {
	url string
	// temporary tells whether asking again may help (no answer, 429, 5xx).
	temporary bool
	err       error
}

func (e *discoveryError) Error() string {
	return fmt.Sprintf("axa: authorization server metadata of %s: %v", e.url, e.err)
}

// Unwrap lets the error match ErrDiscovery and its cause.
func (e *discoveryError) Unwrap() []error { return []error{ErrDiscovery, e.err} }

// get returns the metadata, fetched now if none is kept, it is older than
// metadataMaxAge, or the last use of it failed.
func (d *discovery) get(ctx context.Context) (*serverMetadata, error) {
	for {
		d.mu.Lock()
		if d.meta != nil && d.clock.Now().Before(d.fetched.Add(metadataMaxAge)) {
			m := d.meta
			d.mu.Unlock()
			return m, nil
		}
		if ch := d.wait; ch != nil {
			d.mu.Unlock()
			select {
			case <-ch:
				continue
			case <-ctx.Done():
				return nil, fmt.Errorf("axa: waiting for the authorization server metadata: %w", ctx.Err())
			}
		}
		ch := make(chan struct{})
		d.wait = ch
		d.mu.Unlock()

		m, err := d.fetch(ctx)

		d.mu.Lock()
		d.wait = nil
		if err == nil {
			d.meta, d.fetched = m, d.clock.Now()
		}
		d.mu.Unlock()
		close(ch)
		return m, err
	}
}

// invalidate drops the kept metadata.
func (d *discovery) invalidate() {
	d.mu.Lock()
	d.meta = nil
	d.mu.Unlock()
}

// metadataURLs returns where an issuer's metadata may be: RFC 8414's
// well-known URI (section 3.1, inserted between host and path), then OpenID
// Connect discovery's (appended to the issuer), which RFC 8414 section 5
// allows and some servers only publish.
func metadataURLs(issuer string) []string {
	u, err := url.Parse(issuer)
	if err != nil {
		return nil
	}
	path := strings.TrimSuffix(u.Path, "/")
	rfc, oidc := *u, *u
	rfc.Path, rfc.RawPath = "/.well-known/oauth-authorization-server"+path, ""
	oidc.Path, oidc.RawPath = path+"/.well-known/openid-configuration", ""
	return []string{rfc.String(), oidc.String()}
}

// fetch reads the issuer's metadata (fetchMetadata).
func (d *discovery) fetch(ctx context.Context) (*serverMetadata, error) {
	return fetchMetadata(ctx, d.hc, d.issuer)
}

// fetchMetadata reads an issuer's metadata with hc: the first of
// metadataURLs that is not 404, never following a redirect; its issuer
// must be issuer exactly (RFC 8414 section 3.3) and its endpoints https or
// loopback. When every URL answers 404 the error matches
// errMetadataNotFound.
func fetchMetadata(ctx context.Context, hc *http.Client, issuer string) (*serverMetadata, error) {
	urls := metadataURLs(issuer)
	for _, u := range urls {
		m, found, err := fetchMetadataAt(ctx, hc, issuer, u)
		if found || !errors.Is(err, errMetadataNotFound) {
			return m, err
		}
	}
	return nil, &discoveryError{url: issuer, err: fmt.Errorf("%w at %s", errMetadataNotFound, strings.Join(urls, " nor "))}
}

var errMetadataNotFound = errors.New("no metadata (404)")

// fetchMetadataAt reads the metadata at u; found is false when u answered
// 404 or 410.
func fetchMetadataAt(ctx context.Context, hc *http.Client, issuer, u string) (_ *serverMetadata, found bool, _ error) {
	fail := func(temporary bool, err error) (*serverMetadata, bool, error) {
		return nil, false, &discoveryError{url: u, temporary: temporary, err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fail(false, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return fail(ctx.Err() == nil, err)
	}
	defer drain(resp)
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return nil, false, errMetadataNotFound
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
	var m serverMetadata
	if err := json.Unmarshal(body, &m); err != nil {
		return fail(false, fmt.Errorf("not a JSON object of RFC 8414 metadata (its endpoints strings, scopes_supported a list of strings): %w", err))
	}
	if m.Issuer != issuer {
		return fail(false, fmt.Errorf("it names the issuer %q, not %q (RFC 8414 section 3.3): not used", m.Issuer, issuer))
	}
	for _, e := range []struct{ name, v string }{
		{"token_endpoint", m.TokenEndpoint}, {"authorization_endpoint", m.AuthorizationEndpoint}, {"revocation_endpoint", m.RevocationEndpoint},
	} {
		if e.v == "" {
			continue
		}
		if err := checkEndpointURL(e.v); err != nil {
			return fail(false, fmt.Errorf("%s: %w", e.name, err))
		}
	}
	return &m, true, nil
}

// temporaryDiscovery reports whether err is a metadata fetch worth trying
// again.
func temporaryDiscovery(err error) bool {
	var de *discoveryError
	return errors.As(err, &de) && de.temporary
}
