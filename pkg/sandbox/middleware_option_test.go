package sandbox_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/axa-assistance-go/axa/pkg/axatest"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// statusWriter remembers the status of an answer.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// WithMiddleware wraps every request, the API's and the token endpoint's,
// inside the access log (the request id is set, the operation resolved)
// and outside the injected faults (the 503 a retry absorbs is seen), the
// first given outermost.
func TestWithMiddlewareSeesEveryRequestWithItsOperation(t *testing.T) {
	var (
		mu   sync.Mutex
		seen []string
	)
	named := func(name string) func(http.Handler) http.Handler {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				id := w.Header().Get("X-Request-Id")
				sw := &statusWriter{ResponseWriter: w}
				next.ServeHTTP(sw, r)
				mu.Lock()
				seen = append(seen, fmt.Sprintf("%s %s %d id=%t", name, sandbox.OperationOf(r), sw.status, strings.HasPrefix(id, "req_")))
				mu.Unlock()
			})
		}
	}
	env := axatest.New(t, sandbox.WithMiddleware(named("outer")), sandbox.WithMiddleware(named("inner")),
		sandbox.WithFault("getVersion", sandbox.Fault{FailFirst: 1}))
	if _, err := env.Client.GetVersion(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Client.ListCountries(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"inner getVersion 503 id=true", "outer getVersion 503 id=true",
		"inner getVersion 200 id=true", "outer getVersion 200 id=true",
		"inner requestToken 200 id=true", "outer requestToken 200 id=true",
		"inner listCountries 200 id=true", "outer listCountries 200 id=true",
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(seen, want) {
		t.Errorf("the middleware saw:\n\t%s\nwant:\n\t%s", strings.Join(seen, "\n\t"), strings.Join(want, "\n\t"))
	}
}

func TestWithMiddlewareRefusesNil(t *testing.T) {
	if _, err := sandbox.New(sandbox.WithMiddleware(nil)); err == nil {
		t.Error("WithMiddleware(nil) was accepted")
	}
	if op := sandbox.OperationOf(&http.Request{}); op != "" {
		t.Errorf("OperationOf a request the sandbox never saw = %q, want empty", op)
	}
}
