package specmedia_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"image"
	_ "image/gif" // image.Decode reads the placeholders
	_ "image/jpeg"
	_ "image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/specmedia"
)

func TestKind(t *testing.T) {
	for mt, want := range map[string]string{
		"application/json":                    gen.KindJSON,
		"Application/JSON; charset=utf-8":     gen.KindJSON,
		"application/merge-patch+json":        gen.KindJSON,
		"multipart/form-data; boundary=x":     gen.KindMultipart,
		"application/x-www-form-urlencoded":   gen.KindForm,
		"application/octet-stream":            gen.KindBinary,
		"application/pdf":                     gen.KindBinary,
		"image/png":                           gen.KindBinary,
		"text/html":                           gen.KindBinary,
		"":                                    gen.KindNone,
		"application/vnd.axa.claim+json; v=2": gen.KindJSON,
	} {
		if got := specmedia.Kind(mt); got != want {
			t.Errorf("Kind(%q) = %q, want %q", mt, got, want)
		}
	}
}

// Each placeholder is a document of its type that the type's own reader
// reads, and of the type it says: a media range gets a type within it.
func TestPlaceholderIsADocumentOfItsType(t *testing.T) {
	for _, tc := range []struct {
		ask, want string
		read      func([]byte) error
	}{
		{"application/pdf", "application/pdf", checkPDF},
		{"image/png", "image/png", decodeImage("png")},
		{"image/*", "image/png", decodeImage("png")},
		{"image/gif", "image/gif", decodeImage("gif")},
		{"IMAGE/JPEG; q=0.9", "image/jpeg", decodeImage("jpeg")},
		{"image/svg+xml", "image/svg+xml", checkXML},
		{"application/xml", "application/xml", checkXML},
		{"application/atom+xml", "application/atom+xml", checkXML},
		{"text/csv", "text/csv", func(b []byte) error {
			recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
			if err == nil && len(recs) != 2 {
				err = errors.New("want a header and a row")
			}
			return err
		}},
		{"application/zip", "application/zip", func(b []byte) error {
			_, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
			return err
		}},
		{"text/html", "text/html", nonEmpty},
		{"text/*", "text/plain", nonEmpty},
		{"*/*", "application/octet-stream", nonEmpty},
		{"application/octet-stream", "application/octet-stream", nonEmpty},
		{"audio/*", "audio/octet-stream", nonEmpty},
		{"application/vnd.axa.blob", "application/vnd.axa.blob", nonEmpty},
	} {
		ct, body := specmedia.Placeholder(tc.ask)
		if ct != tc.want {
			t.Errorf("Placeholder(%q) is of type %q, want %q", tc.ask, ct, tc.want)
		}
		if err := tc.read(body); err != nil {
			t.Errorf("Placeholder(%q): not a %s: %v", tc.ask, ct, err)
		}
		if want, ok := specmedia.Signature(ct, body); !ok {
			t.Errorf("Placeholder(%q) does not start as %s", tc.ask, want)
		}
		if c := openapi3.NewContentWithSchema(nil, []string{specmedia.Base(tc.ask)}); c.Get(ct) == nil {
			t.Errorf("Placeholder(%q) is of type %q, which the spec's content %q does not match", tc.ask, ct, tc.ask)
		}
	}
}

func nonEmpty(b []byte) error {
	if len(b) == 0 {
		return errors.New("empty")
	}
	return nil
}

func checkXML(b []byte) error {
	var v struct{}
	return xml.Unmarshal(b, &v)
}

func decodeImage(format string) func([]byte) error {
	return func(b []byte) error {
		img, got, err := image.Decode(bytes.NewReader(b))
		switch {
		case err != nil:
			return err
		case got != format:
			return errors.New("decoded as " + got)
		case img.Bounds().Dx() != 1 || img.Bounds().Dy() != 1:
			return errors.New("not 1x1")
		}
		return nil
	}
}

var (
	xrefEntry      = regexp.MustCompile(`^(\d{10}) (\d{5}) ([nf]) \n$`)
	pdfinfoOnePage = regexp.MustCompile(`(?m)^Pages:\s+1$`)
)

