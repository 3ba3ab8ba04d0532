package event

import (
	"fmt"
	"path"
	"strings"
)

// TypeFilter selects events by type: globs as `--events` takes them,
// comma-separated. Each glob is read as path.Match reads it: * is any run of
// characters (dots too, not /), ? is one character, [a-z] and [^a-z] are
// classes, \ makes the next character literal; the match is case-sensitive
// and covers the whole type. An empty filter selects every event; a filter
// never matches an empty event type. listen, events list (in SQL, through the
// same function) and forward targets all match with it; what each does with
// a request that is no event is its own: listen shows it whatever the filter
// (it is what a developer debugs), events list with a filter and a forward
// with globs leave it out.
type TypeFilter []string

// ParseTypeFilter reads comma-separated globs.
func ParseTypeFilter(s string) (TypeFilter, error) {
	var f TypeFilter
	for _, g := range strings.Split(s, ",") {
		if g = strings.TrimSpace(g); g == "" {
			continue
		}
		if _, err := path.Match(g, ""); err != nil {
			return nil, fmt.Errorf("bad glob %q", g)
		}
		f = append(f, g)
	}
	return f, nil
}

// MatchType reports whether eventType matches glob (see TypeFilter).
func MatchType(glob, eventType string) bool {
	if eventType == "" {
		return false
	}
	ok, _ := path.Match(glob, eventType)
	return ok
}

// Match reports whether the filter selects events of eventType.
func (f TypeFilter) Match(eventType string) bool {
	if len(f) == 0 {
		return true
	}
	for _, g := range f {
		if MatchType(g, eventType) {
			return true
		}
	}
	return false
}
