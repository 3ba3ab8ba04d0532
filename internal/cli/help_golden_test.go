package cli

import (
	"strings"
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/golden"
)

// The help of three commands, as a reviewer reads it: wrapped flag
// descriptions under their column, examples broken with \, all within 80
// columns. The help has no colour, so a terminal and a pipe get the same.
func TestHelpGolden(t *testing.T) {
	for _, command := range [][]string{{"listen"}, {"trigger"}, {"events", "list"}} {
		args := append(command, "--help")
		piped, stderr, code := run(t, nil, args...)
		if code != cmdutil.ExitOK || stderr != "" {
			t.Fatalf("%q: exit %d, stderr %q", args, code, stderr)
		}
		terminal, _, _ := runWith(t, nil, func(f *cmdutil.Factory, _ cmdtest.Streams) {
			f.IOStreams.SetTTY(false, true, true)
		}, append([]string{"--color", "always"}, args...)...)
		if terminal != piped {
			t.Errorf("%q: the help on a terminal differs from piped:\n%s\n---\n%s", args, terminal, piped)
		}
		golden.Assert(t, "help-"+strings.Join(command, "-"), []byte(piped))
		golden.AssertFits(t, piped, 80)
	}
}
