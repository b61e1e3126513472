package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.uber.org/goleak"

	"github.com/axa-assistance-go/axa/pkg/axa"
)

// faultyProxy is a loopback TCP proxy that delays, cuts and resets some of
// the connections it carries, chosen by a seeded generator.
type faultyProxy struct {
	ln      net.Listener
	target  string
	mu      sync.Mutex
	rnd     *rand.Rand
	wg      sync.WaitGroup
	counts  map[string]int
	closing chan struct{}
}

func newFaultyProxy(t *testing.T, target string, seed uint64) *faultyProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &faultyProxy{ln: ln, target: target, rnd: rand.New(rand.NewPCG(seed, 7)), counts: map[string]int{}, closing: make(chan struct{})}
	p.wg.Go(p.serve)
	return p
}

func (p *faultyProxy) URL() string { return "http://" + p.ln.Addr().String() }

func (p *faultyProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		draw := p.rnd.Float64()
		p.mu.Unlock()
		action := "pass"
		switch {
		case draw < 0.03:
			action = "reset" // the request reaches the server, the answer never comes back
		case draw < 0.05:
			action = "cut" // closed before the request is forwarded
		case draw < 0.08:
			action = "delay"
		}
		p.mu.Lock()
		p.counts[action]++
		p.mu.Unlock()
		p.wg.Go(func() { p.handle(c, action) })
	}
}

func (p *faultyProxy) handle(client net.Conn, action string) {
	defer func() { _ = client.Close() }()
	if action == "cut" {
		return
	}
	if action == "delay" {
		select {
		case <-time.After(20 * time.Millisecond):
		case <-p.closing:
			return
		}
	}
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer func() { _ = server.Close() }()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(server, client); done <- struct{}{} }()
	if action == "reset" {
		// Let the answer start, then reset the client's side.
		buf := make([]byte, 1)
		if _, err := server.Read(buf); err == nil {
			if tcp, ok := client.(*net.TCPConn); ok {
				_ = tcp.SetLinger(0)
			}
		}
		_ = client.Close()
		_ = server.Close()
		<-done
		return
	}
	go func() { _, _ = io.Copy(client, server); done <- struct{}{} }()
	select {
	case <-done:
	case <-p.closing:
	}
	_ = client.Close()
	_ = server.Close()
	<-done
}

func (p *faultyProxy) Close() {
	close(p.closing)
	_ = p.ln.Close()
	p.wg.Wait()
}

// outcome is what the client reported for one booking.
type outcome int

const (
	succeeded outcome = iota // the client has the policy
	refused                  // a definite failure: the API said no
	unknown                  // retries exhausted: the policy may or may not exist
)

