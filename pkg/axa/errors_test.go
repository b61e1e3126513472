package axa

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/gen"
)

// A 403 insufficient_scope whose challenge names no scope still tells the
// caller which scope the operation needs, from the spec's table.
func TestForbiddenWithoutScopeParameterNamesTheNeededScope(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
			w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope"`)
			writeJSON(w, http.StatusForbidden, map[string]any{"status_code": 403, "error": "insufficient_scope"})
			return true
		}
	})
	c := newTestClient(t, f, newFakeClock())
	_, err := c.ListAlerts(t.Context(), nil)
	var e *Error
	if !errors.As(err, &e) || len(e.RequiredScopes) != 1 || e.RequiredScopes[0] != ScopeAlerts {
		t.Fatalf("err = %v, want RequiredScopes [%s]", err, ScopeAlerts)
	}
	// A plain 403 is not a scope problem.
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
			writeJSON(w, http.StatusForbidden, map[string]any{"status_code": 403, "error": "forbidden"})
			return true
		}
	})
	if _, err := c.ListAlerts(t.Context(), nil); errors.Is(err, ErrInsufficientScope) {
		t.Errorf("a plain 403 matched ErrInsufficientScope: %v", err)
	}
}

func TestErrorTyping(t *testing.T) {
	cases := []struct {
		status int
		want   error
	}{
		{http.StatusNotFound, ErrNotFound},
		{http.StatusConflict, ErrConflict},
		{http.StatusUnprocessableEntity, ErrValidation},
		{http.StatusBadRequest, ErrValidation},
		{http.StatusTooManyRequests, ErrRateLimited},
	}
	for _, tc := range cases {
		t.Run(strconv.Itoa(tc.status), func(t *testing.T) {
			f := newFakeAPI(t)
			f.set(func(f *fakeAPI) {
				f.apiFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
					w.Header().Set("X-Request-Id", "req-1")
					writeJSON(w, tc.status, map[string]any{"status_code": tc.status, "error": "not_found", "error_description": "no such thing"})
					return true
				}
			})
			clk := newFakeClock()
			c := newTestClient(t, f, clk, WithRetryOptions(RetryOptions{MaxAttempts: 1}))

			_, err := c.ListCountries(t.Context(), nil)
			e := asAPIError(t, err)
			if e.StatusCode != tc.status {
				t.Errorf("StatusCode = %d, want %d", e.StatusCode, tc.status)
			}
			if e.Code != "not_found" || e.Description != "no such thing" || e.RequestID != "req-1" {
				t.Errorf("Code, Description, RequestID = %q, %q, %q; want not_found, no such thing, req-1", e.Code, e.Description, e.RequestID)
			}
			if e.Operation != string(gen.OperationListCountries) || e.Method != http.MethodGet || e.Path != "/travel/v1/countries" {
				t.Errorf("Operation, Method, Path = %q, %q, %q", e.Operation, e.Method, e.Path)
			}
			for _, s := range allSentinels {
				want := errors.Is(tc.want, s) // sentinels are distinct values
				if got := errors.Is(err, s); got != want {
					t.Errorf("errors.Is(%d error, %v) = %v, want %v", tc.status, s, got, want)
				}
			}
			for _, part := range []string{strconv.Itoa(tc.status), "no such thing", "req-1"} {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("error %q does not contain %q", err, part)
				}
			}
			if n := len(f.APIRequests()); n != 1 {
				t.Errorf("API requests = %d, want 1", n)
			}
		})
	}

	t.Run("large body", func(t *testing.T) {
		big := strings.Repeat("x", 10<<10)
		f := newFakeAPI(t)
		f.set(func(f *fakeAPI) {
			f.apiFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
				w.Header().Set("Content-Type", "text/plain")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = io.WriteString(w, big)
				return true
			}
		})
		c := newTestClient(t, f, newFakeClock(), WithRetryOptions(RetryOptions{MaxAttempts: 1}))
		_, err := c.ListCountries(t.Context(), nil)
		e := asAPIError(t, err)
		if len(e.Body) < 512 || len(e.Body) > maxBodySnippet+len("…") {
			t.Errorf("Body has %d bytes for a %d-byte answer, want about 1 KiB", len(e.Body), len(big))
		}
		if !strings.HasPrefix(big, strings.TrimSuffix(e.Body, "…")) {
			t.Errorf("Body is not the start of the answer")
		}
		if !errors.Is(err, ErrValidation) {
			t.Errorf("a 400 with a non-JSON body does not match ErrValidation: %v", err)
		}
		if n := len(err.Error()); n > 4<<10 {
			t.Errorf("error message has %d bytes, want it bounded", n)
		}
	})
}

