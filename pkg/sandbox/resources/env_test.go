package resources

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/axa-assistance-go/axa/gen"

	"github.com/axa-assistance-go/axa/gen/server"
	"github.com/axa-assistance-go/axa/pkg/sandbox/data"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/apierr"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/sandboxtest"
	"github.com/axa-assistance-go/axa/pkg/sandbox/validate"
)

// testClient is the client of the stub tokens.
const testClient = "sandbox-client"

// tokenSerial makes every stub token distinct.
var tokenSerial atomic.Int64

// stubVerifier reads the tokens stubToken makes, as the authorization
// server would verify real ones: "client:N" is the client's own token,
// "user:LOGIN:N" a user's through the client (both with every scope),
// "scope:SCOPE:N" the client's with one scope.
type stubVerifier struct{}

// Verify implements validate.Verifier.
func (stubVerifier) Verify(raw string) (*reqctx.Claims, error) {
	kind, rest, _ := strings.Cut(raw, ":")
	i := strings.LastIndexByte(rest, ':')
	ok := i >= 0
	arg := rest[:max(i, 0)]
	var all []string
	for _, s := range gen.AllScopes() {
		all = append(all, string(s))
	}
	c := &reqctx.Claims{ClientID: testClient, Scope: strings.Join(all, " ")}
	c.Subject = testClient
	switch {
	case kind == "client" && ok:
	case kind == "user" && ok && arg != "":
		c.Subject, c.CustomData = arg, &reqctx.CustomData{Login: arg}
	case kind == "scope" && ok:
		c.Scope = arg
	default:
		return nil, errors.New("invalid token: the access token is not valid")
	}
	c.ID = fmt.Sprint(tokenSerial.Add(1))
	c.IssuedAt = jwt.NewNumericDate(time.Now())
	return c, nil
}

// stubToken returns a new token of kind ("client", "user" or "scope")
// with arg (the login or the scope).
func stubToken(kind, arg string) string {
	return kind + ":" + arg + ":" + fmt.Sprint(tokenSerial.Add(1))
}

// apiEnv is the resources of seed 1 behind the spec validator, with stub
// tokens, called in process the way a client calls the API over HTTP:
// JSON bodies as sent.
type apiEnv struct {
	t   testing.TB
	res *Resources
	h   http.Handler
}

// strictServer is the generated strict server over s, answering errors as
// the sandbox does.
func strictServer(s server.StrictServerInterface) http.Handler {
	log := slog.New(slog.DiscardHandler)
	return validate.Handler(server.NewStrictHandlerWithOptions(s, nil, server.StrictHTTPServerOptions{
		RequestErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) {
			apierr.Write(w, r, http.StatusBadRequest, "invalid_request", err.Error())
		},
		ResponseErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) { apierr.Handle(log, w, r, err) },
	}))
}

// behindValidator is h behind the spec validator with stub tokens.
func behindValidator(t testing.TB, h http.Handler) http.Handler {
	t.Helper()
	v, err := validate.New(validate.Config{Verifier: stubVerifier{}, MaxBody: 64 << 10}, h)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func newAPIEnv(t testing.TB) *apiEnv {
	t.Helper()
	res := New(testConfig(time.Now), data.NewDataset(1))
	return &apiEnv{t: t, res: res, h: behindValidator(t, strictServer(res))}
}

// token returns a token of the client carrying every scope of the API:
// the client's own when login is empty, else the user's through the client.
func (e *apiEnv) token(login string) string {
	if login == "" {
		return stubToken("client", "")
	}
	return stubToken("user", login)
}

// apiAnswer is a status, the headers and a decoded JSON body.
type apiAnswer = sandboxtest.Response

// do sends a request through the validator (see sandboxtest.Do).
func (e *apiEnv) do(token, method, path, key, body string) apiAnswer {
	e.t.Helper()
	return sandboxtest.Do(e.t, e.h, token, method, path, key, body)
}
