package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/axa-assistance-go/axa/api"
	"github.com/axa-assistance-go/axa/internal/oprouter"
	"github.com/axa-assistance-go/axa/internal/specresponse"
)

// The floor is the least a server can do to give the sandbox's answers:
// plain net/http, no router, no log, no check, writing the very answers the
// sandbox gave (status, every header, body) that benchpeers captured from it
// just before. It runs in a process of its own, this command run again with
// -serve-floor, so that it shares the machine with the load generator as the
// sandbox does.

// answer is one answer of the sandbox, captured for the floor to replay.
type answer struct {
	Method string      `json:"method"`
	Path   string      `json:"path"`
	Status int         `json:"status"`
	Header http.Header `json:"header"`
	Body   []byte      `json:"body"`
}

// key is the floor's lookup key of a request.
func (a answer) key() string { return a.Method + " " + a.Path }

// capture sends req to the sandbox once and returns its answer as sent,
// after checking it against the spec: the floor replays only answers the
// spec accepts, and the run stops if the sandbox gave another.
func capture(ctx context.Context, check checkFunc, req requestSpec) (answer, error) {
	hr, err := http.NewRequestWithContext(ctx, req.method, req.url, bytes.NewReader(req.body))
	if err != nil {
		return answer{}, err
	}
	hr.Header = req.header.Clone()
	if req.body != nil {
		hr.Header.Set("Idempotency-Key", "benchpeers-capture-"+strconv.FormatInt(time.Now().UnixNano(), 36))
	}
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		return answer{}, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return answer{}, err
	}
	if resp.StatusCode/100 != 2 {
		return answer{}, fmt.Errorf("capture %s %s: the sandbox answered %s: %s", req.method, hr.URL.Path, resp.Status, body)
	}
	if err := check(hr, resp.StatusCode, resp.Header, body); err != nil {
		return answer{}, fmt.Errorf("capture %s %s: the sandbox's answer breaks the spec: %w", req.method, hr.URL.Path, err)
	}
	return answer{Method: req.method, Path: hr.URL.Path, Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// requestSpec is what capture sends.
type requestSpec struct {
	method, url string
	header      http.Header
	body        []byte
}

// checkFunc checks an answer to req against the spec.
type checkFunc func(req *http.Request, status int, header http.Header, body []byte) error

// specChecker returns capture's check: specresponse.Check against the
// embedded spec.
func specChecker(ctx context.Context) (checkFunc, error) {
	doc, err := api.Load(ctx)
	if err != nil {
		return nil, err
	}
	router := oprouter.New(doc)
	return func(req *http.Request, status int, header http.Header, body []byte) error {
		return specresponse.Check(router, req, status, header, body)
	}, nil
}

// floorHandler answers each captured request with its answer, byte for byte:
// the same headers (Date and Content-Length included, so net/http adds
// none), the same status, the same body. A request body is read whole and
// dropped, as a server that used it would read it. Anything else is 404.
func floorHandler(answers []answer) http.Handler {
	byKey := make(map[string]answer, len(answers))
	for _, a := range answers {
		byKey[a.key()] = a
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := byKey[r.Method+" "+r.URL.Path]
		_, _ = io.Copy(io.Discard, r.Body)
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		h := w.Header()
		for k, v := range a.Header {
			h[k] = v
		}
		w.WriteHeader(a.Status)
		_, _ = w.Write(a.Body)
	})
}

// serveFloor is the floor's process: it reads the answers from file and
// serves them on addr until interrupted (os.Interrupt ends the context).
func serveFloor(ctx context.Context, addr, file string) error {
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	answers, err := decodeAnswers(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: floorHandler(answers), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// decodeAnswers reads what writeAnswers wrote.
func decodeAnswers(raw []byte) ([]answer, error) {
	var answers []answer
	if err := json.Unmarshal(raw, &answers); err != nil {
		return nil, err
	}
	return answers, nil
}

// writeAnswers writes the answers where the floor's process reads them.
func writeAnswers(dir string, answers []answer) (string, error) {
	raw, err := json.Marshal(answers)
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, "floor-answers-*.json")
	if err != nil {
		return "", err
	}
	if _, err := f.Write(raw); err != nil {
		_ = f.Close()
		return "", err
	}
	return f.Name(), f.Close()
}

// processCPU returns the user and system CPU time a process has used so
// far, from /proc (Linux); false where there is none.
func processCPU(pid int) (time.Duration, bool) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	// The fields after the command's name, which is in parentheses and may
	// hold spaces: state is the 3rd field, utime the 14th, stime the 15th.
	s := string(raw)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	// USER_HZ is 100 on every Linux architecture Go supports.
	return time.Duration(utime+stime) * (time.Second / 100), true
}

// processRSS returns a process's resident set size in bytes, from /proc
// (Linux); false where there is none.
func processRSS(pid int) (int64, bool) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, false
	}
	for line := range strings.SplitSeq(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) == 2 && f[1] == "kB" {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				return kb * 1024, err == nil
			}
		}
	}
	return 0, false
}
