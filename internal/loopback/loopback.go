// Package loopback answers one question for the whole module: does a host
// or a URL name this machine? The SDK sends plain HTTP only there, the
// sandbox listens only there and accepts a loopback redirect URI on any
// port (RFC 8252 section 7.3), and the command line refuses any other
// address for the sandbox it serves.
package loopback

import (
	"net"
	"net/url"
	"strings"
)

// Host reports whether host names this machine: "localhost" in any case,
// or a literal loopback IP address (127.0.0.0/8, ::1, ::ffff:127.0.0.1).
// host carries no port and no brackets, as url.URL.Hostname and
// net.SplitHostPort return it; no name is resolved.
func Host(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// URL reports whether u is a plain http URL on a loopback host: the one
// kind of unencrypted URL the module accepts (a loopback redirect URI, a
// local server). An https URL is secure anywhere and is not reported here.
func URL(u *url.URL) bool {
	return u != nil && strings.EqualFold(u.Scheme, "http") && Host(u.Hostname())
}
