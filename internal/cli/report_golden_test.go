package cli

import (
	"errors"
	"testing"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
)

// TestErrorRenderings: an error, a usage error with its hint and where to
// read the usage, a declined prompt, an interrupt, and an exit code with
// nothing to say. An error is one line, as long as what it says: a
// terminal wraps it, and a log keeps it whole for grep.
func TestErrorRenderings(t *testing.T) {
	trigger := &cobra.Command{Use: "trigger"}
	root := &cobra.Command{Use: "petstore-webhooks"}
	root.AddCommand(trigger)
	for name, err := range map[string]error{
		"error":       errors.New("webhook wh_nope not found (404): 'petstore-webhooks list' shows the webhooks"),
		"usage-error": &cmdutil.FlagError{Err: errors.New(`unknown event type "pet.adoptd"`), Hint: "Did you mean pet.adopted?"},
		"declined":    &cmdutil.DeclinedError{Kept: "Kept wh_fYrZzCW9E1WIOyGw; nothing deleted."},
		"interrupted": cmdutil.ErrCancel,
		"exit-only":   cmdutil.Exit(cmdutil.ExitNon2xx, nil),
	} {
		t.Run(name, func(t *testing.T) {
			cmdtest.AssertRenderingsOf(t, "error-"+name, nil, func(f *cmdutil.Factory) error {
				reportError(f.IOStreams, trigger, err)
				return nil
			})
		})
	}
}
