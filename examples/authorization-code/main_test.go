package main

import (
	"bufio"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

func TestRunOffline(t *testing.T) {
	var out strings.Builder
	if err := run(t.Context(), &out, strings.NewReader(""), func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	want := "refresh token to persist: true\ngranted: [" + axa.ScopeCountries + "]\n249 countries\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}

// With AXA_BASE_URL, run prints the authorization URL and reads back the
// URL the browser landed on; the test is the user.
func TestRunAsksTheUser(t *testing.T) {
	out, err := runAsUser(t, func(*url.URL) {})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out, "refresh token to persist: true\ngranted: ["+axa.ScopeCountries+"]\n249 countries\n") {
		t.Errorf("output: %q", out)
	}
}

func TestRunRefusesAnotherState(t *testing.T) {
	out, err := runAsUser(t, func(back *url.URL) {
		q := back.Query()
		q.Set("state", "forged")
		back.RawQuery = q.Encode()
	})
	if err == nil {
		t.Fatal("a redirect with another state was accepted")
	}
	if strings.Contains(out, "granted:") {
		t.Errorf("got a token for a forged state: %q", out)
	}
}

// runAsUser runs the program against a sandbox given by AXA_BASE_URL and
// answers its prompt with the redirect the sandbox gives, passed through
// tamper first. It returns the output and run's error.
func runAsUser(t *testing.T, tamper func(*url.URL)) (string, error) {
	t.Helper()
	sb, err := sandbox.New(sandbox.WithAutoApprove())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	env := map[string]string{axa.EnvBaseURL: srv.URL(), axa.EnvClientID: sandbox.DefaultClientID, axa.EnvClientSecret: sandbox.DefaultClientSecret}

	outR, outW := io.Pipe()
	inR, inW := io.Pipe()
	t.Cleanup(func() { _ = inW.Close() }) // ends run's wait for an answer if the test fails first
	errc := make(chan error, 1)
	go func() {
		err := run(t.Context(), outW, inR, func(k string) string { return env[k] })
		_ = outW.Close() // ends the reading below
		_ = inR.Close()  // ends a pending answer
		errc <- err
	}()

	var out strings.Builder
	lines := bufio.NewReader(outR)
	for {
		line, err := lines.ReadString('\n')
		out.WriteString(line)
		if err != nil {
			break
		}
		if authURL, ok := strings.CutPrefix(line, "  http"); ok {
			loc, err := autoBrowse(t.Context(), "http"+strings.TrimSpace(authURL))
			if err != nil {
				t.Fatal(err)
			}
			back, err := url.Parse(loc)
			if err != nil {
				t.Fatal(err)
			}
			tamper(back)
			go func() { _, _ = io.WriteString(inW, back.String()+"\n") }()
		}
	}
	return out.String(), <-errc
}