func TestDecodeErrors(t *testing.T) {
	huge := strings.Repeat("a", 1<<20)
	cases := []struct {
		name, contentType, body, snippetHas string
	}{
		{"html", "text/html; charset=utf-8", "<html>oops</html>", "oops"},
		{"invalid JSON", "application/json", `[{"id": "fr", "label": `, `"id": "fr"`},
		{"wrong shape", "application/json", `{"countries": 3}`, "countries"},
		{"JSON as HTML", "text/html", `[{"id": "fr", "label": "France"}]`, "France"},
		{"huge html", "text/html", "<html>" + huge, "<html>aaa"},
		{"huge JSON", "application/json", "[" + huge, "[aaa"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			f.set(func(f *fakeAPI) {
				f.apiFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
					w.Header().Set("Content-Type", tc.contentType)
					w.WriteHeader(http.StatusOK)
					_, _ = io.WriteString(w, tc.body)
					return true
				}
			})
			c := newTestClient(t, f, newFakeClock())
			_, err := c.ListCountries(t.Context(), nil)
			if err == nil {
				t.Fatal("ListCountries succeeded, want a *DecodeError")
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %v (%T) is not a *DecodeError", err, err)
			}
			if de.StatusCode != http.StatusOK || de.ContentType != tc.contentType || de.Operation != string(gen.OperationListCountries) {
				t.Errorf("StatusCode, ContentType, Operation = %d, %q, %q", de.StatusCode, de.ContentType, de.Operation)
			}
			if !strings.Contains(de.Snippet, tc.snippetHas) {
				t.Errorf("Snippet %q does not contain %q", de.Snippet, tc.snippetHas)
			}
			if len(de.Snippet) > maxBodySnippet+len("…") {
				t.Errorf("Snippet has %d bytes, want at most about 1 KiB", len(de.Snippet))
			}
			if n := len(err.Error()); n > 4<<10 {
				t.Errorf("error message has %d bytes, want it bounded", n)
			}
			var ae *Error
			if errors.As(err, &ae) {
				t.Errorf("a 200 that does not decode is an *Error: %v", ae)
			}
			if n := len(f.APIRequests()); n != 1 {
				t.Errorf("API requests = %d, want 1 (a decode error is not retried)", n)
			}
		})
	}
}

// allSentinels are the sentinels an *Error may match.
var allSentinels = []error{ErrUnauthorized, ErrInsufficientScope, ErrNotFound, ErrRateLimited, ErrConflict, ErrValidation, ErrNoCredentials, ErrInsecureTransport}

// FuzzErrorResponse feeds arbitrary error responses to the SDK's error decoder:
// no panic, a bounded body, and an Error() that never holds the request's
// Authorization header.
func FuzzErrorResponse(f *testing.F) {
	f.Add(404, `{"status_code":404,"error":"not_found","error_description":"no"}`, "", "")
	f.Add(403, `{"error":"insufficient_scope"}`, `Bearer error="insufficient_scope", scope="a b"`, "")
	f.Add(429, `<html>`, `Bearer realm="x"`, "Wed, 25 Nov 2026 12:00:03 GMT")
	f.Add(500, strings.Repeat("é", 2000), "", "-1")
	f.Fuzz(func(t *testing.T, status int, body, challenge, retryAfter string) {
		if status < 100 || status > 599 {
			return
		}
		req := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/travel/v1/countries"}, Header: http.Header{"Authorization": {"Bearer CANARY-access-token-x"}}}
		resp := &http.Response{StatusCode: status, Request: req, Header: http.Header{}}
		resp.Header.Set("WWW-Authenticate", challenge)
		resp.Header.Set("Retry-After", retryAfter)
		e := newError(resp, []byte(body), &callInfo{operation: "listCountries", neededScopes: []string{ScopeCountries}})
		if len(e.Body) > maxBodySnippet+len("…") {
			t.Fatalf("body snippet of %d bytes", len(e.Body))
		}
		if e.RetryAfter < 0 {
			t.Fatalf("negative RetryAfter %v", e.RetryAfter)
		}
		if strings.Contains(e.Error(), "CANARY-access-token") {
			t.Fatal("the error holds the request's token")
		}
	})
}

// A 400 that lists every problem of the request gives an *Error with all of
// them, matching ErrValidation, its message counting them.
func TestValidationErrorListsEveryProblem(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.apiFn = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
			w.Header().Set("X-Request-Id", "req-400")
			writeJSON(w, http.StatusBadRequest, map[string]any{
				"status_code": 400, "error": "invalid_request", "error_description": "the request failed validation",
				"problems": []map[string]string{
					{"location": "body/travellers/0/birth_date", "message": "required"},
					{"location": "body/plan_code", "message": "must be one of essential, comfort, premium"},
				},
			})
			return true
		}
	})
	c := newTestClient(t, f, newFakeClock())
	_, err := c.RequestQuote(t.Context(), QuoteRequest{}, nil)
	if !errors.Is(err, ErrValidation) {
		t.Fatalf("err = %v, want ErrValidation", err)
	}
	e := asAPIError(t, err)
	want := []Problem{
		{Location: "body/travellers/0/birth_date", Message: "required"},
		{Location: "body/plan_code", Message: "must be one of essential, comfort, premium"},
	}
	if len(e.Problems) != len(want) {
		t.Fatalf("Problems = %+v, want %+v", e.Problems, want)
	}
	for i := range want {
		if e.Problems[i] != want[i] {
			t.Errorf("Problems[%d] = %+v, want %+v", i, e.Problems[i], want[i])
		}
	}
	msg := err.Error()
	for _, part := range []string{"2 problems", "body/travellers/0/birth_date: required", "body/plan_code: must be one of", "req-400"} {
		if !strings.Contains(msg, part) {
			t.Errorf("Error() = %q, want it to hold %q", msg, part)
		}
	}
	if len(f.APIRequests()) != 1 {
		t.Errorf("a 400 was sent %d times, want once", len(f.APIRequests()))
	}
}

