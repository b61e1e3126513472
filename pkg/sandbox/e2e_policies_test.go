package sandbox_test

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/axa"
)

// policyLife calls the operations of a policy's life after purchase
// through their typed SDK methods, on the policy id, and checks what they
// mean: the policy in the list (ListPolicies and its iterator), its
// certificate (a PDF, streamed), its cancellation (then a second one
// refused). It returns the operations it called.
func policyLife(t *testing.T, c *axa.Client, id axa.UUID) []gen.OperationID {
	t.Helper()
	ctx := t.Context()
	page, err := c.ListPolicies(ctx, nil)
	if err != nil || len(page.Items) == 0 || page.Items[0].ID != id {
		t.Errorf("ListPolicies = %v, %v; want the policy first", page, err)
	}
	var all []axa.UUID
	for p, err := range c.ListPoliciesAll(ctx, nil) {
		if err != nil {
			t.Errorf("ListPoliciesAll: %v", err)
			break
		}
		all = append(all, p.ID)
	}
	if !slices.Contains(all, id) {
		t.Errorf("ListPoliciesAll = %v, want the policy", all)
	}

	s, err := c.GetPolicyCertificate(ctx, id)
	if err != nil {
		t.Errorf("GetPolicyCertificate: %v", err)
	} else {
		b, err := io.ReadAll(s)
		_ = s.Close()
		if err != nil || s.ContentType != "application/pdf" || !strings.HasPrefix(string(b), "%PDF-1.4") {
			t.Errorf("GetPolicyCertificate: %s, %d bytes, %v; want a PDF", s.ContentType, len(b), err)
		}
	}

	cancelled, err := c.CancelPolicy(ctx, id, nil)
	if err != nil || cancelled.Status != axa.PolicyStatusCancelled || cancelled.Refund == nil || cancelled.CancelledAt == nil {
		t.Errorf("CancelPolicy = %+v, %v; want the policy cancelled with its refund", cancelled, err)
	}
	if _, err := c.CancelPolicy(ctx, id, nil); !errors.Is(err, axa.ErrConflict) {
		t.Errorf("CancelPolicy again: %v, want ErrConflict", err)
	}
	return []gen.OperationID{gen.OperationListPolicies, gen.OperationGetPolicyCertificate, gen.OperationCancelPolicy}
}
