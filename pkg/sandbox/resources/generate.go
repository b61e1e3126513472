package resources

//axa:generate go run ../../../internal/specgen -spec ../../../api/openapi.yaml -package resources -emit sandbox-fallback -gen ../../../gen/server -o fallback.gen.go
