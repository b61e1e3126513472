package conformance

// Outcome is what became of one check.
type Outcome string

// The outcomes of a check.
const (
	// Pass: the server answered as the spec says.
	Pass Outcome = "pass"
	// Fail: the server's answer breaks the spec; Result.Pointer,
	// Result.Expected and Result.Got say where and how.
	Fail Outcome = "fail"
	// Skip: the check was not run (a write against a remote server without
	// Config.AllowWrites, an operation without security for the security
	// checks, an input the run could not build); Result.Message says why.
	Skip Outcome = "skip"
)

// Report is the result of a conformance run: every operation of the spec,
// in the spec's order of operationIds.
type Report struct {
	// BaseURL is the server that was checked.
	BaseURL string `json:"base_url"`
	// SpecVersion is the info.version of the spec checked against.
	SpecVersion string `json:"spec_version"`
	// Operations are the results, one per operation of the spec.
	Operations []OperationResult `json:"operations"`
}

// OperationResult is every check of one operation.
type OperationResult struct {
	// ID is the operationId; Method and Path the spec's method and path
	// template.
	ID     string `json:"operation_id"`
	Method string `json:"method"`
	Path   string `json:"path"`
	// Checks are the checks run on it, in the order they ran.
	Checks []Result `json:"checks"`
}

// Result is one check of one operation.
type Result struct {
	// Name says what was checked, for example "response", "no token",
	// "scope urn:…alerts.read_only", "tampered token", "idempotent replay",
	// "key reused with another body".
	Name string `json:"name"`
	// Outcome is pass, fail or skip.
	Outcome Outcome `json:"outcome"`
	// Status is the HTTP status the server answered; 0 when no answer
	// came.
	Status int `json:"status,omitempty"`
	// Pointer is where the answer breaks the spec: a JSON pointer into
	// the body ("/premium/amount"), or "header/Name", or "status".
	Pointer string `json:"pointer,omitempty"`
	// Expected is what the spec asks for there; Got what came.
	Expected string `json:"expected,omitempty"`
	Got      string `json:"got,omitempty"`
	// Message explains a failure or a skip in a sentence.
	Message string `json:"message,omitempty"`
}

// Failed returns how many checks of the report failed.
func (r *Report) Failed() int {
	n := 0
	for _, op := range r.Operations {
		n += op.Failed()
	}
	return n
}

// Failed returns how many checks of the operation failed.
func (o *OperationResult) Failed() int {
	n := 0
	for _, c := range o.Checks {
		if c.Outcome == Fail {
			n++
		}
	}
	return n
}
