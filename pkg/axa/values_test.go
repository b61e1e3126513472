package axa_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/axa-assistance-go/axa/pkg/axa"
)

// A request's dates and ids are made without digging (issue 21): NewDate,
// DateOf and ParseUUID encode as the API's dates and ids.
func TestDatesAndIDsWithoutASecondImport(t *testing.T) {
	d := axa.NewDate(2027, time.March, 1)
	if b, err := json.Marshal(d); err != nil || string(b) != `"2027-03-01"` {
		t.Errorf("NewDate(2027, March, 1) encodes as %s, %v", b, err)
	}
	if got := axa.NewDate(2027, 4, 31); got.String() != "2027-05-01" {
		t.Errorf("NewDate(2027, 4, 31) = %s, want 2027-05-01 (normalised)", got)
	}
	late := time.Date(2027, 3, 1, 23, 30, 0, 0, time.FixedZone("UTC-5", -5*3600))
	if got := axa.DateOf(late); got.String() != "2027-03-01" {
		t.Errorf("DateOf(%v) = %v, want 2027-03-01 (the date in t's location)", late, got)
	}
	const id = "9d5b2c1e-4f3a-4b6d-8e7f-0a1b2c3d4e5f"
	u, err := axa.ParseUUID(id)
	if err != nil || u.String() != id || u != uuid.MustParse(id) {
		t.Errorf("ParseUUID(%q) = %v, %v", id, u, err)
	}
	if _, err := axa.ParseUUID("AXA-TRV-0000000001"); err == nil || !strings.Contains(err.Error(), `"AXA-TRV-0000000001" is not a UUID`) || errors.Unwrap(err) == nil {
		t.Errorf("ParseUUID of a policy number: %v, want an error naming it, wrapping uuid's", err)
	}
}
