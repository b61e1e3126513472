package sandbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// lossyProxy forwards every request to the sandbox and answers as it does,
// but for the first refresh token request: the sandbox answers it (the
// refresh token is rotated), and the proxy closes the client's connection
// instead of passing the answer on, as a network that loses a response
// would. It keeps what the lost answer held.
type lossyProxy struct {
	url    string
	target string

	mu        sync.Mutex
	refreshes int            // refresh token requests seen
	lost      map[string]any // the answer dropped, decoded
}

// newLossyProxy starts a lossyProxy in front of the sandbox at target.
func newLossyProxy(t *testing.T, target string) *lossyProxy {
	t.Helper()
	p := &lossyProxy{target: target}
	upstream := &http.Transport{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		out, err := http.NewRequestWithContext(r.Context(), r.Method, p.target+r.URL.RequestURI(), bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		out.Header = r.Header.Clone()
		resp, err := upstream.RoundTrip(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		answer, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		if p.drop(r.URL.Path, body, answer) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				panic(err) // an HTTP/1.1 test server can hijack
			}
			_ = conn.Close()
			return
		}
		for k, vs := range resp.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(answer)
	}))
	t.Cleanup(func() {
		srv.Close()
		upstream.CloseIdleConnections()
	})
	p.url = srv.URL
	return p
}

