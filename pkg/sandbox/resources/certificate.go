package resources

import (
	"fmt"
	"strings"
	"time"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/pdf"
)

// maxCertificateValue bounds, in runes, each value the certificate
// prints: the spec bounds names, not addresses, and a certificate is one
// page.
const maxCertificateValue = 200

// CertificatePDF returns the insurance certificate of a policy, as the
// sandbox serves it at the URL of the policy's certificate document: a
// one-page PDF 1.4 (package pdf) naming the policy number, its status, the
// policy holder, the travellers, the trip's dates and countries, the plan
// and the premium, and saying that it comes from the sandbox, for tests.
// The same policy gives the same bytes.
func CertificatePDF(p gen.Policy) []byte {
	page := pdf.NewPage()
	page.Title = "Travel insurance certificate " + p.PolicyNumber
	page.Author = "AXA Assistance sandbox"
	page.Subject = "Policy " + p.PolicyNumber + " of " + personName(p.PolicyHolder.Person)
	page.Created = p.IssuedAt

	page.Line(pdf.HelveticaBold, 20, 0, "AXA Assistance")
	page.Line(pdf.HelveticaBold, 14, 0, "Travel insurance certificate")
	page.Space(4)
	page.Rule()

	const size, column = 10.5, 130.0
	field := func(label, value string) { page.Field(size, column, label, capRunes(value)) }
	field("Policy number", p.PolicyNumber)
	field("Policy id", p.ID.String())
	status := "Issued, in force"
	if p.Status == gen.PolicyStatusCancelled {
		status = "Cancelled"
		if p.CancelledAt != nil {
			status += " on " + p.CancelledAt.UTC().Format("2006-01-02 15:04 UTC")
		}
		if p.Refund != nil {
			status += fmt.Sprintf("; refund %s", money(*p.Refund))
		}
		status += ". This certificate no longer proves cover."
	}
	field("Status", status)
	field("Issued", p.IssuedAt.UTC().Format("2006-01-02 15:04 UTC"))
	page.Space(6)

	h := p.PolicyHolder
	field("Policy holder", personName(h.Person)+", born "+h.Person.BirthDate.Format(time.DateOnly))
	a := h.Address
	address := []string{a.StreetAddress, strings.TrimSpace(a.PostalCode + " " + a.Locality)}
	for _, part := range []*string{a.Subdivision, a.State} {
		if part != nil && *part != "" {
			address = append(address, *part)
		}
	}
	field("Address", strings.Join(append(address, strings.ToUpper(a.Country)), ", "))
	field("E-mail", string(h.Email))
	page.Space(6)

	trip := "Single trip"
	if p.TripType == gen.TripTypeAnnualMultiTrip {
		trip = "Annual multi-trip cover"
	}
	field("Cover", trip)
	field("Dates", "from "+p.StartDate.Format(time.DateOnly)+" to "+p.EndDate.Format(time.DateOnly)+" inclusive")
	countries := make([]string, 0, len(p.DestinationCountries))
	for _, c := range p.DestinationCountries {
		countries = append(countries, strings.ToUpper(c))
	}
	field("Destinations", strings.Join(countries, ", "))
	field("Plan", string(p.PlanCode))
	field("Premium", money(p.Premium))
	page.Space(6)

	for i, t := range p.Travellers {
		label := ""
		if i == 0 {
			label = "Travellers"
		}
		field(label, fmt.Sprintf("%d. %s, born %s", i+1, personName(t), t.BirthDate.Format(time.DateOnly)))
	}
	page.Space(10)
	page.Rule()
	page.Line(pdf.Helvetica, 8.5, 0, "Issued by the AXA Assistance API sandbox, for tests: this document is not an insurance contract and covers no one.")
	return page.Bytes()
}

// personName is a person's first and last names.
func personName(p gen.Person) string {
	return strings.TrimSpace(p.FirstName + " " + p.LastName)
}

// money formats an amount and its currency: 97.80 EUR.
func money(m gen.Money) string {
	return m.Amount.String() + " " + m.Currency
}

// capRunes cuts s to maxCertificateValue runes, ending it with "…" when
// cut.
func capRunes(s string) string {
	if r := []rune(s); len(r) > maxCertificateValue {
		return string(r[:maxCertificateValue-1]) + "…"
	}
	return s
}
