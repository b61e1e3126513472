// Command scopegen writes the Go table of the OAuth2 scopes each operation of
// an OpenAPI document needs.
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
//	go run ./internal/scopegen -spec api/openapi.yaml -package gen -o gen/scopes.gen.go
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	spec := flag.String("spec", "api/openapi.yaml", "the OpenAPI document to read")
	pkg := flag.String("package", "gen", "the Go package of the generated file")
	out := flag.String("o", "", "the file to write (standard output when empty)")
	flag.Parse()
	if err := run(*spec, *pkg, *out); err != nil {
		fmt.Fprintln(os.Stderr, "scopegen:", err)
		os.Exit(1)
	}
}

func run(specPath, pkg, out string) error {
	doc, err := loadSpec(specPath)
	if err != nil {
		return err
	}
	table, err := buildTable(doc)
	if err != nil {
		return fmt.Errorf("%s: %w", specPath, err)
	}
	src, err := render(pkg, table)
	if err != nil {
		return err
	}
	if out == "" {
		_, err = os.Stdout.Write(src)
		return err
	}
	return writeFileAtomic(out, src)
}
