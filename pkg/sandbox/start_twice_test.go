package sandbox_test

import (
	"context"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// A started sandbox's issuer is the URL it serves (RFC 8414 section 3.3).
// Starting it again while that server runs would make the second URL the
// issuer of both: the first server's metadata would name another issuer
// and its clients would get tokens issued by it. So a second Start is
// refused until the first server is shut down, unless WithIssuer fixed the
// issuer; it used to succeed and move the issuer.
func TestStartTwiceKeepsTheIssuer(t *testing.T) {
	sb, err := sandbox.New()
	if err != nil {
		t.Fatal(err)
	}
	first, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	second, err := sb.Start("127.0.0.1:0")
	if err == nil {
		_ = second.Close()
		t.Error("a second Start while the first server runs: accepted, and the issuer moved to the second URL")
	} else if !strings.Contains(err.Error(), first.URL()) {
		t.Errorf("the refusal does not name the running server: %v", err)
	}
	if err := first.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	again, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("Start after Shutdown: %v", err)
	}
	_ = again.Close()

	fixed, err := sandbox.New(sandbox.WithIssuer("https://sandbox.example"))
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		srv, err := fixed.Start("127.0.0.1:0")
		if err != nil {
			t.Fatalf("Start with WithIssuer: %v", err)
		}
		t.Cleanup(func() { _ = srv.Close() })
	}
}
