package store

import (
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/event"
)

// The same --events filter selects the same events in `listen` (which
// matches with event.TypeFilter) and in `events list` (which asks SQL): the
// edge cases where SQLite's GLOB and Go's path.Match differ included.
func TestTypeFilterSelectsTheSameInSQLAndGo(t *testing.T) {
	types := []string{"pet.adopted", "pet.status_changed", "pet.a.b", "petx", "order.created", "Pet.adopted", "pet.*", `pet.\x`, "a/b", "é", ""}
	tests := []struct {
		filter string
		want   []string
	}{
		{"", types},
		{"pet.*", []string{"pet.adopted", "pet.status_changed", "pet.a.b", "pet.*", `pet.\x`}},                                          // * runs over dots
		{"*", []string{"pet.adopted", "pet.status_changed", "pet.a.b", "petx", "order.created", "Pet.adopted", "pet.*", `pet.\x`, "é"}}, // not over /, and never a request with no type
		{"Pet.*", []string{"Pet.adopted"}},       // case counts
		{"pet.?dopted", []string{"pet.adopted"}}, // ? is one character
		{"?", []string{"é"}},                     // one character, not one byte
		{"[op]*", []string{"pet.adopted", "pet.status_changed", "pet.a.b", "petx", "order.created", "pet.*", `pet.\x`}},
		{"[^p]*", []string{"order.created", "Pet.adopted", "é"}}, // [^...] negates; * stops at / (a/b)
		{`pet.\*`, []string{"pet.*"}},                                        // \ escapes
		{"*.created, pet.adopted", []string{"pet.adopted", "order.created"}}, // a list, spaces trimmed
		{"a*", nil},
	}
	st := openHistory(t, filepath.Join(t.TempDir(), "history.db"))
	var reqs []*Request
	for _, typ := range types {
		reqs = append(reqs, &Request{ReceivedAt: time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC), EventType: typ, Method: "POST", Path: "/webhooks", Header: http.Header{}, Body: []byte("{}"), Status: 200})
	}
	if _, err := st.RecordRequests(ctx, reqs, make([][]string, len(reqs))); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		f, err := event.ParseTypeFilter(tt.filter)
		if err != nil {
			t.Fatalf("%q: %v", tt.filter, err)
		}
		var inGo []string
		for _, typ := range types {
			if f.Match(typ) {
				inGo = append(inGo, typ)
			}
		}
		rows, err := st.ListRequests(ctx, RequestFilter{Types: f})
		if err != nil {
			t.Fatal(err)
		}
		var inSQL []string
		for _, r := range slices.Backward(rows) { // newest first
			inSQL = append(inSQL, r.EventType)
		}
		if !slices.Equal(inGo, tt.want) || !slices.Equal(inSQL, tt.want) {
			t.Errorf("--events %q selects %q in Go and %q in SQL, want %q", tt.filter, inGo, inSQL, tt.want)
		}
	}
}

// A filter of thousands of globs is one argument of one SQL call: SQLite
// limits the depth of an expression, and an OR per glob failed at ~1000.
func TestTypeFilterOfThousandsOfGlobs(t *testing.T) {
	st := openHistory(t, filepath.Join(t.TempDir(), "history.db"))
	var reqs []*Request
	for _, typ := range []string{"pet.adopted", "order.created", "pet.sold"} {
		reqs = append(reqs, &Request{ReceivedAt: time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC), EventType: typ, Method: "POST", Path: "/webhooks", Header: http.Header{}, Body: []byte("{}"), Status: 200})
	}
	if _, err := st.RecordRequests(ctx, reqs, make([][]string, len(reqs))); err != nil {
		t.Fatal(err)
	}
	var f event.TypeFilter
	for i := range 2000 {
		f = append(f, fmt.Sprintf("t%d.*", i))
	}
	f = append(f, "pet.adopt*", "order.c?eated")
	rows, err := st.ListRequests(ctx, RequestFilter{Types: f})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.EventType)
	}
	if want := []string{"order.created", "pet.adopted"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
