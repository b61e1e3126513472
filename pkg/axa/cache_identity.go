package axa

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"strings"
)

// cacheIdentity names whose answers a client's cache entries hold: the
// first part of every key it stores, so that one Cache shared by clients
// of several identities (a service's clients over one store) never hands
// one identity what the API gave another. What decides the API's answer
// besides the request is who asks and with which scopes:
//
//   - client credentials: the client ID;
//   - password: the client ID and the user;
//   - authorization code: whoever logs in, which the client cannot name
//     before the first token: a random identity per Client, so such a
//     client shares its answers with no other;
//   - no credentials: none (only what needs no token is called);
//
// each with the scopes of WithScopes, if any (a client limited to some
// scopes must get the API's 403, not another's answer). The identity is a
// digest, so the user name does not reach the store either.
//
// The identity names whom a client claims to be, not whether its secret or
// password is right; that is proved otherwise: the cache layer serves a
// fresh answer only to a client that holds a valid token of the
// operation's scopes (authTransport.vouch), taken from its token cache or
// fetched then, which is the token endpoint's word that its credentials
// are good. A client with a wrong secret or password, sharing a Cache with
// a good client of its identity, gets the token endpoint's refusal, never
// the good client's answers. The secret and the password are not in the
// identity, not even as a keyed digest (an HMAC under a random key of the
// process), because:
//
//   - a key of the process would make the identities of two processes
//     differ: a store shared by a service's replicas, the reason to share
//     one, would share nothing, and each restart would leave what the store
//     holds unreachable until it expires; a key shared by the processes
//     would be one more secret to configure and protect, and should it
//     leak, the digests in the store let anyone test guesses of a password
//     offline;
//   - a digest proves only that a client holds the secret the answer's
//     first reader held, not that the authorization server still accepts
//     it; a token does.
//
// What it costs: a fresh answer needs a valid token in the client's token
// cache, there already after its first call in most cases, else one token
// request (never an API request); and while a client has no valid token
// and cannot get one (the token endpoint unreachable), its calls fail as
// they would without the cache.
func (c *config) cacheIdentity() string {
	parts := []string{c.grantKind, c.clientID}
	switch c.grantKind {
	case "password":
		parts = append(parts, c.username)
	case "authorization_code":
		parts = append(parts, rand.Text())
	}
	scopes := slices.Clone(c.scopes)
	slices.Sort(scopes)
	parts = append(parts, strings.Join(slices.Compact(scopes), " "))
	h := sha256.New()
	for _, p := range parts {
		// Each part with its length, so that no two lists of parts
		// write the same bytes.
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(p))))
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
