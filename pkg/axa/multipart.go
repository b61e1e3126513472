package axa

import (
	"context"
	"encoding"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/axa-assistance-go/axa/gen"
)

// FilePart is a file in a multipart/form-data request body (a field of a
// generated ...Form type): its name, its media type and its content, read
// as the request is sent, never whole into memory. A retry sends the body
// again only when every FilePart's Content is an io.Seeker (an *os.File, a
// *bytes.Reader), from where it was when the call began.
type FilePart struct {
	// Filename is the file's name, sent in the part's
	// Content-Disposition; the field's name when empty.
	Filename string
	// ContentType is the file's media type; application/octet-stream when
	// empty.
	ContentType string
	// Content is the file's bytes.
	Content io.Reader
}

// encodeMultipart returns the multipart/form-data encoding of form (a
// generated ...Form struct): its content type, a reader that writes the
// parts as it is read, and the request editor that lets a retry send it
// again when every file can be rewound. Each field is a part named by its
// JSON name; a nil pointer or an empty optional field is left out; a
// FilePart is a file; text, numbers, booleans, dates and enums are text
// fields (a slice of them repeats the field); anything else is a JSON part.
func encodeMultipart(form any) (string, io.Reader, gen.RequestEditorFn, error) {
	v := reflect.ValueOf(form)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return "", nil, nil, fmt.Errorf("axa: a multipart body is a struct, not %T", form)
	}
	var parts []formPart
	for i := range v.NumField() {
		f := v.Type().Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fps, err := formParts(name, v.Field(i), strings.Contains(opts, "omitempty"))
		if err != nil {
			return "", nil, nil, err
		}
		for _, p := range fps {
			if p.file != nil && p.file.Content == nil {
				return "", nil, nil, fmt.Errorf("axa: multipart field %s: a FilePart without Content", name)
			}
		}
		parts = append(parts, fps...)
	}
	body := newMultipartBody(parts)
	edit := noEdit
	if body.rewind != nil {
		edit = func(_ context.Context, req *http.Request) error {
			req.GetBody = body.rewind
			return nil
		}
	}
	return body.ContentType, body.Content, edit, nil
}

// newMultipartBody returns the body of parts, streamed as it is read, with
// a new boundary; its rewind sends it again for a retry when every file is
// an io.Seeker (from where it was now), and is nil otherwise.
func newMultipartBody(parts []formPart) *RequestBody {
	rewindable := true
	var seekers []io.Seeker
	var starts []int64
	for _, p := range parts {
		if p.file == nil {
			continue
		}
		s, ok := p.file.Content.(io.Seeker)
		var at int64
		if ok {
			var err error
			at, err = s.Seek(0, io.SeekCurrent)
			ok = err == nil
		}
		rewindable = rewindable && ok
		seekers, starts = append(seekers, s), append(starts, at)
	}
	boundary := multipart.NewWriter(io.Discard).Boundary()
	b := &RequestBody{ContentType: "multipart/form-data; boundary=" + boundary, Content: newMultipartReader(boundary, parts)}
	if rewindable {
		b.rewind = func() (io.ReadCloser, error) {
			for i, s := range seekers {
				if _, err := s.Seek(starts[i], io.SeekStart); err != nil {
					return nil, fmt.Errorf("rewinding a file of the request body: %w", err)
				}
			}
			return newMultipartReader(boundary, parts), nil
		}
	}
	return b
}

// formPart is one part of a multipart body: a text field, a JSON value or
// a file.
type formPart struct {
	name string
	text string
	json []byte // a JSON part when not nil
	file *FilePart
}

