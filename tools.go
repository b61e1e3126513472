//go:build tools

// Package tools is where the project says how its code generators are
// pinned: by the tool directive of go.mod (Go 1.24+), not by an import here.
//
//	tool github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen
//
// go.mod requires the generator's module at the pinned version and go.sum
// holds its checksums, so `go generate ./...` (whose directives run `go run
// github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen`) and `go tool
// oapi-codegen` build it from the module cache, with nothing installed
// first. To move to another version: `go get -tool
// github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@VERSION`.
//
// This file imports nothing on purpose. `go get` loads a package's imports
// under every build tag (only "ignore" excludes a file), so a blank import
// of the generator here, as the old tools.go idiom has it, made `go get
// github.com/axa-assistance-go/axa` add 16 modules, the generator and
// what it needs, to the importer's go.mod. A tool directive is not followed
// into an importer's module. TestImportersGoModListsOnlyWhatTheSDKNeeds
// (api/lean_test.go) keeps it so.
package tools
