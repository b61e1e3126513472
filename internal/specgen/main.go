// Command specgen writes what the SDK, the sandbox and the command line know
// of the API's operations, from the OpenAPI document: the Go table of the
// OAuth2 scopes each operation needs (-emit scopes), the operations'
// parameters, bodies, examples, endpoints and path matcher (-emit
// operations), and a text file of every operation's scopes for review
// (-emit scopes-golden), the SDK's per-operation methods (-emit sdk) and
// the sandbox's example answers for operations without a handler (-emit
// sandbox-fallback).
//
// oapi-codegen's client knows nothing of security requirements, so this small
// generator, run by `go generate` next to it, reads the same document with
// kin-openapi and writes: the scopes as constants, the operation ids as
// constants, and for every operation its method, path and security
// requirements, keeping their logic (any one requirement of the list will do;
// within one, every scheme and every scope is needed). The generated file
// imports nothing, so the SDK that uses it does not pull in kin-openapi.
//
// Usage:
//
//	go run ./internal/specgen -spec api/openapi.yaml -package gen -o gen/scopes.gen.go
//	go run ./internal/specgen -spec api/openapi.yaml -package gen -emit operations -o gen/operations.gen.go
//	go run ./internal/specgen -spec api/openapi.yaml -emit scopes-golden -o gen/scopes.golden
//	go run ./internal/specgen -spec api/openapi.yaml -package axa -emit sdk -gen gen -o pkg/axa/operations.gen.go
//	go run ./internal/specgen -spec api/openapi.yaml -package resources -emit sandbox-fallback -gen gen/server -o pkg/sandbox/resources/fallback.gen.go
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/axa-assistance-go/axa/internal/atomicfile"
)

func main() {
	spec := flag.String("spec", "api/openapi.yaml", "the OpenAPI document to read")
	pkg := flag.String("package", "gen", "the Go package of the generated file")
	out := flag.String("o", "", "the file to write (standard output when empty)")
	emit := flag.String("emit", "scopes", "what to write: scopes, operations, scopes-golden, sdk or sandbox-fallback")
	genDir := flag.String("gen", "gen", "for -emit sdk: the directory of oapi-codegen's client.gen.go and types.gen.go; for -emit sandbox-fallback, of its server.gen.go")
	flag.Parse()
	if err := runEmit(*spec, *pkg, *emit, *genDir, *out); err != nil {
		fmt.Fprintln(os.Stderr, "specgen:", err)
		os.Exit(1)
	}
}

func run(specPath, pkg, out string) error { return runEmit(specPath, pkg, "scopes", "", out) }

func runEmit(specPath, pkg, emit, genDir, out string) error {
	doc, err := loadSpec(specPath)
	if err != nil {
		return err
	}
	table, err := buildTable(doc)
	if err != nil {
		return fmt.Errorf("%s: %w", specPath, err)
	}
	var src []byte
	switch emit {
	case "scopes":
		src, err = render(pkg, table)
	case "operations":
		src, err = renderOperations(pkg, table)
	case "scopes-golden":
		src = renderScopesGolden(table)
	case "sdk":
		src, err = renderSDK(pkg, table, genDir)
	case "sandbox-fallback":
		src, err = renderFallback(pkg, doc, table, genDir)
	default:
		err = fmt.Errorf("-emit %q: want scopes, operations, scopes-golden, sdk or sandbox-fallback", emit)
	}
	if err != nil {
		return err
	}
	if out == "" {
		_, err = os.Stdout.Write(src)
		return err
	}
	return atomicfile.Write(out, src, 0o644)
}