// formParts returns the parts of one field.
func formParts(name string, v reflect.Value, omitEmpty bool) ([]formPart, error) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil, nil
		}
		v = v.Elem()
	}
	switch {
	case v.Type() == reflect.TypeFor[FilePart]():
		fp := v.Interface().(FilePart)
		if fp.Content == nil && omitEmpty {
			return nil, nil
		}
		return []formPart{{name: name, file: &fp}}, nil
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() != reflect.Uint8:
		var out []formPart
		for i := range v.Len() {
			ps, err := formParts(name, v.Index(i), false)
			if err != nil {
				return nil, err
			}
			out = append(out, ps...)
		}
		return out, nil
	}
	if omitEmpty && v.IsZero() {
		return nil, nil
	}
	if text, ok := formText(v); ok {
		return []formPart{{name: name, text: text}}, nil
	}
	b, err := json.Marshal(v.Interface())
	if err != nil {
		return nil, fmt.Errorf("axa: multipart field %s: %w", name, err)
	}
	return []formPart{{name: name, json: b}}, nil
}

// formText returns the text of a scalar field.
func formText(v reflect.Value) (string, bool) {
	textMarshalerType := reflect.TypeFor[encoding.TextMarshaler]()
	if v.Type() == reflect.TypeFor[time.Time]() {
		return v.Interface().(time.Time).Format(time.RFC3339Nano), true
	}
	if v.Type().Implements(textMarshalerType) {
		b, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		return string(b), err == nil
	}
	if v.CanAddr() && v.Addr().Type().Implements(textMarshalerType) {
		b, err := v.Addr().Interface().(encoding.TextMarshaler).MarshalText()
		return string(b), err == nil
	}
	switch v.Kind() {
	case reflect.String:
		return v.String(), true
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10), true
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64), true
	}
	if d, ok := v.Interface().(Date); ok {
		return d.Format(time.DateOnly), true
	}
	return "", false
}

// multipartReader writes the parts into a pipe as it is read: the writing
// starts on the first Read, so a body never read (a request never sent)
// leaves no goroutine behind, and Close stops it.
type multipartReader struct {
	boundary string
	parts    []formPart
	once     sync.Once
	pr       *io.PipeReader
	pw       *io.PipeWriter
}

func newMultipartReader(boundary string, parts []formPart) *multipartReader {
	pr, pw := io.Pipe()
	return &multipartReader{boundary: boundary, parts: parts, pr: pr, pw: pw}
}

// Read implements io.Reader.
func (m *multipartReader) Read(p []byte) (int, error) {
	m.once.Do(func() { go m.write() })
	return m.pr.Read(p)
}

// Close implements io.Closer: a writer in progress stops.
func (m *multipartReader) Close() error {
	m.once.Do(func() {}) // never start writing after Close
	return m.pr.Close()
}

// write writes every part, then the closing boundary.
func (m *multipartReader) write() {
	mw := multipart.NewWriter(m.pw)
	if err := mw.SetBoundary(m.boundary); err != nil {
		m.pw.CloseWithError(err)
		return
	}
	for _, p := range m.parts {
		if err := writePart(mw, p); err != nil {
			m.pw.CloseWithError(err)
			return
		}
	}
	m.pw.CloseWithError(mw.Close())
}

// writePart writes one part.
func writePart(mw *multipart.Writer, p formPart) error {
	switch {
	case p.file != nil:
		h := textproto.MIMEHeader{}
		filename := p.file.Filename
		if filename == "" {
			filename = p.name
		}
		h.Set("Content-Disposition", `form-data; name="`+escapeQuotes(p.name)+`"; filename="`+escapeQuotes(filename)+`"`)
		ct := p.file.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		h.Set("Content-Type", ct)
		w, err := mw.CreatePart(h)
		if err != nil {
			return err
		}
		if _, err := io.Copy(w, p.file.Content); err != nil {
			return fmt.Errorf("axa: reading the file of multipart field %s: %w", p.name, err)
		}
		return nil
	case p.json != nil:
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+escapeQuotes(p.name)+`"`)
		h.Set("Content-Type", "application/json")
		w, err := mw.CreatePart(h)
		if err != nil {
			return err
		}
		_, err = w.Write(p.json)
		return err
	default:
		return mw.WriteField(p.name, p.text)
	}
}

// escapeQuotes escapes a Content-Disposition parameter as mime/multipart
// does.
func escapeQuotes(s string) string {
	return strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "", "\n", "").Replace(s)
}
