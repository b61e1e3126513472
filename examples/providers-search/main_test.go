package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/axa-assistance-go/axa/pkg/axa"
)

func noEnv(string) string { return "" }

var paris = axa.SearchMedicalProvidersParams{Lat: 48.8566, Lng: 2.3522}

func TestRunOffline(t *testing.T) {
	var out strings.Builder
	if err := run(t.Context(), &out, noEnv, paris); err != nil {
		t.Fatal(err)
	}
	want := `   357 m  hospital             Hôtel-Dieu de Paris, Paris (AXA preferred)
  1032 m  hospital             Hôpital Belleville, Paris (AXA preferred)
  1937 m  clinic               Clinique Saint-Germain, Paris (AXA preferred)
  4628 m  pharmacy             Pharmacie Bastille, Paris (AXA preferred)
4 providers
`
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestRunOneKind(t *testing.T) {
	search := paris
	search.Kind = ptr(axa.ProviderKindIDPharmacy)
	var out strings.Builder
	if err := run(t.Context(), &out, noEnv, search); err != nil {
		t.Fatal(err)
	}
	want := "  4628 m  pharmacy             Pharmacie Bastille, Paris (AXA preferred)\n1 providers\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestRunUnknownKind(t *testing.T) {
	search := paris
	search.Kind = ptr(axa.ProviderKindID("nope"))
	if err := run(t.Context(), &strings.Builder{}, noEnv, search); !errors.Is(err, axa.ErrValidation) {
		t.Errorf("got %v, want ErrValidation", err)
	}
}
