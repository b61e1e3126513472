package oauth

import (
	"bytes"
	_ "embed"
	"errors"
	"html/template"
	"net/http"

	"github.com/axa-assistance-go/axa/gen"
)

// pageData fills page.
type pageData struct {
	Action   string // where the form posts: the authorization endpoint
	Error    string
	ClientID string
	Scopes   []string
	Hidden   map[string]string
	Login    string
	Hint     string
}

// pageSource is the login and consent page, and the error page.
//
//go:embed page.html.tmpl
var pageSource string

// page is pageSource, parsed.
var page = template.Must(template.New("page").Parse(pageSource))

// loginPage shows the login and consent form for ar, with a message.
func (a *Server) loginPage(w http.ResponseWriter, ar *authRequest, login, message string) {
	hidden := map[string]string{}
	for _, k := range authorizeParams {
		if v, ok := ar.params[k]; ok && len(v) == 1 {
			hidden[k] = v[0]
		}
	}
	d := pageData{Error: message, ClientID: ar.client.ID, Scopes: ar.scopes, Hidden: hidden, Login: login}
	if du := a.cfg.DefaultUser; du.Login != "" {
		if u, ok := a.cfg.Users[du.Login]; ok && u.Password == du.Password {
			d.Hint = "The sandbox's default user is " + du.Login + ", password " + du.Password + "."
		}
	}
	a.renderPage(w, http.StatusOK, d)
}

// errorPage shows an error that must not go to a redirect URI.
func (a *Server) errorPage(w http.ResponseWriter, err error) {
	var oe *oauthError
	if !errors.As(err, &oe) {
		oe = &oauthError{status: http.StatusInternalServerError, description: "an unexpected error occurred"}
	}
	a.renderPage(w, oe.status, pageData{Error: "This authorization request cannot go on: " + oe.description + "."})
}

// renderPage writes page with d, with headers that keep it out of frames
// and caches.
func (a *Server) renderPage(w http.ResponseWriter, status int, d pageData) {
	d.Action = gen.AuthorizePath
	var buf bytes.Buffer
	if err := page.Execute(&buf, d); err != nil {
		a.cfg.Log.Error("sandbox: authorization page", "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
