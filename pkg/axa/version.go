package axa

import (
	"runtime"
	"strings"

	"github.com/axa-assistance-go/axa/gen"
)

// SDKVersion is the version of this SDK.
const SDKVersion = "0.1.0"

// SpecVersion is the version of the OpenAPI document the SDK was generated
// from (its info.version).
const SpecVersion = gen.SpecVersion

// userAgent names the SDK, its version and the Go version, then the caller's
// suffix if any.
func userAgent(suffix string) string {
	ua := "axa-go/" + SDKVersion + " (spec " + SpecVersion + "; " + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"
	if s := strings.TrimSpace(suffix); s != "" {
		ua += " " + s
	}
	return ua
}
