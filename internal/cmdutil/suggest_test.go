package cmdutil

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestNearestOffersOnlyCloseNames(t *testing.T) {
	events := []string{"order.created", "order.status_changed", "payment.failed", "payment.succeeded", "pet.adopted", "pet.status_changed"}
	commands := []string{"bash", "fish", "powershell", "zsh", "list", "get", "set", "unset", "trigger", "test"}
	tests := []struct {
		typed      string
		candidates []string
		want       []string
	}{
		{"pet.adoptd", events, []string{"pet.adopted"}},
		{"PET.ADOPTED", events, []string{"pet.adopted"}},
		{"order.create", events, []string{"order.created"}},
		{"payment.suceeded", events, []string{"payment.succeeded"}},
		{"payment", events, []string{"payment.failed", "payment.succeeded"}},
		{"pet.sold", events, nil},
		{"frobnicate", commands, nil},
		{"tcsh", commands, nil},
		{"trigr", commands, []string{"trigger"}},
		{"lst", commands, []string{"list"}},
		{"tst", commands, []string{"test"}},
		{"ge", commands, []string{"get"}},
		{"", commands, nil},
	}
	root := []string{"events", "fixtures", "listen", "sign", "trigger", "verify", "delete", "deliveries", "emulator", "get", "list", "register", "test", "update", "completion", "config", "help", "version"}
	subcommands := []string{"list", "prune", "resend", "show"}
	tests = append(tests, []struct {
		typed      string
		candidates []string
		want       []string
	}{
		// An adjacent swap is one edit, the commonest typo.
		{"lsit", root, []string{"list"}},
		{"tset", root, []string{"test"}},
		{"gte", root, []string{"get"}},
		{"listne", root, []string{"listen"}},
		{"trigegr", root, []string{"trigger"}},
		{"shwo", subcommands, []string{"show"}},
		{"prnue", subcommands, []string{"prune"}},
		{"pet.adoptd", subcommands, nil},
		{"xyzzy", root, nil},
		{"qq", root, nil},
		{"foo", root, nil},
		{"banana", root, nil},
	}...)
	for _, tt := range tests {
		if got := Nearest(tt.typed, tt.candidates); !slices.Equal(got, tt.want) {
			t.Errorf("Nearest(%q) = %q, want %q", tt.typed, got, tt.want)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	for names, want := range map[string]string{
		"":      "",
		"a":     "Did you mean a?",
		"a b":   "Did you mean a or b?",
		"a b c": "Did you mean a, b or c?",
	} {
		if got := DidYouMean(strings.Fields(names)); got != want {
			t.Errorf("DidYouMean(%q) = %q, want %q", names, got, want)
		}
	}
}

// Globs that match no known type are warned of a line each, with the
// nearest type, when they are few; 2000 of them make one line naming the
// first three and counting the rest (they made 2000 lines).
func TestWarnUnmatchedTypesIsBounded(t *testing.T) {
	known := []string{"order.created", "pet.adopted"}
	many := []string{"pet.*"}
	for i := range 2000 {
		many = append(many, fmt.Sprintf("acme.%d", i))
	}
	for _, tc := range []struct {
		globs []string
		want  string
	}{
		{[]string{"pet.adoptd", "order.*"}, "warning: --events pet.adoptd matches no known event type (did you mean pet.adopted?)\n"},
		{[]string{"acme.*", "pet.adoptd"}, "warning: --events acme.* matches no known event type\n" +
			"warning: --events pet.adoptd matches no known event type (did you mean pet.adopted?)\n"},
		{many, "warning: --events acme.0, acme.1, acme.2 and 1997 more match no known event type\n"},
		{[]string{"pet.*", "order.created"}, ""},
	} {
		var b strings.Builder
		WarnUnmatchedTypes(&b, "--events", tc.globs, known)
		if b.String() != tc.want {
			t.Errorf("%d globs:\n%s\nwant\n%s", len(tc.globs), b.String(), tc.want)
		}
	}
}

// NameFew names up to n items and counts the rest.
func TestNameFew(t *testing.T) {
	quote := func(s string) string { return `"` + s + `"` }
	for _, tt := range []struct {
		items []string
		want  string
	}{
		{[]string{"a"}, `"a"`},
		{[]string{"a", "b", "c"}, `"a", "b", "c"`},
		{[]string{"a", "b", "c", "d", "e"}, `"a", "b", "c" and 2 more`},
	} {
		if got := NameFew(tt.items, 3, quote); got != tt.want {
			t.Errorf("NameFew(%q, 3) = %s, want %s", tt.items, got, tt.want)
		}
	}
}
