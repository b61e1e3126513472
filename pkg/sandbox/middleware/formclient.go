package middleware

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/url"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
)

// maxPeekedForm bounds the form the rate limit reads for a client's
// credentials: the authorization server's own bound. A larger form names
// no client here (the authorization server refuses it anyway).
const maxPeekedForm = 16 << 10

// formCredentials returns the client_id and client_secret of a token or
// revocation request that authenticates its client in the form
// (client_secret_post, RFC 6749 section 2.3.1), false for any other
// request. It reads at most maxPeekedForm bytes of the body and gives them
// back: the handler reads the body whole, as sent.
func formCredentials(r *http.Request, st *reqctx.State) (id, secret string, ok bool) {
	if r.Method != http.MethodPost || r.Body == nil || r.Body == http.NoBody ||
		st.Operation != gen.OperationRequestToken && st.Operation != gen.OperationRevokeToken {
		return "", "", false
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
		return "", "", false
	}
	body := r.Body
	read, err := io.ReadAll(io.LimitReader(body, maxPeekedForm+1))
	r.Body = peekedBody{Reader: io.MultiReader(bytes.NewReader(read), body), Closer: body}
	if err != nil || len(read) > maxPeekedForm {
		return "", "", false
	}
	form, err := url.ParseQuery(string(read))
	if err != nil || len(form["client_id"]) != 1 || len(form["client_secret"]) != 1 {
		return "", "", false
	}
	return form.Get("client_id"), form.Get("client_secret"), true
}

// peekedBody is a request body whose start was read and is read again
// first.
type peekedBody struct {
	io.Reader
	io.Closer
}
