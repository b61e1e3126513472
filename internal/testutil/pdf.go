package testutil

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// PDF is a PDF document as poppler's tools read it.
type PDF struct {
	// Text is what pdftotext extracts, in UTF-8.
	Text string
	// Info is what pdfinfo says of it: "Pages", "Title", "PDF version"...
	Info map[string]string
}

// ReadPDF reads data with poppler's pdfinfo and pdftotext, as a PDF reader
// would open it, and fails t when either complains (on its standard error:
// a broken cross-reference table, an object it cannot parse, a font it
// cannot use) or fails. When the tools are not installed it skips t,
// saying so: .ci/run installs them (Debian's poppler-utils).
func ReadPDF(t testing.TB, data []byte) PDF {
	t.Helper()
	for _, tool := range []string{"pdfinfo", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (Debian's poppler-utils; .ci/run installs it): the PDF cannot be read", tool)
		}
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		cmd := exec.CommandContext(t.Context(), name, args...) //nolint:gosec // pdfinfo or pdftotext, on a file of the test's own
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil || stderr.Len() > 0 {
			t.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, stderr.String())
		}
		return stdout.String()
	}
	doc := PDF{Info: map[string]string{}}
	for line := range strings.SplitSeq(run("pdfinfo", "-enc", "UTF-8", path), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			doc.Info[k] = strings.TrimSpace(v)
		}
	}
	doc.Text = run("pdftotext", "-enc", "UTF-8", path, "-")
	return doc
}
