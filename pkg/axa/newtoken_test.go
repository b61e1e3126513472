package axa_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/pkg/axa"
)

// tokenStore is what a WithTokenHook implementation of a user might look
// like: it persists the refresh token of every token it is given.
type tokenStore struct {
	saved []string
}

// hook is the function given to axa.WithTokenHook.
func (s *tokenStore) hook(_ context.Context, t axa.Token) error {
	if t.RefreshToken() == "" {
		return errors.New("no refresh token to persist")
	}
	s.saved = append(s.saved, t.RefreshToken())
	return nil
}

// NewToken lets a user's test hand its WithTokenHook implementation a
// Token, with the accessors and the redaction of the client's own.
func TestNewTokenForAHookTest(t *testing.T) {
	expiry := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	scopes := []string{axa.ScopeCountries, axa.ScopeAlerts}
	tok := axa.NewToken("CANARY-access", "CANARY-refresh", expiry, scopes...)
	scopes[0] = "changed" // the Token keeps its own copy

	if tok.AccessToken() != "CANARY-access" || tok.RefreshToken() != "CANARY-refresh" || !tok.Expiry().Equal(expiry) {
		t.Errorf("accessors: %q %q %v", tok.AccessToken(), tok.RefreshToken(), tok.Expiry())
	}
	if got := tok.Scopes(); len(got) != 2 || got[0] != axa.ScopeCountries || got[1] != axa.ScopeAlerts {
		t.Errorf("Scopes() = %q", got)
	}
	for _, printed := range []string{fmt.Sprint(tok), fmt.Sprintf("%v %+v %#v %s", tok, tok, tok, tok)} {
		if strings.Contains(printed, "CANARY") {
			t.Errorf("a NewToken prints its secrets: %s", printed)
		}
	}

	var store tokenStore
	if err := store.hook(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	if len(store.saved) != 1 || store.saved[0] != "CANARY-refresh" {
		t.Errorf("saved = %q", store.saved)
	}
	if err := store.hook(t.Context(), axa.NewToken("a", "", expiry)); err == nil {
		t.Error("the hook accepted a token without a refresh token")
	}
	if got := axa.NewToken("a", "", time.Time{}).Scopes(); len(got) != 0 {
		t.Errorf("Scopes() without scopes = %q", got)
	}
}
