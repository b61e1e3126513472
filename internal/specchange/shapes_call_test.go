package specchange

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// shapesCall is the SDK user's program for the shapes (shapes_test.go), in
// the copy: each typed method against a sandbox whose every answer axatest
// checks against the copy's spec. Each check fails without the capability
// it proves (a method of that signature, an answer of that kind).
const shapesCall = `package proof

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/axa-assistance-go/axa/pkg/axa"
	"github.com/axa-assistance-go/axa/pkg/axatest"
)

func TestEveryShapeThroughTheSDK(t *testing.T) {
	env := axatest.New(t)
	c := env.NewClient(axa.WithClientCredentials("sandbox-client", "sandbox-secret"))
	ctx := t.Context()
	id := uuid.MustParse("4a1e2b3c-5d6f-4a7b-8c9d-0e1f2a3b4c5d")

	// 1. No content: the method returns only an error.
	var err error = c.WithdrawClaim(ctx, id)
	if err != nil {
		t.Errorf("WithdrawClaim: %v", err)
	}

	// 2. A binary answer: a Stream of its media type.
	var s *axa.Stream
	s, err = c.GetClaimReceipt(ctx, id)
	if err != nil {
		t.Fatalf("GetClaimReceipt: %v", err)
	}
	pdf, err := io.ReadAll(s)
	_ = s.Close()
	if err != nil || s.ContentType != "application/pdf" || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Errorf("GetClaimReceipt: %q %q %v", s.ContentType, pdf[:min(len(pdf), 8)], err)
	}

	// 3. A merge patch body and a header parameter; 4. PUT with a body
	// answered without content.
	amount := 99.5
	channel := axa.UpdateClaimParamsXClaimChannelWeb
	details, err := c.UpdateClaim(ctx, id, axa.ClaimDetails{Amount: &amount}, &axa.UpdateClaimParams{XClaimChannel: &channel})
	if err != nil || details == nil {
		t.Errorf("UpdateClaim: %v", err)
	}
	if err := c.ReplaceClaimDetails(ctx, id, axa.ClaimDetails{Amount: &amount}); err != nil {
		t.Errorf("ReplaceClaimDetails: %v", err)
	}

	// 5. A multipart body with a file part, streamed from a reader.
	doc, err := c.UploadClaimDocument(ctx, id, axa.UploadClaimDocumentForm{
		File: axa.FilePart{Filename: "receipt.pdf", ContentType: "application/pdf", Content: bytes.NewReader(pdf)},
		Kind: axa.UploadClaimDocumentMultipartBodyKindReceipt,
	}, &axa.UploadClaimDocumentParams{IdempotencyKey: "upload-1"})
	if err != nil || doc == nil || doc.Kind == "" {
		t.Errorf("UploadClaimDocument: %+v %v", doc, err)
	}

	// 6. Raw bytes from an io.Reader.
	if err := c.PutClaimPhoto(ctx, id, bytes.NewReader([]byte("\x89PNG\r\n\x1a\n"))); err != nil {
		t.Errorf("PutClaimPhoto: %v", err)
	}

	// 7. A oneOf with a discriminator: typed access to its variant.
	st, err := c.GetClaimSettlement(ctx, id)
	if err != nil {
		t.Fatalf("GetClaimSettlement: %v", err)
	}
	method, err := st.Discriminator()
	transfer, terr := st.AsBankTransfer()
	if err != nil || terr != nil || method != "transfer" || transfer.IBAN == "" {
		t.Errorf("the settlement's variant: %q %+v %v %v", method, transfer, err, terr)
	}

	// 8. A deprecated operation still works (its doc says Deprecated:).
	if _, err := c.GetClaimState(ctx, id, nil); err != nil {
		t.Errorf("GetClaimState: %v", err)
	}

	// 9. Two success codes: the sandbox answers the one asked for, the
	// method tells which came.
	var r axa.Response
	state, err := c.RequestClaimReview(ctx, id, nil, axa.WithHeader("Prefer", "code=202"), axa.WithResponseInto(&r))
	if err != nil || state == nil || r.StatusCode != http.StatusAccepted {
		t.Errorf("RequestClaimReview: %+v, status %d, %v", state, r.StatusCode, err)
	}

	// 10. A cursor-paginated list: the iterator, and a date-time and an
	// integer-array query parameter.
	since := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	codes := []int{1, 2}
	n := 0
	for ev, err := range c.ListClaimEventsAll(ctx, &axa.ListClaimEventsParams{Since: &since, Codes: &codes}) {
		if err != nil {
			t.Fatalf("ListClaimEventsAll: %v", err)
		}
		if ev.Code == 0 {
			t.Errorf("an event without a code: %+v", ev)
		}
		n++
	}
	if n == 0 {
		t.Error("ListClaimEventsAll yielded nothing")
	}

	// Not found is an error of the no-content method too.
	var ae *axa.Error
	if err := c.WithdrawClaim(ctx, id, axa.WithHeader("Prefer", "code=404")); err != nil && !errors.As(err, &ae) {
		t.Errorf("WithdrawClaim's error: %v", err)
	}
}
`

