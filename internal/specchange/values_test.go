package specchange

import (
	"bytes"
	"testing"
)

// valueEdits are the values the proof adds to existing parts of the spec:
// a value of an enum that requests and answers share (a trip type) and one
// of an enum only answers carry (a policy's status). Neither breaks a
// caller of the SDK (CONTRIBUTING.md, "The breaking-change gate"), and no
// test may need an edit for them.
func valueEdits() [][2]string {
	return [][2]string{
		{"      enum: [single_trip, annual_multi_trip]\n", "      enum: [single_trip, annual_multi_trip, multi_leg]\n"},
		{"      enum: [issued, cancelled]\n", "      enum: [issued, cancelled, suspended]\n"},
	}
}

// statusAnchor is where the proof documents one more error status of an
// operation: 410 after getPolicy's 404.
const (
	statusOperation = "      operationId: getPolicy\n"
	statusAnchor    = "        \"404\":\n          $ref: \"#/components/responses/NotFound\"\n"
	statusAdded     = "        \"410\":\n          $ref: \"#/components/responses/NotFound\"\n"
)

// growValues returns spec with valueEdits made and getPolicy's 410.
func growValues(t testing.TB, spec []byte) []byte {
	t.Helper()
	for _, e := range valueEdits() {
		if !bytes.Contains(spec, []byte(e[0])) {
			t.Fatalf("the enum %q is gone from the spec: update this test", e[0])
		}
		spec = bytes.Replace(spec, []byte(e[0]), []byte(e[1]), 1)
	}
	i := bytes.Index(spec, []byte(statusOperation))
	if i < 0 {
		t.Fatal("getPolicy is gone from the spec: update this test")
	}
	j := bytes.Index(spec[i:], []byte(statusAnchor))
	if j < 0 {
		t.Fatal("getPolicy's 404 is gone from the spec: update this test")
	}
	at := i + j + len(statusAnchor)
	return append(spec[:at:at], append([]byte(statusAdded), spec[at:]...)...)
}
