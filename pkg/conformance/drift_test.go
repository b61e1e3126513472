package conformance_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/conformance"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// mutation changes the sandbox's answers the way a server drifting from
// the spec would.
type mutation struct {
	name string
	// mutate changes one answer (never the token endpoint's).
	mutate func(resp *http.Response, body any) any
	// caught reports whether a failed check is the one this drift should
	// cause.
	caught func(conformance.Result) bool
}

var mutations = []mutation{
	{
		name: "rename a field",
		mutate: func(resp *http.Response, body any) any {
			if ok2xx(resp) {
				if obj := firstObject(body); obj != nil {
					k := firstKey(obj)
					obj[k+"_renamed"] = obj[k]
					delete(obj, k)
				}
			}
			return body
		},
		caught: func(r conformance.Result) bool { return r.Expected == "required property" },
	},
	{
		name: "change a field's type",
		mutate: func(resp *http.Response, body any) any {
			if ok2xx(resp) {
				if obj := firstObject(body); obj != nil {
					k := firstKey(obj)
					switch v := obj[k].(type) {
					case string:
						obj[k] = 12345
					case float64:
						obj[k] = strconv.FormatFloat(v, 'g', -1, 64)
					default:
						obj[k] = "not a " + fmt.Sprintf("%T", v)
					}
				}
			}
			return body
		},
		caught: func(r conformance.Result) bool { return strings.HasPrefix(r.Expected, "type ") },
	},
	{
		name: "drop a required field",
		mutate: func(resp *http.Response, body any) any {
			// id is required in every resource of the spec, error in
			// every error answer.
			field := "id"
			if !ok2xx(resp) {
				field = "error"
			}
			if obj := firstObject(body); obj != nil {
				delete(obj, field)
			}
			return body
		},
		caught: func(r conformance.Result) bool {
			return r.Expected == "required property" && (strings.HasSuffix(r.Pointer, "/id") || r.Pointer == "/error")
		},
	},
	{
		name: "drop WWW-Authenticate",
		mutate: func(resp *http.Response, body any) any {
			resp.Header.Del("WWW-Authenticate")
			return body
		},
		caught: func(r conformance.Result) bool { return r.Pointer == "header/WWW-Authenticate" && r.Got == "absent" },
	},
	{
		name: "answer 200 where 403 is due",
		mutate: func(resp *http.Response, body any) any {
			if resp.StatusCode == http.StatusForbidden {
				resp.StatusCode, resp.Status = http.StatusOK, "200 OK"
			}
			return body
		},
		caught: func(r conformance.Result) bool {
			return strings.HasPrefix(r.Name, "scope ") && r.Pointer == "status" && r.Status == http.StatusOK
		},
	},
	{
		name: "return a status the spec lacks",
		mutate: func(resp *http.Response, body any) any {
			if ok2xx(resp) {
				resp.StatusCode, resp.Status = http.StatusTeapot, "418 I'm a teapot"
			}
			return body
		},
		caught: func(r conformance.Result) bool {
			return r.Status == http.StatusTeapot && r.Pointer == "status" && strings.Contains(r.Message, "status not documented")
		},
	},
}

// TestDriftIsCaught: the sandbox behind a proxy that breaks its answers, one
// kind of drift at a time; every kind must fail at least one check, the
// check that kind should fail.
func TestDriftIsCaught(t *testing.T) {
	caught := 0
	for _, m := range mutations {
		t.Run(m.name, func(t *testing.T) {
			proxy := mutatingProxy(t, m.mutate)
			rep, err := conformance.Check(t.Context(), conformance.Config{BaseURL: proxy, ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret})
			if err != nil {
				t.Fatal(err)
			}
			var hits []string
			for _, op := range rep.Operations {
				for _, c := range op.Checks {
					if c.Outcome == conformance.Fail && m.caught(c) {
						hits = append(hits, fmt.Sprintf("%s %q at %s: expected %s, got %s", op.ID, c.Name, c.Pointer, c.Expected, c.Got))
					}
				}
			}
			if len(hits) == 0 {
				t.Errorf("%q: no check failed as it should (%d failed checks in all)", m.name, rep.Failed())
				return
			}
			caught++
			t.Logf("caught by %d checks, first: %s", len(hits), hits[0])
		})
	}
	t.Logf("mutations caught: %d/%d", caught, len(mutations))
	if caught != len(mutations) {
		t.Errorf("mutations caught: %d/%d", caught, len(mutations))
	}
}

