package middleware

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// sink records what reaches it, each Write apart.
type sink struct {
	mu     sync.Mutex
	writes [][]byte
}

func (s *sink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes = append(s.writes, bytes.Clone(p))
	return len(p), nil
}

func (s *sink) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(bytes.Join(s.writes, nil))
}

func (s *sink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.writes)
}

// TestBufferedWriterWritesALineOutWithinItsDelayWhenIdle: a line written
// to an idle log is out by the delay, without any other line or Flush to
// push it; several lines within the delay go out in one write.
func TestBufferedWriterWritesALineOutWithinItsDelayWhenIdle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out := &sink{}
		w := NewBufferedWriter(out, 100*time.Millisecond)
		_, _ = w.Write([]byte("one\n"))
		time.Sleep(50 * time.Millisecond)
		_, _ = w.Write([]byte("two\n"))
		synctest.Wait()
		if got := out.text(); got != "" {
			t.Fatalf("written at once: %q", got)
		}
		time.Sleep(50 * time.Millisecond) // the first line's delay
		synctest.Wait()
		if got := out.text(); got != "one\ntwo\n" || out.count() != 1 {
			t.Fatalf("after the delay: %q in %d writes, want both lines in one", got, out.count())
		}
		// Idle again: the next line arms the timer anew.
		time.Sleep(time.Hour)
		_, _ = w.Write([]byte("three\n"))
		time.Sleep(100 * time.Millisecond)
		synctest.Wait()
		if got := out.text(); got != "one\ntwo\nthree\n" {
			t.Fatalf("a line after an idle hour: %q", got)
		}
	})
}

// TestBufferedWriterFlushWritesEverythingAtOnce: Flush (what a server's
// Shutdown calls) writes out every line, without waiting.
func TestBufferedWriterFlushWritesEverythingAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out := &sink{}
		w := NewBufferedWriter(out, time.Hour)
		_, _ = w.Write([]byte("a\n"))
		_, _ = w.Write([]byte("b\n"))
		w.Flush()
		if got := out.text(); got != "a\nb\n" {
			t.Fatalf("after Flush: %q", got)
		}
		w.Flush() // nothing left: no empty write
		if out.count() != 1 {
			t.Fatalf("%d writes, want 1", out.count())
		}
	})
}

// TestBufferedWriterKeepsEveryLineWholeAndInOrder: many goroutines logging
// at once, more than the buffer holds: every line comes out once, whole,
// each goroutine's in the order it wrote them, none lost.
func TestBufferedWriterKeepsEveryLineWholeAndInOrder(t *testing.T) {
	out := &sink{}
	w := NewBufferedWriter(out, time.Hour)
	const writers, lines = 8, 2000
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			for i := range lines {
				_, _ = fmt.Fprintf(w, "writer=%d line=%d %s\n", g, i, strings.Repeat("x", i%97))
			}
		})
	}
	wg.Wait()
	w.Flush()
	next := make([]int, writers)
	all := strings.Split(strings.TrimSuffix(out.text(), "\n"), "\n")
	if len(all) != writers*lines {
		t.Fatalf("%d lines, want %d", len(all), writers*lines)
	}
	for _, l := range all {
		var g, i int
		var pad string
		if _, err := fmt.Sscanf(l, "writer=%d line=%d %s", &g, &i, &pad); err != nil && i%97 != 0 {
			t.Fatalf("a broken line %q: %v", l, err)
		}
		if i != next[g] || len(pad) != i%97 {
			t.Fatalf("writer %d: line %d (%d bytes of padding) after line %d", g, i, len(pad), next[g]-1)
		}
		next[g]++
	}
	if out.count() < 2 {
		t.Fatalf("%d writes: the full buffer was never written out before Flush", out.count())
	}
}

// TestBufferedWriterPassesALongLineWhole: a line longer than the buffer
// goes out whole, after the lines before it.
func TestBufferedWriterPassesALongLineWhole(t *testing.T) {
	out := &sink{}
	w := NewBufferedWriter(out, time.Hour)
	_, _ = w.Write([]byte("first\n"))
	long := strings.Repeat("y", bufferedLogSize+10) + "\n"
	_, _ = w.Write([]byte(long))
	if got := out.text(); got != "first\n"+long {
		t.Fatalf("got %d bytes, want the first line then the long one", len(got))
	}
}
