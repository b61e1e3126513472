// Command benchpeers measures the sandbox against a peer serving the same
// spec, Prism (`prism mock`), with one load generator (internal/loadgen):
// `make bench-peers` installs Prism into a scratch folder, builds the axa
// command and runs this. It starts both servers as processes of their own
// (`axa sandbox --rate-limit 0`, `prism mock api/openapi.yaml`), takes a
// token from the sandbox, and measures them back to back, one after the
// other for each endpoint and connection count, for several rounds; then it
// prints the medians as a Markdown table, with the sandbox/Prism ratios.
// Every request carries the bearer token, every POST a fresh
// Idempotency-Key, and the quote's body is the spec's example of
// QuoteRequest. Every answer of the sandbox must be 2xx: the others are
// counted, and the command exits 1 if there are any. Both servers get a
// warm-up first, not counted (Prism runs on Node's JIT).
//
//	go run ./internal/benchpeers -axa bin/axa -prism node_modules/.bin/prism
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/internal/loadgen"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// endpoint is one request measured.
type endpoint struct {
	name   string // as printed
	method string
	path   string
	body   []byte // JSON; nil for none
}

// cell is one server, endpoint and connection count: its rounds.
type cell struct {
	server, endpoint string
	conns            int
	rounds           []*loadgen.Result
}

func main() {
	var (
		axaBin   = flag.String("axa", "", "the axa command to serve the sandbox with (go build -o ... ./cmd/axa)")
		prismBin = flag.String("prism", "", "the prism command (node_modules/.bin/prism)")
		spec     = flag.String("spec", "api/openapi.yaml", "the spec Prism serves")
		duration = flag.Duration("duration", 5*time.Second, "length of each measurement")
		rounds   = flag.Int("rounds", 3, "rounds of every measurement; the table gives their medians")
		warmup   = flag.Duration("warmup", 2*time.Second, "load on each server and endpoint before the rounds, not counted (Prism's JIT)")
		connsArg = flag.String("conns", "1,64", "connection counts, comma-separated")
	)
	flag.Parse()
	if *axaBin == "" || *prismBin == "" {
		fmt.Fprintln(os.Stderr, "benchpeers: -axa and -prism are required")
		os.Exit(2)
	}
	var conns []int
	for s := range strings.SplitSeq(*connsArg, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "benchpeers: -conns %q: want positive counts\n", *connsArg)
			os.Exit(2)
		}
		conns = append(conns, n)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cells, err := run(ctx, *axaBin, *prismBin, *spec, conns, *rounds, *duration, *warmup)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchpeers:", err)
		os.Exit(1)
	}
	fmt.Print(table(cells))
	if bad := sandboxNon2xx(cells); bad > 0 {
		fmt.Fprintf(os.Stderr, "benchpeers: the sandbox answered %d requests with something else than 2xx\n", bad)
		os.Exit(1)
	}
}

