package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/internal/testutil"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// get sends GET u as a browser would, without following redirects when
// follow is false, and returns the answer's status.
func get(u string, follow bool) (int, error) {
	c := &http.Client{}
	if !follow {
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// authorizeParams returns the redirect URI and the state of the login's
// authorization URL.
func authorizeParams(u string) (redirect, state string, err error) {
	p, err := url.Parse(u)
	if err != nil {
		return "", "", err
	}
	q := p.Query()
	if q.Get("redirect_uri") == "" || q.Get("state") == "" {
		return "", "", fmt.Errorf("authorization URL %q lacks redirect_uri or state", u)
	}
	return q.Get("redirect_uri"), q.Get("state"), nil
}

// A local process (or a web page) that forges authorization responses
// cannot end the login: a response whose state is not the login's is
// answered 400 and ignored (RFC 6749 section 10.12), and the real one, from
// the browser, completes it. Nothing the forger sent reaches the terminal.
func TestLoginIgnoresACallbackWithAnotherState(t *testing.T) {
	forged := make(chan error, 1)
	f := &Factory{
		SandboxOptions: []sandbox.Option{sandbox.WithAutoApprove()},
		OpenBrowser: func(u string) error {
			callback, _, err := authorizeParams(u)
			if err != nil {
				return err
			}
			go func() {
				for _, q := range []url.Values{
					{"error": {"access_denied\x1b[2J"}, "error_description": {"\x1b]0;owned\x07forged"}, "state": {"not-the-state"}},
					{"error": {"access_denied\x1b[2J"}},
					{"code": {"forged-code"}, "state": {"not-the-state"}},
				} {
					status, err := get(callback+"?"+q.Encode(), false)
					if err == nil && status != http.StatusBadRequest {
						err = fmt.Errorf("a forged callback (%s) was answered %d, want 400", q.Encode(), status)
					}
					if err != nil {
						forged <- err
						return
					}
				}
				forged <- nil
				_, _ = get(u, true) // then the browser comes back with the real answer
			}()
			return nil
		},
	}
	r := run(t, f, "login", "--scope", "urn:axa.assistance.travel.countries.read_only", "--wait", "20s")
	if err := <-forged; err != nil {
		t.Error(err)
	}
	if r.code != ExitOK || !strings.Contains(r.out, "Logged in") {
		t.Fatalf("a forged callback ended the login: exit %d, out %q, err %q", r.code, r.out, r.err)
	}
	if strings.ContainsAny(r.out+r.err, "\x1b\x07") || strings.Contains(r.out+r.err, "forged") {
		t.Errorf("the forged callback's text reached the terminal: out %q, err %q", r.out, r.err)
	}
}

// An error answer with the login's own state does end the login, and what
// it says is printed without its control characters.
func TestLoginRefusedPrintsNoControlCharacters(t *testing.T) {
	f := &Factory{
		OpenBrowser: func(u string) error {
			callback, state, err := authorizeParams(u)
			if err != nil {
				return err
			}
			q := url.Values{
				"state":             {state},
				"error":             {"access_denied\x1b[2J"},
				"error_description": {"the user\u202e said\u009b31m no\x1b]0;owned\x07\x7f"},
			}
			go func() { _, _ = get(callback+"?"+q.Encode(), false) }()
			return nil
		},
	}
	r := run(t, f, "login", "--wait", "20s")
	if r.code != ExitError {
		t.Fatalf("exit %d, want 1: out %q, err %q", r.code, r.out, r.err)
	}
	last := r.err[strings.LastIndex(strings.TrimSpace(r.err), "\n")+1:]
	for _, want := range []string{"login refused", "access_denied", "the user said no"} {
		if !strings.Contains(last, want) {
			t.Errorf("error line %q lacks %q", last, want)
		}
	}
	if c, bad := testutil.FirstUnsafe(r.err); bad || strings.Contains(r.err, "owned") {
		t.Errorf("stderr carries control character %U or what it hid: %q", c, r.err)
	}
}

func TestLoginWithPKCE(t *testing.T) {
	browser := &http.Client{}
	f := &Factory{
		SandboxOptions: []sandbox.Option{sandbox.WithAutoApprove()},
		OpenBrowser: func(u string) error {
			// The browser follows the authorization URL to the loopback
			// redirect, which the command serves.
			go func() {
				req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, u, nil)
				if err != nil {
					return
				}
				if resp, err := browser.Do(req); err == nil {
					_ = resp.Body.Close()
				}
			}()
			return nil
		},
	}
	r := run(t, f, "login", "--scope", "urn:axa.assistance.travel.countries.read_only", "--wait", "20s")
	if r.code != ExitOK || !strings.Contains(r.out, "Logged in") || !strings.Contains(r.err, "/auth/v1/authorize?") {
		t.Fatalf("exit %d, out %q, err %q", r.code, r.out, r.err)
	}
}

// The browser is told it may close the window: the callback's page reaches
// it whole, even when the login ends at once (an error answer needs no
// exchange) and the command shuts its loopback server down.
func TestLoginCallbackPageReachesTheBrowser(t *testing.T) {
	for _, tc := range []struct {
		name  string
		query func(state string) url.Values
		code  int
	}{
		{"refused", func(state string) url.Values {
			return url.Values{"state": {state}, "error": {"access_denied"}}
		}, ExitError},
		{"approved", nil, ExitOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := make(chan string, 1)
			f := &Factory{
				SandboxOptions: []sandbox.Option{sandbox.WithAutoApprove()},
				OpenBrowser: func(u string) error {
					callback, state, err := authorizeParams(u)
					if err != nil {
						return err
					}
					if tc.query != nil {
						u = callback + "?" + tc.query(state).Encode()
					}
					go func() {
						req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, u, nil)
						if err != nil {
							page <- err.Error()
							return
						}
						resp, err := http.DefaultClient.Do(req)
						if err != nil {
							page <- err.Error()
							return
						}
						defer resp.Body.Close()
						b, err := io.ReadAll(resp.Body)
						if err != nil {
							page <- fmt.Sprintf("%s (after %q)", err, b)
							return
						}
						page <- string(b)
					}()
					return nil
				},
			}
			r := run(t, f, "login", "--wait", "20s")
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d: out %q, err %q", r.code, tc.code, r.out, r.err)
			}
			if got := <-page; !strings.Contains(got, "you can close this window") {
				t.Errorf("the browser got %q, want the page telling it to close the window", got)
			}
		})
	}
}

