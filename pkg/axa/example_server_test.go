package axa_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
)

// exampleAPI is a tiny stand-in for the AXA Assistance API, enough for the
// examples to run offline: client credentials and authorization code
// tokens, the countries list, quotes and policies (one per Idempotency-Key).
func exampleAPI() *httptest.Server {
	var (
		mu       sync.Mutex
		tokens   = map[string]bool{}
		codes    = map[string]bool{}
		policies = map[string]string{} // idempotency key → policy JSON
		n        int
	)
	reply := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /auth/v1/authorize", func(w http.ResponseWriter, r *http.Request) {
		// The user logs in and consents; the browser goes back to the app.
		mu.Lock()
		n++
		code := fmt.Sprintf("code-%d", n)
		codes[code] = true
		mu.Unlock()
		back, _ := url.Parse(r.URL.Query().Get("redirect_uri"))
		back.RawQuery = url.Values{"code": {code}, "state": {r.URL.Query().Get("state")}}.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	})
	mux.HandleFunc("POST /auth/v1/token", func(w http.ResponseWriter, r *http.Request) {
		if id, secret, ok := r.BasicAuth(); !ok || id != "my-client-id" || secret != "my-client-secret" {
			reply(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
			return
		}
		_ = r.ParseForm()
		mu.Lock()
		defer mu.Unlock()
		answer := map[string]any{"token_type": "Bearer", "expires_in": 3600, "scope": r.Form.Get("scope")}
		switch r.Form.Get("grant_type") {
		case "client_credentials":
		case "authorization_code":
			if !codes[r.Form.Get("code")] || r.Form.Get("code_verifier") == "" {
				reply(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
				return
			}
			delete(codes, r.Form.Get("code"))
			answer["refresh_token"] = "refresh-1"
			answer["scope"] = "urn:axa.assistance.travel.countries.read_only"
		default:
			reply(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
			return
		}
		n++
		tok := fmt.Sprintf("token-%d", n)
		tokens[tok] = true
		answer["access_token"] = tok
		reply(w, http.StatusOK, answer)
	})
	authed := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			ok := tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
			mu.Unlock()
			if !ok {
				w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
				reply(w, http.StatusUnauthorized, map[string]any{"status_code": 401, "error": "invalid_token"})
				return
			}
			h(w, r)
		}
	}
	mux.HandleFunc("GET /travel/v1/countries", authed(func(w http.ResponseWriter, _ *http.Request) {
		reply(w, http.StatusOK, []map[string]string{{"id": "af", "label": "Afghanistan"}, {"id": "ax", "label": "Aland Islands"}, {"id": "zw", "label": "Zimbabwe"}})
	}))
	mux.HandleFunc("POST /travel/v1/quotes", authed(func(w http.ResponseWriter, _ *http.Request) {
		reply(w, http.StatusCreated, map[string]any{
			"id": "0c6f2a3b-1d4e-4f5a-8b9c-7d6e5f4a3b2c", "trip_type": "single_trip", "origin_country": "fr",
			"destination_countries": []string{"jp"}, "start_date": "2026-12-20", "end_date": "2027-01-05",
			"travellers_count": 1, "plan_code": "comfort", "premium": map[string]any{"amount": 48.9, "currency": "EUR"},
			"created_at": "2026-11-25T10:00:00Z", "valid_until": "2026-11-26T10:00:00Z",
		})
	}))
	mux.HandleFunc("POST /travel/v1/policies", authed(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Idempotency-Key")
		mu.Lock()
		defer mu.Unlock()
		if p, ok := policies[key]; ok {
			w.Header().Set("Idempotent-Replayed", "true")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(p))
			return
		}
		var body struct {
			QuoteID string `json:"quote_id"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		p, _ := json.Marshal(map[string]any{
			"id": "9d5b2c1e-4f3a-4b6d-8e7f-0a1b2c3d4e5f", "policy_number": fmt.Sprintf("AXA-TRV-%010d", len(policies)+1),
			"status": "issued", "quote_id": body.QuoteID, "trip_type": "single_trip", "destination_countries": []string{"jp"},
			"start_date": "2026-12-20", "end_date": "2027-01-05", "plan_code": "comfort",
			"premium": map[string]any{"amount": 48.9, "currency": "EUR"}, "issued_at": "2026-11-25T10:05:00Z", "documents": []any{},
			"policy_holder": map[string]any{}, "travellers": []any{},
		})
		policies[key] = string(p)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write(p)
	}))
	return httptest.NewServer(mux)
}
