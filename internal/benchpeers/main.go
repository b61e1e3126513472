// Command benchpeers measures the sandbox against two peers serving the
// same answers, with one load generator (internal/loadgen): the floor, a
// bare net/http server of this command (run again with -serve-floor) that
// replays the sandbox's own answers byte for byte, captured just before and
// checked against the spec, the least any server must do; and Prism
// (`prism mock`), when -prism names it. `make bench-peers` installs Prism
// into a scratch folder, builds the axa command and this one, and runs it.
// Each server is a process of its own (`axa sandbox --rate-limit 0`, with
// its access log on as users run it, into /dev/null; the floor; `prism mock
// api/openapi.yaml`), measured back to back for each endpoint and
// connection count, for several rounds; then it prints the medians as a
// Markdown table with each server's CPU time per request (from /proc), and
// the sandbox's ratios to the floor and to Prism, paired by round. Every
// request carries the bearer token, every POST a fresh Idempotency-Key, and
// the quote's body is the spec's example of QuoteRequest. Every answer of
// the sandbox and of the floor must be 2xx: the others are counted, and the
// command exits 1 if there are any. Every server gets a warm-up first, not
// counted (Prism runs on Node's JIT). With -soak, the sandbox then takes
// POSTs alone for that long, and its memory is reported.
//
//	go build -o bin/benchpeers ./internal/benchpeers
//	bin/benchpeers -axa bin/axa -prism node_modules/.bin/prism
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

// cell is one server, endpoint and connection count: its rounds, and the
// CPU time the server's process used in each.
type cell struct {
	server, endpoint string
	conns            int
	rounds           []*loadgen.Result
	cpu              []time.Duration // per round; empty when /proc has none
}

// The servers measured, in the order of each round.
const (
	sandboxName = "sandbox"
	floorName   = "floor"
	prismName   = "prism"
)

func main() {
	var (
		axaBin     = flag.String("axa", "", "the axa command to serve the sandbox with (go build -o ... ./cmd/axa)")
		prismBin   = flag.String("prism", "", "the prism command (node_modules/.bin/prism); none measures the sandbox and the floor only")
		spec       = flag.String("spec", "api/openapi.yaml", "the spec Prism serves")
		duration   = flag.Duration("duration", 5*time.Second, "length of each measurement")
		rounds     = flag.Int("rounds", 3, "rounds of every measurement; the table gives their medians")
		warmup     = flag.Duration("warmup", 2*time.Second, "load on each server and endpoint before the rounds, not counted (Prism's JIT)")
		connsArg   = flag.String("conns", "1,64", "connection counts, comma-separated")
		soak       = flag.Duration("soak", 0, "after the rounds, POST quotes to the sandbox alone for this long at the largest connection count, and report its memory (RSS) after the first minute and at the end")
		serveFloor = flag.String("serve-floor", "", "internal: serve the floor on this address (the answers of -answers) instead of measuring")
		answers    = flag.String("answers", "", "internal: the floor's answers, with -serve-floor")
		sbArgs     sandboxArgs
	)
	flag.Var(&sbArgs, "sandbox-arg", "one more argument of axa sandbox (repeatable), e.g. -sandbox-arg=--quiet to measure it without its access log")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *serveFloor != "" {
		if err := serveFloorProcess(ctx, *serveFloor, *answers); err != nil {
			fmt.Fprintln(os.Stderr, "benchpeers floor:", err)
			os.Exit(1)
		}
		return
	}
	if *axaBin == "" {
		fmt.Fprintln(os.Stderr, "benchpeers: -axa is required")
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
	cfg := runConfig{sandboxArgs: sbArgs, axaBin: *axaBin, prismBin: *prismBin, spec: *spec, conns: conns, rounds: *rounds, duration: *duration, warmup: *warmup, soak: *soak}
	cells, soaked, err := run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchpeers:", err)
		os.Exit(1)
	}
	fmt.Printf("The sandbox: axa sandbox --rate-limit 0 %s\n", strings.TrimSpace("--addr ADDR "+sbArgs.String()))
	fmt.Print(table(cells))
	if soaked != nil {
		fmt.Print(soaked.String())
	}
	if bad := non2xx(cells); bad > 0 {
		fmt.Fprintf(os.Stderr, "benchpeers: the sandbox or the floor answered %d requests with something else than 2xx\n", bad)
		os.Exit(1)
	}
}

// serveFloorProcess is the floor's process: serveFloor until interrupted.
func serveFloorProcess(ctx context.Context, addr, file string) error {
	if file == "" {
		return errors.New("-serve-floor needs -answers")
	}
	return serveFloor(ctx, addr, file)
}

// sandboxArgs are -sandbox-arg's values.
type sandboxArgs []string

func (a *sandboxArgs) String() string { return strings.Join(*a, " ") }

// Set implements flag.Value.
func (a *sandboxArgs) Set(s string) error { *a = append(*a, s); return nil }