// blockingWriter is a ResponseWriter whose first write waits for release,
// telling writing once it has begun.
type blockingWriter struct {
	*httptest.ResponseRecorder
	writing, release chan struct{}
}

func (w *blockingWriter) Write(b []byte) (int, error) {
	close(w.writing)
	<-w.release
	return w.ResponseRecorder.Write(b)
}

func (w *blockingWriter) WriteString(s string) (int, error) { return w.Write([]byte(s)) }

// The login hears of the authorization response only once the browser's
// page is written: a login that ends at once (and shuts its server down)
// must not cut the page off. The check is on order, not on timing: while
// the page's write is held, the result must not have been delivered.
func TestCallbackAnswersBeforeTheLoginHears(t *testing.T) {
	for _, q := range []url.Values{
		{"state": {"s1"}, "code": {"c"}},
		{"state": {"s1"}, "error": {"access_denied"}},
		{"state": {"other"}, "code": {"c"}},
	} {
		cb := newCallback("s1")
		w := &blockingWriter{httptest.NewRecorder(), make(chan struct{}), make(chan struct{})}
		done := make(chan struct{})
		go func() {
			defer close(done)
			cb.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/callback?"+q.Encode(), nil))
		}()
		<-w.writing
		select {
		case <-cb.got:
			t.Errorf("%s: the login heard of the response before its page was written", q.Encode())
		case <-cb.ignored:
			t.Errorf("%s: the login heard of the ignored response before its page was written", q.Encode())
		default:
		}
		close(w.release)
		<-done
		if got := w.Header().Get("Content-Length"); got != strconv.Itoa(w.Body.Len()) {
			t.Errorf("%s: Content-Length %q for a %d-byte page", q.Encode(), got, w.Body.Len())
		}
	}
}
