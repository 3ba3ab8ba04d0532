package event

import (
	"slices"
	"testing"
)

func TestParseTypeFilter(t *testing.T) {
	for in, want := range map[string]TypeFilter{
		"":                       nil,
		" , ":                    nil,
		"pet.*":                  {"pet.*"},
		"pet.*, order.created,":  {"pet.*", "order.created"},
		`pet.\*,[op]*,[^p]*,?.?`: {`pet.\*`, "[op]*", "[^p]*", "?.?"},
	} {
		got, err := ParseTypeFilter(in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ParseTypeFilter(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"pet.[":   `bad glob "pet.["`,
		"pet.*,[": `bad glob "["`,
		`pet.\`:   `bad glob "pet.\\"`,
		"[]a]":    `bad glob "[]a]"`,
	} {
		if _, err := ParseTypeFilter(in); err == nil || err.Error() != want {
			t.Errorf("ParseTypeFilter(%q): %v, want %s", in, err, want)
		}
	}
	if f := (TypeFilter{"pet.*", "order.created"}); !f.Match("pet.adopted") || !f.Match("order.created") || f.Match("order.status_changed") || f.Match("") {
		t.Error("a filter matches the wrong types")
	}
	if !TypeFilter(nil).Match("anything") || !TypeFilter(nil).Match("") {
		t.Error("an empty filter must select everything")
	}
}