// checkShapesOutsideTheSDK checks, in the copy, what the shapes give
// besides the SDK's methods: the Deprecated: paragraph go doc shows, and
// axa api for each kind of body and answer.
func checkShapesOutsideTheSDK(t *testing.T, dst string, axa func(...string) string, run func(...string) (string, string, error)) {
	t.Helper()
	sdk, err := os.ReadFile(filepath.Join(dst, "pkg", "axa", "operations.gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?s)// Deprecated: the API deprecates this operation\.\nfunc \(c \*Client\) GetClaimState\(`).Match(sdk) {
		t.Error("GetClaimState's doc has no Deprecated: paragraph")
	}
	const claim = "4a1e2b3c-5d6f-4a7b-8c9d-0e1f2a3b4c5d"
	dir := t.TempDir()

	// A binary answer to --output, and to a standard output that is a pipe.
	pdf := filepath.Join(dir, "receipt.pdf")
	axa("api", "getClaimReceipt", "--claim_id", claim, "--output", pdf)
	if b, err := os.ReadFile(pdf); err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Errorf("axa api getClaimReceipt --output: %q %v", b[:min(len(b), 8)], err)
	}
	if out := axa("api", "getClaimReceipt", "--claim_id", claim); !strings.HasPrefix(out, "%PDF-") {
		t.Errorf("axa api getClaimReceipt to a pipe: %q", out[:min(len(out), 8)])
	}
	// No content: nothing printed.
	if out := axa("api", "withdrawClaim", "--claim_id", claim); out != "" {
		t.Errorf("axa api withdrawClaim printed %q", out)
	}
	// A multipart body from --form, raw bytes from --file, a merge patch.
	if out := axa("api", "uploadClaimDocument", "--claim_id", claim, "--form", "kind=receipt", "--form", "file=@"+pdf); !strings.Contains(out, `"kind": "receipt"`) {
		t.Errorf("axa api uploadClaimDocument: %s", out)
	}
	if out := axa("api", "putClaimPhoto", "--claim_id", claim, "--file", pdf); out != "" {
		t.Errorf("axa api putClaimPhoto printed %q", out)
	}
	patch := filepath.Join(dir, "patch.json")
	if err := os.WriteFile(patch, []byte(`{"amount": 12.5}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := axa("api", "updateClaim", "--claim_id", claim, "--file", patch, "--x-claim-channel", "web"); !strings.Contains(out, "amount") {
		t.Errorf("axa api updateClaim: %s", out)
	}
	// A deprecated operation: marked in the help, a warning when called.
	if out := axa("api", "getClaimState", "--help"); !strings.Contains(out, "Deprecated: the API deprecates this operation") {
		t.Errorf("axa api getClaimState --help: %s", out)
	}
	if _, stderr, err := run("api", "getClaimState", "--claim_id", claim); err != nil || !strings.Contains(stderr, "deprecates getClaimState") {
		t.Errorf("axa api getClaimState: %v, stderr %q", err, stderr)
	}
	// A page of a paginated list, with a date-time and an integer array.
	if out := axa("api", "listClaimEvents", "--since", "2026-12-01T00:00:00Z", "--codes", "1", "--codes", "2"); !strings.Contains(out, `"items"`) {
		t.Errorf("axa api listClaimEvents: %s", out)
	}
}
