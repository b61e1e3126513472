package specresponse_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/internal/oprouter"
	"github.com/axa-assistance-go/axa/internal/specresponse"
)

func TestCheckSaysWhereAndWhat(t *testing.T) {
	doc, err := api.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	router := oprouter.New(doc)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://127.0.0.1:1234/travel/v1/countries", nil)
	if err != nil {
		t.Fatal(err)
	}
	jsonCT := http.Header{"Content-Type": {"application/json"}}
	documented := "one of the statuses " + strings.Join(specresponse.Statuses(doc.Paths.Value("/travel/v1/countries").Get), ", ")
	for _, c := range []struct {
		name              string
		status            int
		header            http.Header
		body              string
		pointer, expected string
		got               string
	}{
		{"valid", 200, jsonCT, `[{"id":"fr","label":"France"}]`, "", "", ""},
		{"pattern", 200, jsonCT, `[{"id":"FRA","label":"France"}]`, "/0/id", "pattern ^[a-z]{2}$", `"FRA"`},
		{"required", 200, jsonCT, `[{"id":"fr"}]`, "/0/label", "required property", "absent"},
		{"type", 200, jsonCT, `[{"id":"fr","label":7}]`, "/0/label", "type string", "7"},
		{"root type", 200, jsonCT, `{"id":"fr"}`, "body", "type array", `{"id":"fr"}`},
		{"required header", 401, jsonCT, `{"status_code":401,"error":"invalid_token"}`, "header/WWW-Authenticate", "present (required)", "absent"},
		{"429 without Retry-After", 429, jsonCT, `{"status_code":429,"error":"rate_limited"}`, "header/Retry-After", "present (required)", "absent"},
		{"429 with Retry-After", 429, http.Header{"Content-Type": {"application/json"}, "Retry-After": {"2"}}, `{"status_code":429,"error":"rate_limited"}`, "", "", ""},
		{"status", 418, jsonCT, `{"status_code":418,"error":"teapot"}`, "status", documented, "418"},
		{"media type", 200, http.Header{"Content-Type": {"text/plain"}}, `fr`, "header/Content-Type", "application/json", "text/plain"},
	} {
		err := specresponse.Check(router, req, c.status, c.header, []byte(c.body))
		if c.pointer == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		var se *specresponse.Error
		if !errors.As(err, &se) {
			t.Errorf("%s: err = %v, want a *specresponse.Error", c.name, err)
			continue
		}
		f := se.Failures[0]
		if f.Pointer != c.pointer || f.Expected != c.expected || f.Got != c.got {
			t.Errorf("%s: failure = %+v, want pointer %q expected %q got %q", c.name, f, c.pointer, c.expected, c.got)
		}
	}
}

func TestCheckUnknownRoute(t *testing.T) {
	doc, err := api.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://127.0.0.1:1234/nowhere", nil)
	if err != nil {
		t.Fatal(err)
	}
	err = specresponse.Check(oprouter.New(doc), req, 200, http.Header{}, nil)
	var se *specresponse.Error
	if err == nil || errors.As(err, &se) {
		t.Fatalf("err = %v, want a routing error", err)
	}
}

// A failure's Got never shows a secret: the value of a member named as one
// is redacted, at the failing pointer and inside an object or array shown
// whole; the error names the operation.
func TestCheckRedactsSecretsAndNamesTheOperation(t *testing.T) {
	doc, err := api.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	router := oprouter.New(doc)
	const canary = "CANARY-2b9d41"
	jsonCT := http.Header{"Content-Type": {"application/json"}, "Cache-Control": {"no-store"}}
	for _, c := range []struct {
		method, path, body, operation string
	}{
		{http.MethodPost, "/auth/v1/token", `{"access_token":["` + canary + `"],"token_type":"Bearer","expires_in":60}`, "requestToken"},
		{http.MethodPost, "/auth/v1/token", `{"access_token":{"v":"` + canary + `"},"token_type":"Bearer","expires_in":60}`, "requestToken"},
		{http.MethodGet, "/travel/v1/countries", `{"refresh_token":"` + canary + `","nested":[{"client_secret":"` + canary + `"}]}`, "listCountries"},
	} {
		req, err := http.NewRequestWithContext(t.Context(), c.method, "http://127.0.0.1:1234"+c.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		err = specresponse.Check(router, req, 200, jsonCT, []byte(c.body))
		var se *specresponse.Error
		if !errors.As(err, &se) {
			t.Fatalf("%s: %v, want *specresponse.Error", c.body, err)
		}
		if se.Operation != c.operation {
			t.Errorf("%s: Operation = %q, want %q", c.body, se.Operation, c.operation)
		}
		for _, f := range se.Failures {
			if strings.Contains(f.String(), canary) {
				t.Errorf("%s: failure shows a secret: %s", c.body, f)
			}
		}
	}
}
