//go:build tools

// Package tools pins the code generators that `go generate ./...` runs, so
// that go.mod records their versions and nothing needs to be installed first.
// The build tag keeps this file out of every build.
package tools

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
)
