package testutil_test

import (
	"reflect"
	"testing"

	"github.com/axa-assistance-go/axa/internal/testutil"
)

func TestParseCodeBlocks(t *testing.T) {
	md := "# Title\n\n```sh\ngo run ./cmd/axa countries\n```\n\n## Install\n\nText with ``` inside.\n\n" +
		"   ```go\n   func main() {}\n   ```\n### Deeper\n```\n\n```\n"
	got, ok := testutil.ParseCodeBlocks(md)
	if !ok {
		t.Fatal("reported an unclosed block")
	}
	want := []testutil.CodeBlock{
		{Info: "sh", Section: "Title", Line: 3, Text: "go run ./cmd/axa countries\n"},
		{Info: "go", Section: "Install", Line: 11, Text: "func main() {}\n"},
		{Info: "", Section: "Deeper", Line: 15, Text: "\n"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if _, ok := testutil.ParseCodeBlocks("```sh\nmake check\n"); ok {
		t.Error("an unclosed block is reported closed")
	}
}
