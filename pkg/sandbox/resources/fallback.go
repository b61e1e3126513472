package resources

import (
	"net/http"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/apierr"
)

// writeExample writes the spec's example of an operation's success answer
// (fallback.gen.go calls it for an operation that has no handler yet). An
// operation whose spec gives no example answers 501: the sandbox cannot
// make up data the spec does not show.
func writeExample(w http.ResponseWriter, id gen.OperationID) error {
	status, body, ok := gen.ExampleResponse(id)
	if !ok {
		apierr.WriteJSON(w, http.StatusNotImplemented, apierr.Body{StatusCode: http.StatusNotImplemented, Error: "not_implemented",
			Description: "The sandbox has no handler for " + string(id) + " and the spec gives no example of its answer."})
		return nil
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, err := w.Write(body)
	return err
}
