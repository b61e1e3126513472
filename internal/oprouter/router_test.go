package oprouter_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/getkin/kin-openapi/routers"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/internal/oprouter"
)

func TestFindRoute(t *testing.T) {
	doc, err := api.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r := oprouter.New(doc)
	for _, tc := range []struct {
		method, target, op string
		params             map[string]string
		err                error
	}{
		{"GET", "http://any.example/travel/v1/countries/alerts", "listAlerts", map[string]string{}, nil},
		{"GET", "/travel/v1/countries/f%2Fr/alerts?min_level=high", "listCountryAlerts", map[string]string{"country_id": "f/r"}, nil},
		{"GET", "/travel/v1/policies/9d5b2c1e", "getPolicy", map[string]string{"policy_id": "9d5b2c1e"}, nil},
		{"DELETE", "/travel/v1/quotes", "", nil, routers.ErrMethodNotAllowed},
		{"GET", "/travel/v1/countries//alerts", "", nil, routers.ErrPathNotFound},
		{"GET", "/nope", "", nil, routers.ErrPathNotFound},
	} {
		req := httptest.NewRequest(tc.method, tc.target, nil)
		route, params, err := r.FindRoute(req)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("%s %s: err = %v, want %v", tc.method, tc.target, err, tc.err)
			}
			continue
		}
		if err != nil || route.Operation.OperationID != tc.op {
			t.Errorf("%s %s: %v, %v; want %s", tc.method, tc.target, route, err, tc.op)
			continue
		}
		if len(params) != len(tc.params) {
			t.Errorf("%s %s: params %v, want %v", tc.method, tc.target, params, tc.params)
		}
		for k, v := range tc.params {
			if params[k] != v {
				t.Errorf("%s %s: %s = %q, want %q", tc.method, tc.target, k, params[k], v)
			}
		}
	}
	if got := oprouter.Methods("/travel/v1/quotes"); len(got) != 1 || got[0] != http.MethodPost {
		t.Errorf("Methods(/travel/v1/quotes) = %v", got)
	}
}
