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
// edit distance (an adjacent swap is one edit) when it is small (at most 2, or a fifth of the longer name,
// and less than half of what was typed), else those that start with it; at
// most three, in the candidates' order.
func Nearest(typed string, candidates []string) []string {
	typed = strings.ToLower(typed)
	if typed == "" {
		return nil
	}
	best, near := -1, []string(nil)
	for _, c := range candidates {
		limit := max(2, max(len(typed), len(c))/5)
		if abs(len(typed)-len(c)) > limit {
			continue // the distance is at least the difference in length
		}
		d := editDistance(typed, strings.ToLower(c))
		if d > limit || 2*d >= len(typed) {
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

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// editDistance is the optimal string alignment distance between a and b,
// in bytes: Levenshtein's insertions, deletions and substitutions, and a
// swap of two adjacent letters ("lsit" for "list") as one edit.
func editDistance(a, b string) int {
	rows := make([][]int, len(a)+1)
	for i := range rows {
		rows[i] = make([]int, len(b)+1)
		rows[i][0] = i
	}
	for j := range rows[0] {
		rows[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(rows[i-1][j]+1, rows[i][j-1]+1, rows[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, rows[i-2][j-2]+1)
			}
			rows[i][j] = d
		}
	}
	return rows[len(a)][len(b)]
}

// DidYouMean is the line that offers names: "Did you mean a?", "Did you
// mean a or b?"; "" for none.
func DidYouMean(names []string) string {
	if hint := didYouMean(names); hint != "" {
		return "D" + hint[1:]
	}
	return ""
}

// didYouMean is DidYouMean's question within a sentence: "did you mean a?".
func didYouMean(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("did you mean %s?", names[0])
	}
	return fmt.Sprintf("did you mean %s or %s?", strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
}

// NameFew names the first n of items, each shown by show, and counts the
// rest: "a, b, c and 4 more"; all of them when there are n or fewer.
func NameFew(items []string, n int, show func(string) string) string {
	named := make([]string, 0, min(len(items), n))
	for _, item := range items[:min(len(items), n)] {
		named = append(named, show(item))
	}
	text := strings.Join(named, ", ")
	if len(items) > n {
		text += fmt.Sprintf(" and %d more", len(items)-n)
	}
	return text
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
		Err:  fmt.Errorf("unknown command %s for %q", Quote(name), cmd.CommandPath()),
		Hint: DidYouMean(Nearest(name, names)),
	}
}

// UnknownEventTypeError is the usage error for an event type that no
// fixture has: the nearest ones as its hint, or all of them when none is near.
func UnknownEventTypeError(typed string, known []string) *FlagError {
	if near := Nearest(typed, known); len(near) > 0 {
		return &FlagError{Err: fmt.Errorf("unknown event type %s", Quote(typed)), Hint: DidYouMean(near)}
	}
	return &FlagError{Err: fmt.Errorf("unknown event type %s (known: %s)", Quote(typed), strings.Join(known, ", "))}
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

// maxUnmatchedLines is how many globs that match no known type are warned
// of a line each, with the nearest types; past it, one line names the first
// few and counts the rest.
const maxUnmatchedLines = 3

// WarnUnmatchedTypes warns on w of each of globs (given with flag) that
// matches none of the known event types, with the nearest ones: a typo
// would otherwise show or forward nothing, silently. A line per glob, or
// one line for them all when there are more than maxUnmatchedLines. It is a
// warning, not an error: an API may send types that no fixture has.
func WarnUnmatchedTypes(w io.Writer, flag string, globs []string, known []string) {
	var unmatched []string
	for _, glob := range globs {
		matched := false
		for _, t := range known {
			if event.MatchType(glob, t) {
				matched = true
				break
			}
		}
		if !matched {
			unmatched = append(unmatched, glob)
		}
	}
	if len(unmatched) > maxUnmatchedLines {
		fmt.Fprintf(w, "warning: %s %s match no known event type\n", flag, NameFew(unmatched, maxUnmatchedLines, iostreams.Escape))
		return
	}
	for _, glob := range unmatched {
		line := fmt.Sprintf("warning: %s %s matches no known event type", flag, iostreams.Escape(glob))
		if hint := didYouMean(Nearest(glob, known)); hint != "" {
			line += " (" + hint + ")"
		}
		fmt.Fprintln(w, line)
	}
}
