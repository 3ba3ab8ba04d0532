// Package render turns results into text for people and JSON for scripts.
package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Table prints rows aligned in columns on a terminal, and as tab-separated
// values without a header when piped, for cut and awk.
type Table struct {
	w        io.Writer
	terminal bool
	header   []string
	rows     [][]string
}

// NewTable starts a table with a header shown only on a terminal.
func NewTable(w io.Writer, terminal bool, header ...string) *Table {
	return &Table{w: w, terminal: terminal, header: header}
}

// Row adds a row.
func (t *Table) Row(cells ...string) { t.rows = append(t.rows, cells) }

// Render writes the table.
func (t *Table) Render() error {
	if !t.terminal {
		for _, r := range t.rows {
			if _, err := fmt.Fprintln(t.w, strings.Join(r, "\t")); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(t.w, 0, 0, 2, ' ', 0)
	if len(t.header) > 0 {
		fmt.Fprintln(tw, strings.Join(t.header, "\t"))
	}
	for _, r := range t.rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// JSONLine writes v as one line of JSON.
func JSONLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
