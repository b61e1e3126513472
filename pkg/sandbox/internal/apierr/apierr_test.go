package apierr

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
)

// Write answers the Error body with the request id, and the Bearer
// challenges of RFC 6750: none of an error code without a token, the scope
// of the request's operation on a 403.
func TestWrite(t *testing.T) {
	r, _ := reqctx.Begin(httptest.NewRequest(http.MethodPost, "/travel/v1/quotes", nil), "req_7")
	for _, c := range []struct {
		status          int
		code, challenge string
	}{
		{http.StatusUnauthorized, "", `Bearer realm="axa-assistance"`},
		{http.StatusUnauthorized, "invalid_token", `Bearer realm="axa-assistance", error="invalid_token", error_description="a 'quoted' desc"`},
		{http.StatusForbidden, "insufficient_scope", `Bearer realm="axa-assistance", error="insufficient_scope", error_description="a 'quoted' desc", scope="` + string(gen.ScopeTravelPoliciesQuoteRequest) + `"`},
		{http.StatusNotFound, "not_found", ""},
	} {
		rec := httptest.NewRecorder()
		Write(rec, r, c.status, c.code, `a "quoted" desc`)
		var b Body
		if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil || rec.Code != c.status || b.StatusCode != c.status || b.Error == "" {
			t.Errorf("%d %s: %d %s", c.status, c.code, rec.Code, rec.Body)
		}
		if got := rec.Header().Get("WWW-Authenticate"); got != c.challenge || rec.Header().Get("X-Request-Id") != "req_7" {
			t.Errorf("%d %s: challenge %q, want %q", c.status, c.code, got, c.challenge)
		}
	}
}

// Handle answers a StatusError as it says, anything else 500 without
// showing it.
func TestHandle(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	rec := httptest.NewRecorder()
	Handle(slog.New(slog.DiscardHandler), rec, r, Errorf(http.StatusUnprocessableEntity, "quote_expired", "expired at %d", 7))
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `"quote_expired"`) || !strings.Contains(rec.Body.String(), "expired at 7") {
		t.Errorf("%d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	Handle(slog.New(slog.DiscardHandler), rec, r, errors.New("secret detail"))
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "secret") {
		t.Errorf("%d %s", rec.Code, rec.Body)
	}
}

// Summary is one line: a lone problem as it is, several counted, cut at a
// problem's end when long.
func TestSummary(t *testing.T) {
	one := []gen.Problem{{Location: "query/radius", Message: "must be at least 100"}}
	if got := Summary(one); got != "query/radius: must be at least 100" {
		t.Errorf("%q", got)
	}
	two := append(one, gen.Problem{Location: "body/trip_type", Message: "must be\none of"})
	if got := Summary(two); got != "2 problems: query/radius: must be at least 100; body/trip_type: must be one of" {
		t.Errorf("%q", got)
	}
	deep := []gen.Problem{{Location: "body" + strings.Repeat("/0", 1000), Message: "must be a string"}}
	if got := Summary(deep); len(got) > maxSummary+len("…") || !strings.HasSuffix(got, "/0…") {
		t.Errorf("%d bytes: %q", len(got), got)
	}
	var many []gen.Problem
	for range 100 {
		many = append(many, gen.Problem{Location: "body/travellers/0/birth_date", Message: "required"})
	}
	if got := Summary(many); len(got) > maxSummary+len("; …") || !strings.HasPrefix(got, "100 problems: ") || !strings.HasSuffix(got, "required; …") {
		t.Errorf("%d bytes: %q", len(got), got)
	}
}

// A StatusError with problems answers them, its description their summary.
func TestHandleProblems(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	rec := httptest.NewRecorder()
	Handle(slog.New(slog.DiscardHandler), rec, r, Invalid(http.StatusBadRequest, "invalid_request", gen.Problem{Location: "query/speciality", Message: "unknown"}))
	var b Body
	if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil || rec.Code != http.StatusBadRequest ||
		len(b.Problems) != 1 || b.Problems[0].Location != "query/speciality" || b.Description != "query/speciality: unknown" {
		t.Errorf("%d %s", rec.Code, rec.Body)
	}
}
