package oauth

import (
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/testutil"
)

func TestOAuthLogsHoldNoSecrets(t *testing.T) {
	var logs testutil.Buffer
	e := newOAuthEnv(t, withAutoApprove(),
		withLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		withUser(User{Login: "alice", Password: "alice-pw-7f3k"}))
	secrets := []string{defaultClientSecret, "alice-pw-7f3k", "wrong-secret-9q"}

	pw := passwordForm("")
	pw.Set("username", "alice")
	pw.Set("password", "alice-pw-7f3k")
	a := e.mustToken(pw)
	b := e.mustToken(refreshForm(a.str("refresh_token")))
	e.token(refreshForm(a.str("refresh_token"))) // reuse
	e.post(gen.TokenPath, url.Values{"grant_type": {"client_credentials"}}, defaultClientID, "wrong-secret-9q")
	e.post(revokePath, url.Values{"token": {b.str("access_token")}}, defaultClientID, defaultClientSecret)
	cfg := e.oauth2Config("http://127.0.0.1:9999/callback")
	verifier := oauth2.GenerateVerifier()
	code := e.authorizeCode(cfg, verifier)
	tok, err := cfg.Exchange(e.ctx(), code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, a.str("access_token"), a.str("refresh_token"), b.str("access_token"), b.str("refresh_token"),
		code, verifier, tok.AccessToken, tok.RefreshToken)

	out := logs.String()
	if !strings.Contains(out, "token issued") || !strings.Contains(out, "reused") {
		t.Fatalf("the log misses the token events:\n%s", out)
	}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("the log holds a secret (%.8s…)", s)
		}
	}
}
