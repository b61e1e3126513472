package oauth

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/gen"
)

// The RFC 8414 metadata names the issuer fixed when the server was made
// (or by SetIssuer, as Start does) and endpoints under it, whatever Host
// the request carries: a request never changes them (RFC 8414 sections 2
// and 3.3).
func TestMetadataIgnoresTheHostHeader(t *testing.T) {
	for name, c := range map[string]struct {
		opts   []option
		set    string // SetIssuer's, when not empty
		issuer string
	}{
		"as configured":    {issuer: testConfig().Issuer},
		"another issuer":   {opts: []option{withIssuer("https://proxy.example/axa")}, issuer: "https://proxy.example/axa"},
		"issuer set later": {set: "http://127.0.0.1:41234", issuer: "http://127.0.0.1:41234"},
	} {
		t.Run(name, func(t *testing.T) {
			a, h := newServer(t, c.opts...)
			if c.set != "" {
				a.SetIssuer(c.set)
			}
			if a.Issuer() != c.issuer {
				t.Errorf("Issuer() = %s, want %s", a.Issuer(), c.issuer)
			}
			for _, host := range []string{"evil.example", "127.0.0.1:1", ""} {
				req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, metadataPath, nil)
				req.Host = host
				req.Header.Set("X-Forwarded-Host", "evil.example")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					t.Fatalf("Host %q: %d %s", host, rec.Code, rec.Body)
				}
				if strings.Contains(rec.Body.String(), "evil.example") {
					t.Errorf("Host %q: the metadata names the request's host: %s", host, rec.Body)
				}
				var md map[string]any
				if err := json.Unmarshal(rec.Body.Bytes(), &md); err != nil {
					t.Fatal(err)
				}
				want := map[string]string{
					"issuer":                 c.issuer,
					"authorization_endpoint": c.issuer + gen.AuthorizePath,
					"token_endpoint":         c.issuer + gen.TokenPath,
					"jwks_uri":               c.issuer + jwksPath,
					"revocation_endpoint":    c.issuer + revokePath,
				}
				for k, v := range want {
					if md[k] != v {
						t.Errorf("Host %q: %s = %v, want %s", host, k, md[k], v)
					}
				}
			}
		})
	}
}

