package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/atomicfile"
	"github.com/axa-assistance-go/axa/internal/termtext"
	"github.com/axa-assistance-go/axa/pkg/axa"
)

// What `axa api` sends and prints for each kind of body and answer of the
// spec: a JSON body from --file, a multipart form from --form, any other
// media type's bytes from --file; a JSON answer printed, an answer without
// content printed as nothing, a binary one written to --output or to a
// standard output that is not a terminal.

// maxJSONAnswer bounds a JSON answer the command prints.
const maxJSONAnswer = 16 << 20

// bodyFlags adds the flags of an operation's body and returns the help
// paragraph that says how to give it.
func bodyFlags(cmd *cobra.Command, body *gen.RequestBody, file, contentType *string, form *[]string) string {
	if body == nil {
		return ""
	}
	fl := cmd.Flags()
	what := "the request body"
	if body.Schema != "" {
		what = "the " + body.Schema
	}
	var help string
	switch body.Kind {
	case gen.KindMultipart:
		fl.StringArrayVar(form, "form", nil, "a field of the multipart/form-data body: NAME=VALUE, or NAME=@FILE for a file (repeat the flag)")
		if body.Required {
			_ = cmd.MarkFlagRequired("form") // the flag exists: no error
		}
		help = "\n\nBody: multipart/form-data, a part per --form NAME=VALUE (text) or NAME=@FILE (a file, streamed)."
	case gen.KindJSON, gen.KindForm:
		usage := "a JSON file holding " + what + ", or - to read it from standard input (at most 1 MiB)"
		if body.Required {
			usage += " (required)"
		}
		fl.StringVar(file, "file", "", usage)
		_ = cmd.MarkFlagFilename("file", "json") // the flag exists: no error
		if body.Required {
			_ = cmd.MarkFlagRequired("file")
		}
		help = "\n\nBody: " + what + ", as JSON, from --file FILE, or --file - for standard input"
		if body.ContentType != "application/json" {
			help += " (sent as " + body.ContentType + ")"
		}
	default:
		usage := "the file whose bytes are the body (" + body.ContentType + "), or - for standard input; streamed"
		if body.Required {
			usage += " (required)"
		}
		fl.StringVar(file, "file", "", usage)
		_ = cmd.MarkFlagFilename("file") // the flag exists: no error
		if body.Required {
			_ = cmd.MarkFlagRequired("file")
		}
		fl.StringVar(contentType, "content-type", "", "the body's media type (default "+body.ContentType+")")
		help = "\n\nBody: the bytes of --file FILE (or - for standard input), as " + body.ContentType
	}
	if body.Kind != gen.KindMultipart {
		if !body.Required {
			help += " (optional)"
		}
		help += "."
	}
	if d := strings.TrimSpace(body.Description); d != "" {
		help += " " + d
	}
	return help
}

// requestBody makes the body the flags give, nil for none, and a function
// that closes the files it opened; a JSON body (the JSON kinds, and a
// form's) is returned as read too, for the local check.
func requestBody(stdin io.Reader, body *gen.RequestBody, file, contentType string, form []string) (*axa.RequestBody, []byte, func(), error) {
	none := func() {}
	if body == nil {
		return nil, nil, none, nil
	}
	switch body.Kind {
	case gen.KindMultipart:
		if len(form) == 0 {
			return nil, nil, none, nil
		}
		rb, closeAll, err := multipartFlags(form)
		return rb, nil, closeAll, err
	case gen.KindJSON, gen.KindForm:
		if file == "" {
			return nil, nil, none, nil
		}
		raw, err := readBody(stdin, file)
		if err != nil {
			return nil, nil, none, err
		}
		return &axa.RequestBody{ContentType: body.ContentType, Content: bytes.NewReader(raw)}, raw, none, nil
	}
	switch file {
	case "":
		return nil, nil, none, nil
	case "-":
		return &axa.RequestBody{ContentType: contentType, Content: stdin}, nil, none, nil
	}
	fh, err := os.Open(file)
	if err != nil {
		return nil, nil, none, usagef("--file: %w", err)
	}
	if fi, err := fh.Stat(); err != nil || !fi.Mode().IsRegular() {
		_ = fh.Close()
		return nil, nil, none, usagef("--file %s: not a regular file", file)
	}
	return &axa.RequestBody{ContentType: contentType, Content: fh}, nil, func() { _ = fh.Close() }, nil
}

