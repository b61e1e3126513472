package axatest_test

import (
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/pkg/axatest"
)

func TestCheckResponse(t *testing.T) {
	doc, err := api.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	doc.Servers = openapi3.Servers{{URL: "/"}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://127.0.0.1:1234/travel/v1/countries", nil)
	if err != nil {
		t.Fatal(err)
	}
	json := http.Header{"Content-Type": {"application/json"}}
	for _, c := range []struct {
		name   string
		status int
		body   string
		ok     bool
	}{
		{"valid list", 200, `[{"id":"fr","label":"France"}]`, true},
		{"bad id", 200, `[{"id":"FRA","label":"France"}]`, false},
		{"missing label", 200, `[{"id":"fr"}]`, false},
		{"documented error", 401, `{"status_code":401,"error":"invalid_token"}`, false}, // no WWW-Authenticate: required
		{"documented 400", 400, `{"status_code":400,"error":"invalid_request"}`, true},
		{"error without code", 401, `{"status_code":401,"error":""}`, false},
		{"undocumented status", 418, `{"status_code":418,"error":"teapot"}`, false},
	} {
		err := axatest.CheckResponse(router, req, c.status, json, []byte(c.body))
		if (err == nil) != c.ok {
			t.Errorf("%s: err = %v, want ok=%v", c.name, err, c.ok)
		}
	}
}

func TestNewGivesAWorkingClient(t *testing.T) {
	env := axatest.New(t)
	v, err := env.Client.GetVersion(t.Context())
	if err != nil || v.CommitSHA == "" {
		t.Fatalf("GetVersion: %v, %v", v, err)
	}
	if _, err := env.Client.ListCountries(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
}
