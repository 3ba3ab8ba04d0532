package cli

import (
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/config"
	"github.com/petstoreapi/petstore-webhooks/internal/golden"
)

// Every command of the root sets its help heading (GroupID) where it is
// built, but those that stand under "Additional Commands": config, version,
// cobra's help and completion, and the help topics. The root's help sorts
// them under the two headings (testdata/help-root.golden).
func TestEveryCommandHasAGroup(t *testing.T) {
	f, _ := cmdtest.Factory(t, nil)
	root := NewCmdRoot(f, config.NewLoader())
	root.InitDefaultHelpCmd()
	groups := map[string]bool{}
	for _, g := range root.Groups() {
		groups[g.ID] = true
	}
	if !groups[cmdutil.GroupEvents] || !groups[cmdutil.GroupWebhooks] || len(groups) != 2 {
		t.Fatalf("the root's groups are %v, want %s and %s", root.Groups(), cmdutil.GroupEvents, cmdutil.GroupWebhooks)
	}
	ungrouped := map[string]bool{"config": true, "version": true, "help": true, "completion": true}
	for _, c := range root.Commands() {
		switch {
		case c.IsAdditionalHelpTopicCommand() || ungrouped[c.Name()]:
			if c.GroupID != "" {
				t.Errorf("%s has GroupID %q, want it under Additional Commands", c.Name(), c.GroupID)
			}
		case !groups[c.GroupID]:
			t.Errorf("%s has GroupID %q: set cmdutil.GroupEvents or cmdutil.GroupWebhooks where it is built", c.Name(), c.GroupID)
		}
	}

	help, stderr, code := run(t, nil, "--help")
	if code != cmdutil.ExitOK || stderr != "" {
		t.Fatalf("--help: exit %d, stderr %q", code, stderr)
	}
	golden.Assert(t, "help-root", []byte(help))
	golden.AssertFits(t, help, 80)
}
