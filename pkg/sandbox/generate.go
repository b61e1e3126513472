package sandbox

//go:generate go run ../../internal/specgen -spec ../../api/openapi.yaml -package sandbox -emit sandbox-fallback -gen ../../gen/server -o fallback.gen.go
