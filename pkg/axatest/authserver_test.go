package axatest_test

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/axatest"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// hostRecorder records the origin, method, path and credential scheme of
// every request it carries.
type hostRecorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	seen []string // "http://host:port POST /path Basic"
}

func (h *hostRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	scheme, _, _ := strings.Cut(req.Header.Get("Authorization"), " ")
	h.mu.Lock()
	h.seen = append(h.seen, req.URL.Scheme+"://"+req.URL.Host+" "+req.Method+" "+req.URL.Path+" "+scheme)
	h.mu.Unlock()
	return h.next.RoundTrip(req)
}

func (h *hostRecorder) requests() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.seen...)
}

// With the authorization server on a listener of its own, New's client
// works: its tokens come from that listener (the API's origin answers the
// token path 404), with the client secret, and the tokens go to the API's
// only; the answers of both origins pass the spec check.
func TestNewWithAuthorizationServerOnItsOwnListener(t *testing.T) {
	rec := &recTB{TB: t}
	env := axatest.New(rec, sandbox.WithAuthorizationServerAddr("127.0.0.1:0"))
	if env.AuthorizationServerURL == "" || env.AuthorizationServerURL == env.URL {
		t.Fatalf("AuthorizationServerURL = %q, URL %q: want another listener", env.AuthorizationServerURL, env.URL)
	}
	if _, err := env.Client.ListCountries(t.Context(), nil); err != nil {
		t.Fatalf("the default client: %v", err)
	}
	if got := env.Client.AuthorizationServer().TokenURL; got != env.AuthorizationServerURL+gen.TokenPath {
		t.Errorf("the default client's token endpoint is %q, want %q", got, env.AuthorizationServerURL+gen.TokenPath)
	}

	hr := &hostRecorder{next: http.DefaultTransport}
	c := env.NewClient(axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret),
		axa.WithTransport(axatest.SpecChecker(rec, hr)))
	if _, err := c.GetCountry(t.Context(), "fr", nil); err != nil {
		t.Fatalf("NewClient's client: %v", err)
	}
	var tokens, calls int
	for _, r := range hr.requests() {
		origin, rest, _ := strings.Cut(r, " ")
		switch {
		case strings.Contains(rest, gen.TokenPath):
			tokens++
			if origin != env.AuthorizationServerURL || !strings.HasSuffix(rest, " Basic") {
				t.Errorf("token request %q: want it at %s with Basic credentials", r, env.AuthorizationServerURL)
			}
		case origin == env.URL:
			calls++
			if strings.HasSuffix(rest, " Basic") {
				t.Errorf("the client credentials went to the API: %q", r)
			}
		default:
			if strings.HasSuffix(rest, " Bearer") {
				t.Errorf("a token went elsewhere than the API: %q", r)
			}
		}
	}
	if tokens == 0 || calls == 0 {
		t.Errorf("requests %q: want token requests and API calls", hr.requests())
	}
	if r := rec.reports(); len(r) > 0 {
		t.Errorf("the spec check reported:\n%s", strings.Join(r, "\n"))
	}
}

// The spec check covers the authorization server on its own origin: an
// answer of its token endpoint that the spec does not allow (a 418) is
// reported, naming the operation.
func TestSpecCheckCoversTheAuthorizationServersOrigin(t *testing.T) {
	rec := &recTB{TB: t}
	env := axatest.New(rec, sandbox.WithAuthorizationServerAddr("127.0.0.1:0"),
		sandbox.WithFault(sandbox.FaultToken, sandbox.Fault{ErrorRate: 1, Status: http.StatusTeapot}))
	c := env.NewClient(axa.WithClientCredentials(sandbox.DefaultClientID, sandbox.DefaultClientSecret),
		axa.WithRetryOptions(axa.RetryOptions{MaxAttempts: 1}))
	var terr *axa.TokenError
	if _, err := c.ListCountries(t.Context(), nil); !errors.As(err, &terr) {
		t.Fatalf("%v, want a *axa.TokenError", err)
	}
	r := rec.reports()
	if len(r) != 1 {
		t.Fatalf("reports = %q, want the 418 of the token endpoint", r)
	}
	for _, want := range []string{string(gen.OperationRequestToken), "POST " + gen.TokenPath, "got 418"} {
		if !strings.Contains(r[0], want) {
			t.Errorf("report %q does not contain %q", r[0], want)
		}
	}
}
