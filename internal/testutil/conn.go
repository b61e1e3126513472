package testutil

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"syscall"
	"testing"
	"time"
)

// Stall sends req, a request's headers and the start of its body, to the
// server at addr over a connection of its own, and never sends the rest:
// a client whose body never comes. The connection is closed when the test
// ends.
func Stall(t testing.TB, addr, req string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	return conn
}

// WaitClosed reads conn until the server closes it, and returns what it
// answered; it fails the test when the server still holds the connection
// after guard (a failure guard, not a timing).
func WaitClosed(t testing.TB, conn net.Conn, guard time.Duration) string {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(guard))
	got, err := io.ReadAll(conn)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the server still holds the connection after %s (it answered %q)", guard, got)
	}
	return string(got)
}

// IdleConn makes one request (GET /version; any answer will do) over a
// kept-alive connection to addr, then waits for the server to close the
// connection, idle; it fails the test when the server still keeps it
// after guard.
func IdleConn(t testing.TB, addr string, guard time.Duration) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close() //nolint:errcheck // a test's connection
	if _, err := io.WriteString(conn, "GET /version HTTP/1.1\r\nHost: sandbox\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(guard))
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.Close {
		t.Fatalf("GET /version: %s, and the server closes the connection: nothing to keep alive", resp.Status)
	}
	switch _, err := br.ReadByte(); {
	case errors.Is(err, os.ErrDeadlineExceeded):
		t.Fatalf("an idle kept-alive connection is still open after %s", guard)
	case err == nil:
		t.Fatal("the server sent more than its answer")
	case !errors.Is(err, io.EOF) && !errors.Is(err, syscall.ECONNRESET):
		t.Fatalf("reading an idle connection: %v", err)
	}
}
