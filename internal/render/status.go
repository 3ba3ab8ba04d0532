package render

import (
	"fmt"
	"strings"

	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
)

// StderrWidth is how many columns a status line on stderr may take:
// TerminalWidth on a terminal, no limit when it is not one (a log keeps each
// message on a line).
func StderrWidth(ios *iostreams.IOStreams) int {
	if ios.IsStderrTTY() {
		return TerminalWidth
	}
	return 0
}

// FitLines joins parts with sep, starting a new line, after indent, where
// the next part would make the line wider than width (0: no limit). A part
// wider than width (a long URL) keeps its line whole rather than be cut.
func FitLines(width int, indent, sep string, parts ...string) string {
	var b strings.Builder
	lineWidth := 0
	for i, part := range parts {
		w := iostreams.Width(part)
		switch {
		case i == 0:
		case width > 0 && lineWidth+iostreams.Width(sep)+w > width:
			b.WriteString("\n" + indent)
			lineWidth = iostreams.Width(indent)
		default:
			b.WriteString(sep)
			lineWidth += iostreams.Width(sep)
		}
		b.WriteString(part)
		lineWidth += w
	}
	return b.String()
}

// Wrap is the words of text on lines of at most width columns (0: no
// limit), each line after the first starting with indent (see FitLines).
func Wrap(width int, indent, text string) string {
	return FitLines(width, indent, " ", strings.Fields(text)...)
}

// StyleLines is text with style applied to each of its lines after their
// indent, so that no style spans a line break.
func StyleLines(text string, style func(string) string) string {
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		words := strings.TrimLeft(line, " ")
		lines[i] = line[:len(line)-len(words)] + style(words)
	}
	return strings.Join(lines, "\n")
}

// EndInterruptedLine ends the line a terminal left open when it echoed ^C
// (without a newline), so that what a command prints as it stops starts a
// line of its own. Call it only when a signal stopped the command.
func EndInterruptedLine(ios *iostreams.IOStreams) {
	if ios.IsStderrTTY() {
		fmt.Fprintln(ios.ErrOut)
	}
}
