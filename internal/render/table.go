// Package render turns results into text for people and JSON for scripts.
package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
)

// TerminalWidth is how many columns a line may take on a terminal: listen's
// lines, trigger's, and tables.
const TerminalWidth = 80

// Cell is one table cell: plain text, already escaped, and the style to colour it with once the columns are laid
// out (nil for none).
type Cell struct {
	Text  string
	Style func(string) string
	Elide Elision // which end gives way when the cell is cut; Fixed: the column's
}

// Elision says which end of a cell too wide for its column gives way to "…".
type Elision int

const (
	// Fixed cells are cut only when nothing else is left to shrink.
	Fixed Elision = iota
	// ElideEnd keeps the start: URLs, descriptions, lists.
	ElideEnd
	// ElideStart keeps the end: errors, whose cause comes last.
	ElideStart
)

// Table prints rows aligned in columns on a terminal, within TerminalWidth,
// and as tab-separated values without a header when piped, for cut and awk.
// Widths are measured on the plain text; colour is added after layout.
type Table struct {
	w        io.Writer
	terminal bool
	width    int
	header   []string
	elide    map[int]Elision
	order    []int // the columns that may be elided, the first to give way first
	rows     [][]Cell
	empty    string
}

// NewTable starts a table on ios.Out with a header shown only on a terminal.
func NewTable(ios *iostreams.IOStreams, header ...string) *Table {
	return &Table{w: ios.Out, terminal: ios.IsStdoutTTY(), width: TerminalWidth, header: header, elide: map[int]Elision{}}
}

// Elide lets column col (from 0) be cut, at the end e says, to fit the
// terminal; the columns named first give way first.
func (t *Table) Elide(col int, e Elision) {
	t.elide[col] = e
	t.order = append(t.order, col)
}

// Empty is the line a terminal shows instead of a table without rows.
func (t *Table) Empty(line string) { t.empty = line }

// Row adds a row of plain cells.
func (t *Table) Row(cells ...string) {
	row := make([]Cell, len(cells))
	for i, c := range cells {
		row[i] = Cell{Text: c}
	}
	t.rows = append(t.rows, row)
}

// StyledRow adds a row whose cells may carry a style.
func (t *Table) StyledRow(cells ...Cell) { t.rows = append(t.rows, cells) }

// Render writes the table.
func (t *Table) Render() error {
	var b strings.Builder
	if !t.terminal {
		for _, r := range t.rows {
			for i, c := range r {
				if i > 0 {
					b.WriteByte('\t')
				}
				b.WriteString(styled(c, c.Text))
			}
			b.WriteByte('\n')
		}
		_, err := io.WriteString(t.w, b.String())
		return err
	}
	if len(t.rows) == 0 && t.empty != "" {
		_, err := fmt.Fprintln(t.w, t.empty)
		return err
	}
	rows := t.rows
	if len(t.header) > 0 {
		head := make([]Cell, len(t.header))
		for i, h := range t.header {
			head[i] = Cell{Text: h}
		}
		rows = append([][]Cell{head}, rows...)
	}
	widths := t.layout(rows)
	for _, r := range rows {
		line := ""
		for i, c := range r {
			e := c.Elide
			if e == Fixed {
				e = t.elide[i]
			}
			text := Fit(c.Text, widths[i], e)
			pad := widths[i] - iostreams.Width(text)
			line += styled(c, text)
			if i < len(r)-1 {
				line += strings.Repeat(" ", pad+gap)
			}
		}
		b.WriteString(strings.TrimRight(line, " "))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(t.w, b.String())
	return err
}

const gap = 2 // spaces between columns

// styled is text, a cell's text or the part of it that fits, in the cell's
// style. Piped, a style colours only when colour was forced (--color always,
// CLICOLOR_FORCE): the palette decides.
func styled(c Cell, text string) string {
	if c.Style == nil {
		return text
	}
	return c.Style(text)
}

// layout gives each column the width of its widest cell; then, while the
// table is wider than the terminal, cuts the columns that may be elided,
// the widest first, down to 24 columns; then each of them, in the order
// Elide named them, down to 10; and last the widest column of all, down to
// 3. No column is cut narrower than its header.
func (t *Table) layout(rows [][]Cell) []int {
	var widths, all []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths, all = append(widths, 0), append(all, i)
			}
			widths[i] = max(widths[i], iostreams.Width(c.Text))
		}
	}
	over := gap*(len(widths)-1) - t.width
	for _, w := range widths {
		over += w
	}
	shrink := func(cols []int, least int) {
		for over > 0 {
			widest := -1
			for _, i := range cols {
				floor := least
				if i < len(t.header) {
					floor = max(floor, iostreams.Width(t.header[i]))
				}
				if widths[i] > floor && (widest < 0 || widths[i] > widths[widest]) {
					widest = i
				}
			}
			if widest < 0 {
				return
			}
			widths[widest]--
			over--
		}
	}
	shrink(t.order, 24)
	for _, col := range t.order {
		shrink([]int{col}, 10)
	}
	shrink(all, 3)
	return widths
}

// Fit cuts text to width columns, with … where it was cut.
func Fit(text string, width int, e Elision) string {
	if e == ElideStart {
		return iostreams.TruncateStart(text, width)
	}
	return iostreams.Truncate(text, width)
}

// TableTime is a time as tables show it on a terminal, in 12 columns at
// most, like ls: the time of day today, the day and minute this year, the
// date before.
func TableTime(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	switch {
	case t.YearDay() == now.YearDay() && t.Year() == now.Year():
		return t.Format("15:04:05")
	case t.Year() == now.Year():
		return t.Format("Jan 02 15:04")
	}
	return t.Format("2006-01-02")
}

// JSONLine writes v as one line of JSON.
func JSONLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
