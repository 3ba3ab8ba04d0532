package cli

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/spf13/pflag"
)

// wrapFlagUsages is pflag's list of flags with each description wrapped to
// columns, its continuation lines under the description column. pflag's own
// FlagUsagesWrapped leaves a word longer than a line (a path, a URL form)
// sticking out, and stops a line 5 columns short to avoid orphans.
func wrapFlagUsages(fs *pflag.FlagSet, columns int) string {
	// Unwrapped, pflag starts every description at one column and indents
	// the lines of a description that has several under it.
	lines := strings.Split(strings.TrimRight(fs.FlagUsagesWrapped(0), "\n"), "\n")
	column := descriptionColumn(lines)
	if column < 0 {
		return fs.FlagUsagesWrapped(0)
	}
	indent := strings.Repeat(" ", column)
	var b strings.Builder
	for _, line := range lines {
		if len(line) <= column {
			b.WriteString(strings.TrimRight(line, " ") + "\n")
			continue
		}
		b.WriteString(line[:column])
		b.WriteString(wrapUnder(line[column:], columns-column, indent))
		b.WriteString("\n")
	}
	return b.String()
}

// descriptionColumn is where the descriptions start in pflag's unwrapped
// list: after the first flag's name and type, and the three or more spaces
// that pad them; -1 when there is no flag.
func descriptionColumn(lines []string) int {
	for _, line := range lines {
		flag := strings.TrimLeft(line, " ")
		if !strings.HasPrefix(flag, "-") {
			continue
		}
		start := len(line) - len(flag)
		gap := strings.Index(flag, "   ")
		if gap < 0 {
			return -1
		}
		return start + gap + len(flag[gap:]) - len(strings.TrimLeft(flag[gap:], " "))
	}
	return -1
}

// wrapUnder is text wrapped to width columns, its lines after the first
// starting with indent, which width does not count: a column that starts
// after indent.
func wrapUnder(text string, width int, indent string) string {
	return strings.ReplaceAll(render.Wrap(width, "", text), "\n", "\n"+indent)
}

// helpTable lays out rows of a name and its description: the names in a
// column two spaces in, the descriptions in a column two spaces after the
// longest name, wrapped to columns under it.
func helpTable(rows [][2]string, columns int) string {
	width := 0
	for _, r := range rows {
		width = max(width, utf8.RuneCountInString(r[0]))
	}
	indent := strings.Repeat(" ", 2+width+2)
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, r[0], wrapUnder(r[1], columns-len(indent), indent))
	}
	return b.String()
}

// helpParagraph is text wrapped to columns, and a blank line.
func helpParagraph(text string, columns int) string {
	return render.Wrap(columns, "", text) + "\n\n"
}
