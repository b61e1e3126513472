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
// scopes must get the API's 403, not another's answer). The secret and the
// password are not in it: a store that anyone could read holds the answers
// already, and a digest of a secret must not reach one. The identity is a
// digest, so the user name does not reach the store either.
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
