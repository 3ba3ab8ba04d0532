package cli

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// A flag's help names one default: a usage text that says where the
// default comes from (listen --addr, trigger --url: listen_addr) must not
// also get cobra's "(default ...)" with a value that the setting overrides.
func TestEveryFlagShowsOneDefault(t *testing.T) {
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		for _, line := range strings.Split(c.LocalFlags().FlagUsages(), "\n") {
			if strings.Count(line, "default") > 1 {
				t.Errorf("%s: two defaults in %q", c.CommandPath(), strings.TrimSpace(line))
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(Tree())
}