// run starts the two servers and measures them.
func run(ctx context.Context, axaBin, prismBin, spec string, conns []int, rounds int, d, warmup time.Duration) ([]*cell, error) {
	quote, err := quoteExample(ctx)
	if err != nil {
		return nil, err
	}
	endpoints := []endpoint{
		{name: "GET /travel/v1/countries/fr", method: http.MethodGet, path: "/travel/v1/countries/fr"},
		{name: "POST /travel/v1/quotes", method: http.MethodPost, path: "/travel/v1/quotes", body: quote},
	}
	sbAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	prismAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	host, port, _ := net.SplitHostPort(prismAddr)
	servers := []struct {
		name string
		url  string
		cmd  *exec.Cmd
	}{
		// Both log each request as they do by default, into /dev/null.
		{"sandbox", "http://" + sbAddr, exec.CommandContext(ctx, axaBin, "sandbox", "--rate-limit", "0", "--addr", sbAddr)}, //nolint:gosec // the commands make bench-peers names
		{"prism", "http://" + prismAddr, exec.CommandContext(ctx, prismBin, "mock", "-h", host, "-p", port, spec)},          //nolint:gosec // the commands make bench-peers names
	}
	for _, s := range servers {
		if err := s.cmd.Start(); err != nil {
			return nil, fmt.Errorf("start %s: %w", s.name, err)
		}
		defer func() {
			_ = s.cmd.Process.Signal(os.Interrupt)
			_ = s.cmd.Wait()
		}()
	}
	for _, s := range servers {
		if err := waitReady(ctx, s.url, 60*time.Second); err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
	}
	token, err := sandboxToken(ctx, servers[0].url)
	if err != nil {
		return nil, err
	}
	header := http.Header{"Authorization": {"Bearer " + token}, "Accept": {"application/json"}}
	request := func(ep endpoint, base string) loadgen.Request {
		req := loadgen.Request{Method: ep.method, URL: base + ep.path, Header: header}
		if ep.body != nil {
			req.Body, req.IdempotencyKey = ep.body, true
			req.Header = header.Clone()
			req.Header.Set("Content-Type", "application/json")
		}
		return req
	}
	if warmup > 0 {
		for _, ep := range endpoints {
			for _, s := range servers {
				if _, err := loadgen.Run(ctx, request(ep, s.url), loadgen.Config{Conns: slices.Max(conns), Duration: warmup}); err != nil {
					return nil, err
				}
			}
		}
	}
	var cells []*cell
	byKey := map[string]*cell{}
	for round := range rounds {
		for _, ep := range endpoints {
			for _, n := range conns {
				for _, s := range servers {
					req := request(ep, s.url)
					res, err := loadgen.Run(ctx, req, loadgen.Config{Conns: n, Duration: d})
					if err != nil {
						return nil, err
					}
					fmt.Fprintf(os.Stderr, "round %d: %-7s %-28s conns=%-3d %8.0f req/s  p50 %v  p99 %v  non-2xx %d\n",
						round+1, s.name, ep.name, n, res.PerSecond(), res.Percentile(50), res.Percentile(99), res.Non2xx())
					if res.Non2xx() > 0 && s.name == "sandbox" {
						fmt.Fprintf(os.Stderr, "  statuses %v, first error %v\n", res.Status, res.FirstError)
					}
					key := s.name + ep.name + strconv.Itoa(n)
					c := byKey[key]
					if c == nil {
						c = &cell{server: s.name, endpoint: ep.name, conns: n}
						byKey[key] = c
						cells = append(cells, c)
					}
					c.rounds = append(c.rounds, res)
				}
			}
		}
	}
	return cells, nil
}

// quoteExample returns the spec's example of the requestQuote body.
func quoteExample(ctx context.Context) ([]byte, error) {
	doc, err := api.Load(ctx)
	if err != nil {
		return nil, err
	}
	op := doc.Paths.Value("/travel/v1/quotes").Post
	if op == nil || op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil, errors.New("the spec has no POST /travel/v1/quotes body")
	}
	mt := op.RequestBody.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil || mt.Schema.Value.Example == nil {
		return nil, errors.New("the spec gives no example of the quote request")
	}
	return json.Marshal(mt.Schema.Value.Example)
}

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		return "", err
	}
	return addr, nil
}

// waitReady polls base until it answers anything over HTTP, for at most
// limit: Prism takes seconds to start.
func waitReady(ctx context.Context, base string, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/", nil)
		if err != nil {
			return err
		}
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not answering at %s after %v", base, limit)
		case <-tick.C:
		}
	}
}