// drop reports whether the answer to a request of path with body must be
// lost: the first refresh token request's. It records that answer.
func (p *lossyProxy) drop(path string, body, answer []byte) bool {
	form, err := url.ParseQuery(string(body))
	if path != gen.TokenPath || err != nil || form.Get("grant_type") != "refresh_token" {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refreshes++
	if p.refreshes > 1 {
		return false
	}
	p.lost = map[string]any{}
	_ = json.Unmarshal(answer, &p.lost)
	return true
}

// lostToken returns a string of the lost answer, and how many refresh
// token requests came.
func (p *lossyProxy) lostToken(key string) (string, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, _ := p.lost[key].(string)
	return s, p.refreshes
}

// A client of the authorization code grant refreshes through a network
// that loses the refresh token response after the sandbox rotated the
// token: the SDK retries the token request (a network error is worth
// another try) with the refresh token it has, the one just rotated.
//
// With a reuse interval, the retry gets the lost answer again: the call
// succeeds, the hook receives the lost refresh token, and the session goes
// on. Without one, the retry is reuse: the sandbox revokes the session, and
// the call fails with a TokenError invalid_grant that matches
// axa.ErrUnauthorized (the user must log in again); the tokens of the lost
// answer are revoked too.
func TestRefreshWhoseResponseIsLost(t *testing.T) {
	for _, c := range []struct {
		name     string
		interval time.Duration
	}{
		{"with a reuse interval", 30 * time.Second},
		{"without a reuse interval", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			clock := &fakeClock{now: time.Now().UTC().Truncate(time.Second)}
			opts := []sandbox.Option{sandbox.WithAutoApprove(), sandbox.WithClock(clock.Now)}
			if c.interval > 0 {
				opts = append(opts, sandbox.WithRefreshReuseInterval(c.interval))
			}
			sb, err := sandbox.New(opts...)
			if err != nil {
				t.Fatal(err)
			}
			srv, err := sb.Start("127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = srv.Close() })
			proxy := newLossyProxy(t, srv.URL())
			ctx := t.Context()

			var (
				mu        sync.Mutex
				persisted []string
			)
			newClient := func(t *testing.T, opts ...axa.Option) *axa.Client {
				t.Helper()
				tr := &http.Transport{}
				cl, err := axa.NewClient(append([]axa.Option{
					axa.WithoutEnvironment(), axa.WithBaseURL(proxy.url), axa.WithTransport(tr),
					axa.WithAuthorizationCode(sandbox.DefaultClientID, sandbox.DefaultClientSecret, "http://127.0.0.1:9999/callback"),
					axa.WithTokenOptions(axa.TokenOptions{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}),
					axa.WithTokenHook(func(_ context.Context, tok axa.Token) error {
						mu.Lock()
						defer mu.Unlock()
						persisted = append(persisted, tok.RefreshToken())
						return nil
					}),
				}, opts...)...)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() {
					_ = cl.Close()
					tr.CloseIdleConnections()
				})
				return cl
			}

			// Log in: the authorization code grant, through the proxy.
			login := newClient(t)
			req, err := login.AuthCodeURL(ctx, axa.ScopeCountries)
			if err != nil {
				t.Fatal(err)
			}
			code, state := autoApproved(t, req.URL)
			session, err := login.Exchange(ctx, req, state, code)
			if err != nil {
				t.Fatal(err)
			}

			// Resume the session later: the first call refreshes, and
			// its answer is lost.
			mu.Lock()
			persisted = nil
			mu.Unlock()
			resumed := newClient(t, axa.WithRefreshToken(session.RefreshToken()))
			_, callErr := resumed.ListCountries(ctx, nil)
			lostAccess, refreshes := proxy.lostToken("access_token")
			lostRefresh, _ := proxy.lostToken("refresh_token")
			if lostAccess == "" || lostRefresh == "" {
				t.Fatalf("the proxy lost no refresh answer with tokens (%d refresh requests)", refreshes)
			}
			if refreshes != 2 {
				t.Errorf("%d refresh token requests, want the lost one and one retry", refreshes)
			}
			mu.Lock()
			hooked := append([]string(nil), persisted...)
			mu.Unlock()

			if c.interval > 0 {
				if callErr != nil {
					t.Fatalf("the call after a lost refresh answer: %v", callErr)
				}
				if len(hooked) != 1 || hooked[0] != lostRefresh {
					t.Errorf("the hook got %d refresh tokens, want the lost answer's one", len(hooked))
				}
				if r := apiCountries(t, srv.URL(), lostAccess); r != http.StatusOK {
					t.Errorf("the lost access token at the API: %d, want 200", r)
				}
				// The session goes on: later calls refresh with the
				// token the hook persisted.
				later := newClient(t, axa.WithRefreshToken(lostRefresh))
				if _, err := later.ListCountries(ctx, nil); err != nil {
					t.Errorf("the session after the retry: %v", err)
				}
				return
			}

			var te *axa.TokenError
			if !errors.Is(callErr, axa.ErrUnauthorized) || !errors.As(callErr, &te) || te.Code != "invalid_grant" || te.Retryable {
				t.Fatalf("the call after a lost refresh answer: %v, want a TokenError invalid_grant matching ErrUnauthorized", callErr)
			}
			if !strings.Contains(callErr.Error(), "revoked") {
				t.Errorf("the error does not say the session was revoked: %v", callErr)
			}
			if len(hooked) != 0 {
				t.Errorf("the hook got %d refresh tokens, want none", len(hooked))
			}
			// The session is revoked: the lost answer's tokens with it.
			if r := apiCountries(t, srv.URL(), lostAccess); r != http.StatusUnauthorized {
				t.Errorf("the lost access token at the API: %d, want 401", r)
			}
			later := newClient(t, axa.WithRefreshToken(lostRefresh))
			if _, err := later.ListCountries(ctx, nil); !errors.Is(err, axa.ErrUnauthorized) {
				t.Errorf("the lost refresh token: %v, want ErrUnauthorized", err)
			}
		})
	}
}

// fakeClock is the sandbox's clock in a test: it moves only when told.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// autoApproved follows an authorization URL of a sandbox WithAutoApprove
// as a browser would, up to the redirect, and returns its code and state.
func autoApproved(t *testing.T, authURL string) (code, state string) {
	t.Helper()
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r, err := http.NewRequestWithContext(t.Context(), http.MethodGet, authURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := browser.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize answered %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc.Query().Get("code"), loc.Query().Get("state")
}

// apiCountries calls listCountries at the API at base with token, and
// returns the status.
func apiCountries(t *testing.T, base, token string) int {
	t.Helper()
	r, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/travel/v1/countries", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Authorization", "Bearer "+token)
	r.Close = true // no idle connection left behind
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode
}
