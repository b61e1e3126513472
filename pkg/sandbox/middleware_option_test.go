package sandbox_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/internal/httpstatus"
	"github.com/axa-assistance-go/axa/pkg/axatest"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// WithMiddleware wraps every request, the API's and the token endpoint's,
// inside the access log (the request id is set, the operation resolved)
// and outside the injected faults (the 503 a retry absorbs is seen), the
// first given outermost.
func TestWithMiddlewareSeesEveryRequestWithItsOperation(t *testing.T) {
	// A middleware records a request after the answer is written, which
	// the client may read first: the records come through a channel, and
	// only each request's own order (inner, then outer) is fixed.
	records := make(chan string, 64)
	named := func(name string) func(http.Handler) http.Handler {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				id := w.Header().Get("X-Request-Id")
				sw := &httpstatus.Recorder{ResponseWriter: w}
				next.ServeHTTP(sw, r)
				records <- fmt.Sprintf("%s %s %d id=%t", name, sandbox.OperationOf(r), sw.Status, strings.HasPrefix(id, "req_"))
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
	var seen []string
	wait := time.NewTimer(30 * time.Second) // a guard only: the records come as soon as the answers are written
	defer wait.Stop()
	for range want {
		select {
		case r := <-records:
			seen = append(seen, r)
		case <-wait.C:
			t.Fatalf("the middleware saw only:\n\t%s", strings.Join(seen, "\n\t"))
		}
	}
	inOrder := true
	for i := 0; i < len(want); i += 2 { // each request: inner before outer
		inOrder = inOrder && slices.Index(seen, want[i]) < slices.Index(seen, want[i+1])
	}
	if got := slices.Sorted(slices.Values(seen)); !slices.Equal(got, slices.Sorted(slices.Values(want))) || !inOrder {
		t.Errorf("the middleware saw:\n\t%s\nwant (inner before outer for each request):\n\t%s", strings.Join(seen, "\n\t"), strings.Join(want, "\n\t"))
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
