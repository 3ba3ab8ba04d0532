package cmdtest

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/golden"
	rendering "github.com/petstoreapi/petstore-webhooks/internal/render"
)

// Rendered is what a command printed: stdout, then stderr when there is any.
func Rendered(s Streams) []byte {
	out := s.Out.String()
	if s.Err.Len() > 0 {
		out += "--- stderr\n" + s.Err.String()
	}
	return []byte(out)
}

// AssertRenderings runs the command that newCmd builds three times: on a
// colour terminal (stdin piped, stdout and stderr terminals, --color
// always), on the same terminal without colour, and piped. It compares the
// first with testdata/<name>.terminal.golden and the last with
// <name>.piped.golden, checks that forced colour reaches the piped output
// and changes nothing else, that the terminal rendering fits
// render.TerminalWidth columns and that colour moves no column: the colour
// rendering without its escapes is the one without colour. It returns the
// errors of the colour terminal run and of the piped one.
func AssertRenderings(t *testing.T, name string, env Env, newCmd func(*cmdutil.Factory) *cobra.Command, args ...string) (terminalErr, pipedErr error) {
	t.Helper()
	return AssertRenderingsOf(t, name, env, func(f *cmdutil.Factory) error { return Run(newCmd(f), args...) })
}

// AssertRenderingsOf is AssertRenderings for what render prints with the
// Factory it is given: a command's printing functions, called directly.
func AssertRenderingsOf(t *testing.T, name string, env Env, render func(*cmdutil.Factory) error) (terminalErr, pipedErr error) {
	t.Helper()
	run := func(terminal bool, colour string) (Streams, error) {
		f, s := Factory(t, env)
		f.IOStreams.SetTTY(false, terminal, terminal)
		if err := f.IOStreams.SetColorMode(colour); err != nil {
			t.Fatal(err)
		}
		return s, render(f)
	}
	coloured, terminalErr := run(true, "always")
	uncoloured, _ := run(true, "never")
	piped, pipedErr := run(false, "never")
	forced, _ := run(false, "always")
	term := Rendered(coloured)
	golden.Assert(t, name+".terminal", term)
	golden.Assert(t, name+".piped", Rendered(piped))
	golden.AssertFits(t, string(term), rendering.TerminalWidth)
	if plain := golden.Plain(string(term)); plain != string(Rendered(uncoloured)) {
		t.Errorf("colour moves the columns:\n--- with colour, escapes removed\n%s--- without colour\n%s", plain, Rendered(uncoloured))
	}
	// --color always (or CLICOLOR_FORCE) colours piped output too, and the
	// colour changes nothing else.
	if plain := golden.Plain(string(Rendered(forced))); plain != string(Rendered(piped)) {
		t.Errorf("forced colour changes the piped output:\n--- with colour, escapes removed\n%s--- without colour\n%s", plain, Rendered(piped))
	}
	if strings.Contains(string(term), "\x1b[") && !strings.Contains(string(Rendered(forced)), "\x1b[") {
		t.Errorf("--color always leaves the piped output without colour:\n%s", Rendered(forced))
	}
	return terminalErr, pipedErr
}

// MainInUTC runs a package's tests with the local time zone UTC, as the
// golden files show times: call it from TestMain.
func MainInUTC(m *testing.M) {
	time.Local = time.UTC
	os.Exit(m.Run())
}
