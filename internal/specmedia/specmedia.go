// Package specmedia is what the sandbox, its request validation, the answer
// checker and the conformance run share about the media types of the
// spec's bodies: the kind of body each is (JSON, multipart, form, bytes),
// the kin-openapi body decoders the spec's binary types need, and a small
// valid document of a type when the spec gives no example of it.
package specmedia

import (
	"strings"

	"github.com/axa-assistance-go/axa/gen"
)

// Base returns a media type without its parameters, lower-cased:
// "Application/PDF; q=1" is "application/pdf".
func Base(mediaType string) string {
	mt, _, _ := strings.Cut(mediaType, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// IsJSON reports whether a media type is JSON: application/json or a +json
// type (RFC 6839), parameters and case ignored.
func IsJSON(mediaType string) bool {
	mt := Base(mediaType)
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// Kind says what kind of body a media type is, as gen.OperationDoc says it:
// gen.KindJSON, gen.KindMultipart (multipart/form-data), gen.KindForm
// (application/x-www-form-urlencoded), else gen.KindBinary (bytes). An
// empty media type is gen.KindNone.
func Kind(mediaType string) string {
	switch mt := Base(mediaType); {
	case mt == "":
		return gen.KindNone
	case IsJSON(mt):
		return gen.KindJSON
	case mt == "multipart/form-data":
		return gen.KindMultipart
	case mt == "application/x-www-form-urlencoded":
		return gen.KindForm
	}
	return gen.KindBinary
}
