package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/sandbox"
)

const holderFile = "../holder.json"

func TestRunOffline(t *testing.T) {
	var out strings.Builder
	if err := run(t.Context(), &out, func(string) string { return "" }, holderFile, "2026-0042"); err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`^quote [0-9a-f-]{36}: [0-9]+\.[0-9]{2} EUR for 1 traveller\(s\)
policy AXA-TRV-0000000001: issued, for Camille Martin
same policy the second time: true
$`)
	if !want.MatchString(out.String()) {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}

// Against one API, a booking id issues one policy: the same booking with a
// new quote is refused, another booking gets its own policy.
func TestRunOneBookingOnePolicy(t *testing.T) {
	srv, err := startSandbox()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	env := map[string]string{axa.EnvBaseURL: srv.URL(), axa.EnvClientID: sandbox.DefaultClientID, axa.EnvClientSecret: sandbox.DefaultClientSecret}
	getenv := func(k string) string { return env[k] }

	var out strings.Builder
	if err := run(t.Context(), &out, getenv, holderFile, "a"); err != nil {
		t.Fatal(err)
	}
	var apiErr *axa.Error
	if err := run(t.Context(), &out, getenv, holderFile, "a"); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("booking a again with a new quote: %v, want a 422", err)
	}
	out.Reset()
	if err := run(t.Context(), &out, getenv, holderFile, "b"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "policy AXA-TRV-0000000002: issued") {
		t.Errorf("booking b: %q", out.String())
	}
}

// holder.json is a PolicyRequest without its quote id: no field unknown to
// the model, so that `axa policy create --file` reads it too.
func TestHolderFileIsAPolicyRequest(t *testing.T) {
	data, err := os.ReadFile(holderFile)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var req axa.PolicyRequest
	if err := dec.Decode(&req); err != nil {
		t.Fatal(err)
	}
	if req.PolicyHolder.Email == "" || len(req.Travellers) == 0 {
		t.Errorf("holder.json lacks the holder's e-mail or the travellers: %+v", req)
	}
}

func TestRunWithoutHolderFile(t *testing.T) {
	err := run(t.Context(), &strings.Builder{}, func(string) string { return "" }, "missing.json", "x")
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v, want a file-not-found error", err)
	}
}
