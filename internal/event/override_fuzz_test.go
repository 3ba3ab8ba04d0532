package event

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// FuzzParseOverride applies --override PATH=VALUE to an event holding arrays
// and objects: it never panics, what it builds is valid JSON, and an array
// index it accepts is a canonical non-negative decimal.
func FuzzParseOverride(f *testing.F) {
	for _, s := range []string{
		"data.items.0.q=3", "data.items.2=null", "data.items.+0=1", "data.items.00=1", "data.items.-0=1",
		"data.items.01.q=1", "data.items. 1=1", "data.items.1e0=1", "data.items.9223372036854775808=1",
		`data.a\.b={"x":[1]}`, "data.s.x=1", "=", "data.items.0", "data.+0=x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ov, err := ParseOverride(s)
		if err != nil {
			return
		}
		for _, seg := range ov.Path {
			if i, err := index(seg, 1<<30, true); err == nil && strconv.Itoa(i) != seg {
				t.Fatalf("%q taken as array index %d", seg, i)
			}
		}
		doc, _ := DecodeJSON([]byte(`{"data":{"items":[{"q":1},{"q":2}],"s":"x"}}`))
		got, err := SetPath(doc, ov.Path, ov.Value)
		if err != nil {
			return
		}
		b, err := EncodeJSON(got)
		if err != nil || !json.Valid(b) {
			t.Fatalf("override %q built %q, %v", s, b, err)
		}
		if strings.HasPrefix(s, "data.items.") && len(ov.Path) > 2 {
			if i, err := strconv.Atoi(ov.Path[2]); err == nil && strconv.Itoa(i) != ov.Path[2] {
				t.Fatalf("override %q was applied to the array", s)
			}
		}
	})
}
