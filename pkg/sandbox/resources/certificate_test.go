package resources

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/testutil"
)

// certificatePolicy is a policy as the sandbox issues one.
func certificatePolicy() gen.Policy {
	camille := gen.Person{FirstName: "Camille", LastName: "Martin", BirthDate: birth("1985-04-12")}
	leo := gen.Person{FirstName: "Léo", LastName: "Martin", BirthDate: birth("2015-09-30")}
	return gen.Policy{
		ID:           uuid.MustParse("9d5b2c1e-4f3a-4b6d-8e7f-0a1b2c3d4e5f"),
		PolicyNumber: "AXA-TRV-0000004217",
		Status:       gen.PolicyStatusIssued,
		TripType:     gen.TripTypeSingleTrip, PlanCode: gen.PlanCodeComfort,
		DestinationCountries: []gen.CountryID{"jp", "kr"},
		StartDate:            birth("2026-12-20"), EndDate: birth("2027-01-05"),
		Premium: gen.Money{Amount: "97.80", Currency: "EUR"},
		PolicyHolder: gen.PolicyHolder{Person: camille, Email: "camille.martin@example.com",
			Address: gen.Address{StreetAddress: "6 rue André Gide", PostalCode: "92320", Locality: "Châtillon", Country: "fr"}},
		Travellers: []gen.Person{camille, leo},
		IssuedAt:   time.Date(2026, 11, 25, 10, 5, 0, 0, time.UTC),
	}
}

// The certificate is a one-page PDF a reader opens, naming the policy, its
// holder and travellers, the trip and the plan.
func TestCertificateIsAPDFNamingThePolicy(t *testing.T) {
	p := certificatePolicy()
	b := CertificatePDF(p)
	if !bytes.Equal(b, CertificatePDF(p)) {
		t.Error("the same policy gave two certificates")
	}
	doc := testutil.ReadPDF(t, b)
	text := strings.Join(strings.Fields(doc.Text), " ")
	for _, want := range []string{
		"Travel insurance certificate", "AXA-TRV-0000004217", "9d5b2c1e-4f3a-4b6d-8e7f-0a1b2c3d4e5f", "Issued, in force",
		"Camille Martin, born 1985-04-12", "6 rue André Gide, 92320 Châtillon, FR", "camille.martin@example.com",
		"Single trip", "from 2026-12-20 to 2027-01-05", "JP, KR", "comfort", "97.80 EUR",
		"1. Camille Martin, born 1985-04-12", "2. Léo Martin, born 2015-09-30", "not an insurance contract",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the certificate's text lacks %q:\n%s", want, doc.Text)
		}
	}
	if doc.Info["Pages"] != "1" || doc.Info["Title"] != "Travel insurance certificate AXA-TRV-0000004217" || doc.Info["CreationDate"] == "" {
		t.Errorf("pdfinfo: %v", doc.Info)
	}

	at := time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)
	p.Status, p.CancelledAt, p.Refund = gen.PolicyStatusCancelled, &at, &gen.Money{Amount: "97.80", Currency: "EUR"}
	text = strings.Join(strings.Fields(testutil.ReadPDF(t, CertificatePDF(p)).Text), " ")
	if !strings.Contains(text, "Cancelled on 2026-11-28 09:30 UTC; refund 97.80 EUR") || strings.Contains(text, "in force") {
		t.Errorf("a cancelled policy's certificate:\n%s", text)
	}
}

// Whatever the holder wrote (an address of thousands of characters, nine
// travellers of the longest names, control characters), the certificate
// stays one page that a reader opens.
func TestCertificateOfHugeFieldsStaysOnePage(t *testing.T) {
	p := certificatePolicy()
	long := strings.Repeat("Wölfeschlegelsteinhausenbergerdorff ", 300)
	p.PolicyHolder.Address.StreetAddress = long + "\x1b[31m\r\n"
	p.PolicyHolder.Address.Locality = long
	name := strings.Repeat("N", 100)
	p.Travellers = nil
	for range 9 {
		p.Travellers = append(p.Travellers, gen.Person{FirstName: name, LastName: name, BirthDate: birth("1990-01-01")})
	}
	p.PolicyHolder.Person = p.Travellers[0]
	doc := testutil.ReadPDF(t, CertificatePDF(p))
	if doc.Info["Pages"] != "1" {
		t.Errorf("Pages = %q", doc.Info["Pages"])
	}
	if !strings.Contains(doc.Text, "AXA-TRV-0000004217") || strings.Contains(doc.Text, "\x1b") {
		t.Errorf("text:\n%s", doc.Text)
	}
}
