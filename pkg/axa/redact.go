package axa

import (
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
)

// redacted stands in for a secret wherever one would be printed.
const redacted = "[REDACTED]"

// formatRedacted writes s for every fmt verb, so that %v, %+v, %#v, %s and %q
// of a type holding secrets all print its safe description. fmt reaches
// unexported fields through reflection without calling their methods, so a
// type holding secrets must format itself whole: redacting its fields'
// types alone would not be enough.
func formatRedacted(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = fmt.Sprintf("%q", s)
	}
	_, _ = io.WriteString(f, s)
}

// secretState describes whether a secret is set, without revealing it.
func secretState(s string) string {
	if s == "" {
		return "unset"
	}
	return redacted
}

// logValue is the slog form of a type holding secrets.
func logValue(s string) slog.Value { return slog.StringValue(s) }

// hideUserinfo returns the URL text raw without its userinfo, user name
// included, for an error message. It works on the text, not on a parsed
// URL, so that a URL too malformed to parse is stripped as well: everything
// of the authority up to its last '@' goes.
func hideUserinfo(raw string) string {
	start := 0
	if i := strings.Index(raw, "//"); i >= 0 {
		start = i + 2
	}
	end := len(raw)
	if i := strings.IndexAny(raw[start:], `/?#\`); i >= 0 {
		end = start + i
	}
	if at := strings.LastIndex(raw[start:end], "@"); at >= 0 {
		return raw[:start] + "[userinfo hidden]@" + raw[start+at+1:]
	}
	return raw
}

// redactSecrets replaces in s each secret as it travels in a request: as
// is, form-encoded (a token request's body, which a server may echo in its
// error_description) and inside HTTP Basic credentials. Secrets shorter
// than minRedacted are left: they would blank ordinary words.
func redactSecrets(s string, secrets ...string) string {
	for _, secret := range secrets {
		if len(secret) < minRedacted {
			continue
		}
		for _, form := range []string{secret, url.QueryEscape(secret), url.PathEscape(secret)} {
			s = strings.ReplaceAll(s, form, redacted)
		}
	}
	return s
}

// basicCredentials returns the HTTP Basic credentials of a client as they
// may be sent: each part form-encoded (RFC 6749 section 2.3.1) or not.
func basicCredentials(id, secret string) []string {
	if secret == "" {
		return nil
	}
	return []string{
		base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id) + ":" + url.QueryEscape(secret))),
		base64.StdEncoding.EncodeToString([]byte(id + ":" + secret)),
	}
}

// minRedacted is the length of the shortest secret redactSecrets replaces.
const minRedacted = 4

// redact removes secrets from what the endpoint said.
func (e *TokenError) redact(secrets ...string) *TokenError {
	e.Description = redactSecrets(e.Description, secrets...)
	return e
}
