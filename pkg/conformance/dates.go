package conformance

import (
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// relativeDateExt marks a `format: date` property whose example is relative
// to the day it is used, as a trip's start and end are: an example written
// in 2026 must still be a valid request in 2030. The run moves every such
// date of a request by the same number of days, so that the earliest is
// tomorrow and their distances stay as the spec wrote them.
const relativeDateExt = "x-relative-date"

// dateLayout is the RFC 3339 full-date of `format: date`.
const dateLayout = time.DateOnly

// shiftRelativeDates moves the relative dates of body (a decoded JSON value
// valid for s) so that the earliest is the day after today; body is changed
// in place and returned. Values that are not dates are left alone.
func shiftRelativeDates(s *openapi3.SchemaRef, body any, today time.Time) any {
	var found []dateSlot
	collectRelativeDates(s, body, 0, &found)
	if len(found) == 0 {
		return body
	}
	earliest := found[0].day
	for _, f := range found[1:] {
		if f.day.Before(earliest) {
			earliest = f.day
		}
	}
	y, m, d := today.Date()
	tomorrow := time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
	days := int(tomorrow.Sub(earliest).Hours() / 24)
	for _, f := range found {
		f.set(f.day.AddDate(0, 0, days).Format(dateLayout))
	}
	return body
}

// dateSlot is one relative date of a body: its day and how to replace it.
type dateSlot struct {
	day time.Time
	set func(string)
}

// collectRelativeDates appends the relative dates of v, a value of s.
func collectRelativeDates(ref *openapi3.SchemaRef, v any, depth int, out *[]dateSlot) {
	if ref == nil || ref.Value == nil || depth > maxDepth {
		return
	}
	s := ref.Value
	for _, sub := range s.AllOf {
		collectRelativeDates(sub, v, depth+1, out)
	}
	switch v := v.(type) {
	case map[string]any:
		for name, prop := range s.Properties {
			val, ok := v[name]
			if !ok {
				continue
			}
			if text, isText := val.(string); isText && prop.Value != nil && prop.Value.Extensions[relativeDateExt] == true {
				if day, err := time.Parse(dateLayout, text); err == nil {
					*out = append(*out, dateSlot{day: day, set: func(s string) { v[name] = s }})
				}
				continue
			}
			collectRelativeDates(prop, val, depth+1, out)
		}
	case []any:
		for _, item := range v {
			collectRelativeDates(s.Items, item, depth+1, out)
		}
	}
}
