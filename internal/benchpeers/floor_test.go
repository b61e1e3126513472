package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

// The floor answers what the sandbox answered, byte for byte: the status,
// every header and no other, the body. The answers are captured from a
// sandbox in process, checked against the spec on the way.
func TestFloorReplaysTheSandboxsAnswers(t *testing.T) {
	sb, err := sandbox.New()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	defer srv.Close()
	token, err := sandboxToken(t.Context(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	quote, err := quoteExample(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	check, err := specChecker(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	header := http.Header{"Authorization": {"Bearer " + token}, "Accept": {"application/json"}}
	postHeader := header.Clone()
	postHeader.Set("Content-Type", "application/json")
	var answers []answer
	for _, req := range []requestSpec{
		{method: http.MethodGet, url: srv.URL + "/travel/v1/countries/fr", header: header},
		{method: http.MethodPost, url: srv.URL + "/travel/v1/quotes", header: postHeader, body: quote},
	} {
		a, err := capture(t.Context(), check, req)
		if err != nil {
			t.Fatal(err)
		}
		answers = append(answers, a)
	}
	// Through the answers file, as the floor's process reads them.
	file, err := writeAnswers(t.TempDir(), answers)
	if err != nil {
		t.Fatal(err)
	}
	floor := httptest.NewServer(floorHandler(readAnswers(t, file)))
	defer floor.Close()
	for _, a := range answers {
		var body io.Reader
		if a.Method == http.MethodPost {
			body = bytes.NewReader(quote)
		}
		req, err := http.NewRequestWithContext(t.Context(), a.Method, floor.URL+a.Path, body)
		if err != nil {
			t.Fatal(err)
		}
		raw := rawRoundTrip(t, floor.Listener.Addr().String(), req)
		resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), req)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != a.Status || !bytes.Equal(got, a.Body) {
			t.Errorf("%s %s: the floor answered %d %q, the sandbox %d %q", a.Method, a.Path, resp.StatusCode, got, a.Status, a.Body)
		}
		if !maps.EqualFunc(resp.Header, a.Header, slices.Equal) {
			t.Errorf("%s %s: the floor's headers %v, the sandbox's %v", a.Method, a.Path, resp.Header, a.Header)
		}
	}
	// An unknown request is a 404, not an answer of another.
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, floor.URL+"/travel/v1/countries/de", nil)
	if err != nil {
		t.Fatal(err)
	}
	if raw := rawRoundTrip(t, floor.Listener.Addr().String(), req); !strings.HasPrefix(string(raw), "HTTP/1.1 404 ") {
		t.Errorf("unknown request: %q", raw)
	}
}

// readAnswers reads the answers file as the floor's process does.
func readAnswers(t *testing.T, file string) []answer {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	answers, err := decodeAnswers(raw)
	if err != nil {
		t.Fatal(err)
	}
	return answers
}

// rawRoundTrip sends req on a connection of its own and returns the answer's
// bytes as they came.
func rawRoundTrip(t *testing.T, addr string, req *http.Request) []byte {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	req.Close = true // the server closes after the answer: read to EOF
	if err := req.Write(c); err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// The server's CPU time and memory come from /proc: this process's own are
// there and grow with work done.
func TestProcessCPUAndRSS(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc here")
	}
	before, ok := processCPU(os.Getpid())
	if !ok {
		t.Fatal("processCPU: no figure for this process")
	}
	// Work until the CPU clock (10 ms ticks) moves.
	var after time.Duration
	for x := 0; after <= before; x++ {
		_ = sha(x)
		after, _ = processCPU(os.Getpid())
	}
	if rss, ok := processRSS(os.Getpid()); !ok || rss < 1<<20 {
		t.Errorf("processRSS = %d, %v: want a figure of at least a MiB", rss, ok)
	}
	if _, ok := processCPU(-1); ok {
		t.Error("processCPU of no process gave a figure")
	}
}

// sha is work for the CPU clock to count.
func sha(x int) [32]byte { return sha256.Sum256([]byte(strconv.Itoa(x))) }