// The fault suite: mixed operations through a proxy that delays, cuts and
// resets connections, against a sandbox injecting 503s and resets after
// commit (about 10% of requests fail somewhere). The server's ledger must
// show every policy the client reported exactly once, none for a definite
// failure, never two for one booking; and nothing may be left running.
func TestFaultSoak(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	sb, err := New(WithRateLimit(0, 0), WithSeed(7),
		WithFault(FaultAll, Fault{ErrorRate: 0.04, ResetAfterCommitRate: 0.04}),
		WithFault(FaultToken, Fault{ErrorRate: 0.02}))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	proxy := newFaultyProxy(t, srv.ln.Addr().String(), 11)
	tr := &http.Transport{DisableKeepAlives: true} // a connection per request: per-request faults
	client, err := axa.NewClient(axa.WithoutEnvironment(), axa.WithBaseURL(proxy.URL()),
		axa.WithClientCredentials(DefaultClientID, DefaultClientSecret),
		axa.WithTransport(tr),
		axa.WithRetryOptions(axa.RetryOptions{MaxAttempts: 6, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond}),
		axa.WithTokenOptions(axa.TokenOptions{BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond, FailureCooldown: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	const bookings, workers = 80, 4
	type result struct {
		quote   uuid.UUID
		outcome outcome
		number  string
	}
	results := make([]result, bookings)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				_, _ = client.ListCountries(ctx, nil) // load; faults absorbed or not
				_, _ = client.GetCountry(ctx, "jp", nil)
				q, err := client.RequestQuote(ctx, soakQuote(), nil)
				if err != nil {
					results[i] = result{outcome: refused}
					continue
				}
				p, err := client.CreatePolicy(ctx, soakPolicy(q), &axa.CreatePolicyParams{IdempotencyKey: fmt.Sprintf("booking-%d", i)})
				var apiErr *axa.Error
				switch {
				case err == nil:
					results[i] = result{q.ID, succeeded, p.PolicyNumber}
				case errors.As(err, &apiErr) && !apiErr.Retryable && apiErr.StatusCode != http.StatusConflict:
					results[i] = result{q.ID, refused, ""}
				default:
					results[i] = result{q.ID, unknown, ""}
				}
			}
		})
	}
	for i := range bookings {
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	// The ledger.
	perQuote := map[uuid.UUID][]string{}
	for _, p := range sb.res.IssuedPolicies() {
		perQuote[p.QuoteID] = append(perQuote[p.QuoteID], p.PolicyNumber)
	}
	counts := map[outcome]int{}
	for i, r := range results {
		counts[r.outcome]++
		issued := perQuote[r.quote]
		switch r.outcome {
		case succeeded:
			if len(issued) != 1 || issued[0] != r.number {
				t.Errorf("booking %d: the client has policy %s, the server issued %v", i, r.number, issued)
			}
		case refused:
			if r.quote != uuid.Nil && len(issued) != 0 {
				t.Errorf("booking %d: a definite failure, yet the server issued %v", i, issued)
			}
		case unknown:
			if len(issued) > 1 {
				t.Errorf("booking %d: %d policies for one booking", i, len(issued))
			}
		}
	}
	for q, issued := range perQuote {
		if len(issued) > 1 {
			t.Errorf("quote %s has %d policies", q, len(issued))
		}
	}
	proxy.mu.Lock()
	t.Logf("bookings: %d succeeded, %d refused, %d unknown; proxy: %v", counts[succeeded], counts[refused], counts[unknown], proxy.counts)
	faulted := proxy.counts["reset"] + proxy.counts["cut"]
	proxy.mu.Unlock()
	if counts[succeeded] < bookings/2 {
		t.Errorf("only %d of %d bookings succeeded: the retries absorb too little", counts[succeeded], bookings)
	}
	if faulted == 0 {
		t.Error("the proxy injected no fault: the soak proves nothing")
	}

	_ = client.Close()
	proxy.Close()
	_ = srv.Close()
	tr.CloseIdleConnections()
	goleak.VerifyNone(t, ignore)
}

func soakQuote() axa.QuoteRequest {
	start := time.Now().UTC().AddDate(0, 1, 0)
	return axa.QuoteRequest{
		TripType: axa.TripTypeSingleTrip, OriginCountry: "fr", DestinationCountries: []axa.CountryID{"jp"},
		StartDate: axa.Date{Time: start}, EndDate: axa.Date{Time: start.AddDate(0, 0, 10)},
		Travellers: []axa.Traveller{{BirthDate: axa.Date{Time: time.Date(1985, 4, 12, 0, 0, 0, 0, time.UTC)}}},
		PlanCode:   axa.PlanCodeEssential,
	}
}

func soakPolicy(q *axa.Quote) axa.PolicyRequest {
	p := axa.Person{FirstName: "Camille", LastName: "Martin", BirthDate: axa.Date{Time: time.Date(1985, 4, 12, 0, 0, 0, 0, time.UTC)}}
	return axa.PolicyRequest{
		QuoteID: q.ID,
		PolicyHolder: axa.PolicyHolder{Person: p, Email: "camille.martin@example.com",
			Address: axa.Address{StreetAddress: "6 rue André Gide", PostalCode: "92320", Locality: "Châtillon", Country: "fr"}},
		Travellers: []axa.Person{p},
	}
}
