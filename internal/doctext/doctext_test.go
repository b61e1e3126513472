package doctext

import "testing"

func TestFromMarkdown(t *testing.T) {
	link := func(code string) string {
		switch code {
		case "getPolicy":
			return "Client.GetPolicy"
		case "Money":
			return "Money"
		}
		return ""
	}
	for _, tc := range []struct{ in, want string }{
		{"no code", "no code"},
		{"A policy issued by `createPolicy`, read by `getPolicy`.", "A policy issued by createPolicy, read by [Client.GetPolicy]."},
		{"the `refund`, a `Money`", "the refund, a [Money]"},
		{"answers `409` (`trip_started`)", "answers 409 (trip_started)"},
		{"``a ` b`` and `x`", "a ' b and x"},
		{"a lone ` backtick", "a lone  backtick"},
		{"`W/\"x\"` matches", "W/\"x\" matches"},
	} {
		if got := FromMarkdown(tc.in, link); got != tc.want {
			t.Errorf("FromMarkdown(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := FromMarkdown("`getPolicy`", nil); got != "getPolicy" {
		t.Errorf("without links: %q", got)
	}
}