// runConfig is what run measures.
type runConfig struct {
	sandboxArgs            []string // after axa sandbox's own
	axaBin, prismBin, spec string
	conns                  []int
	rounds                 int
	duration, warmup, soak time.Duration
}

// server is one server measured, a process of its own.
type server struct {
	name string
	url  string
	cmd  *exec.Cmd
}

// start starts s's process and stops it (interrupt, then wait) when the
// returned func is called.
func (s *server) start() (func(), error) {
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", s.name, err)
	}
	return func() {
		_ = s.cmd.Process.Signal(os.Interrupt)
		_ = s.cmd.Wait()
	}, nil
}

// run starts the servers and measures them: the sandbox first, whose
// answers the floor then replays, and Prism when there is one.
func run(ctx context.Context, cfg runConfig) ([]*cell, *soakResult, error) {
	quote, err := quoteExample(ctx)
	if err != nil {
		return nil, nil, err
	}
	endpoints := []endpoint{
		{name: "GET /travel/v1/countries/fr", method: http.MethodGet, path: "/travel/v1/countries/fr"},
		{name: "POST /travel/v1/quotes", method: http.MethodPost, path: "/travel/v1/quotes", body: quote},
	}
	var addrs [3]string // the sandbox's, the floor's and Prism's
	for i := range addrs {
		if addrs[i], err = freeAddr(); err != nil {
			return nil, nil, err
		}
	}
	sbAddr := addrs[0]
	// It logs each request as it does by default, into /dev/null.
	sb := &server{name: sandboxName, url: "http://" + sbAddr, cmd: exec.CommandContext(ctx, cfg.axaBin, append([]string{"sandbox", "--rate-limit", "0", "--addr", sbAddr}, cfg.sandboxArgs...)...)} //nolint:gosec // the command make bench-peers names
	stopSandbox, err := sb.start()
	if err != nil {
		return nil, nil, err
	}
	defer stopSandbox()
	if err := waitReady(ctx, sb.url, 60*time.Second); err != nil {
		return nil, nil, fmt.Errorf("sandbox: %w", err)
	}
	token, err := sandboxToken(ctx, sb.url)
	if err != nil {
		return nil, nil, err
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

	// The floor's answers: the sandbox's own, each checked against the spec.
	check, err := specChecker(ctx)
	if err != nil {
		return nil, nil, err
	}
	var captured []answer
	for _, ep := range endpoints {
		req := request(ep, sb.url)
		a, err := capture(ctx, check, requestSpec{method: req.Method, url: req.URL, header: req.Header, body: req.Body})
		if err != nil {
			return nil, nil, err
		}
		captured = append(captured, a)
	}
	dir, err := os.MkdirTemp("", "benchpeers-")
	if err != nil {
		return nil, nil, err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	file, err := writeAnswers(dir, captured)
	if err != nil {
		return nil, nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, nil, err
	}
	floorAddr := addrs[1]
	servers := []*server{sb, {name: floorName, url: "http://" + floorAddr, cmd: exec.CommandContext(ctx, self, "-serve-floor", floorAddr, "-answers", file)}} //nolint:gosec // this very command
	if cfg.prismBin != "" {
		prismAddr := addrs[2]
		host, port, _ := net.SplitHostPort(prismAddr)
		// It logs each request as it does by default, into /dev/null.
		servers = append(servers, &server{name: prismName, url: "http://" + prismAddr, cmd: exec.CommandContext(ctx, cfg.prismBin, "mock", "-h", host, "-p", port, cfg.spec)}) //nolint:gosec // the command make bench-peers names
	}
	for _, s := range servers[1:] {
		stop, err := s.start()
		if err != nil {
			return nil, nil, err
		}
		defer stop()
	}
	for _, s := range servers[1:] {
		if err := waitReady(ctx, s.url, 60*time.Second); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", s.name, err)
		}
	}
	if cfg.warmup > 0 {
		for _, ep := range endpoints {
			for _, s := range servers {
				if _, err := loadgen.Run(ctx, request(ep, s.url), loadgen.Config{Conns: slices.Max(cfg.conns), Duration: cfg.warmup}); err != nil {
					return nil, nil, err
				}
			}
		}
	}
	var cells []*cell
	byKey := map[string]*cell{}
	for round := range cfg.rounds {
		for _, ep := range endpoints {
			for _, n := range cfg.conns {
				for _, s := range servers {
					req := request(ep, s.url)
					cpu0, cpuOK := processCPU(s.cmd.Process.Pid)
					res, err := loadgen.Run(ctx, req, loadgen.Config{Conns: n, Duration: cfg.duration})
					if err != nil {
						return nil, nil, err
					}
					cpu1, _ := processCPU(s.cmd.Process.Pid)
					fmt.Fprintf(os.Stderr, "round %d: %-7s %-28s conns=%-3d %8.0f req/s  p50 %v  p99 %v  non-2xx %d\n",
						round+1, s.name, ep.name, n, res.PerSecond(), res.Percentile(50), res.Percentile(99), res.Non2xx())
					if res.Non2xx() > 0 && s.name != prismName {
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
					if cpuOK {
						c.cpu = append(c.cpu, cpu1-cpu0)
					}
				}
			}
		}
	}
	var soaked *soakResult
	if cfg.soak > 0 {
		quoteEP := endpoints[1]
		soaked, err = soakRun(ctx, sb, request(quoteEP, sb.url), slices.Max(cfg.conns), cfg.soak)
		if err != nil {
			return nil, nil, err
		}
	}
	return cells, soaked, nil
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

// non2xx counts the answers of the sandbox and of the floor that were not
// 2xx, in every round: the sandbox must not refuse the load, and the floor
// replays only 2xx answers.
func non2xx(cells []*cell) int {
	n := 0
	for _, c := range cells {
		if c.server != prismName {
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
	cpuPerRequest       float64 // µs of the server's CPU per request, of all rounds; 0 when unknown
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
	if len(c.cpu) == len(c.rounds) && s.requests > 0 {
		var cpu time.Duration
		for _, d := range c.cpu {
			cpu += d
		}
		s.cpuPerRequest = micros(cpu) / float64(s.requests)
	}
	return s
}

// micros returns d in microseconds.
func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// table prints the cells as a Markdown table, then for each endpoint and
// connection count the sandbox's ratios to the floor and to Prism.
func table(cells []*cell) string {
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	rounds := 0
	if len(cells) > 0 {
		rounds = len(cells[0].rounds)
	}
	fmt.Fprintf(w, "Medians of %d rounds.\n\n", rounds)
	fmt.Fprintln(w, "| server | endpoint | conns | req/s | p50 | p99 | CPU per request | non-2xx / requests |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- | --- | --- |")
	sums := map[string]summary{}
	byKey := map[string]*cell{}
	for _, c := range cells {
		s := summarize(c)
		k := c.server + c.endpoint + strconv.Itoa(c.conns)
		sums[k], byKey[k] = s, c
		fmt.Fprintf(w, "| %s | %s | %d | %.0f | %s | %s | %s | %d / %d |\n", c.server, c.endpoint, c.conns, s.perSecond, ms(s.p50), ms(s.p99), cpuText(s.cpuPerRequest), s.non2xx, s.requests)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| endpoint | conns | req/s sandbox/floor: paired by round, median (each round) | p99 sandbox/floor | CPU per request sandbox/floor | req/s sandbox/Prism: paired by round, median (each round) | p99 Prism/sandbox |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- | --- |")
	for _, c := range cells {
		if c.server != sandboxName {
			continue
		}
		k := c.endpoint + strconv.Itoa(c.conns)
		sb, fl, pr := sums[sandboxName+k], sums[floorName+k], sums[prismName+k]
		toFloor, eachFloor := pairedRatios(c, byKey[floorName+k])
		toPrism, eachPrism := pairedRatios(c, byKey[prismName+k])
		fmt.Fprintf(w, "| %s | %d | **%s** (%s) | %s | %s | **%s** (%s) | %s |\n", c.endpoint, c.conns,
			times(toFloor, 2), eachFloor, ratio(sb.p99, fl.p99), ratio(sb.cpuPerRequest, fl.cpuPerRequest),
			times(toPrism, 1), eachPrism, ratio(pr.p99, sb.p99))
	}
	_ = w.Flush()
	return b.String()
}

// pairedRatios returns the sandbox/peer req/s ratio of each round, the
// two measured back to back, and their median: less exposed to a change
// of the machine's load between rounds than the ratio of the medians.
// No peer (nil) gives 0 and "".
func pairedRatios(sb, peer *cell) (float64, string) {
	if peer == nil {
		return 0, ""
	}
	var ratios []float64
	var each []string
	for i := range min(len(sb.rounds), len(peer.rounds)) {
		if p := peer.rounds[i].PerSecond(); p > 0 {
			r := sb.rounds[i].PerSecond() / p
			ratios = append(ratios, r)
			each = append(each, strconv.FormatFloat(r, 'f', 2, 64))
		}
	}
	return loadgen.Median(ratios), strings.Join(each, ", ")
}

// ms prints microseconds as milliseconds.
func ms(us float64) string { return strconv.FormatFloat(us/1000, 'f', 2, 64) + " ms" }

// cpuText prints a CPU time per request in microseconds, "n/a" when
// unknown.
func cpuText(us float64) string {
	if us == 0 {
		return "n/a"
	}
	return strconv.FormatFloat(us, 'f', 1, 64) + " µs"
}

// times prints a ratio with prec decimals, "n/a" when there is none.
func times(r float64, prec int) string {
	if r == 0 {
		return "n/a"
	}
	return strconv.FormatFloat(r, 'f', prec, 64) + "×"
}

// ratio prints a/b, "n/a" when either is 0.
func ratio(a, b float64) string {
	if a == 0 || b == 0 {
		return "n/a"
	}
	return strconv.FormatFloat(a/b, 'f', 2, 64) + "×"
}
