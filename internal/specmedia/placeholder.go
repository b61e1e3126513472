package specmedia

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
)

// placeholderText is what a placeholder document says.
const placeholderText = "AXA Assistance API sandbox: a placeholder document"

// Placeholder returns a small valid document of a media type, for an answer
// or a request body the spec gives no example of, and the media type it
// is: a one-page PDF for application/pdf, a 1x1 PNG, GIF or JPEG image, an
// SVG, HTML, XML, CSV or plain text document, an empty ZIP archive; some
// bytes for any other type. A media range is given a type of its own
// (image/* a PNG, text/* plain text, */* application/octet-stream), and
// its contentType says which, so that it matches the range the spec
// declares. Each call returns new bytes.
func Placeholder(mediaType string) (contentType string, body []byte) {
	mt := Base(mediaType)
	switch mt {
	case "", "*/*", "*", "application/*":
		mt = "application/octet-stream"
	case "image/*":
		mt = "image/png"
	case "text/*":
		mt = "text/plain"
	}
	if major, ok := strings.CutSuffix(mt, "/*"); ok {
		mt = major + "/octet-stream"
	}
	switch {
	case mt == "application/pdf":
		return mt, PDF(placeholderText)
	case mt == "image/png":
		return mt, encodeImage(func(b *bytes.Buffer, img image.Image) error { return png.Encode(b, img) })
	case mt == "image/gif":
		return mt, encodeImage(func(b *bytes.Buffer, img image.Image) error { return gif.Encode(b, img, nil) })
	case mt == "image/jpeg":
		return mt, encodeImage(func(b *bytes.Buffer, img image.Image) error { return jpeg.Encode(b, img, nil) })
	case mt == "image/svg+xml":
		return mt, []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><title>` + placeholderText + "</title></svg>\n")
	case mt == "text/html":
		return mt, []byte("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Placeholder</title></head><body><p>" + placeholderText + "</p></body></html>\n")
	case mt == "application/xml" || mt == "text/xml" || strings.HasSuffix(mt, "+xml"):
		return mt, []byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<placeholder>" + placeholderText + "</placeholder>\n")
	case mt == "text/csv":
		return mt, []byte("placeholder\r\n\"" + placeholderText + "\"\r\n")
	case mt == "application/zip":
		var b bytes.Buffer
		if err := zip.NewWriter(&b).Close(); err == nil {
			return mt, b.Bytes()
		}
	}
	return mt, []byte(placeholderText + "\n")
}

// encodeImage encodes a 1x1 white image; a failure (none is possible into
// memory) gives no bytes.
func encodeImage(encode func(*bytes.Buffer, image.Image) error) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 1, 1))
	img.Set(0, 0, color.White)
	var b bytes.Buffer
	if encode(&b, img) != nil {
		return nil
	}
	return b.Bytes()
}

// PDF returns a one-page A4 PDF 1.4 document showing text (printable ASCII;
// others are written as '?') in Helvetica, with an exact cross-reference
// table, so that a PDF reader opens it without repairing it.
func PDF(text string) []byte {
	safe := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, text)
	safe = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(safe)
	content := "BT /F1 12 Tf 72 770 Td (" + safe + ") Tj ET\n"
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", len(content), content),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n") // a comment of high bytes: the file is binary
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// signature returns what a document of the media type starts with, and
// how to say it; no prefixes for a type this does not know.
func signature(mediaType string) (what string, prefixes []string) {
	switch Base(mediaType) {
	case "application/pdf":
		return "a PDF document (starting %PDF-)", []string{"%PDF-"}
	case "image/png":
		return "a PNG image (its 8-byte signature)", []string{"\x89PNG\r\n\x1a\n"}
	case "image/gif":
		return "a GIF image (starting GIF87a or GIF89a)", []string{"GIF87a", "GIF89a"}
	case "image/jpeg":
		return "a JPEG image (starting FF D8 FF)", []string{"\xff\xd8\xff"}
	case "application/zip":
		return "a ZIP archive (starting PK)", []string{"PK\x03\x04", "PK\x05\x06"}
	}
	return "", nil
}

// Signature checks that body starts as a document of the media type must:
// a PDF with %PDF-, a PNG, GIF or JPEG image or a ZIP archive with its
// signature. ok is true for a body that does, and for any other media type;
// otherwise want says what the type asks for.
func Signature(mediaType string, body []byte) (want string, ok bool) {
	what, prefixes := signature(mediaType)
	if len(prefixes) == 0 {
		return "", true
	}
	for _, p := range prefixes {
		if bytes.HasPrefix(body, []byte(p)) {
			return "", true
		}
	}
	return what, false
}
