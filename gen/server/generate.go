// Package server is the std-http strict server interface generated from
// api/openapi.yaml, for the sandbox (pkg/sandbox) to implement.
//
// It uses the models of package gen (dot-imported by the generated file), so
// no model type is generated twice. The authorization server's operations
// (tag oauth) are left out (exclude-tags): pkg/sandbox/oauth serves them. Nothing here is written by hand except
// this file; run `go generate ./...` after changing the spec (its step runs
// with the others', all or nothing: see gen/generate.go).
package server

//axa:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config server.cfg.yaml -o server.gen.go ../../api/openapi.yaml