// sandboxToken gets an access token with every scope from the sandbox's
// token endpoint (client credentials of the default client).
func sandboxToken(ctx context.Context, base string) (string, error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/auth/v1/token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(sandbox.DefaultClientID, sandbox.DefaultClientSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != http.StatusOK || tok.AccessToken == "" {
		return "", fmt.Errorf("the sandbox gave no token (%s)", resp.Status)
	}
	return tok.AccessToken, nil
}

// sandboxNon2xx counts the sandbox's answers that were not 2xx, in every
// round.
func sandboxNon2xx(cells []*cell) int {
	n := 0
	for _, c := range cells {
		if c.server == "sandbox" {
			for _, r := range c.rounds {
				n += r.Non2xx()
			}
		}
	}
	return n
}

// summary is the medians of a cell's rounds, and its non-2xx count summed.
type summary struct {
	perSecond, p50, p99 float64 // req/s, µs, µs
	non2xx, requests    int
}

// summarize returns the medians of c's rounds.
func summarize(c *cell) summary {
	var rps, p50, p99 []float64
	s := summary{}
	for _, r := range c.rounds {
		rps = append(rps, r.PerSecond())
		p50 = append(p50, micros(r.Percentile(50)))
		p99 = append(p99, micros(r.Percentile(99)))
		s.non2xx += r.Non2xx()
		s.requests += r.Requests
	}
	s.perSecond, s.p50, s.p99 = loadgen.Median(rps), loadgen.Median(p50), loadgen.Median(p99)
	return s
}

// micros returns d in microseconds.
func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// table prints the cells as a Markdown table, then the sandbox/Prism
// ratios of each endpoint and connection count.
func table(cells []*cell) string {
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	rounds := 0
	if len(cells) > 0 {
		rounds = len(cells[0].rounds)
	}
	fmt.Fprintf(w, "Medians of %d rounds.\n\n", rounds)
	fmt.Fprintln(w, "| server | endpoint | conns | req/s | p50 | p99 | non-2xx / requests |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- | --- |")
	sums := map[string]summary{}
	for _, c := range cells {
		s := summarize(c)
		sums[c.server+c.endpoint+strconv.Itoa(c.conns)] = s
		fmt.Fprintf(w, "| %s | %s | %d | %.0f | %s | %s | %d / %d |\n", c.server, c.endpoint, c.conns, s.perSecond, ms(s.p50), ms(s.p99), s.non2xx, s.requests)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| endpoint | conns | req/s sandbox/Prism (of the medians) | paired by round: median (each round) | p99 Prism/sandbox |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- |")
	byKey := map[string]*cell{}
	for _, c := range cells {
		byKey[c.server+c.endpoint+strconv.Itoa(c.conns)] = c
	}
	for _, c := range cells {
		if c.server != "sandbox" {
			continue
		}
		k := c.endpoint + strconv.Itoa(c.conns)
		sb, pr := sums["sandbox"+k], sums["prism"+k]
		paired, each := pairedRatios(c, byKey["prism"+k])
		fmt.Fprintf(w, "| %s | %d | **%s** | %s (%s) | **%s** |\n", c.endpoint, c.conns, ratio(sb.perSecond, pr.perSecond),
			strconv.FormatFloat(paired, 'f', 1, 64)+"×", each, ratio(pr.p99, sb.p99))
	}
	_ = w.Flush()
	return b.String()
}

// pairedRatios returns the sandbox/Prism req/s ratio of each round, the
// two measured back to back, and their median: less exposed to a change
// of the machine's load between rounds than the ratio of the medians.
func pairedRatios(sb, pr *cell) (float64, string) {
	if pr == nil {
		return 0, ""
	}
	var ratios []float64
	var each []string
	for i := range min(len(sb.rounds), len(pr.rounds)) {
		if p := pr.rounds[i].PerSecond(); p > 0 {
			r := sb.rounds[i].PerSecond() / p
			ratios = append(ratios, r)
			each = append(each, strconv.FormatFloat(r, 'f', 1, 64))
		}
	}
	return loadgen.Median(ratios), strings.Join(each, ", ")
}

// ms prints microseconds as milliseconds.
func ms(us float64) string { return strconv.FormatFloat(us/1000, 'f', 2, 64) + " ms" }

// ratio prints a/b, "n/a" when b is 0.
func ratio(a, b float64) string {
	if b == 0 {
		return "n/a"
	}
	return strconv.FormatFloat(a/b, 'f', 1, 64) + "×"
}
