// Package gen is the Go code generated from api/openapi.yaml: the models
// (types.gen.go), the HTTP client (client.gen.go) and the table of the OAuth2
// scopes each operation needs (scopes.gen.go). The authorization server's
// operations (tag oauth) are in the table, marked AuthorizationServer, but
// not in the client nor the models: the SDK reaches them through
// golang.org/x/oauth2.
//
// Nothing in this package is written by hand except this file. Change
// api/openapi.yaml and run `go generate ./...` (or `make generate`); a contract
// test in api/ fails when the committed files differ from what the spec
// generates. Importers should use github.com/axa-assistance-go/axa/pkg/axa,
// which wraps this package; it stays importable for callers who need the raw
// generated client.
//
// This file holds the module's one go:generate directive: internal/genall
// runs every generation step (the //axa:generate lines below and in
// gen/server, pkg/axa and pkg/sandbox/resources) into a staging directory,
// and writes the files only when every step succeeded, so a generator that
// refuses the spec changes no file.
package gen

//go:generate go run ../internal/genall

//axa:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config types.cfg.yaml -o types.gen.go ../api/openapi.yaml
//axa:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config client.cfg.yaml -o client.gen.go ../api/openapi.yaml
//axa:generate go run ../internal/specgen -spec ../api/openapi.yaml -package gen -o scopes.gen.go
//axa:generate go run ../internal/specgen -spec ../api/openapi.yaml -package gen -emit operations -o operations.gen.go
//axa:generate go run ../internal/specgen -spec ../api/openapi.yaml -emit scopes-golden -o scopes.golden
