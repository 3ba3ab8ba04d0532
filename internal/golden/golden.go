// Package golden compares what a test rendered with a file under the test's
// testdata/ directory, and checks that what a person sees fits a terminal.
// `go test ./... -update` rewrites the files from what the tests render.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/ from what the tests render")

// Assert fails t when got differs from testdata/<name>.golden; with -update
// it writes got there instead.
func Assert(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what was rendered (run with -update to accept, then review the diff)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

var ansiEscape = regexp.MustCompile("\x1b\\[[0-9;]*[A-Za-z]")

// columns measures text with go-runewidth, apart from the x/ansi the
// renderings measure with, so that a test checks them rather than repeats
// them; East Asian ambiguous characters (…, ·) are one column, whatever the
// locale.
var columns = &runewidth.Condition{}

// Width is how many columns s takes on a terminal, its colour escapes left
// out: wide characters and emoji take two, combining marks and joiners none.
func Width(s string) int {
	return columns.StringWidth(ansiEscape.ReplaceAllString(s, ""))
}

// headerLine is a line that shows a request's header, as listen --verbose
// and events show do on a terminal: its name, faint, then its value.
var headerLine = regexp.MustCompile("^ *\x1b\\[2m[^\x1b ]+:\x1b\\[0m ")

// AssertFits fails t for each line of text wider than columns. The limit is
// for the tool's own layout: a header's line (see headerLine; the text must
// be coloured) is exempt, as header values are data to copy, shown whole (a
// signature is 71 columns and more).
func AssertFits(t testing.TB, text string, columns int) {
	t.Helper()
	for i, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if w := Width(line); w > columns && !headerLine.MatchString(line) {
			t.Errorf("line %d is %d columns, more than %d:\n%s", i+1, w, columns, line)
		}
	}
}

// Plain is s without its colour escapes, for comparing the layout of a
// coloured rendering with an uncoloured one.
func Plain(s string) string { return ansiEscape.ReplaceAllString(s, "") }
