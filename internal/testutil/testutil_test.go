package testutil_test

import (
	"sync"
	"testing"

	"github.com/axa-assistance-go/axa/internal/testutil"
)

func TestBufferIsSafeAndSignals(t *testing.T) {
	b := testutil.NewBuffer()
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() { _, _ = b.Write([]byte("x")) })
	}
	wg.Wait()
	if got := b.String(); len(got) != 20 {
		t.Fatalf("String() = %q, want 20 bytes", got)
	}
	select {
	case <-b.Changed():
	default:
		t.Fatal("no signal after writes")
	}
	var zero testutil.Buffer
	_, _ = zero.Write([]byte("ok"))
	if zero.String() != "ok" || zero.Changed() != nil {
		t.Fatal("the zero Buffer does not work as documented")
	}
}

func TestSpecLoads(t *testing.T) {
	if doc := testutil.Spec(t); doc.OpenAPI != "3.0.3" {
		t.Fatalf("openapi = %q", doc.OpenAPI)
	}
}
