package specmedia

import (
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// RegisterDecoders makes kin-openapi able to read every body of the
// operations, requests and answers: a media type of theirs that kin-openapi
// has no body decoder for (application/pdf, image/png, text/html, ...) and
// that is not JSON gets openapi3filter.FileBodyDecoder, which reads the
// bytes as one string, so that a schema of type string (format binary or
// not) validates them. Without it kin-openapi refuses any such body as of an
// unsupported content type, unless its schema says format binary.
//
// kin-openapi's registry of decoders is global to the process. This
// registers only where it has none, never replaces one, and registers the
// same decoder whoever calls it, so that calling it again, or from several
// goroutines, changes nothing more: it needs no state of its own. A media
// range (image/*) names no type to register; a binary schema under it is
// read as bytes by kin-openapi itself.
func RegisterDecoders(ops ...*openapi3.Operation) {
	for _, op := range ops {
		for _, mt := range mediaTypes(op) {
			if IsJSON(mt) || strings.Contains(mt, "*") || openapi3filter.RegisteredBodyDecoder(mt) != nil {
				continue
			}
			openapi3filter.RegisterBodyDecoder(mt, openapi3filter.FileBodyDecoder)
		}
	}
}

// RegisterDocDecoders is RegisterDecoders for every operation of doc.
func RegisterDocDecoders(doc *openapi3.T) {
	if doc == nil || doc.Paths == nil {
		return
	}
	for _, item := range doc.Paths.Map() {
		RegisterDecoders(slices.Collect(maps.Values(item.Operations()))...)
	}
}

// mediaTypes lists the base media types of op's request body and answers.
func mediaTypes(op *openapi3.Operation) []string {
	if op == nil {
		return nil
	}
	var out []string
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		out = appendTypes(out, op.RequestBody.Value.Content)
	}
	if op.Responses != nil {
		for _, ref := range op.Responses.Map() {
			if ref == nil || ref.Value == nil {
				continue
			}
			out = appendTypes(out, ref.Value.Content)
		}
	}
	return out
}

// appendTypes appends the base media types content lists: a key may list
// several, separated by commas.
func appendTypes(out []string, content openapi3.Content) []string {
	for key := range content {
		for mt := range strings.SplitSeq(key, ",") {
			if mt = Base(mt); mt != "" {
				out = append(out, mt)
			}
		}
	}
	return out
}
