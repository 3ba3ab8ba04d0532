package cmdutil

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/fixtures"
	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
)

// Nearest are the candidates close to what was typed: those at the smallest
// edit distance when it is small (at most 2, or a fifth of the longer name,
// and less than half of what was typed), else those that start with it; at
// most three, in the candidates' order.
func Nearest(typed string, candidates []string) []string {
	typed = strings.ToLower(typed)
	if typed == "" {
		return nil
	}
	best, near := -1, []string(nil)
	for _, c := range candidates {
		d := editDistance(typed, strings.ToLower(c))
		if d > max(2, max(len(typed), len(c))/5) || 2*d >= len(typed) {
			continue
		}
		switch {
		case best < 0 || d < best:
			best, near = d, []string{c}
		case d == best:
			near = append(near, c)
		}
	}
	if near == nil {
		for _, c := range candidates {
			if strings.HasPrefix(strings.ToLower(c), typed) {
				near = append(near, c)
			}
		}
	}
	return near[:min(len(near), 3)]
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// DidYouMean is the line that offers names: "Did you mean a?", "Did you
// mean a or b?"; "" for none.
func DidYouMean(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("Did you mean %s?", names[0])
	}
	return fmt.Sprintf("Did you mean %s or %s?", strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
}

// UnknownCommandError is the usage error for a name that is none of cmd's
// subcommands, with the nearest ones as its hint.
func UnknownCommandError(cmd *cobra.Command, name string) *FlagError {
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	return &FlagError{
		Err:  fmt.Errorf("unknown command %q for %q", name, cmd.CommandPath()),
		Hint: DidYouMean(Nearest(name, names)),
	}
}

// UnknownEventTypeError is the usage error for an event type that no
// fixture has: the nearest ones as its hint, or all of them when none is near.
func UnknownEventTypeError(typed string, known []string) *FlagError {
	if near := Nearest(typed, known); len(near) > 0 {
		return &FlagError{Err: fmt.Errorf("unknown event type %q", typed), Hint: DidYouMean(near)}
	}
	return &FlagError{Err: fmt.Errorf("unknown event type %q (known: %s)", typed, strings.Join(known, ", "))}
}

// KnownEventTypes are the event types of the fixtures (the bundled ones and
// the user's), or of the bundled ones when the user's do not load.
func KnownEventTypes(f *Factory) []string {
	if set, err := f.Fixtures(); err == nil {
		return set.Types()
	}
	set, _ := fixtures.Load("") // the bundled set always loads
	return set.Types()
}

// WarnUnmatchedTypes warns on w, a line per glob, of each of globs (given
// with flag) that matches none of the known event types, with the nearest
// ones: a typo would otherwise show or forward nothing, silently. It is a
// warning, not an error: an API may send types that no fixture has.
func WarnUnmatchedTypes(w io.Writer, flag string, globs []string, known []string) {
	for _, glob := range globs {
		matched := false
		for _, t := range known {
			matched = matched || event.MatchType(glob, t)
		}
		if matched {
			continue
		}
		line := fmt.Sprintf("warning: %s %s matches no known event type", flag, iostreams.Escape(glob))
		if hint := DidYouMean(Nearest(glob, known)); hint != "" {
			line += " (d" + strings.TrimPrefix(hint, "D") + ")"
		}
		fmt.Fprintln(w, line)
	}
}
