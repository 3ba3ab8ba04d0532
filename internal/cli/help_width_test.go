package cli

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/golden"
)

// Every help screen fits an 80-column terminal: the root's, each command's
// --help (flags, examples, long descriptions) and the help topics. Lines of
// up to 244 columns wrapped into a jumble.
func TestEveryHelpFits80Columns(t *testing.T) {
	var screens [][]string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		path := strings.Fields(c.CommandPath())[1:]
		if c.Runnable() || c.HasSubCommands() {
			screens = append(screens, append(path, "--help"))
		} else {
			screens = append(screens, append([]string{"help"}, path...))
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(Tree())
	for _, args := range screens {
		stdout, stderr, code := run(t, nil, args...)
		if code != cmdutil.ExitOK || stderr != "" || stdout == "" {
			t.Errorf("%q: exit %d, stderr %q, stdout %q", args, code, stderr, stdout)
			continue
		}
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			golden.AssertFits(t, stdout, 80)
			// A tab takes up to 8 columns, which Width counts as one.
			if strings.Contains(stdout, "\t") {
				t.Errorf("a tab in the help:\n%s", stdout)
			}
		})
	}
}
