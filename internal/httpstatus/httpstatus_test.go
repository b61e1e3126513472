package httpstatus

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

// The status is the first one given, 200 when the body comes first, and
// 0 while nothing is written; what is written reaches the writer below.
func TestRecorderRemembersTheFirstStatus(t *testing.T) {
	for _, c := range []struct {
		name  string
		write func(w http.ResponseWriter)
		want  int
	}{
		{"nothing", func(http.ResponseWriter) {}, 0},
		{"header", func(w http.ResponseWriter) { w.WriteHeader(http.StatusCreated) }, http.StatusCreated},
		{"body first", func(w http.ResponseWriter) { _, _ = w.Write([]byte("x")); w.WriteHeader(http.StatusTeapot) }, http.StatusOK},
		{"two headers", func(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent); w.WriteHeader(http.StatusTeapot) }, http.StatusNoContent},
	} {
		below := httptest.NewRecorder()
		r := &Recorder{ResponseWriter: below}
		c.write(r)
		if r.Status != c.want {
			t.Errorf("%s: Status = %d, want %d", c.name, r.Status, c.want)
		}
		if c.want != 0 && below.Code != c.want {
			t.Errorf("%s: the writer below got %d, want %d", c.name, below.Code, c.want)
		}
	}
}

// A hijack goes through to the writer below: refused by one that cannot
// (httptest's recorder), as http.ResponseController says.
func TestRecorderHijackGoesThrough(t *testing.T) {
	r := &Recorder{ResponseWriter: httptest.NewRecorder()}
	if _, _, err := r.Hijack(); !errors.Is(err, http.ErrNotSupported) {
		t.Errorf("Hijack on a writer that cannot: %v, want http.ErrNotSupported", err)
	}
	if r.Unwrap() == nil {
		t.Error("Unwrap gave nil")
	}
}
