package relay

import "testing"

// A target's globs are listen's --events globs: a list, matched by
// event.TypeFilter.
func TestTargetGlobsAreTypeFilters(t *testing.T) {
	target, err := ParseTarget("pet.*,order.created=3000")
	if err != nil || target.Glob != "pet.*,order.created" || target.URL != "http://localhost:3000" {
		t.Fatalf("ParseTarget = %+v, %v", target, err)
	}
	for typ, want := range map[string]bool{"pet.adopted": true, "pet.a.b": true, "order.created": true, "order.status_changed": false, "": false} {
		if target.Matches(typ) != want {
			t.Errorf("Matches(%q) = %v, want %v", typ, !want, want)
		}
	}
	if _, err := ParseTarget(",=3000"); err == nil || err.Error() != `forward target ",=3000": empty event glob before =` {
		t.Errorf("ParseTarget(,=3000): %v", err)
	}
}
