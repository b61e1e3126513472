package reqctx

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/axa-assistance-go/axa/gen"
)

// Begin resolves the operation once and keeps it, the id and later the
// verified token under the one key; Ensure keeps a State it finds.
func TestBeginResolvesTheOperationOnce(t *testing.T) {
	r, st := Begin(httptest.NewRequest(http.MethodGet, "/travel/v1/countries/f%2Fr/alerts", nil), "req_1")
	if st.Operation != gen.OperationListCountryAlerts || len(st.PathValues) != 1 || st.PathValues[0] != "f%2Fr" {
		t.Errorf("state %+v", st)
	}
	if Operation(r.Context()) != gen.OperationListCountryAlerts || RequestID(r.Context()) != "req_1" || ClaimsOf(r.Context()) != nil {
		t.Error("the context does not carry the state")
	}
	c := &Claims{ClientID: "c1"}
	st.SetToken("raw", c)
	if again, same := Ensure(r); again != r || same != st || ClaimsOf(r.Context()) != c || st.Verified("raw") != c || st.Verified("other") != nil {
		t.Error("Ensure made a second state, or the token was not kept")
	}
	if _, st := Begin(httptest.NewRequest(http.MethodDelete, "/travel/v1/countries", nil), ""); st.Operation != "" {
		t.Errorf("DELETE /travel/v1/countries resolved to %s", st.Operation)
	}
	bare := httptest.NewRequest(http.MethodGet, "/version", nil)
	if From(bare.Context()) != nil || RequestID(bare.Context()) != "" || Operation(bare.Context()) != "" {
		t.Error("a request without Begin has a state")
	}
	if _, st := Ensure(bare); st == nil || st.Operation != gen.OperationGetVersion {
		t.Error("Ensure does not resolve a bare request")
	}
}

func TestBearerToken(t *testing.T) {
	for h, want := range map[string]string{"Bearer abc": "abc", "bearer  abc ": "abc", "Basic abc": "", "Bearer": "", "": ""} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if h != "" {
			r.Header.Set("Authorization", h)
		}
		if got := BearerToken(r); got != want {
			t.Errorf("%q: %q, want %q", h, got, want)
		}
	}
}

func TestHasScope(t *testing.T) {
	c := &Claims{Scope: "a b  urn:x.y"}
	for scope, want := range map[string]bool{"a": true, "b": true, "urn:x.y": true, "": false, "urn:x": false, "a b": false} {
		if got := c.HasScope(scope); got != want {
			t.Errorf("HasScope(%q) = %v, want %v", scope, got, want)
		}
	}
}

// Begin keeps the request's Prefer values, every line of them.
func TestBeginKeepsPrefer(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/version", nil)
	req.Header.Add("Prefer", "respond-async")
	req.Header.Add("Prefer", "code=202")
	r, st := Begin(req, "")
	if got := Prefer(r.Context()); len(got) != 2 || got[1] != "code=202" || len(st.Prefer) != 2 {
		t.Errorf("Prefer = %q, want both lines", got)
	}
	if Prefer(httptest.NewRequest(http.MethodGet, "/", nil).Context()) != nil {
		t.Error("a request without Begin has preferences")
	}
}

// Begin records whether the request came over TLS; a context without a
// State did not.
func TestBeginRecordsTLS(t *testing.T) {
	r, st := Begin(httptest.NewRequest(http.MethodGet, "https://127.0.0.1:8443/travel/v1/countries", nil), "")
	if !st.TLS || !TLS(r.Context()) {
		t.Error("a request over TLS is not recorded as such")
	}
	if r, st := Begin(httptest.NewRequest(http.MethodGet, "/travel/v1/countries", nil), ""); st.TLS || TLS(r.Context()) {
		t.Error("a plain request is recorded as over TLS")
	}
	if TLS(t.Context()) {
		t.Error("a context without a State is over TLS")
	}
}
