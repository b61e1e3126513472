// Command authorization-code calls the AXA Assistance API for a user who
// consents in a browser: the OAuth2 authorization code grant, with PKCE and
// state.
//
// Without AXA_BASE_URL it starts a local sandbox that approves at once, and
// plays the browser itself, so it runs offline:
//
//	go run ./examples/authorization-code
//
// With AXA_BASE_URL, AXA_CLIENT_ID and AXA_CLIENT_SECRET (and
// AXA_REDIRECT_URL, registered for the client) it prints the URL to open;
// after consenting, paste the URL the browser was sent back to.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, os.Stdin, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "authorization-code:", err)
		os.Exit(1)
	}
}

// run signs the user in and lists the countries on w; getenv reads the
// AXA_* variables; in gives the URL pasted back when a real browser is
// needed.
func run(ctx context.Context, w io.Writer, in io.Reader, getenv func(string) string) error {
	baseURL, clientID, secret := getenv(axa.EnvBaseURL), getenv(axa.EnvClientID), getenv(axa.EnvClientSecret)
	redirectURL := getenv("AXA_REDIRECT_URL")
	if redirectURL == "" {
		redirectURL = "http://127.0.0.1:8765/callback"
	}
	browse := func(authURL string) (string, error) { return askUser(w, in, authURL) }
	if baseURL == "" {
		sb, err := sandbox.New(sandbox.WithAutoApprove()) // the user's consent, automated
		if err != nil {
			return err
		}
		srv, err := sb.Start("127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		baseURL, clientID, secret = srv.URL(), sandbox.DefaultClientID, sandbox.DefaultClientSecret
		browse = func(authURL string) (string, error) { return autoBrowse(ctx, authURL) }
	}

	client, err := axa.NewClient(
		axa.WithBaseURL(baseURL),
		axa.WithAuthorizationCode(clientID, secret, redirectURL),
		axa.WithTokenHook(func(_ context.Context, t axa.Token) error {
			// Persist t.RefreshToken() here, to resume with WithRefreshToken:
			// a refresh may rotate it.
			fmt.Fprintln(w, "refresh token to persist:", t.RefreshToken() != "")
			return nil
		}),
		axa.WithoutEnvironment(), // this program has read the environment itself
	)
	if err != nil {
		return err
	}
	defer client.Close()

	// 1. Send the user to the authorization URL; a web application keeps
	// req in the user's session.
	req, err := client.AuthCodeURL(ctx, axa.ScopeCountries)
	if err != nil {
		return err
	}
	// 2. The user consents; the browser comes back to the redirect URL.
	back, err := browse(req.URL)
	if err != nil {
		return err
	}
	u, err := url.Parse(back)
	if err != nil {
		return err
	}
	// 3. Exchange the code; Exchange checks the state against req's.
	tok, err := client.Exchange(ctx, req, u.Query().Get("state"), u.Query().Get("code"))
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "granted:", tok.Scopes())

	countries, err := client.ListCountries(ctx, nil)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, len(countries), "countries")
	return nil
}

// autoBrowse plays the browser against the sandbox: it opens authURL and
// answers where the authorization server redirects it, without following
// that redirect to the callback (nothing listens there).
func autoBrowse(ctx context.Context, authURL string) (string, error) {
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return "", err
	}
	resp, err := browser.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusFound && resp.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("authorization endpoint: %s, want a redirect", resp.Status)
	}
	return resp.Header.Get("Location"), nil
}

// askUser prints authURL and reads back the URL the browser landed on.
func askUser(w io.Writer, in io.Reader, authURL string) (string, error) {
	fmt.Fprintln(w, "Open this URL in a browser and consent:")
	fmt.Fprintln(w, " ", authURL)
	fmt.Fprint(w, "Then paste the URL the browser was sent back to: ")
	sc := bufio.NewScanner(in)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return "", err
		}
		return "", errors.New("no URL pasted")
	}
	return sc.Text(), nil
}
