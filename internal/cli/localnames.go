package cli

import (
	"encoding/json"
	"strings"
)

// localNamer names a problem's location as the user gave it: a flag
// (--from), an argument, or a field of a file (policy_holder.email);
// false for a location the command does not name, which is said as a
// field of the request.
type localNamer func(loc string) (string, bool)

// namesOf returns the namer of a command's locations: names maps a spec
// location (path/country_id, body/travellers) to the flag or argument
// that gave it; an item of an array, or a field within, is named as the
// array.
func namesOf(names map[string]string) localNamer {
	return func(loc string) (string, bool) {
		for l := loc; l != ""; {
			if n, ok := names[l]; ok {
				return n, true
			}
			i := strings.LastIndexByte(l, '/')
			if i < 0 {
				break
			}
			l = l[:i]
		}
		return "", false
	}
}

// jsonValue is v as decoded JSON (maps, slices, float64...), as the local
// check takes a body: v marshalled and read back.
func jsonValue(v any) (any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	return out, nil
}
