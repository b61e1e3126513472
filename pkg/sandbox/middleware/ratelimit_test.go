package middleware

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
)

// stubAuth knows one client, "c1" with secret "s1", and one valid token,
// "good", of that client; it counts the tokens it verifies.
type stubAuth struct{ verified int }

func (*stubAuth) ClientAuthenticated(id, secret string) bool { return id == "c1" && secret == "s1" }

func (a *stubAuth) Verify(raw string) (*reqctx.Claims, error) {
	a.verified++
	if raw != "good" {
		return nil, errors.New("invalid token: the access token is not valid")
	}
	return &reqctx.Claims{ClientID: "c1", Scope: "s"}, nil
}

// ok answers 200.
var ok = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })

// send serves a GET with a bearer token from addr.
func send(h http.Handler, bearer, addr string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, "/travel/v1/countries", nil)
	req.RemoteAddr = addr
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// Forged tokens naming a client do not spend that client's rate budget:
// an unverified request is keyed on its address.
func TestForgedTokensDoNotSpendAnotherClientsBudget(t *testing.T) {
	auth := &stubAuth{}
	h := RateLimit(RateLimitConfig{PerSecond: 0.001, Burst: 2, Now: time.Now, Auth: auth}, ok)
	for range 5 {
		send(h, "forged-in-the-name-of-c1", "10.9.9.9:1234")
	}
	if rec := send(h, "good", "127.0.0.1:5555"); rec.Code != http.StatusOK {
		t.Fatalf("the real client got %d after forged requests in its name", rec.Code)
	}
	send(h, "good", "127.0.0.1:5556")
	rec := send(h, "good", "127.0.0.1:5557")
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Errorf("the third request of a client with a burst of 2: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
}

// The rate limit verifies a token once and leaves it in the request's
// state, where the validator finds it.
func TestRateLimitLeavesTheVerifiedToken(t *testing.T) {
	auth := &stubAuth{}
	var got *reqctx.Claims
	h := AccessLog(slog.New(slog.DiscardHandler), RateLimit(RateLimitConfig{PerSecond: 100, Burst: 10, Now: time.Now, Auth: auth},
		http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = reqctx.From(r.Context()).Verified("good") })))
	send(h, "good", "127.0.0.1:1")
	if got == nil || got.ClientID != "c1" || auth.verified != 1 {
		t.Errorf("claims %+v after %d verifications, want c1's after 1", got, auth.verified)
	}
}
