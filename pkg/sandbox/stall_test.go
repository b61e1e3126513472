package sandbox_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/internal/testutil"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// stalledRequests are requests whose headers are complete and whose body
// never comes (a few bytes of it, then nothing): one the handler reads
// (the token endpoint's form), one it answers without reading (an API
// POST without a token, whose unread body the server would discard).
var stalledRequests = map[string]string{
	"token endpoint": "POST /auth/v1/token HTTP/1.1\r\nHost: sandbox\r\n" +
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\ngrant_type=cli",
	"API without token": "POST /travel/v1/quotes HTTP/1.1\r\nHost: sandbox\r\n" +
		"Content-Type: application/json\r\nIdempotency-Key: stalled-1\r\nContent-Length: 200\r\n\r\n{\"trip\":",
}

// A request whose headers are complete and whose body never comes is cut
// off after the body bound (WithBodyTimeout), whether the handler reads
// the body or answers without it; a kept-alive connection without a next
// request is closed after WithIdleConnTimeout. Start's servers set only a
// bound on the headers: such a request held its handler, and the
// connection, for ever.
func TestStalledBodiesAndIdleConnectionsAreBounded(t *testing.T) {
	for _, authAddr := range []bool{false, true} {
		opts := []sandbox.Option{sandbox.WithBodyTimeout(100 * time.Millisecond), sandbox.WithIdleConnTimeout(100 * time.Millisecond)}
		if authAddr {
			opts = append(opts, sandbox.WithAuthorizationServerAddr("127.0.0.1:0"))
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
		for name, req := range stalledRequests {
			addr := strings.TrimPrefix(srv.URL(), "http://")
			if strings.HasPrefix(req, "POST /auth/") {
				addr = strings.TrimPrefix(srv.AuthorizationServerURL(), "http://")
			}
			got := testutil.WaitClosed(t, testutil.Stall(t, addr, req), 10*time.Second)
			t.Logf("two origins %v, %s: answered %q", authAddr, name, firstLine(got))
		}
		testutil.IdleConn(t, strings.TrimPrefix(srv.URL(), "http://"), 10*time.Second)
		testutil.IdleConn(t, strings.TrimPrefix(srv.AuthorizationServerURL(), "http://"), 10*time.Second)
	}
}

// The bounds' defaults are those README states, and a bound that is not
// positive is refused.
func TestConnectionBoundsDefaults(t *testing.T) {
	if sandbox.DefaultBodyTimeout != 30*time.Second || sandbox.DefaultIdleConnTimeout != 2*time.Minute {
		t.Errorf("defaults %s, %s; README states 30s and 2m", sandbox.DefaultBodyTimeout, sandbox.DefaultIdleConnTimeout)
	}
	for _, o := range []sandbox.Option{sandbox.WithBodyTimeout(0), sandbox.WithIdleConnTimeout(-time.Second)} {
		if _, err := sandbox.New(o); err == nil {
			t.Error("a bound that is not positive was accepted")
		}
	}
	sb, err := sandbox.New()
	if err != nil {
		t.Fatal(err)
	}
	var srv http.Server
	sb.ConfigureServer(&srv)
	if srv.IdleTimeout != sandbox.DefaultIdleConnTimeout || srv.ReadHeaderTimeout <= 0 {
		t.Errorf("ConfigureServer: idle %s, header %s", srv.IdleTimeout, srv.ReadHeaderTimeout)
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\r\n")
	return line
}
