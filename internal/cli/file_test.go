package cli

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// writePadded writes body after enough leading spaces (valid JSON
// whitespace) to make a file of size bytes, and returns its path.
func writePadded(t *testing.T, body string, size int) string {
	t.Helper()
	if size < len(body) {
		t.Fatalf("size %d < body %d", size, len(body))
	}
	path := filepath.Join(t.TempDir(), "padded.json")
	if err := os.WriteFile(path, []byte(strings.Repeat(" ", size-len(body))+body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func quoteJSON() string {
	start := time.Now().AddDate(0, 0, 30).Format(time.DateOnly)
	end := time.Now().AddDate(0, 0, 44).Format(time.DateOnly)
	return `{"trip_type": "single_trip", "origin_country": "fr", "destination_countries": ["jp"],
		"start_date": "` + start + `", "end_date": "` + end + `", "plan_code": "comfort",
		"travellers": [{"birth_date": "1985-04-12"}]}`
}

const holderJSON = `{
	"policy_holder": {"person": {"first_name": "Camille", "last_name": "Martin", "birth_date": "1985-04-12"},
		"email": "camille.martin@example.com",
		"address": {"street_address": "6 rue André Gide", "postal_code": "92320", "locality": "Châtillon", "country": "fr"}},
	"travellers": [{"first_name": "Camille", "last_name": "Martin", "birth_date": "1985-04-12"}]}`

// A --file of up to 1 MiB is read; a larger one, even valid JSON, is a
// usage error that says why, before any request.
func TestFileOverOneMiBIsAUsageError(t *testing.T) {
	r := run(t, nil, "quote", "--file", writePadded(t, quoteJSON(), maxFileSize))
	if r.code != ExitOK {
		t.Errorf("a 1 MiB quote file: exit %d, err %q", r.code, r.err)
	}
	for _, args := range [][]string{
		{"quote", "--file", writePadded(t, quoteJSON(), maxFileSize+1)},
		{"policy", "create", "--quote", "0c6f2a3b-1d4e-4f5a-8b9c-7d6e5f4a3b2c", "--file", writePadded(t, holderJSON, maxFileSize+1)},
	} {
		r := run(t, nil, args...)
		if r.code != ExitUsage {
			t.Errorf("axa %s: exit %d, want 2 (err %q)", args[0], r.code, r.err)
		}
		if lines := strings.Split(strings.TrimSpace(r.err), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "larger than 1 MiB") {
			t.Errorf("axa %s: stderr should be one line saying the file is larger than 1 MiB: %q", args[0], r.err)
		}
	}
}

// A huge --file costs no more memory than the cap: it is never read
// whole.
func TestFileReadIsBounded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.json")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 64<<20); err != nil { // sparse: quick to make
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var v map[string]any
	err := readJSON(path, &v)
	runtime.ReadMemStats(&after)
	var ue *usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Errorf("readJSON of a 64 MiB file = %v, want a usage error saying it is larger than 1 MiB", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 8<<20 {
		t.Errorf("reading a 64 MiB file allocated %d MiB", n>>20)
	}
}

// A holder file that is JSON but not a policy request the SDK can send
// (here, without its e-mail) is the user's input error: exit 2, said
// before any request is made.
func TestHolderThatCannotBeEncodedIsAUsageError(t *testing.T) {
	noEmail := strings.Replace(holderJSON, `"email": "camille.martin@example.com",`, "", 1)
	path := filepath.Join(t.TempDir(), "holder.json")
	if err := os.WriteFile(path, []byte(noEmail), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, nil, "policy", "create", "--quote", "0c6f2a3b-1d4e-4f5a-8b9c-7d6e5f4a3b2c", "--file", path)
	if r.code != ExitUsage || !strings.Contains(r.err, "email") {
		t.Errorf("exit %d, want 2 and a line naming the email: %q", r.code, r.err)
	}
	if strings.Contains(r.err, "embedded sandbox") {
		t.Errorf("the command started a sandbox before checking its input: %q", r.err)
	}
}