// multipartFlags makes the multipart body of --form flags: NAME=VALUE
// fields, NAME=@FILE files (their media type from their extension).
func multipartFlags(form []string) (*axa.RequestBody, func(), error) {
	fields := map[string][]string{}
	files := map[string][]axa.FilePart{}
	var opened []*os.File
	closeAll := func() {
		for _, fh := range opened {
			_ = fh.Close()
		}
	}
	for _, kv := range form {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			closeAll()
			return nil, func() {}, usagef("--form %q: want NAME=VALUE or NAME=@FILE", kv)
		}
		path, isFile := strings.CutPrefix(value, "@")
		if !isFile {
			fields[name] = append(fields[name], value)
			continue
		}
		fh, err := os.Open(path)
		if err != nil {
			closeAll()
			return nil, func() {}, usagef("--form %s: %w", name, err)
		}
		opened = append(opened, fh)
		if fi, err := fh.Stat(); err != nil || !fi.Mode().IsRegular() {
			closeAll()
			return nil, func() {}, usagef("--form %s=@%s: not a regular file", name, path)
		}
		ct := mime.TypeByExtension(filepath.Ext(path))
		files[name] = append(files[name], axa.FilePart{Filename: filepath.Base(path), ContentType: ct, Content: fh})
	}
	return axa.MultipartBody(fields, files), closeAll, nil
}

// answersBinary reports whether the operation's first success is a binary
// answer.
func answersBinary(doc gen.OperationDoc) bool {
	return len(doc.Successes) > 0 && doc.Successes[0].Kind == gen.KindBinary
}

// answerHelp says what the command prints of the operation's answer.
func answerHelp(doc gen.OperationDoc) string {
	switch {
	case answersBinary(doc):
		return "Writes the answer (" + doc.Successes[0].ContentType + ") to --output FILE, or to the standard output when it is not a terminal."
	case len(doc.Successes) > 0 && doc.Successes[0].Kind == gen.KindNone && len(doc.Successes) == 1:
		return "The API answers without content: it prints nothing on success."
	}
	return "Prints the API's JSON answer (or writes it to --output FILE)."
}

// answerFile is a file name for an answer of media type ct, for examples.
func answerFile(ct string) string {
	if exts, _ := mime.ExtensionsByType(ct); len(exts) > 0 {
		return "answer" + exts[0]
	}
	return "answer.bin"
}

// deprecationReason is ": " and the spec's reason for deprecating the
// operation, or nothing.
func deprecationReason(doc gen.OperationDoc) string {
	if doc.DeprecatedReason == "" {
		return ""
	}
	return ": " + strings.TrimSuffix(doc.DeprecatedReason, ".")
}

// checkOutput refuses an --output that cannot be written, before anything
// is sent: a directory, or a file in a directory that does not exist.
func checkOutput(output string) error {
	if output == "" {
		return nil
	}
	if fi, err := os.Stat(output); err == nil && fi.IsDir() {
		return usagef("--output %s is a directory: name the file to write", output)
	}
	if fi, err := os.Stat(filepath.Dir(output)); err != nil || !fi.IsDir() {
		return usagef("--output %s: its directory does not exist", output)
	}
	return nil
}

// writeAnswer writes an answer: to output when given (whole or not at
// all, mode 0600, saying so on Err), else a JSON answer printed for a
// terminal, no content as nothing, any other bytes as they are, to an
// output that is not a terminal.
func (f *Factory) writeAnswer(s *axa.Stream, output string) error {
	if output != "" {
		n, err := atomicfile.WriteFrom(output, s, 0o600)
		if err != nil {
			return fmt.Errorf("writing the answer to %s: %w", output, err)
		}
		_, err = fmt.Fprintf(f.Err, "axa: wrote %s (%d bytes)\n", termtext.Line(output), n)
		return err
	}
	mt, _, _ := mime.ParseMediaType(s.ContentType)
	if mt == "application/json" || strings.HasSuffix(mt, "+json") {
		raw, err := io.ReadAll(io.LimitReader(s, maxJSONAnswer+1))
		if err != nil {
			return fmt.Errorf("reading the answer: %w", err)
		}
		if len(raw) > maxJSONAnswer {
			return errors.New("the answer is larger than 16 MiB: give --output FILE")
		}
		if len(bytes.TrimSpace(raw)) == 0 {
			return nil
		}
		return printRawJSON(f.Out, raw)
	}
	first := make([]byte, 1)
	n, err := io.ReadFull(s, first)
	if n == 0 {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil // no content
		}
		return fmt.Errorf("reading the answer: %w", err)
	}
	if f.outIsTerminal() {
		return usagef("the answer is %s, not for a terminal: give --output FILE, or redirect the standard output", s.ContentType)
	}
	if _, err := f.Out.Write(first); err != nil {
		return err
	}
	if _, err := io.Copy(f.Out, s); err != nil {
		return fmt.Errorf("writing the answer: %w", err)
	}
	return nil
}