// mutatingProxy serves target through a reverse proxy whose answers mutate
// changes, and returns its URL. The token endpoint is left alone: the run
// needs its tokens.
func mutatingProxy(t *testing.T, mutate func(*http.Response, any) any) string {
	t.Helper()
	return behindProxy(t, func(u *url.URL) http.Handler { return mutating(u, mutate) })
}

// mutating is a proxy to u that changes its answers with mutate, but the
// token endpoint's.
func mutating(u *url.URL, mutate func(*http.Response, any) any) http.Handler {
	p := httputil.NewSingleHostReverseProxy(u)
	p.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.URL.Path == gen.TokenPath {
			return nil
		}
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		_ = resp.Body.Close()
		var body any
		if json.Unmarshal(raw, &body) == nil {
			body = mutate(resp, body)
			if raw, err = json.Marshal(body); err != nil {
				return err
			}
		} else {
			mutate(resp, nil)
		}
		resp.Body = io.NopCloser(bytes.NewReader(raw))
		resp.ContentLength = int64(len(raw))
		resp.Header.Set("Content-Length", strconv.Itoa(len(raw)))
		return nil
	}
	return p
}

func ok2xx(resp *http.Response) bool { return resp.StatusCode >= 200 && resp.StatusCode < 300 }

// firstObject is the first JSON object of body, depth first through the
// first items of arrays.
func firstObject(body any) map[string]any {
	switch v := body.(type) {
	case map[string]any:
		return v
	case []any:
		if len(v) > 0 {
			return firstObject(v[0])
		}
	}
	return nil
}

// firstKey is the first member name of obj, sorted.
func firstKey(obj map[string]any) string {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys[0]
}

// TestClientAuthDriftIsCaught: an operation secured by HTTP Basic (the
// authorization server's, from the spec) must answer a missing or wrong
// client authentication with a Basic challenge; a server that drops it
// fails those checks.
func TestClientAuthDriftIsCaught(t *testing.T) {
	// The spec's operations secured by HTTP Basic, but the token endpoint,
	// which the proxy leaves alone.
	doc, err := api.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var basicOps []string
	for path, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.Security == nil || len(*op.Security) == 0 || path == gen.TokenPath {
				continue
			}
			for name := range (*op.Security)[0] {
				if s := doc.Components.SecuritySchemes[name].Value; s.Type == "http" && strings.EqualFold(s.Scheme, "basic") {
					basicOps = append(basicOps, op.OperationID)
				}
			}
		}
	}
	if len(basicOps) == 0 {
		t.Skip("the spec has no operation secured by HTTP Basic besides the token endpoint")
	}
	proxy := mutatingProxy(t, func(resp *http.Response, body any) any {
		resp.Header.Del("WWW-Authenticate")
		return body
	})
	rep, err := conformance.Check(t.Context(), conformance.Config{BaseURL: proxy, ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret, Operations: basicOps})
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range rep.Operations {
		for _, c := range op.Checks {
			switch c.Name {
			case "no credentials", "wrong credentials":
				if c.Outcome != conformance.Fail || c.Pointer != "header/WWW-Authenticate" {
					t.Errorf("%s %s: %+v, want a failure at header/WWW-Authenticate", op.ID, c.Name, c)
				}
			case "response":
				if c.Outcome != conformance.Pass {
					t.Errorf("%s response: %+v", op.ID, c)
				}
			}
		}
	}
}
