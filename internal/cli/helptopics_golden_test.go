package cli

import (
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/golden"
)

// The help topics, exactly, the same on a terminal and piped (the help has
// no colour): environment names every setting's variable and its key.
func TestHelpTopicsGolden(t *testing.T) {
	for _, topic := range []string{"environment", "exit-codes"} {
		piped, stderr, code := run(t, nil, "help", topic)
		if code != cmdutil.ExitOK || stderr != "" {
			t.Fatalf("help %s: exit %d, stderr %q", topic, code, stderr)
		}
		terminal, _, _ := runWith(t, nil, func(f *cmdutil.Factory, _ cmdtest.Streams) {
			f.IOStreams.SetTTY(false, true, true)
		}, "--color", "always", "help", topic)
		if terminal != piped {
			t.Errorf("help %s on a terminal differs from piped:\n%s\n---\n%s", topic, terminal, piped)
		}
		golden.Assert(t, "help-topic-"+topic, []byte(piped))
		golden.AssertFits(t, piped, 80)
	}
}
