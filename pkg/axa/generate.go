package axa

//axa:generate go run ../../internal/aliasgen -import github.com/axa-assistance-go/axa/gen -package axa -rename Error=ErrorBody -client ../../gen/client.gen.go -o models.gen.go ../../gen/types.gen.go
//axa:generate go run ../../internal/specgen -spec ../../api/openapi.yaml -package axa -emit sdk -gen ../../gen -o operations.gen.go
