package axa

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// closeRecorder is a request body that records whether it was closed.
type closeRecorder struct {
	io.Reader
	closed atomic.Bool
}

func (b *closeRecorder) Close() error {
	b.closed.Store(true)
	return nil
}

// Every layer of the pipeline closes the request body when it fails before
// handing the request on, as the http.RoundTripper contract requires.
func TestPipelineLayersCloseTheBodyOnError(t *testing.T) {
	origin, err := url.Parse("https://api.example.com")
	if err != nil {
		t.Fatal(err)
	}
	sent := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		t.Errorf("%s %s was sent", r.Method, r.URL)
		_ = r.Body.Close()
		return nil, errors.New("sent")
	})
	failing := func(context.Context, []string) (*Token, time.Duration, error) {
		return nil, 0, &TokenError{Grant: "client_credentials", Code: "invalid_client"}
	}
	newTokens := func() *tokenCache {
		c := newTokenCache(failing, TokenOptions{}, newFakeClock(), slog.New(slog.DiscardHandler), false)
		t.Cleanup(c.Close)
		return c
	}
	closedTokens := newTokens()
	closedTokens.Close()
	auth := func(tokens *tokenCache) http.RoundTripper {
		return &authTransport{next: sent, tokens: tokens, origin: origin}
	}
	var closedFlag atomic.Bool
	closedFlag.Store(true)

	for _, tc := range []struct {
		name   string
		rt     http.RoundTripper
		target string
		want   error
	}{
		{"headers: closed client", &headerTransport{next: sent, closed: &closedFlag}, "https://api.example.com/travel/v1/quotes", ErrClosed},
		{"auth: no operation", auth(newTokens()), "https://api.example.com/nope", errNoOperation},
		{"auth: no credentials", auth(nil), "https://api.example.com/travel/v1/quotes", ErrNoCredentials},
		{"auth: foreign origin", auth(newTokens()), "https://other.example.com/travel/v1/quotes", ErrInsecureTransport},
		{"auth: token refused", auth(newTokens()), "https://api.example.com/travel/v1/quotes", ErrUnauthorized},
		{"auth: cache closed", auth(closedTokens), "https://api.example.com/travel/v1/quotes", ErrClosed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := &closeRecorder{Reader: strings.NewReader(`{}`)}
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, tc.target, body)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := tc.rt.RoundTrip(req)
			if err == nil {
				_ = resp.Body.Close()
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if !body.closed.Load() {
				t.Error("the request body was left open")
			}
		})
	}
}