// checkPDF reads a PDF as a reader starts: the header, startxref, the
// cross-reference table, each of whose entries must point at its object
// exactly, and the trailer's root; then, when poppler's pdfinfo is
// installed, asks it.
func checkPDF(b []byte) error {
	s := string(b)
	if !strings.HasPrefix(s, "%PDF-1.") || !strings.HasSuffix(s, "%%EOF\n") {
		return errors.New("no %PDF- header or %%EOF")
	}
	i := strings.LastIndex(s, "startxref\n")
	if i < 0 {
		return errors.New("no startxref")
	}
	off, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(s[i+len("startxref\n"):], "%%EOF\n")))
	if err != nil || off >= len(s) || !strings.HasPrefix(s[off:], "xref\n0 ") {
		return errors.New("startxref does not point at the xref table")
	}
	lines := strings.SplitAfter(s[off:], "\n")
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(lines[1], "0 ")))
	if err != nil || n < 2 {
		return errors.New("bad xref subsection header " + lines[1])
	}
	for obj := 1; obj < n; obj++ {
		m := xrefEntry.FindStringSubmatch(lines[2+obj])
		if m == nil || m[3] != "n" {
			return errors.New("bad xref entry " + strconv.Quote(lines[2+obj]))
		}
		at, _ := strconv.Atoi(m[1])
		if !strings.HasPrefix(s[at:], strconv.Itoa(obj)+" 0 obj\n") {
			return errors.New("xref entry of object " + strconv.Itoa(obj) + " points elsewhere")
		}
	}
	if !strings.Contains(lines[2+n], "trailer") || !strings.Contains(s[off:], "/Root 1 0 R") {
		return errors.New("no trailer with a root")
	}
	if _, err := exec.LookPath("pdfinfo"); err != nil {
		return nil
	}
	dir, err := os.MkdirTemp("", "specmedia")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	name := filepath.Join(dir, "p.pdf")
	if err := os.WriteFile(name, b, 0o600); err != nil {
		return err
	}
	out, err := exec.Command("pdfinfo", name).CombinedOutput()
	if err != nil || !pdfinfoOnePage.Match(out) || strings.Contains(strings.ToLower(string(out)), "error") {
		return errors.New("pdfinfo: " + string(out))
	}
	return nil
}

func TestPDFEscapesItsText(t *testing.T) {
	b := specmedia.PDF(`a (paren) \ back, é`)
	if !strings.Contains(string(b), `(a \(paren\) \\ back, ?) Tj`) {
		t.Errorf("text not escaped: %s", b)
	}
	if err := checkPDF(b); err != nil {
		t.Error(err)
	}
}

func TestSignature(t *testing.T) {
	_, pdf := specmedia.Placeholder("application/pdf")
	for _, tc := range []struct {
		mt   string
		body []byte
		ok   bool
	}{
		{"application/pdf", pdf, true},
		{"application/pdf", []byte(`{"error":"x"}`), false},
		{"Application/PDF; x=y", []byte("nope"), false},
		{"image/png", []byte("GIF89a"), false},
		{"application/octet-stream", nil, true},
		{"text/plain", []byte("anything"), true},
	} {
		want, ok := specmedia.Signature(tc.mt, tc.body)
		if ok != tc.ok || (!ok && want == "") {
			t.Errorf("Signature(%q, %.10q) = %q, %v; want ok %v", tc.mt, tc.body, want, ok, tc.ok)
		}
	}
}

const decoderSpec = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /blob:
    put:
      requestBody:
        required: true
        content:
          application/x-specmedia-test:
            schema: {type: string}
          application/x-specmedia-own:
            schema: {type: string}
          application/vnd.specmedia-test+json:
            schema: {type: object}
      responses:
        "200":
          description: ok
          content:
            application/x-specmedia-answer:
              schema: {type: string}
`

// A binary media type kin-openapi cannot decode is refused until
// RegisterDecoders gives it one; a decoder already there stays, and a
// +json type is left to kin-openapi's JSON decoder.
func TestRegisterDecodersReadsTheSpecsBinaryTypes(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(decoderSpec))
	if err != nil {
		t.Fatal(err)
	}
	own := func(io.Reader, http.Header, *openapi3.SchemaRef, openapi3filter.EncodingFn) (any, error) {
		return "own", nil
	}
	openapi3filter.RegisterBodyDecoder("application/x-specmedia-own", own)
	t.Cleanup(func() {
		for _, mt := range []string{"application/x-specmedia-own", "application/x-specmedia-test", "application/x-specmedia-answer"} {
			openapi3filter.UnregisterBodyDecoder(mt)
		}
	})
	op := doc.Paths.Value("/blob").Put
	route := &routers.Route{Spec: doc, Path: "/blob", PathItem: doc.Paths.Value("/blob"), Method: http.MethodPut, Operation: op}
	validate := func() error {
		req := httptest.NewRequest(http.MethodPut, "/blob", strings.NewReader("\x00\xffraw"))
		req.Header.Set("Content-Type", "application/x-specmedia-test")
		return openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
			Request: req, Route: route, Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		})
	}
	if err := validate(); err == nil || !strings.Contains(err.Error(), "unsupported content type") {
		t.Fatalf("before RegisterDecoders: %v, want unsupported content type", err)
	}
	specmedia.RegisterDocDecoders(doc)
	specmedia.RegisterDecoders(op) // again: nothing changes
	if err := validate(); err != nil {
		t.Errorf("after RegisterDecoders: %v", err)
	}
	if openapi3filter.RegisteredBodyDecoder("application/x-specmedia-answer") == nil {
		t.Error("the answer's media type has no decoder")
	}
	if v, _ := openapi3filter.RegisteredBodyDecoder("application/x-specmedia-own")(nil, nil, nil, nil); v != "own" {
		t.Error("a decoder already registered was replaced")
	}
	if openapi3filter.RegisteredBodyDecoder("application/vnd.specmedia-test+json") != nil {
		t.Error("a +json type was given a decoder: kin-openapi reads it as JSON")
	}
}
