package axatest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/axa-assistance-go/axa/pkg/axatest"
)

// CheckResponse checks one answer of a server of your own against the spec;
// a nil router routes with the API's spec. A failure says which operation,
// where, what the spec expects and what came.
func ExampleCheckResponse() {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://127.0.0.1:8080/travel/v1/countries", nil)
	if err != nil {
		panic(err)
	}
	header := http.Header{"Content-Type": {"application/json"}}

	fmt.Println(axatest.CheckResponse(nil, req, http.StatusOK, header, []byte(`[{"id":"fr","label":"France"}]`)))

	err = axatest.CheckResponse(nil, req, http.StatusOK, header, []byte(`[{"id":"FRA","label":"France"}]`))
	fmt.Println(err)

	err = axatest.CheckResponse(nil, req, http.StatusTeapot, header, []byte(`{}`))
	var serr *axatest.SpecError
	if errors.As(err, &serr) {
		f := serr.Failures[0]
		fmt.Printf("%s: %s, got %s\n", serr.Operation, f.Pointer, f.Got)
	}
	// Output:
	// <nil>
	// /0/id: string doesn't match the regular expression "^[a-z]{2}$"; expected pattern ^[a-z]{2}$, got "FRA"
	// listCountries: status, got 418
}
