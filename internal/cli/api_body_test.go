package cli

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/axa"
)

func stream(ct, body string) *axa.Stream {
	return &axa.Stream{ReadCloser: io.NopCloser(strings.NewReader(body)), ContentType: ct, ContentLength: int64(len(body))}
}

func TestWriteAnswer(t *testing.T) {
	var out, errOut bytes.Buffer
	f := &Factory{Out: &out, Err: &errOut, OutIsTerminal: func() bool { return false }}
	if err := f.writeAnswer(stream("application/json", `{"a":1}`), ""); err != nil || out.String() != "{\n  \"a\": 1\n}\n" {
		t.Errorf("JSON: %q, %v", out.String(), err)
	}
	out.Reset()
	if err := f.writeAnswer(stream("", ""), ""); err != nil || out.Len() != 0 {
		t.Errorf("no content: %q, %v", out.String(), err)
	}
	out.Reset()
	pdf := "%PDF-1.4\x00\x01binary"
	if err := f.writeAnswer(stream("application/pdf", pdf), ""); err != nil || out.String() != pdf {
		t.Errorf("binary to a pipe: %q, %v", out.String(), err)
	}
	path := filepath.Join(t.TempDir(), "answer.pdf")
	if err := f.writeAnswer(stream("application/pdf", pdf), path); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != pdf {
		t.Errorf("--output: %q, %v", b, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("--output mode %v", fi.Mode().Perm())
	}
	// A binary answer is never written to a terminal.
	out.Reset()
	f.OutIsTerminal = func() bool { return true }
	if err := f.writeAnswer(stream("application/pdf", pdf), ""); ExitCode(err) != ExitUsage || out.Len() != 0 {
		t.Errorf("binary to a terminal: %v, %d bytes written", err, out.Len())
	}
	for _, bad := range []string{t.TempDir(), filepath.Join(t.TempDir(), "missing", "x.pdf")} {
		if err := checkOutput(bad); ExitCode(err) != ExitUsage {
			t.Errorf("--output %s: %v", bad, err)
		}
	}
}

func TestRequestBodyFromFlags(t *testing.T) {
	dir := t.TempDir()
	doc := filepath.Join(dir, "scan.pdf")
	if err := os.WriteFile(doc, []byte("%PDF-scan"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, _, done, err := requestBody(nil, &gen.RequestBody{Kind: gen.KindMultipart, ContentType: "multipart/form-data"}, "", "", []string{"kind=receipt", "file=@" + doc, "kind=report"})
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	mt, params, _ := mime.ParseMediaType(b.ContentType)
	if mt != "multipart/form-data" {
		t.Fatalf("content type %q", b.ContentType)
	}
	mr := multipart.NewReader(b.Content, params["boundary"])
	var got []string
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		data, _ := io.ReadAll(p)
		got = append(got, p.FormName()+"|"+p.FileName()+"|"+p.Header.Get("Content-Type")+"|"+string(data))
	}
	want := "[kind|||receipt kind|||report file|scan.pdf|application/pdf|%PDF-scan]"
	if strings.Join(strings.Fields(strings.Join(got, " ")), " ") != strings.Trim(want, "[]") {
		t.Errorf("parts %q, want %s", got, want)
	}
	for _, bad := range [][]string{{"novalue"}, {"=x"}, {"file=@" + filepath.Join(dir, "missing")}, {"file=@" + dir}} {
		if _, _, _, err := requestBody(nil, &gen.RequestBody{Kind: gen.KindMultipart}, "", "", bad); ExitCode(err) != ExitUsage {
			t.Errorf("--form %q: %v", bad, err)
		}
	}
	raw, _, done2, err := requestBody(nil, &gen.RequestBody{Kind: gen.KindBinary, ContentType: "application/octet-stream"}, doc, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer done2()
	if data, _ := io.ReadAll(raw.Content); string(data) != "%PDF-scan" {
		t.Errorf("raw body %q", data)
	}
}
