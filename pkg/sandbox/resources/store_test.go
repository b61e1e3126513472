package resources

import (
	"context"
	"net/http"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/gen/server"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
)

// Owners are distinct whatever the client IDs and user names: a client's
// own records, a user's through that client, the same user through another
// client, and IDs made to look like another owner's key.
func TestOwnersAreDistinct(t *testing.T) {
	owners := map[owner]string{}
	for name, o := range map[string]owner{
		"client a":                       clientOwner("a"),
		"user a of client a":             userOwner("a", "a"),
		"user b of client a":             userOwner("a", "b"),
		"user a of client b":             userOwner("b", "a"),
		"client named like a user's key": clientOwner("\x00u" + `"a""b"`),
		"client with a quote in its ID":  clientOwner(`a"`),
		"user of that client":            userOwner(`a"`, ""),
		"user with a quote in its name":  userOwner("a", `"`),
		"client of NUL":                  clientOwner("\x00"),
		"empty client":                   clientOwner(""),
	} {
		if prev, dup := owners[o]; dup {
			t.Errorf("%s and %s are one owner, %q", prev, name, o)
		}
		owners[o] = name
	}
	if clientOwner("sandbox-client") != "sandbox-client" {
		t.Error("a client's own records are not keyed by its bare ID")
	}
}

// userCtx is a request context with the verified token of a user of a
// client, as a password or authorization code grant makes it.
func userCtx(client, login string) context.Context {
	return reqctx.WithClaims(context.Background(), &reqctx.Claims{
		RegisteredClaims: jwt.RegisteredClaims{Subject: login},
		ClientID:         client, CustomData: &reqctx.CustomData{Login: login},
	})
}

// The same user through two clients is two owners; a user's token without
// a subject acts for nobody.
func TestStoreOwnerIsUserThroughClient(t *testing.T) {
	r := newResTest(t, 1, testNow)
	alice := userCtx("c1", "alice")
	got, err := r.RequestQuote(alice, server.RequestQuoteRequestObject{Params: gen.RequestQuoteParams{IdempotencyKey: "q"},
		Body: trip(14, gen.PlanCodeComfort, "jp", "1985-04-12", "2015-09-30")})
	if err != nil {
		t.Fatal(err)
	}
	q := got.(server.RequestQuote201JSONResponse).Body
	created, err := r.CreatePolicy(alice, server.CreatePolicyRequestObject{Params: gen.CreatePolicyParams{IdempotencyKey: "p"}, Body: policyFor(q)})
	if err != nil {
		t.Fatal(err)
	}
	p := created.(server.CreatePolicy201JSONResponse).Body
	for name, ctx := range map[string]context.Context{
		"alice through c2":       userCtx("c2", "alice"),
		"c1 itself":              r.ctx("c1"),
		"bob through c1":         userCtx("c1", "bob"),
		"a client named alice":   r.ctx("alice"),
		"a user named like c1's": userCtx("c1", "c1"),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := r.GetPolicy(ctx, server.GetPolicyRequestObject{PolicyID: p.ID})
			wantError(t, err, http.StatusNotFound, "not_found")
			// Alice's key and body: no replay of her policy, and her quote
			// is not found.
			_, err = r.CreatePolicy(ctx, server.CreatePolicyRequestObject{Params: gen.CreatePolicyParams{IdempotencyKey: "p"}, Body: policyFor(q)})
			wantError(t, err, http.StatusUnprocessableEntity, "quote_not_found")
		})
	}
	if _, err := r.GetPolicy(alice, server.GetPolicyRequestObject{PolicyID: p.ID}); err != nil {
		t.Errorf("alice reading her policy: %v", err)
	}
	noSub := reqctx.WithClaims(context.Background(), &reqctx.Claims{ClientID: "c1", CustomData: &reqctx.CustomData{Login: "alice"}})
	_, err = r.GetPolicy(noSub, server.GetPolicyRequestObject{PolicyID: p.ID})
	wantError(t, err, http.StatusUnauthorized, "invalid_token")
}
