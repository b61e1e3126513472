package sandbox

import (
	"context"
	"net/http"

	"github.com/axa-assistance-go/axa/gen/server"
)

// RequestQuote is a stub (TODO: implement).
func (r *resources) RequestQuote(_ context.Context, _ server.RequestQuoteRequestObject) (server.RequestQuoteResponseObject, error) {
	return nil, errorf(http.StatusNotImplemented, "not_implemented", "RequestQuote is not implemented yet")
}

// CreatePolicy is a stub (TODO: implement).
func (r *resources) CreatePolicy(_ context.Context, _ server.CreatePolicyRequestObject) (server.CreatePolicyResponseObject, error) {
	return nil, errorf(http.StatusNotImplemented, "not_implemented", "CreatePolicy is not implemented yet")
}

// GetPolicy is a stub (TODO: implement).
func (r *resources) GetPolicy(_ context.Context, _ server.GetPolicyRequestObject) (server.GetPolicyResponseObject, error) {
	return nil, errorf(http.StatusNotImplemented, "not_implemented", "GetPolicy is not implemented yet")
}
