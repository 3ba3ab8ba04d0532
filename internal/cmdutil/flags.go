package cmdutil

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// RenamedFlag keeps old, a flag's former name, as a hidden alias of the
// flag now named current: using it sets the same value and warns on stderr;
// giving both names is a usage error.
// (cobra's MarkDeprecated writes its warning to stdout, into what a script
// captures.) Call it once current and cmd.RunE are defined.
func RenamedFlag(cmd *cobra.Command, stderr io.Writer, old, current string) {
	f := cmd.Flags().Lookup(current)
	cmd.Flags().AddFlag(&pflag.Flag{Name: old, Value: f.Value, DefValue: f.DefValue, NoOptDefVal: f.NoOptDefVal, Usage: "renamed --" + current, Hidden: true})
	runE := cmd.RunE
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if c.Flags().Changed(old) && c.Flags().Changed(current) {
			return FlagErrorf("--%s is the old name of --%s: give --%s only", old, current, current)
		}
		if c.Flags().Changed(old) {
			fmt.Fprintf(stderr, "warning: --%s is now --%s; the old name will go away\n", old, current)
		}
		return runE(c, args)
	}
}
