package render

import (
	"maps"
	"net/http"
	"slices"
)

// HeaderField is one value of a header as machine output gives it: a
// credential's value is "****" (see Sensitive).
type HeaderField struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Masked bool   `json:"masked"`
}

// HeaderFields lists every value of h, by name in order and each name's
// values in theirs; never nil.
func HeaderFields(h http.Header) []HeaderField {
	fields := make([]HeaderField, 0, len(h))
	for _, name := range slices.Sorted(maps.Keys(h)) {
		masked := Sensitive(name)
		for _, v := range h[name] {
			if masked {
				v = "****"
			}
			fields = append(fields, HeaderField{Name: name, Value: v, Masked: masked})
		}
	}
	return fields
}