func TestOAuthMetadataAndJWKS(t *testing.T) {
	e := newOAuthEnv(t)
	getJSON := func(u string, v any) {
		t.Helper()
		status, _, body := e.browser(http.MethodGet, u, nil)
		if status != http.StatusOK {
			t.Fatalf("GET %s: %d", u, status)
		}
		if err := json.Unmarshal([]byte(body), v); err != nil {
			t.Fatal(err)
		}
	}
	var md struct {
		Issuer                string   `json:"issuer"`
		TokenEndpoint         string   `json:"token_endpoint"`
		AuthorizationEndpoint string   `json:"authorization_endpoint"`
		JWKSURI               string   `json:"jwks_uri"`
		RevocationEndpoint    string   `json:"revocation_endpoint"`
		GrantTypes            []string `json:"grant_types_supported"`
		ResponseTypes         []string `json:"response_types_supported"`
		ChallengeMethods      []string `json:"code_challenge_methods_supported"`
		AuthMethods           []string `json:"token_endpoint_auth_methods_supported"`
		Scopes                []string `json:"scopes_supported"`
	}
	getJSON(e.srv.URL+metadataPath, &md)
	// Served without Start: the placeholder issuer, endpoints under it (see
	// TestMetadataIgnoresTheHostHeader).
	iss := e.cfg.Issuer
	if md.Issuer != iss || md.TokenEndpoint != iss+"/auth/v1/token" || md.AuthorizationEndpoint != iss+"/auth/v1/authorize" ||
		md.JWKSURI != iss+"/auth/v1/jwks" || md.RevocationEndpoint != iss+"/auth/v1/revoke" {
		t.Errorf("metadata endpoints %+v", md)
	}
	for _, g := range []string{"authorization_code", "client_credentials", "password", "refresh_token"} {
		if !slices.Contains(md.GrantTypes, g) {
			t.Errorf("grant_types_supported lacks %s", g)
		}
	}
	if !slices.Equal(md.ResponseTypes, []string{"code"}) || !slices.Equal(md.ChallengeMethods, []string{"S256"}) ||
		!slices.Equal(md.AuthMethods, []string{"client_secret_basic", "client_secret_post"}) || !slices.Equal(md.Scopes, AllScopes()) {
		t.Errorf("metadata %+v (scopes_supported: the spec's scopes, no openid)", md)
	}

	var set struct {
		Keys []struct{ Kty, Crv, Alg, Kid, X string } `json:"keys"`
	}
	getJSON(e.srv.URL+jwksPath, &set)
	tok := e.mustToken(url.Values{"grant_type": {"client_credentials"}}).str("access_token")
	parts := strings.Split(tok, ".")
	var header struct{ Alg, Kid string }
	if raw, err := base64.RawURLEncoding.DecodeString(parts[0]); err != nil || json.Unmarshal(raw, &header) != nil {
		t.Fatalf("token header: %v", err)
	}
	if len(set.Keys) != 1 || set.Keys[0].Kid != header.Kid || set.Keys[0].Kty != "OKP" || set.Keys[0].Crv != "Ed25519" || header.Alg != "EdDSA" {
		t.Fatalf("keys %+v, token header %+v", set.Keys, header)
	}
	x, err := base64.RawURLEncoding.DecodeString(set.Keys[0].X)
	if err != nil || len(x) != ed25519.PublicKeySize {
		t.Fatalf("x: %v", err)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	if !ed25519.Verify(ed25519.PublicKey(x), []byte(parts[0]+"."+parts[1]), sig) {
		t.Error("the JWKS key does not verify the token")
	}
	if ed25519.Verify(ed25519.PublicKey(x), []byte(parts[0]+"."+parts[1]+"x"), sig) {
		t.Error("the JWKS key verifies a changed token")
	}
}

// Every endpoint the metadata names is an operation the spec declares, of
// the authorization server, with the method a client uses there: the
// metadata never sends a client where a validating proxy would refuse it.
func TestMetadataNamesOnlyEndpointsOfTheSpec(t *testing.T) {
	e := newOAuthEnv(t)
	status, _, body := e.browser(http.MethodGet, e.srv.URL+metadataPath, nil)
	if status != http.StatusOK {
		t.Fatalf("metadata: %d", status)
	}
	var md map[string]any
	if err := json.Unmarshal([]byte(body), &md); err != nil {
		t.Fatal(err)
	}
	// The metadata itself, then each endpoint it names.
	if id, _, ok := gen.MatchOperation(http.MethodGet, metadataPath); !ok || id != gen.OperationGetAuthorizationServerMetadata {
		t.Errorf("GET %s is %q (%v) in the spec, want getAuthorizationServerMetadata", metadataPath, id, ok)
	}
	want := map[string]struct {
		method string
		id     gen.OperationID
	}{
		"authorization_endpoint": {http.MethodGet, gen.OperationAuthorize},
		"token_endpoint":         {http.MethodPost, gen.OperationRequestToken},
		"revocation_endpoint":    {http.MethodPost, gen.OperationRevokeToken},
		"jwks_uri":               {http.MethodGet, gen.OperationGetJSONWebKeySet},
	}
	for k, v := range md {
		s, isString := v.(string)
		if k == "issuer" || !isString || (!strings.HasSuffix(k, "_endpoint") && !strings.HasSuffix(k, "_uri")) {
			continue
		}
		w, known := want[k]
		if !known {
			t.Errorf("the metadata names %s %s, which this test does not know", k, s)
			continue
		}
		path, found := strings.CutPrefix(s, strings.TrimSuffix(e.cfg.Issuer, "/"))
		id, _, ok := gen.MatchOperation(w.method, path)
		op, _ := gen.LookupOperation(id)
		if !found || !ok || id != w.id || !op.AuthorizationServer {
			t.Errorf("%s %s: %s %s is %q (%v) in the spec, want %s of the authorization server", k, s, w.method, path, id, ok, w.id)
		}
		delete(want, k)
	}
	for k := range want {
		t.Errorf("the metadata lacks %s", k)
	}
}
