package iostreams

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Width is how many columns s takes on a terminal (colour escapes take none,
// wide characters two).
func Width(s string) int { return ansi.StringWidth(s) }

// Truncate is s cut to at most width columns, its end replaced by "…" when
// it was cut. Escape s first: a cut value from outside must not wrap the line.
func Truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, "…")
}

// TruncateStart is s cut to at most width columns from its start, which is
// replaced by "…" when it was cut: for values whose end tells them apart.
func TruncateStart(s string, width int) string {
	if width <= 0 {
		return ""
	}
	w := ansi.StringWidth(s)
	if w <= width {
		return s
	}
	// A cut inside a wide character or an emoji cluster keeps it whole (a
	// column too many): cut one column more until it fits.
	for n := w - width + 1; ; n++ {
		if t := ansi.TruncateLeft(s, n, "…"); ansi.StringWidth(t) <= width {
			return t
		}
	}
}

// Pad is s cut to width columns (see Truncate), then filled with spaces to
// width: a column that stays aligned whatever its value.
func Pad(s string, width int) string {
	if width <= 0 {
		return ""
	}
	w := ansi.StringWidth(s)
	if w > width {
		s = ansi.Truncate(s, width, "…")
		w = ansi.StringWidth(s) // a wide character cut leaves a column less
	}
	return s + strings.Repeat(" ", width-w)
}