// An error body without problems gives none; the message says each
// problem once: a description that lists them (the sandbox's summary) is
// left out for the list, one that says something else is kept before it;
// at most maxProblemsShown of them are listed.
func TestErrorProblemsMessage(t *testing.T) {
	e := &Error{Method: "POST", Path: "/travel/v1/quotes", StatusCode: 422, Code: "invalid_request"}
	if strings.Contains(e.Error(), "problem") {
		t.Errorf("Error() = %q mentions problems without any", e.Error())
	}
	for _, tc := range []struct {
		desc     string
		problems []Problem
		want     string
	}{
		{
			desc:     "path/country_id: must match the pattern ^[a-z]{2}$",
			problems: []Problem{{Location: "path/country_id", Message: "must match the pattern ^[a-z]{2}$"}},
			want:     "axa: POST /travel/v1/quotes: 422 Unprocessable Entity: invalid_request: path/country_id: must match the pattern ^[a-z]{2}$ [request id req-1]",
		},
		{
			desc: "2 problems: body/travellers/0/birth_date: required; body/plan_code: must be one of essential, comfort, premium",
			problems: []Problem{
				{Location: "body/travellers/0/birth_date", Message: "required"},
				{Location: "body/plan_code", Message: "must be one of essential, comfort, premium"},
			},
			want: "axa: POST /travel/v1/quotes: 422 Unprocessable Entity: invalid_request: 2 problems: body/travellers/0/birth_date: required; " +
				"body/plan_code: must be one of essential, comfort, premium [request id req-1]",
		},
		{
			desc:     "the request failed validation",
			problems: []Problem{{Location: "query/radius", Message: "must be at most 50000"}},
			want:     "axa: POST /travel/v1/quotes: 422 Unprocessable Entity: invalid_request: the request failed validation: query/radius: must be at most 50000 [request id req-1]",
		},
	} {
		e := &Error{Method: "POST", Path: "/travel/v1/quotes", StatusCode: 422, Code: "invalid_request", Description: tc.desc, Problems: tc.problems, RequestID: "req-1"}
		if got := e.Error(); got != tc.want {
			t.Errorf("Error() =\n  %q\nwant\n  %q", got, tc.want)
		}
	}
	e.Problems = []Problem{{Location: "query/radius", Message: "must be at most 50000"}}
	for range 12 {
		e.Problems = append(e.Problems, Problem{Location: "body/x", Message: "required"})
	}
	if msg := e.Error(); !strings.Contains(msg, "13 problems") || !strings.HasSuffix(msg, "; and 3 more") || strings.Count(msg, "body/x: required") != 9 {
		t.Errorf("Error() = %q, want 13 problems, 10 shown and 3 more", msg)
	}
}

// Seven problems from the sandbox, whose description sums them up: the
// message names each once.
func TestErrorSaysEachProblemOnce(t *testing.T) {
	problems := []Problem{
		{Location: "body/destination_countries/0", Message: "must match the pattern ^[a-z]{2}$"},
		{Location: "body/end_date", Message: "must be a date like 2026-12-20"},
		{Location: "body/origin_country", Message: "required"},
		{Location: "body/plan_code", Message: "must be one of essential, comfort, premium"},
		{Location: "body/start_date", Message: "required"},
		{Location: "body/travellers/0/birth_date", Message: "required"},
		{Location: "body/trip_type", Message: "must be one of single_trip, annual_multi_trip"},
	}
	var summary []string
	for _, p := range problems {
		summary = append(summary, p.Location+": "+p.Message)
	}
	e := &Error{Method: "POST", Path: "/travel/v1/quotes", StatusCode: 400, Code: "invalid_request",
		Description: "7 problems: " + strings.Join(summary, "; "), Problems: problems}
	want := "axa: POST /travel/v1/quotes: 400 Bad Request: invalid_request: 7 problems: " + strings.Join(summary, "; ")
	if got := e.Error(); got != want {
		t.Errorf("Error() =\n  %q\nwant\n  %q", got, want)
	}
}
