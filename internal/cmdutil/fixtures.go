package cmdutil

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/fixtures"
)

// CompleteEventTypes completes event type names with their descriptions,
// from the fixtures that load returns.
func CompleteEventTypes(load func() (*fixtures.Set, error)) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		set, err := load()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		var out []cobra.Completion
		list, _ := set.List()
		for _, fx := range list {
			if c, ok := Completion(fx.EventType, fx.Description); ok {
				out = append(out, c)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// FixtureError is the error of fixtures.Set.Get as commands return it: an
// unknown event type is a usage error that offers the nearest ones, a bad
// user file names the file.
func FixtureError(err error) error {
	var ut *fixtures.UnknownTypeError
	if errors.As(err, &ut) {
		return UnknownEventTypeError(ut.EventType, ut.Known)
	}
	return err
}
