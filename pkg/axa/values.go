package axa

import (
	"fmt"
	"time"

	"github.com/google/uuid"
)

// The values a request is built of, without a second import: dates, ids,
// and optional fields, which are pointers (write them with Go's new, which
// takes a value since Go 1.26: new("fr"), new(axa.AlertLevelHigh),
// new(int32(5000))).

// NewDate returns the date year-month-day, as the API's date fields (a
// trip's start, a birth date) take it: axa.NewDate(2027, time.March, 1), or
// axa.NewDate(2027, 3, 1). Out-of-range values are normalised as
// time.Date does (April 31 is May 1).
func NewDate(year int, month time.Month, day int) Date {
	return Date{Time: time.Date(year, month, day, 0, 0, 0, 0, time.UTC)}
}

// DateOf returns the date of t in t's location: its year, month and day,
// without the time of day.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return NewDate(y, m, d)
}

// ParseUUID parses an id of the API (a policy's, a quote's) from its text,
// such as "9d5b2c1e-4f3a-4b6d-8e7f-0a1b2c3d4e5f", read from a URL, a flag or
// a database. Its error says what was given.
func ParseUUID(s string) (UUID, error) {
	u, err := uuid.Parse(s)
	if err != nil {
		return UUID{}, fmt.Errorf("axa: %q is not a UUID: %w", s, err)
	}
	return u, nil
}
