package resources

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/sandbox/data"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
)

// The benchmarks of this file measure the resources alone: the generated
// router and strict handler over the resources of seed 1, without
// validation, the request carrying verified claims as the validator leaves
// them. The whole chain is pkg/sandbox's BenchmarkFullChain.

// resBench is the resources, the router in front of them and a quote
// request's body.
type resBench struct {
	res       *Resources
	router    http.Handler
	quoteBody []byte
	keys      int
	etag      string // getCountry's, for If-None-Match; "" to send none
}

func newResBench(b *testing.B) *resBench {
	b.Helper()
	ds := data.NewDataset(1)
	ds.Country("fr") // the countries are made on first use: not on a benchmark's clock
	res := New(testConfig(time.Now), ds)
	start := time.Now().UTC().AddDate(0, 0, 30)
	body, err := json.Marshal(gen.QuoteRequest{
		TripType:             gen.TripTypeSingleTrip,
		OriginCountry:        "fr",
		DestinationCountries: []gen.CountryID{"jp"},
		StartDate:            openapi_types.Date{Time: start},
		EndDate:              openapi_types.Date{Time: start.AddDate(0, 0, 14)},
		Travellers:           []gen.Traveller{{BirthDate: openapi_types.Date{Time: time.Date(1985, 4, 12, 0, 0, 0, 0, time.UTC)}}},
		PlanCode:             gen.PlanCodeComfort,
	})
	if err != nil {
		b.Fatal(err)
	}
	return &resBench{res: res, router: strictServer(res), quoteBody: body}
}

// serve runs one request of the operation (a quote when quote is true,
// else getCountry) and checks its status.
func (e *resBench) serve(b *testing.B, quote bool) {
	ctx := reqctx.WithClaims(b.Context(), &reqctx.Claims{ClientID: testClient})
	var r *http.Request
	status := http.StatusOK
	if quote {
		e.keys++
		r = httptest.NewRequestWithContext(ctx, http.MethodPost, "/travel/v1/quotes", bytes.NewReader(e.quoteBody))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Idempotency-Key", "bench-"+strconv.Itoa(e.keys))
		status = http.StatusCreated
	} else {
		r = httptest.NewRequestWithContext(ctx, http.MethodGet, "/travel/v1/countries/fr", nil)
		if e.etag != "" {
			r.Header.Set("If-None-Match", e.etag)
			status = http.StatusNotModified
		}
	}
	r.Header.Set("Accept", "application/json")
	w := httptest.NewRecorder()
	e.router.ServeHTTP(w, r)
	if w.Code != status {
		b.Fatalf("%s %s: %d %s", r.Method, r.URL.Path, w.Code, w.Body)
	}
}

// fill empties the store, then fills it with n idempotency records as
// recent as if n quotes had just been requested.
func (e *resBench) fill(n int) {
	s := e.res.store
	s.reset()
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	for i := range n {
		s.idem[idemKey{clientOwner(testClient), "prefill-" + strconv.Itoa(i)}] = &idemRecord{done: true, created: now}
	}
}

// BenchmarkHandlerOnly is the generated router and strict handler with the
// sandbox's resources, without validation; a quote's records are forgotten
// once it is answered, so that the store stays empty.
func BenchmarkHandlerOnly(b *testing.B) {
	e := newResBench(b)
	for _, op := range []struct {
		name        string
		quote       bool
		notModified bool
	}{{"getCountry", false, false}, {"getCountry304", false, true}, {"requestQuote", true, false}} {
		b.Run(op.name, func(b *testing.B) {
			e.fill(0)
			e.etag = ""
			if op.notModified { // a getCountry revalidating the ETag it got
				w := httptest.NewRecorder()
				e.router.ServeHTTP(w, httptest.NewRequestWithContext(reqctx.WithClaims(b.Context(), &reqctx.Claims{ClientID: testClient}), http.MethodGet, "/travel/v1/countries/fr", nil))
				e.etag = w.Header().Get("ETag")
			}
			b.ReportAllocs()
			for b.Loop() {
				e.serve(b, op.quote)
				if op.quote {
					e.res.Reset()
				}
			}
		})
	}
}

// BenchmarkQuoteStoreSize is BenchmarkHandlerOnly/requestQuote with a store
// holding records idempotency records: pruning them is at most once a
// minute, so a quote costs the same whatever the store holds.
func BenchmarkQuoteStoreSize(b *testing.B) {
	e := newResBench(b)
	for _, n := range []int{0, 1000, 10000, 100000} {
		b.Run("records="+strconv.Itoa(n), func(b *testing.B) {
			e.fill(n)
			b.ReportAllocs()
			for b.Loop() {
				e.serve(b, true)
			}
		})
	}
}
